import { REQUIRED_TAG_KEYS, TAG_KEYS } from '../../constructs/governance/tags';
import { GovernedEnvironment } from '../../constructs/platform/governed-environment';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { asArray, DIGEST, environment, MODELS, only, resources, serviceProps, statements, synth, testStack, type TfJson } from '../support';

const K8S_IMAGE = `ghcr.io/example/llm@${DIGEST}`;
const SM_IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/scorer@${DIGEST}`;
const REVOKED = { by: 'secops@example.com', at: '2026-11-20T09:00:00Z', reason: 'INC-4411: token leaked in build logs' };

let json: TfJson;
let contractJson: TfJson;
let revokedJson: TfJson;
let services: Record<string, GovernedInferenceService>;

beforeAll(() => {
  const stack = testStack();
  const env = environment(stack);
  const chat = new GovernedInferenceService(stack, 'chat', serviceProps(env, { budget: { monthlyUsd: 300, alertEmails: ['maria.chen@example.com'] } }));
  const scorer = new GovernedInferenceService(stack, 'scorer', serviceProps(env, { name: 'scorer', model: { sageMaker: { image: SM_IMAGE, instanceType: 'ml.m5.large' } } }));
  const llm = new GovernedInferenceService(stack, 'llm', serviceProps(env, {
    name: 'llm',
    model: { kubernetes: { image: K8S_IMAGE, replicas: 3, resources: { cpu: '2', memory: '8Gi' } } },
  }));
  const summarizer = new GovernedInferenceService(stack, 'summarizer', serviceProps(env, {
    name: 'summarizer',
    model: { kubernetes: { image: K8S_IMAGE, resources: { cpu: '1', memory: '1Gi' } } },
  }));
  chat.grantInvoke(llm);
  llm.grantInvoke(summarizer);
  services = { chat, scorer, llm, summarizer };
  json = synth(stack);

  const productStack = testStack(undefined, 'product');
  const contract = GovernedEnvironment.fromContract(productStack, 'env', 'dev');
  new GovernedInferenceService(productStack, 'chat', serviceProps(contract));
  contractJson = synth(productStack);

  const revokedStack = testStack(undefined, 'revoked');
  const env2 = environment(revokedStack);
  const revokedLlm = new GovernedInferenceService(revokedStack, 'llm', serviceProps(env2, {
    name: 'llm',
    model: { kubernetes: { image: K8S_IMAGE, resources: { cpu: '1', memory: '1Gi' } } },
    revoked: REVOKED,
  }));
  new GovernedInferenceService(revokedStack, 'scorer', serviceProps(env2, { name: 'scorer', model: { sageMaker: { image: SM_IMAGE, instanceType: 'ml.m5.large' } }, revoked: REVOKED }));
  // A caller that was granted the service before it was revoked.
  const caller = new GovernedInferenceService(revokedStack, 'caller', serviceProps(env2, { name: 'caller', model: { kubernetes: { image: K8S_IMAGE, resources: { cpu: '1', memory: '1Gi' } } } }));
  revokedLlm.grantInvoke(caller);
  revokedJson = synth(revokedStack);
});

const role = (construct: string, identity = 'identity') => only(json, 'aws_iam_role', `${construct}_${identity}_role`);
const workloadPolicies = () => resources(json, 'aws_iam_role_policy').filter(([n]) => /^(chat|scorer|llm|summarizer)_/.test(n));
const workloadRoles = () => resources(json, 'aws_iam_role').filter(([n]) => /^(chat|scorer|llm|summarizer)_/.test(n));

describe('identity', () => {
  test('each workload has its own role, named <env>-<region code>-<workload>, under the governed path', () => {
    expect([role('scorer'), role('llm')].map((r) => [r.name, r.path])).toEqual([
      ['dev-euw1-scorer', '/governed/dev/'],
      ['dev-euw1-llm', '/governed/dev/'],
    ]);
  });
  test('a Bedrock-backed service runs no code: its one identity is its integration identity, under the integration path', () => {
    expect([role('chat').name, role('chat').path]).toEqual(['dev-euw1-chat-gw', '/governed/dev/integration/']);
    expect(services.chat.integrationIdentity).toBeUndefined();
  });
  test('a SageMaker-backed service has an execution identity and an integration identity', () => {
    expect([role('scorer', 'integration-identity').name, role('scorer', 'integration-identity').path]).toEqual(['dev-euw1-scorer-gw', '/governed/dev/integration/']);
  });
  test('sessions last at most one hour', () => {
    for (const [, r] of workloadRoles()) expect(r.max_session_duration).toBe(3600);
  });
  test('issue 12 item 5: every role of a workload carries a permission boundary (workload or integration)', () => {
    for (const [name, r] of workloadRoles()) {
      const expected = r.path === '/governed/dev/integration/' ? /aws_iam_policy\.env_integration-boundary/ : /aws_iam_policy\.env_boundary/;
      expect([name, r.permissions_boundary]).toEqual([name, expect.stringMatching(expected)]);
    }
  });
  test('a Kubernetes workload is trusted through EKS Pod Identity for its namespace and service account only', () => {
    const [trust] = statements(role('llm').assume_role_policy);
    expect(trust.Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
    expect(trust.Condition.StringEquals).toMatchObject({ 'aws:RequestTag/kubernetes-namespace': 'llm', 'aws:RequestTag/kubernetes-service-account': 'llm' });
    expect(trust.Condition.ArnEquals['aws:SourceArn']).toMatch(/:cluster\/ai-workloads$/);
  });
  test('issue 12 item 6: the SageMaker execution role trusts its own endpoint and its content-named models, not the whole account', () => {
    const [trust] = statements(role('scorer').assume_role_policy);
    expect(trust.Principal).toEqual({ Service: 'sagemaker.amazonaws.com' });
    expect(trust.Condition.ArnLike['aws:SourceArn']).toEqual([
      expect.stringMatching(/^arn:aws:sagemaker:eu-west-1:\$\{.*\}:endpoint\/dev-scorer$/),
      expect.stringMatching(/^arn:aws:sagemaker:eu-west-1:\$\{.*\}:model\/dev-scorer-\*$/),
    ]);
  });
  test('issue 12 item 6: an integration identity is trusted by the gateway function role alone, and only with a source identity', () => {
    for (const r of [role('chat'), role('scorer', 'integration-identity')]) {
      const [trust] = statements(r.assume_role_policy);
      expect(trust).toEqual({
        Sid: 'GatewayFunction',
        Effect: 'Allow',
        Principal: { AWS: expect.stringMatching(/:role\/governed-platform\/dev\/dev-euw1-platform-gateway$/) },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Condition: { Null: { 'sts:SourceIdentity': 'false' } },
      });
    }
  });
  test('no workload policy allows a wildcard action', () => {
    for (const [, p] of workloadPolicies()) for (const s of statements(p.policy).filter((x) => x.Effect === 'Allow')) for (const a of asArray(s.Action)) expect(a).not.toMatch(/^\*$|:\*$/);
  });
  test('no workload policy allows a wildcard resource on a data action', () => {
    const unscopable = new Set(['ecr:GetAuthorizationToken', 'cloudwatch:PutMetricData']);
    for (const [, p] of workloadPolicies()) {
      for (const s of statements(p.policy).filter((x) => x.Effect === 'Allow' && asArray(x.Resource).includes('*'))) {
        expect(asArray(s.Action).filter((a: string) => !unscopable.has(a))).toEqual([]);
      }
    }
  });
  test('no IAM users or access keys are created', () => {
    expect([json.resource.aws_iam_user, json.resource.aws_iam_access_key]).toEqual([undefined, undefined]);
  });
});

describe('model access through the gateway', () => {
  test('a Bedrock service adds no API Gateway resource: its route is a route entry the gateway function reads', () => {
    expect(Object.keys(contractJson.resource).filter((t) => t.startsWith('aws_api_gateway'))).toEqual([]);
    const entry = only(contractJson, 'aws_ssm_parameter', 'chat_route-entry');
    expect(entry.name).toBe('/governance/dev/routes/chat');
    expect(entry.value).toMatch(/^\$\{jsonencode\(\{"schema" = 1, "workload" = "chat", "kind" = "bedrock", "modelId" = "anthropic\.claude-3-haiku-20240307-v1:0"/);
    expect(entry.value).toMatch(/"guardrail" = \{"arn" = .*"version" = .*\}, "tenants" = \[\], "callers" = \[\], "revoked" = null/);
  });
  test('callee consent: the route entry names the roles the service granted; the gateway function refuses any other', () => {
    const entry = only(json, 'aws_ssm_parameter', 'chat_route-entry').value;
    expect(entry).toMatch(/"callers" = \[aws_iam_role\.llm_identity_role_[0-9A-F]+\.name\]/);
  });
  test('the Bedrock integration identity may invoke only its named model, and only with the guardrail attached', () => {
    const s = statements(only(json, 'aws_iam_role_policy', 'chat_identity_policy-model-access').policy);
    expect(s[0].Resource).toBe(`arn:aws:bedrock:eu-west-1::foundation-model/${MODELS[0]}`);
    expect(s[0].Condition.StringEquals['bedrock:GuardrailIdentifier']).toMatch(/guardrail_arn\}:\$\{aws_bedrock_guardrail_version/);
  });
  test('the SageMaker integration identity may invoke only that endpoint', () => {
    const s = statements(only(json, 'aws_iam_role_policy', 'scorer_integration-identity_policy-model-access').policy);
    expect(s).toEqual([expect.objectContaining({ Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'], Resource: expect.stringMatching(/:endpoint\/dev-scorer$/) })]);
  });
  test('issue 16 item 4 (updates take effect): a new guardrail version changes the route entry and the integration grant in the same plan, with no stage to redeploy', () => {
    const at = (version: string) => {
      const stack = testStack();
      const env = environment(stack);
      new GovernedInferenceService(stack, 'chat', serviceProps(env, { guardrail: { arn: 'arn:aws:bedrock:eu-west-1:123456789012:guardrail/abc123', id: 'abc123', version } }));
      const out = synth(stack);
      return { entry: only(out, 'aws_ssm_parameter', 'chat_route-entry').value, grant: only(out, 'aws_iam_role_policy', 'chat_identity_policy-model-access').policy, gateway: JSON.stringify(Object.fromEntries(Object.entries(out.resource).filter(([t]) => t.startsWith('aws_api_gateway')))) };
    };
    const [v1, v2] = [at('1'), at('2')];
    expect(v1.entry).toContain('"version" = "1"');
    expect(v2.entry).toContain('"version" = "2"');
    expect(JSON.parse(v2.grant).Statement[0].Condition.StringEquals['bedrock:GuardrailIdentifier']).toBe('arn:aws:bedrock:eu-west-1:123456789012:guardrail/abc123:2');
    // The gateway serves routes, not versions: nothing of it changes, so no deployment can keep serving version 1.
    expect(v2.gateway).toBe(v1.gateway);
  });
  test('against a contract environment, the allow-list is a Terraform precondition on the route entry', () => {
    const entry = only(contractJson, 'aws_ssm_parameter', 'chat_route-entry');
    expect(entry.lifecycle.precondition[0].condition).toMatch(/contains\(.*allowedModels.*anthropic\.claude-3-haiku/);
  });
});

describe('SageMaker endpoint', () => {
  test('the model runs with network isolation in the environment VPC', () => {
    const model = only(json, 'aws_sagemaker_model');
    expect(model.enable_network_isolation).toBe(true);
    expect(model.vpc_config.subnets).toBeDefined();
  });
  test('the endpoint captures every request and response into the audit archive, encrypted', () => {
    const capture = only(json, 'aws_sagemaker_endpoint_configuration').data_capture_config;
    expect(capture).toMatchObject({ enable_capture: true, initial_sampling_percentage: 100, kms_key_id: expect.stringMatching(/aws_kms_key\./) });
    expect(capture.destination_s3_uri).toMatch(/^s3:\/\/\$\{aws_s3_bucket\..*\.bucket\}\/sagemaker\/dev-scorer$/);
    expect(capture.capture_options).toEqual([{ capture_mode: 'Input' }, { capture_mode: 'Output' }]);
  });
  test('the endpoint configuration is encrypted with the environment key', () => {
    expect(only(json, 'aws_sagemaker_endpoint_configuration').kms_key_arn).toMatch(/aws_kms_key\./);
  });
  test('issue 16 item 5: the model and the configuration are named from their content and replaced before they are destroyed', () => {
    const model = only(json, 'aws_sagemaker_model');
    const config = only(json, 'aws_sagemaker_endpoint_configuration');
    expect(model.name).toMatch(/^dev-scorer-\$\{substr\(sha1\(jsonencode\(\{.*"image" = "123456789012\.dkr\.ecr/);
    expect(config.name).toMatch(/^dev-scorer-\$\{substr\(sha1\(jsonencode\(\{"model" = aws_sagemaker_model\..*"instanceType" = "ml\.m5\.large"/);
    expect([model.lifecycle, config.lifecycle]).toEqual([{ create_before_destroy: true }, { create_before_destroy: true }]);
    expect(only(json, 'aws_sagemaker_endpoint')).toMatchObject({ name: 'dev-scorer', endpoint_config_name: expect.stringMatching(/aws_sagemaker_endpoint_configuration\..*\.name/) });
  });
  test('issue 11 item 9 (kind): the model security group allows HTTPS to the interface endpoints, not the VPC', () => {
    const [egress] = only(json, 'aws_security_group', 'scorer_endpoint').egress;
    expect(egress.cidr_blocks).toMatch(/^\$\{formatlist\("%s\/32", \[data\.aws_network_interface\./);
  });
});

describe('secrets', () => {
  const workloadSecrets = () => resources(json, 'aws_secretsmanager_secret').filter(([n]) => /^(chat|scorer|llm|summarizer)_/.test(n));
  test('every secret is encrypted with the environment key', () => {
    for (const [, s] of workloadSecrets()) expect(s.kms_key_id).toMatch(/aws_kms_key\..*\.arn/);
  });
  test('issue 16 item 3: secrets are named by prefix, so a re-created secret never meets a deleted one\'s reserved name', () => {
    expect(workloadSecrets().map(([, s]) => [s.name, s.name_prefix])).toEqual(expect.arrayContaining([[undefined, 'governed/dev/llm/service-token-'], [undefined, 'governed/dev/llm/gateway-api-key-']]));
  });
  test('every secret rotates within the environment period through the rotation function', () => {
    const rotations = resources(json, 'aws_secretsmanager_secret_rotation');
    expect(rotations.length).toBe(resources(json, 'aws_secretsmanager_secret').length);
    for (const [, r] of rotations) expect(r).toMatchObject({ rotation_rules: { automatically_after_days: 30 }, rotation_lambda_arn: expect.stringMatching(/aws_lambda_function\./) });
  });
  test('no secret value appears in the synthesized JSON', () => {
    expect(json.resource.aws_secretsmanager_secret_version).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(/"secret_string"/);
  });
  test('a secret resource policy denies reading to everyone but its granted workloads and the rotation function', () => {
    const [deny] = statements(only(json, 'aws_secretsmanager_secret_policy', 'llm_service-token').policy);
    expect(deny).toMatchObject({ Effect: 'Deny', Action: ['secretsmanager:GetSecretValue'] });
    expect(deny.Condition.ArnNotEquals['aws:PrincipalArn']).toEqual([expect.stringMatching(/aws_iam_role\.llm_identity.*\.arn/), expect.stringMatching(/aws_iam_role\.env_rotation_role.*\.arn/)]);
  });
  test('issue 12 item 3: only the rotation function writes a secret value or moves its stages', () => {
    const deny = statements(only(json, 'aws_secretsmanager_secret_policy', 'llm_service-token').policy).find((s) => s.Sid === 'DenyValueWritesExceptRotation');
    expect(deny).toEqual({
      Sid: 'DenyValueWritesExceptRotation',
      Effect: 'Deny',
      Principal: '*',
      Action: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': expect.stringMatching(/aws_iam_role\.env_rotation_role.*\.arn/) } },
    });
  });
  test('issue 12 item 3: no governed identity changes a secret\'s rotation, policy, tags or existence', () => {
    const deny = statements(only(json, 'aws_secretsmanager_secret_policy', 'llm_service-token').policy).find((s) => s.Sid === 'DenyManagementToGovernedIdentities');
    expect(deny.Action).toEqual(expect.arrayContaining(['secretsmanager:RotateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:PutResourcePolicy', 'secretsmanager:UpdateSecret', 'secretsmanager:CancelRotateSecret']));
    expect(deny.Condition.ArnLike['aws:PrincipalArn']).toEqual([expect.stringMatching(/:role\/governed\/\*$/), expect.stringMatching(/:role\/governed-platform\/\*$/)]);
  });
  test('a caller presents its own gateway key (issued on its first grant), never the callee\'s', () => {
    expect(services.chat.gatewayKey).toBeUndefined();
    expect(services.llm.gatewayKey).toBeDefined();
    const [deny] = statements(only(json, 'aws_secretsmanager_secret_policy', 'llm_gateway-key').policy);
    expect(deny.Condition.ArnNotEquals['aws:PrincipalArn']).toEqual([expect.stringMatching(/aws_iam_role\.llm_identity/), expect.stringMatching(/env_rotation_role/)]);
  });
  test('the gateway key rotates as an API key on its quota tier (never a usage plan a tag names)', () => {
    const secret = only(json, 'aws_secretsmanager_secret', 'llm_gateway-key');
    expect(secret.tags).toMatchObject({ 'governance:rotation-strategy': 'api-gateway-key', 'governance:quota-tier': 'standard' });
    expect(secret.tags['governance:usage-plan-id']).toBeUndefined();
  });
});

describe('grants on the gateway', () => {
  test('issue 11 break 1 (kind): grantInvoke names the method and the stage, one ARN each, through the environment endpoint', () => {
    const [s] = statements(only(json, 'aws_iam_role_policy', 'llm_identity_policy-service-access').policy);
    expect(s.Resource).toEqual([expect.stringMatching(/execution_arn\}\/v1\/POST\/workloads\/chat\/invoke$/)]);
    expect(s.Condition.StringEquals['aws:SourceVpce']).toMatch(/execute-api/);
  });
  test('a grant on a Kubernetes service covers its HTTP route per method, never ANY or *', () => {
    const [s] = statements(only(json, 'aws_iam_role_policy', 'summarizer_identity_policy-service-access').policy);
    expect(s.Resource.map((r: string) => r.replace(/^.*execution_arn\}/, ''))).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => `/v1/${m}/workloads/llm/http/*`));
  });
  test('fails when the grantee is a Bedrock-backed service: it runs no code that could call', () => {
    const stack = testStack();
    const env = environment(stack);
    const chat = new GovernedInferenceService(stack, 'chat', serviceProps(env));
    const other = new GovernedInferenceService(stack, 'other', serviceProps(env, { name: 'other' }));
    expect(() => other.grantInvoke(chat)).toThrow(/Invalid governance props at 'test\/other'.*grantInvoke\(grantee\): got "test\/chat"; allowed: a workload that runs code and calls the gateway.*fix: grant the workload that calls other, not chat/s);
  });
  test('exposes the route URL on the one stage', () => {
    expect((json as any).output["chat-route-url"].value).toMatch(/^\$\{nonsensitive\("\$\{aws_api_gateway_stage\.env_gateway_stage_.*\.invoke_url\}\/workloads\/chat\/invoke"\)\}$/);
    expect((json as any).output['llm-route-url'].value).toMatch(/invoke_url\}\/workloads\/llm\/http"\)\}$/);
  });
  test('issue 10 item 7: the handles a product team needs are Terraform outputs named after the workload', () => {
    expect(Object.keys(contractJson.output ?? {}).sort()).toEqual(['chat-role-arn', 'chat-route-url']);
    expect(Object.keys((json as any).output).filter((o) => o.startsWith('llm-')).sort()).toEqual(['llm-gateway-key-secret-arn', 'llm-role-arn', 'llm-route-url', 'llm-service-dns-name', 'llm-service-token-secret-arn']);
  });
});

describe('Kubernetes', () => {
  const deployment = () => only(json, 'kubernetes_deployment_v1', 'llm_');
  const pod = () => deployment().spec.template.spec;
  const container = () => pod().container[0];
  test('a service account bound to the role through an EKS Pod Identity association', () => {
    expect(only(json, 'kubernetes_service_account_v1', 'llm_').metadata.name).toBe('llm');
    expect(only(json, 'aws_eks_pod_identity_association', 'llm_')).toMatchObject({ cluster_name: 'ai-workloads', namespace: 'llm', service_account: 'llm', role_arn: expect.stringMatching(/aws_iam_role\.llm_identity/) });
  });
  test('issue 16 item 4: the Deployment waits for its Pod Identity association and for its rollout', () => {
    expect(deployment().depends_on).toEqual([expect.stringMatching(/^aws_eks_pod_identity_association\.llm_/)]);
    expect(deployment().wait_for_rollout).toBe(true);
  });
  test('pods do not run on the default service account and mount no API token', () => {
    expect([pod().service_account_name, pod().automount_service_account_token]).toEqual([expect.not.stringMatching(/^default$/), false]);
  });
  test('containers run as non-root, read-only, without escalation or capabilities, with RuntimeDefault seccomp', () => {
    const sc = container().security_context;
    expect([pod().security_context.run_as_non_root, sc.run_as_non_root, sc.read_only_root_filesystem, sc.allow_privilege_escalation, sc.privileged, sc.capabilities.drop, pod().security_context.seccomp_profile.type])
      .toEqual([true, true, true, false, false, ['ALL'], 'RuntimeDefault']);
  });
  test('containers have resource limits and an image pinned by digest', () => {
    expect([container().resources.limits, container().image]).toEqual([{ cpu: '2', memory: '8Gi' }, K8S_IMAGE]);
  });
  test('the service is ClusterIP', () => {
    expect(only(json, 'kubernetes_service_v1', 'llm_').spec.type).toBe('ClusterIP');
    expect(services.llm.serviceDnsName).toBe('llm.llm.svc.cluster.local');
  });
  test('the namespace enforces the restricted Pod Security standard', () => {
    expect(only(json, 'kubernetes_namespace_v1', 'llm_').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
  test('a default-deny network policy covers ingress and egress of every pod', () => {
    expect(only(json, 'kubernetes_network_policy_v1', 'llm_kubernetes_default-deny').spec).toEqual({ pod_selector: {}, policy_types: ['Ingress', 'Egress'] });
  });
  test('ingress is allowed only from the gateway pods', () => {
    const from = only(json, 'kubernetes_network_policy_v1', 'llm_kubernetes_allow-gateway-ingress').spec.ingress[0].from;
    expect(from).toEqual([{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'ai-gateway' } }, pod_selector: { match_labels: { app: 'ai-gateway' } } }]);
  });
  test('issue 11 break 2: no workload has egress to the in-cluster gateway pods', () => {
    for (const [, p] of resources(json, 'kubernetes_network_policy_v1')) {
      for (const rule of p.spec.egress ?? []) for (const peer of rule.to ?? []) expect(peer.pod_selector?.match_labels?.app).not.toBe('ai-gateway');
    }
  });
  test('issue 11 item 9: egress on 443 goes to the interface endpoints\' addresses, not the VPC CIDR', () => {
    const [endpoints] = only(json, 'kubernetes_network_policy_v1', 'llm_kubernetes_allow-egress').spec.egress;
    expect(endpoints.ports).toEqual([{ port: '443', protocol: 'TCP' }]);
    expect(endpoints.to).toHaveLength(14);
    for (const peer of endpoints.to) expect(peer.ip_block.cidr).toMatch(/^\$\{data\.aws_network_interface\.env_endpoints_.*\.private_ip\}\/32$/);
  });
  test('issue 12 item 8: egress reaches the EKS Pod Identity agent (IPv4 and IPv6, port 80) and nothing wider', () => {
    const egress = only(json, 'kubernetes_network_policy_v1', 'llm_kubernetes_allow-egress').spec.egress;
    expect(egress).toHaveLength(3);
    expect(egress[1].ports.map((p: any) => p.port)).toEqual(['53', '53']);
    expect(egress[2]).toEqual({ to: [{ ip_block: { cidr: '169.254.170.23/32' } }, { ip_block: { cidr: 'fd00:ec2::23/128' } }], ports: [{ port: '80', protocol: 'TCP' }] });
  });
  test('Kubernetes objects carry the governance facts as labels and annotations', () => {
    const meta = deployment().metadata;
    expect(meta.labels).toMatchObject({ 'governance.ai/owner': 'customer-support', 'governance.ai/environment': 'dev', 'governance.ai/workload': 'llm' });
    expect(meta.annotations).toMatchObject({ 'governance.ai/approver': 'sam.ortiz@example.com', 'governance.ai/review-by': '2027-03-31' });
  });
  test('the container learns the gateway URL and the secret of its own key, never a key value', () => {
    const env = Object.fromEntries(container().env.map((e: any) => [e.name, e.value]));
    expect(Object.keys(env).sort()).toEqual(['AWS_REGION', 'GOVERNED_GATEWAY_KEY_SECRET_ARN', 'GOVERNED_GATEWAY_URL', 'GOVERNED_LOG_GROUP']);
    expect(env.GOVERNED_GATEWAY_KEY_SECRET_ARN).toMatch(/aws_secretsmanager_secret\.llm_gateway-key/);
  });
});

describe('logs and budget', () => {
  test('each workload has a KMS-encrypted log group with the environment retention', () => {
    const lg = only(json, 'aws_cloudwatch_log_group', 'llm_logs');
    expect([lg.name, lg.retention_in_days, lg.kms_key_id]).toEqual(['/governed/dev/llm', 90, expect.stringMatching(/aws_kms_key/)]);
  });
  test('a budget with alerts on actual and forecast spend when asked', () => {
    const b = only(json, 'aws_budgets_budget');
    expect(b).toMatchObject({ limit_amount: '300.00', time_unit: 'MONTHLY', cost_filter: [{ name: 'TagKeyValue', values: ['user:governance:workload$chat'] }] });
    expect(b.notification.map((n: any) => [n.threshold, n.notification_type])).toEqual([[80, 'ACTUAL'], [100, 'ACTUAL'], [100, 'FORECASTED']]);
  });
});

describe('tags', () => {
  test('every taggable AWS resource of a workload carries every governance tag with its own owner', () => {
    for (const [type, byName] of Object.entries(json.resource)) {
      for (const [name, r] of Object.entries(byName as Record<string, any>)) {
        if (!/^(chat|scorer|llm|summarizer)_/.test(name) || !('tags' in r)) continue;
        for (const key of REQUIRED_TAG_KEYS) expect([type, name, key, typeof r.tags[key]]).toEqual([type, name, key, 'string']);
        expect(r.tags[TAG_KEYS.owner]).toBe('customer-support');
      }
    }
  });
});

describe('revocation (issue 12 items 1 and 2)', () => {
  test('every role of the workload denies everything, including sessions issued before the revocation', () => {
    for (const name of ['llm_identity', 'scorer_identity', 'scorer_integration-identity']) {
      const s = statements(only(revokedJson, 'aws_iam_role_policy', `${name}_policy-revocation`).policy);
      expect([name, s[0]]).toEqual([name, { Sid: 'RevokedDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }]);
      expect(s[1].Condition).toEqual({ DateLessThan: { 'aws:TokenIssueTime': REVOKED.at } });
    }
  });
  test('scales the deployment to zero and removes the Pod Identity association', () => {
    expect(only(revokedJson, 'kubernetes_deployment_v1', 'llm_').spec.replicas).toBe('0');
    expect(resources(revokedJson, 'aws_eks_pod_identity_association').map(([n]) => n)).toEqual([expect.stringMatching(/^caller_/)]);
  });
  test('its route entry says revoked, so the gateway function refuses it before IAM has propagated', () => {
    expect(only(revokedJson, 'aws_ssm_parameter', 'llm_route-entry').value).toContain('"revoked" = {"by" = "secops@example.com", "at" = "2026-11-20T09:00:00Z"');
  });
  test('its secrets stop rotating', () => {
    const rotated = resources(revokedJson, 'aws_secretsmanager_secret_rotation').map(([n]) => n);
    expect(rotated.filter((n) => n.startsWith('llm_'))).toEqual([]);
  });
  test('a revoked SageMaker service keeps no endpoint running', () => {
    expect([revokedJson.resource.aws_sagemaker_endpoint, revokedJson.resource.aws_sagemaker_endpoint_configuration, revokedJson.resource.aws_sagemaker_model]).toEqual([undefined, undefined, undefined]);
  });
  test('revoking a service turns the grants it gave into explicit denies', () => {
    const [s] = statements(only(revokedJson, 'aws_iam_role_policy', 'caller_identity_policy-service-access').policy);
    expect([s.Sid, s.Effect]).toEqual(['RevokedLlm', 'Deny']);
    // No key is issued for a grant that is a deny.
    expect(Object.keys(revokedJson.resource.aws_secretsmanager_secret).filter((n) => n.startsWith('caller_gateway-key'))).toEqual([]);
  });
  test('records who revoked, when and why in the tags', () => {
    expect(only(revokedJson, 'aws_iam_role', 'llm_identity').tags).toMatchObject({ [TAG_KEYS.revokedBy]: 'secops@example.com', [TAG_KEYS.revokedAt]: '2026-11-20T09:00:00Z' });
  });
});
