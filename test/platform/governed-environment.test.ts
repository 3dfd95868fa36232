import { TAG_KEYS, REQUIRED_TAG_KEYS } from '../../constructs/governance/tags';
import { CONTENT_FILTERS } from '../../constructs/primitives/guardrail';
import { ENDPOINT_SERVICES } from '../../constructs/platform/interface-endpoints';
import { PlatformStack } from '../../stacks/platform-stack';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { asArray, DEPLOYER, environment, envProps, MODELS, only, resources, serviceProps, statements, synth, testApp, testStack, type TfJson } from '../support';

/** Another VPC, for a second environment of the same app. */
const OTHER_VPC = { vpcId: 'vpc-0def98765432', privateSubnetIds: ['subnet-0ccc55556666'] };

let dev: TfJson;
let prod: TfJson;

beforeAll(() => {
  const devStack = testStack();
  environment(devStack);
  dev = synth(devStack);
  const prodStack = testStack(testApp(), 'prod');
  environment(prodStack, { name: 'prod', tier: 'production', kubernetes: undefined });
  prod = synth(prodStack);
});

describe('customer managed key', () => {
  test('rotates yearly', () => {
    expect(only(dev, 'aws_kms_key', 'env_key').enable_key_rotation).toBe(true);
  });
  test('key policy names every principal: no wildcard principal', () => {
    for (const s of statements(only(dev, 'aws_kms_key', 'env_key').policy)) {
      expect(s.Principal).not.toBe('*');
      for (const p of Object.values(s.Principal)) for (const v of asArray(p as string)) expect(v).not.toBe('*');
    }
  });
  test('key policy grants no wildcard action', () => {
    for (const s of statements(only(dev, 'aws_kms_key', 'env_key').policy)) for (const a of asArray(s.Action)) expect(a).not.toMatch(/\*/);
  });
  test('governed roles use the key only through AWS services', () => {
    const s = statements(only(dev, 'aws_kms_key', 'env_key').policy).find((x) => x.Sid === 'GovernedRolesUseKeyThroughServices');
    expect(s.Condition.StringEquals['kms:ViaService']).toContain('secretsmanager.eu-west-1.amazonaws.com');
    expect(s.Condition.ArnLike['aws:PrincipalArn'][0]).toMatch(/:role\/governed\/dev\/\*$/);
  });
  test('deletion window is 30 days and destroy is prevented in prod', () => {
    const key = only(prod, 'aws_kms_key', 'env_key');
    expect(key.deletion_window_in_days).toBe(30);
    expect(key.lifecycle.prevent_destroy).toBe(true);
  });
  test('deletion window outside prod is short but never zero', () => {
    expect(only(dev, 'aws_kms_key', 'env_key').deletion_window_in_days).toBe(7);
  });
});

describe('audit sink', () => {
  test('log groups are encrypted with the environment key', () => {
    for (const [name, lg] of resources(dev, 'aws_cloudwatch_log_group')) expect([name, lg.kms_key_id]).toEqual([name, expect.stringMatching(/aws_kms_key\..*\.arn/)]);
  });
  test('log retention defaults to 90 days outside prod', () => {
    expect(only(dev, 'aws_cloudwatch_log_group', 'invocation-logs').retention_in_days).toBe(90);
  });
  test('log retention defaults to 365 days in prod', () => {
    expect(only(prod, 'aws_cloudwatch_log_group', 'invocation-logs').retention_in_days).toBe(365);
  });
  test('archive bucket is versioned', () => {
    expect(only(dev, 'aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
  });
  test('archive bucket has object lock (GOVERNANCE outside prod, COMPLIANCE in prod)', () => {
    expect(only(dev, 'aws_s3_bucket').object_lock_enabled).toBe(true);
    expect(only(dev, 'aws_s3_bucket_object_lock_configuration').rule.default_retention.mode).toBe('GOVERNANCE');
    expect(only(prod, 'aws_s3_bucket_object_lock_configuration').rule.default_retention.mode).toBe('COMPLIANCE');
  });
  test('archive bucket is encrypted with SSE-KMS and the environment key', () => {
    const rule = only(dev, 'aws_s3_bucket_server_side_encryption_configuration').rule[0].apply_server_side_encryption_by_default;
    expect(rule.sse_algorithm).toBe('aws:kms');
    expect(rule.kms_master_key_id).toMatch(/aws_kms_key\..*\.arn/);
  });
  test('archive bucket blocks every kind of public access', () => {
    const pab = only(dev, 'aws_s3_bucket_public_access_block');
    expect([pab.block_public_acls, pab.block_public_policy, pab.ignore_public_acls, pab.restrict_public_buckets]).toEqual([true, true, true, true]);
  });
  test('archive bucket policy denies requests without TLS', () => {
    const deny = statements(only(dev, 'aws_s3_bucket_policy').policy).find((s) => s.Sid === 'DenyInsecureTransport');
    expect(deny).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': false } } });
  });
  test('archive cannot be force-destroyed, and prod prevents destroy', () => {
    expect(only(dev, 'aws_s3_bucket').force_destroy).toBe(false);
    expect(only(prod, 'aws_s3_bucket').lifecycle.prevent_destroy).toBe(true);
  });
});

describe('account settings (issue 16: one owner per singleton)', () => {
  test('the owning environment logs every model invocation to its sink log group and archive', () => {
    const cfg = only(dev, 'aws_bedrock_model_invocation_logging_configuration').logging_config;
    expect(cfg.cloudwatch_config.log_group_name).toMatch(/model-invocations.*\.name|aws_cloudwatch_log_group/);
    expect(cfg.s3_config.bucket_name).toMatch(/aws_s3_bucket\./);
    expect(cfg.text_data_delivery_enabled).toBe(true);
    expect(only(dev, 'aws_api_gateway_account').cloudwatch_role_arn).toMatch(/aws_iam_role\.env_account-settings_apigateway-cloudwatch-role/);
  });
  test('an environment that does not own them creates neither', () => {
    const stack = testStack();
    environment(stack, { accountSettings: 'owned-elsewhere' });
    const json = synth(stack);
    expect([json.resource.aws_bedrock_model_invocation_logging_configuration, json.resource.aws_api_gateway_account]).toEqual([undefined, undefined]);
  });
  test('fails when two environments of one app own the same account and Region', () => {
    const app = testApp();
    environment(testStack(app, 'a'));
    expect(() => environment(testStack(app, 'b'), { name: 'staging', network: OTHER_VPC })).toThrow(
      /at 'b\/env'[\s\S]*accountSettings: got "owned-here"; allowed: one owner per account and Region[^;]*\(account settings of undeclared-account\/eu-west-1 owned by both 'a\/env' \(dev\) and 'b\/env' \(staging\)\); fix: set accountSettings: 'owned-here' on the production environment and 'owned-elsewhere' on the others/,
    );
  });
  test('passes when one environment owns them, or when the accounts are declared different', () => {
    const app = testApp();
    environment(testStack(app, 'a'));
    expect(() => environment(testStack(app, 'b'), { name: 'staging', network: OTHER_VPC, accountSettings: 'owned-elsewhere' })).not.toThrow();
    const app2 = testApp();
    environment(testStack(app2, 'a'), { accountId: '111111111111' });
    expect(() => environment(testStack(app2, 'b'), { name: 'staging', network: OTHER_VPC, accountId: '222222222222' })).not.toThrow();
  });
  test('fails when production prompts would land in a non-production sink', () => {
    const app = testApp();
    environment(testStack(app, 'a'));
    expect(() => environment(testStack(app, 'b'), { name: 'prod', tier: 'production', network: OTHER_VPC, accountSettings: 'owned-elsewhere' })).toThrow(/production environment prod shares undeclared-account\/eu-west-1 with dev, which owns the account settings: production prompts and answers would land in a non-production sink/);
  });
});

describe('interface endpoints', () => {
  const endpoints = () => resources(dev, 'aws_vpc_endpoint').map(([, e]) => e);
  test('one endpoint per required service, plus eks-auth for Kubernetes', () => {
    const services = endpoints().map((e) => e.service_name.replace('com.amazonaws.eu-west-1.', ''));
    expect(services.sort()).toEqual([...ENDPOINT_SERVICES, 'eks-auth'].sort());
  });
  test('every endpoint is an interface endpoint with private DNS', () => {
    for (const e of endpoints()) expect([e.vpc_endpoint_type, e.private_dns_enabled]).toEqual(['Interface', true]);
  });
  test('every endpoint has a policy', () => {
    const inline = endpoints().filter((e) => e.policy).length;
    expect(inline + resources(dev, 'aws_vpc_endpoint_policy').length).toBe(endpoints().length);
  });
  test('issue 16 item 6: endpoint policies leave neighbours as they are and clamp only governed identities', () => {
    for (const e of endpoints().filter((x) => x.policy)) {
      const [allow, ...denies] = statements(e.policy);
      expect(allow).toEqual({ Sid: 'NeighboursUnchanged', Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' });
      for (const d of denies) expect([d.Effect, d.Condition.ArnLike['aws:PrincipalArn']]).toEqual(['Deny', expect.stringMatching(/:role\/governed\/dev\/\*$/)]);
    }
  });
  test('governed identities reach only the allowed models through the Bedrock endpoint', () => {
    const bedrock = endpoints().find((e) => e.service_name.endsWith('bedrock-runtime'));
    const deny = statements(bedrock.policy).find((s) => s.Sid === 'GovernedUseOnlyAllowedModelsAndGuardrails');
    expect(deny.NotResource).toEqual([...MODELS.map((m) => `arn:aws:bedrock:eu-west-1::foundation-model/${m}`), expect.stringMatching(/:guardrail\/\*$/)]);
  });
  test('the endpoint security group admits HTTPS from inside the VPC only', () => {
    const sg = only(dev, 'aws_security_group', 'endpoints');
    expect(sg.ingress).toHaveLength(1);
    expect(sg.ingress[0]).toMatchObject({ from_port: 443, to_port: 443, protocol: 'tcp', cidr_blocks: [expect.stringMatching(/data\.aws_vpc\..*cidr_block/)] });
  });
  test('issue 11 item 9: the endpoints\' private addresses are read back, one per endpoint and subnet, for Kubernetes egress', () => {
    const enis = Object.values((dev.data as any).aws_network_interface) as any[];
    expect(enis).toHaveLength(14);
    expect(enis[0].id).toMatch(/^\$\{element\(tolist\(aws_vpc_endpoint\..*\.network_interface_ids\), 0\)\}$/);
  });
  test('issue 16 item 2: an environment can use the VPC\'s existing endpoints instead of creating them', () => {
    const stack = testStack();
    environment(stack, { network: { ...envProps().network, interfaceEndpoints: { executeApiEndpointId: 'vpce-0123456789abcdef0', endpointIps: ['10.0.1.10'] } } });
    const json = synth(stack);
    expect([json.resource.aws_vpc_endpoint, only(json, 'aws_api_gateway_rest_api').endpoint_configuration.vpc_endpoint_ids]).toEqual([undefined, ['vpce-0123456789abcdef0']]);
  });
  test('issue 16 item 2: fails when two environments create endpoints in one VPC', () => {
    const app = testApp();
    environment(testStack(app, 'a'));
    expect(() => environment(testStack(app, 'b'), { name: 'staging', accountSettings: 'owned-elsewhere' })).toThrow(
      /at 'b\/env'[\s\S]*network\.interfaceEndpoints: got "create"; allowed: a VPC without private-DNS endpoints of another environment \(VPC vpc-0abc12345678 gets them from 'a\/env'[\s\S]*?; fix: set network\.interfaceEndpoints to \{ executeApiEndpointId, endpointIps \} of 'a\/env''s endpoints, or give the environment its own VPC/,
    );
  });
});

describe('permission boundaries', () => {
  const boundary = () => statements(only(dev, 'aws_iam_policy', 'env_boundary').policy);
  test('the workload boundary caps model calls at the allowed models', () => {
    expect(boundary().find((s) => s.Sid === 'InvokeAllowedModels').Resource).toHaveLength(MODELS.length);
  });
  test('denies every region but the allowed ones', () => {
    for (const name of ['env_boundary', 'env_integration-boundary', 'env_platform-boundary']) {
      const deny = statements(only(dev, 'aws_iam_policy', name).policy).find((s) => s.Sid === 'DenyOutsideAllowedRegions');
      expect([name, deny.Condition.StringNotEquals['aws:RequestedRegion']]).toEqual([name, ['eu-west-1']]);
    }
  });
  test('denies creating users and access keys, and changing its own tags', () => {
    const deny = boundary().find((s) => s.Effect === 'Deny' && asArray(s.Action).includes('iam:CreateAccessKey'));
    expect(asArray(deny.Action)).toEqual(expect.arrayContaining(['iam:CreateUser', 'iam:TagRole', 'iam:UntagRole']));
  });
  test('issue 12 item 4: a workload writes only its own log group and capture prefix (scoped by its own workload tag)', () => {
    const logs = boundary().find((s) => s.Sid === 'WriteOwnLogs');
    expect(logs.Resource[0]).toMatch(/log-group:\/governed\/dev\/\$\$\{aws:PrincipalTag\/governance:workload\}:\*$/);
    expect(boundary().find((s) => s.Sid === 'CaptureOwnEndpointInvocations').Resource).toMatch(/\/sagemaker\/dev-\$\$\{aws:PrincipalTag\/governance:workload\}\/\*$/);
    expect(boundary().find((s) => s.Sid === 'ReadOwnSecrets').Resource).toMatch(/secret:governed\/dev\/\$\$\{aws:PrincipalTag\/governance:workload\}\/\*$/);
  });
  test('issue 12 item 4: the boundary denies writes to the audit log groups, the decision log and the invocation archive', () => {
    const deny = boundary().find((s) => s.Sid === 'DenyAuditWrites');
    expect(deny.Resource).toEqual([
      expect.stringMatching(/log-group:\/governed\/dev\/audit\/\*$/),
      expect.stringMatching(/log-group:\/governed\/dev\/gateway\/\*$/),
      expect.stringMatching(/log-group:API-Gateway-Execution-Logs_\*$/),
      expect.stringMatching(/aws_s3_bucket\..*\.bucket\}\/bedrock\/\*$/),
    ]);
    expect(deny.Action).toEqual(expect.arrayContaining(['logs:PutLogEvents', 'logs:CreateLogStream', 's3:PutObject', 's3:DeleteObject']));
  });
  test('the integration boundary allows the platform\'s tool targets and denies calling the gateway', () => {
    const b = statements(only(dev, 'aws_iam_policy', 'env_integration-boundary').policy);
    expect(b.find((s) => s.Sid === 'ReadAllowedToolCredentials').Resource).toEqual(['arn:aws:secretsmanager:eu-west-1:123456789012:secret:tools/*']);
    expect(b.find((s) => s.Sid === 'InvokeAllowedToolFunctions').Resource).toEqual(['arn:aws:lambda:eu-west-1:123456789012:function:runbook-*']);
    expect(b.find((s) => s.Sid === 'DenyGatewayCalls')).toMatchObject({ Effect: 'Deny', Action: ['execute-api:*'] });
  });
  test('issue 12 item 5: every role of the platform carries the platform boundary', () => {
    const roles = resources(dev, 'aws_iam_role');
    expect(roles.length).toBeGreaterThanOrEqual(4);
    for (const [name, r] of roles) expect([name, r.permissions_boundary]).toEqual([name, expect.stringMatching(/aws_iam_policy\.env_platform-boundary/)]);
  });
  test('issue 16 item 3: IAM names carry the Region code, so one environment name in two Regions never collides', () => {
    const west = synth(((st) => (environment(st), st))(testStack()));
    const east = synth(((st) => (environment(st, { region: 'us-east-1', allowedRegions: ['us-east-1'] }), st))(testStack()));
    const names = (json: TfJson) => [...resources(json, 'aws_iam_role').map(([, r]) => r.name), ...resources(json, 'aws_iam_policy').map(([, p]) => p.name)];
    expect(names(west).filter((n) => names(east).includes(n))).toEqual([]);
    expect(names(west)).toContain('dev-euw1-platform-gateway');
  });
});

describe('key (issue 12 item 3, issue 16 item 4)', () => {
  const keyPolicy = () => statements(only(dev, 'aws_kms_key', 'env_key').policy);
  test('the account grants on the key only for AWS resources', () => {
    const admin = keyPolicy().find((s) => s.Sid === 'AccountAdministersKey');
    const grants = keyPolicy().find((s) => s.Sid === 'GrantsOnlyForAwsResources');
    expect(admin.Action).not.toContain('kms:CreateGrant');
    expect(grants).toMatchObject({ Action: ['kms:CreateGrant'], Condition: { Bool: { 'kms:GrantIsForAWSResource': true } } });
  });
  test('the deployers use the key through AWS services (CreateGuardrail needs it)', () => {
    const deployers = keyPolicy().find((s) => s.Sid === 'DeployersUseKeyThroughServices');
    expect([deployers.Principal, deployers.Condition.StringEquals['kms:ViaService']]).toEqual([{ AWS: [DEPLOYER] }, expect.arrayContaining(['bedrock.eu-west-1.amazonaws.com', 'secretsmanager.eu-west-1.amazonaws.com'])]);
  });
});

describe('approver keys (issue 11 item 4)', () => {
  test('one asymmetric signing key per registered approver: only that approver signs, the gateway function verifies', () => {
    const keys = resources(dev, 'aws_kms_key').filter(([n]) => n.includes('approvers'));
    expect(keys).toHaveLength(2);
    for (const [, key] of keys) {
      expect([key.key_usage, key.customer_master_key_spec]).toEqual(['SIGN_VERIFY', 'ECC_NIST_P256']);
      const s = statements(key.policy);
      const signers = s.filter((x) => asArray(x.Action).includes('kms:Sign'));
      expect(signers).toEqual([expect.objectContaining({ Sid: 'OnlyTheApproverSigns', Principal: { AWS: expect.stringMatching(/role\/approvers\//) } })]);
      expect(s.find((x) => x.Sid === 'GatewayVerifies').Condition.ArnEquals['aws:PrincipalArn']).toMatch(/role\/governed-platform\/dev\/dev-euw1-platform-gateway$/);
      expect(s.find((x) => x.Sid === 'AccountAdministersKey').Action).not.toContain('kms:CreateGrant');
    }
  });
  test('the gateway function knows each approver\'s key', () => {
    const fn = only(dev, 'aws_lambda_function', 'gateway-function');
    expect(Object.keys(JSON.parse(fn.environment.variables.APPROVER_KEYS)).sort()).toEqual(['incident-commander@example.com', 'sre-lead@example.com']);
  });
});

describe('gateway (issue 11 break 1, issue 16 scale and ordering)', () => {
  test('is a private REST API reachable through the execute-api endpoint', () => {
    const api = only(dev, 'aws_api_gateway_rest_api');
    expect(api.endpoint_configuration.types).toEqual(['PRIVATE']);
    expect(api.endpoint_configuration.vpc_endpoint_ids[0]).toMatch(/aws_vpc_endpoint\..*execute-api.*\.id/);
  });
  test('break 1: the resource policy allows no wildcard principal; workload identities through the endpoint; integration identities denied', () => {
    const s = statements(only(dev, 'aws_api_gateway_rest_api_policy').policy);
    expect(s.filter((x) => x.Effect === 'Allow' && (x.Principal === '*' || JSON.stringify(x.Principal).includes('"*"')))).toEqual([]);
    const [allow, outside, others, integration] = s;
    expect([allow.Resource, allow.Condition.ArnLike['aws:PrincipalArn'], allow.Condition.StringEquals['aws:SourceVpce']]).toEqual([expect.stringMatching(/execution_arn\}\/v1\/\*$/), expect.stringMatching(/role\/governed\/dev\/\*$/), expect.stringMatching(/execute-api/)]);
    expect(outside).toMatchObject({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:SourceVpce': expect.stringMatching(/execute-api/) } } });
    expect(others).toMatchObject({ Sid: 'DenyAllButWorkloadIdentities', Effect: 'Deny', Condition: { ArnNotLike: { 'aws:PrincipalArn': expect.stringMatching(/role\/governed\/dev\/\*$/) } } });
    expect(integration).toMatchObject({ Sid: 'DenyIntegrationIdentities', Effect: 'Deny', Condition: { ArnLike: { 'aws:PrincipalArn': expect.stringMatching(/role\/governed\/dev\/integration\/\*$/) } } });
  });
  test('a fixed set of routes, every method AWS_IAM, every route method with an API key', () => {
    const paths = resources(dev, 'aws_api_gateway_resource').map(([, r]) => r.path_part).sort();
    expect(paths).toEqual(['agents', 'health', 'http', 'invoke', 'invoke', 'models', 'tools', 'workloads', '{agent}', '{model}', '{proxy+}', '{proxy+}', '{tool}', '{workload}']);
    const methods = resources(dev, 'aws_api_gateway_method').map(([n, m]) => [n.replace(/_[0-9A-F]{8}$/, ''), m.http_method, m.authorization, m.api_key_required]);
    expect(methods.sort()).toEqual([
      ['env_gateway_agent-model-method', 'POST', 'AWS_IAM', true],
      ['env_gateway_agent-tool-method', 'ANY', 'AWS_IAM', true],
      ['env_gateway_health-method', 'GET', 'AWS_IAM', false],
      ['env_gateway_workload-http-method', 'ANY', 'AWS_IAM', true],
      ['env_gateway_workload-invoke-method', 'POST', 'AWS_IAM', true],
    ]);
    expect(dev.resource.aws_api_gateway_authorizer).toBeUndefined();
  });
  test('one stage, v1, with access logs to the sink, throttled, bodies never logged', () => {
    expect(resources(dev, 'aws_api_gateway_stage').map(([, st]) => st.stage_name)).toEqual(['v1']);
    expect(only(dev, 'aws_api_gateway_stage').access_log_settings.destination_arn).toMatch(/gateway-access.*\.arn/);
    expect(only(dev, 'aws_api_gateway_method_settings').settings).toMatchObject({ throttling_rate_limit: 50, throttling_burst_limit: 100, data_trace_enabled: false });
  });
  test('one usage plan per quota tier, limits applied to each caller\'s key', () => {
    expect(resources(dev, 'aws_api_gateway_usage_plan').map(([, u]) => [u.name, u.throttle_settings, u.quota_settings])).toEqual([
      ['governed-dev-standard', { rate_limit: 10, burst_limit: 20 }, { limit: 1_000_000, period: 'MONTH' }],
    ]);
  });
  test('model and tool routes go to the gateway function; API Gateway may invoke it for those routes only', () => {
    const integrations = resources(dev, 'aws_api_gateway_integration').filter(([, i]) => i.type === 'AWS_PROXY');
    expect(integrations.map(([, i]) => i.uri)).toEqual(Array(3).fill(expect.stringMatching(/aws_lambda_function\.env_gateway-function_.*\.invoke_arn/)));
    expect(resources(dev, 'aws_lambda_permission').filter(([n]) => n.includes('invoke-permission')).map(([, p]) => p.source_arn.replace(/^.*execution_arn\}/, '')).sort()).toEqual([
      '/v1/*/agents/*/tools/*', '/v1/POST/agents/*/models/*/invoke', '/v1/POST/workloads/*/invoke',
    ]);
  });
  test('issue 11 break 2: the in-cluster hop is TLS with the stage\'s client certificate, and API Gateway sets who called', () => {
    const http = resources(dev, 'aws_api_gateway_integration').find(([, i]) => i.type === 'HTTP_PROXY')![1];
    expect([http.uri, http.connection_type, http.tls_config.insecure_skip_verification]).toEqual(['https://gw.internal.example.com/{proxy}', 'VPC_LINK', false]);
    expect(http.request_parameters).toEqual({
      'integration.request.path.proxy': 'method.request.path.proxy',
      'integration.request.header.x-governance-workload': 'method.request.path.workload',
      'integration.request.header.x-governance-caller': 'context.identity.userArn',
      'integration.request.header.x-governance-request-id': 'context.requestId',
      'integration.request.header.x-api-key': "'removed-by-gateway'",
      'integration.request.header.authorization': "'removed-by-gateway'",
      'integration.request.header.x-amz-security-token': "'removed-by-gateway'",
    });
    expect(only(dev, 'aws_api_gateway_stage').client_certificate_id).toMatch(/aws_api_gateway_client_certificate\./);
  });
  test('issue 16 item 4: the deployment waits for the resource policy and redeploys when any route or the policy changes', () => {
    const d = only(dev, 'aws_api_gateway_deployment');
    expect(d.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_api_gateway_rest_api_policy\./)]));
    expect(d.triggers.redeployment).toMatch(/^\$\{sha1\(jsonencode\(\[aws_api_gateway_rest_api_policy\..*\.policy, \[aws_api_gateway_method\./);
    expect(d.triggers.redeployment).toMatch(/aws_api_gateway_integration\.env_gateway_workload-http-integration_.*\.request_parameters/);
  });
  test('issue 16 item 1: the gateway is the same size for any number of workloads (product stacks add no API Gateway resource)', () => {
    const counts = (n: number) => {
      const stack = testStack();
      const env = environment(stack);
      for (let i = 0; i < n; i++) new GovernedInferenceService(stack, `svc-${i}`, serviceProps(env, { name: `svc-${i}` }));
      const json = synth(stack);
      return Object.keys(json.resource).filter((t) => t.startsWith('aws_api_gateway')).map((t) => `${t}:${Object.keys(json.resource[t]).length}`);
    };
    expect(counts(12)).toEqual(counts(1));
  });
});

describe('gateway function', () => {
  const fn = () => only(dev, 'aws_lambda_function', 'gateway-function');
  const policy = () => statements(only(dev, 'aws_iam_role_policy', 'gateway-function_role').policy);
  test('runs the shipped gateway function with the environment\'s configuration', () => {
    expect([fn().function_name, fn().runtime, fn().handler, fn().filename]).toEqual(['governed-dev-gateway', 'nodejs22.x', 'index.handler', expect.stringMatching(/^assets\/env_gateway-function_code/)]);
    expect(Object.keys(fn().environment.variables).sort()).toEqual(['ACCOUNT_ID', 'AGENT_PARAMETER_PREFIX', 'APPROVAL_TABLE', 'APPROVER_KEYS', 'ENVIRONMENT', 'INTEGRATION_ROLE_PATH', 'PARTITION', 'POLICY_STORE_ID', 'ROLE_NAME_PREFIX', 'ROUTE_PARAMETER_PREFIX']);
    expect(fn().logging_config.log_group).toMatch(/decision-log/);
  });
  test('acts only as integration identities of its environment, reads only route entries, asks only the policy store', () => {
    const bySid = Object.fromEntries(policy().map((x) => [x.Sid, x]));
    expect(bySid.AssumeIntegrationRoles).toMatchObject({ Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Resource: expect.stringMatching(/:role\/governed\/dev\/integration\/dev-euw1-\*-gw$/), Condition: { Null: { 'sts:SourceIdentity': ['false'] } } });
    expect(bySid.ReadRouteEntries.Resource).toEqual([expect.stringMatching(/:parameter\/governance\/dev\/routes\/\*$/), expect.stringMatching(/:parameter\/governance\/dev\/agents\/\*$/)]);
    expect(bySid.DecideToolCalls.Resource).toMatch(/:policy-store\/\$\{aws_verifiedpermissions_policy_store\..*\.policy_store_id\}$/);
    expect(bySid.VerifyApprovals.Action).toEqual(['kms:Verify']);
    expect(policy().flatMap((x) => asArray(x.Action)).filter((a) => /^(bedrock|sagemaker|secretsmanager|lambda):/.test(a))).toEqual([]);
  });
  test('records each approval\'s single use in an encrypted table that expires them', () => {
    const t = only(dev, 'aws_dynamodb_table');
    expect([t.hash_key, t.ttl, t.server_side_encryption.enabled, t.server_side_encryption.kms_key_arn]).toEqual(['jti', { attribute_name: 'expiresAt', enabled: true }, true, expect.stringMatching(/aws_kms_key\.env_key/)]);
  });
});

describe('baseline guardrail', () => {
  test('filters harmful content on input and output', () => {
    const filters = only(dev, 'aws_bedrock_guardrail').content_policy_config[0].filters_config;
    expect(filters.map((f: any) => f.type)).toEqual(CONTENT_FILTERS.map((f) => f.type));
  });
  test('anonymizes personal data and blocks credentials', () => {
    const pii = only(dev, 'aws_bedrock_guardrail').sensitive_information_policy_config[0].pii_entities_config;
    expect(pii).toContainEqual({ type: 'EMAIL', action: 'ANONYMIZE' });
    expect(pii).toContainEqual({ type: 'AWS_SECRET_KEY', action: 'BLOCK' });
  });
  test('has a published version', () => {
    expect(only(dev, 'aws_bedrock_guardrail_version').guardrail_arn).toMatch(/aws_bedrock_guardrail\./);
  });
});

describe('rotation function (issue 12 item 7)', () => {
  test('is a Lambda from the package asset, knows the usage plan of each quota tier', () => {
    const fn = only(dev, 'aws_lambda_function', 'rotation');
    expect([fn.runtime, fn.handler, fn.filename]).toEqual(['nodejs22.x', 'index.handler', expect.stringMatching(/^assets\//)]);
    expect(fn.environment.variables).toEqual({ ENVIRONMENT: 'dev', USAGE_PLANS: expect.stringMatching(/^\$\{jsonencode\(\{"standard" = aws_api_gateway_usage_plan\./) });
  });
  test('Secrets Manager may invoke it for this environment\'s governed secrets only (source ARN)', () => {
    expect(only(dev, 'aws_lambda_permission', 'secretsmanager-invoke')).toMatchObject({
      principal: 'secretsmanager.amazonaws.com',
      source_account: expect.stringContaining('data.aws_caller_identity'),
      source_arn: expect.stringMatching(/^arn:aws:secretsmanager:eu-west-1:\$\{data\.aws_caller_identity\..*\}:secret:governed\/dev\/\*$/),
    });
  });
});

describe('contract', () => {
  test('is published as one SSM parameter per environment', () => {
    const p = only(dev, 'aws_ssm_parameter');
    expect(p.name).toBe('/governance/dev/contract');
    expect(p.value).toMatch(/^\$\{jsonencode\(/);
    for (const field of ['"version" = 2', '"allowedRegions"', '"iamNamePrefix" = "dev-euw1-"', '"integrationBoundaryArn"', '"rotationRoleArn"', '"deployerRoleArns"', '"endpointIps"', '"functionRoleArn"', '"usagePlanIds"', '"quotaTiers"', '"agentPolicyStore"', '"approvers"']) {
      expect([field, p.value.includes(field)]).toEqual([field, true]);
    }
  });
});

describe('tags', () => {
  test('every taggable resource carries every governance tag', () => {
    for (const [type, byName] of Object.entries(dev.resource)) {
      for (const [name, r] of Object.entries(byName as Record<string, any>)) {
        if (!('tags' in r)) continue;
        for (const key of REQUIRED_TAG_KEYS) expect([type, name, key, typeof r.tags[key]]).toEqual([type, name, key, 'string']);
      }
    }
  });
  test('the platform stack sets the governance tags as provider default tags', () => {
    const stack = new PlatformStack(testApp(), 'platform', envProps());
    const json = synth(stack) as any;
    expect(json.provider.aws[0].default_tags[0].tags[TAG_KEYS.owner]).toBe('ai-platform');
  });
});
