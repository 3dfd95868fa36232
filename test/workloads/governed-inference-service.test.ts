import { REQUIRED_TAG_KEYS, TAG_KEYS } from '../../constructs/governance/tags';
import { GovernedEnvironment } from '../../constructs/platform/governed-environment';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { asArray, DIGEST, environment, MODELS, only, resources, serviceProps, statements, synth, testStack, type TfJson } from '../support';

const K8S_IMAGE = `ghcr.io/example/llm@${DIGEST}`;
const SM_IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/scorer@${DIGEST}`;

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
    quotas: { ratePerSecond: 5, burst: 10, monthlyRequests: 5000 },
  }));
  chat.grantInvoke(llm);
  services = { chat, scorer, llm };
  json = synth(stack);

  const productStack = testStack(undefined, 'product');
  const contract = GovernedEnvironment.fromContract(productStack, 'env', 'dev');
  new GovernedInferenceService(productStack, 'chat', serviceProps(contract));
  contractJson = synth(productStack);

  const revokedStack = testStack(undefined, 'revoked');
  const env2 = environment(revokedStack);
  new GovernedInferenceService(revokedStack, 'llm', serviceProps(env2, {
    name: 'llm',
    model: { kubernetes: { image: K8S_IMAGE, resources: { cpu: '1', memory: '1Gi' } } },
    revoked: { by: 'secops@example.com', at: '2026-11-20T09:00:00Z', reason: 'INC-4411: token leaked in build logs' },
  }));
  revokedJson = synth(revokedStack);
});

const role = (name: string) => only(json, 'aws_iam_role', `${name}_identity`);
const workloadPolicies = () => resources(json, 'aws_iam_role_policy').filter(([n]) => /^(chat|scorer|llm)_/.test(n));

describe('identity', () => {
  test('each workload has its own role named <env>-<workload> under the governed path', () => {
    expect(['chat', 'scorer', 'llm'].map((n) => [role(n).name, role(n).path])).toEqual([
      ['dev-chat', '/governed/dev/'], ['dev-scorer', '/governed/dev/'], ['dev-llm', '/governed/dev/'],
    ]);
  });
  test('sessions last at most one hour', () => {
    for (const n of ['chat', 'scorer', 'llm']) expect(role(n).max_session_duration).toBe(3600);
  });
  test('every workload role carries the environment permission boundary', () => {
    for (const n of ['chat', 'scorer', 'llm']) expect(role(n).permissions_boundary).toMatch(/aws_iam_policy\..*boundary.*\.arn/);
  });
  test('a Kubernetes workload is trusted through EKS Pod Identity for its namespace and service account only', () => {
    const [trust] = statements(role('llm').assume_role_policy);
    expect(trust.Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
    expect(trust.Condition.StringEquals).toMatchObject({ 'aws:RequestTag/kubernetes-namespace': 'llm', 'aws:RequestTag/kubernetes-service-account': 'llm' });
    expect(trust.Condition.ArnEquals['aws:SourceArn']).toMatch(/:cluster\/ai-workloads$/);
  });
  test('a SageMaker workload is trusted by SageMaker with source account and ARN conditions', () => {
    const [trust] = statements(role('scorer').assume_role_policy);
    expect(trust.Principal).toEqual({ Service: 'sagemaker.amazonaws.com' });
    expect(Object.keys(trust.Condition)).toEqual(['StringEquals', 'ArnLike']);
    expect(trust.Condition.StringEquals['aws:SourceAccount']).toMatch(/caller_identity/);
  });
  test('a Bedrock workload is the gateway integration identity, trusted by API Gateway for this gateway only', () => {
    const [trust] = statements(role('chat').assume_role_policy);
    expect(trust.Principal).toEqual({ Service: 'apigateway.amazonaws.com' });
    expect(trust.Condition.ArnLike['aws:SourceArn']).toMatch(/aws_api_gateway_rest_api\..*execution_arn\}\/\*$/);
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

describe('model access', () => {
  test('a Bedrock workload may invoke only its named model, and only with the guardrail attached', () => {
    const s = statements(only(json, 'aws_iam_role_policy', 'chat_identity_policy-model-access').policy);
    expect(s[0].Resource).toBe(`arn:aws:bedrock:eu-west-1::foundation-model/${MODELS[0]}`);
    expect(s[0].Condition.StringEquals['bedrock:GuardrailIdentifier']).toMatch(/guardrail_arn\}:\$\{aws_bedrock_guardrail_version/);
  });
  test('the Bedrock route sends the guardrail with every call', () => {
    const integration = only(json, 'aws_api_gateway_integration', 'chat_route');
    expect(Object.keys(integration.request_parameters)).toEqual(['integration.request.header.X-Amzn-Bedrock-GuardrailIdentifier', 'integration.request.header.X-Amzn-Bedrock-GuardrailVersion']);
  });
  test('the SageMaker route is signed by a gateway identity that may invoke only that endpoint', () => {
    const s = statements(only(json, 'aws_iam_role_policy', 'scorer_gateway-identity').policy);
    expect(s).toEqual([expect.objectContaining({ Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'], Resource: expect.stringMatching(/aws_sagemaker_endpoint\./) })]);
  });
  test('against a contract environment, the allow-list is a Terraform precondition on the route', () => {
    const integration = only(contractJson, 'aws_api_gateway_integration', 'chat_route');
    expect(integration.lifecycle.precondition[0].condition).toMatch(/contains\(.*allowedModels.*anthropic\.claude-3-haiku/);
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
});

describe('secrets', () => {
  test('every secret is encrypted with the environment key', () => {
    for (const [, s] of resources(json, 'aws_secretsmanager_secret').filter(([n]) => /^(chat|scorer|llm)_/.test(n))) expect(s.kms_key_id).toMatch(/aws_kms_key\..*\.arn/);
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
    expect(deny.Condition.ArnNotEquals['aws:PrincipalArn']).toEqual([expect.stringMatching(/aws_iam_role\.llm_identity.*\.arn/), expect.stringMatching(/role\/governed-platform\/dev\/dev-secret-rotation$/)]);
  });
  test("the gateway key is readable by the services granted invoke, not by the service's own role", () => {
    const [deny] = statements(only(json, 'aws_secretsmanager_secret_policy', 'chat_gateway-key').policy);
    const readers = deny.Condition.ArnNotEquals['aws:PrincipalArn'];
    expect(readers[0]).toMatch(/aws_iam_role\.llm_identity/);
    expect(readers.join()).not.toMatch(/aws_iam_role\.chat_identity/);
  });
  test('the gateway key rotates as an API key on the workload usage plan', () => {
    const secret = only(json, 'aws_secretsmanager_secret', 'chat_gateway-key');
    expect(secret.tags).toMatchObject({ 'governance:rotation-strategy': 'api-gateway-key', 'governance:usage-plan-id': expect.stringMatching(/aws_api_gateway_usage_plan\.chat/) });
  });
});

describe('gateway route', () => {
  test('every workload method requires AWS_IAM and an API key', () => {
    for (const [, m] of resources(json, 'aws_api_gateway_method').filter(([n]) => /^(chat|scorer|llm)_/.test(n))) expect([m.authorization, m.api_key_required]).toEqual(['AWS_IAM', true]);
  });
  test('the usage plan carries the workload throttle and monthly quota', () => {
    const plan = only(json, 'aws_api_gateway_usage_plan', 'llm');
    expect(plan.throttle_settings).toEqual({ rate_limit: 5, burst_limit: 10 });
    expect(plan.quota_settings).toEqual({ limit: 5000, period: 'MONTH' });
  });
  test('the workload stage logs access to the environment sink and never logs bodies', () => {
    expect(only(json, 'aws_api_gateway_stage', 'llm').access_log_settings.destination_arn).toMatch(/gateway-access/);
    expect(only(json, 'aws_api_gateway_method_settings', 'llm').settings.data_trace_enabled).toBe(false);
  });
  test('grantInvoke allows execute-api:Invoke on the route of that stage only, through the environment endpoint', () => {
    const [s] = statements(only(json, 'aws_iam_role_policy', 'llm_identity_policy-service-access').policy);
    expect(s.Resource).toMatch(/execution_arn\}\/chat\/POST\/workloads\/chat\/invoke$/);
    expect(s.Condition.StringEquals['aws:SourceVpce']).toMatch(/execute-api/);
  });
  test('exposes the route URL', () => {
    expect(services.chat.routeUrl).toMatch(/\/workloads\/chat\/invoke$/);
  });
});

describe('Kubernetes', () => {
  const deployment = () => only(json, 'kubernetes_deployment_v1');
  const pod = () => deployment().spec.template.spec;
  const container = () => pod().container[0];
  test('a service account bound to the role through an EKS Pod Identity association', () => {
    expect(only(json, 'kubernetes_service_account_v1').metadata.name).toBe('llm');
    expect(only(json, 'aws_eks_pod_identity_association')).toMatchObject({ cluster_name: 'ai-workloads', namespace: 'llm', service_account: 'llm', role_arn: expect.stringMatching(/aws_iam_role\.llm_identity/) });
  });
  test('pods do not run on the default service account and mount no API token', () => {
    expect([pod().service_account_name, pod().automount_service_account_token]).toEqual([expect.not.stringMatching(/^default$/), false]);
  });
  test('containers run as non-root', () => {
    expect([pod().security_context.run_as_non_root, container().security_context.run_as_non_root]).toEqual([true, true]);
  });
  test('containers have a read-only root filesystem', () => {
    expect(container().security_context.read_only_root_filesystem).toBe(true);
  });
  test('containers cannot escalate privileges', () => {
    expect([container().security_context.allow_privilege_escalation, container().security_context.privileged]).toEqual([false, false]);
  });
  test('containers drop all capabilities', () => {
    expect(container().security_context.capabilities.drop).toEqual(['ALL']);
  });
  test('pods use the RuntimeDefault seccomp profile', () => {
    expect(pod().security_context.seccomp_profile.type).toBe('RuntimeDefault');
  });
  test('containers have resource limits', () => {
    expect(container().resources.limits).toEqual({ cpu: '2', memory: '8Gi' });
  });
  test('the image is pinned by digest', () => {
    expect(container().image).toBe(K8S_IMAGE);
  });
  test('the service is ClusterIP', () => {
    expect(only(json, 'kubernetes_service_v1').spec.type).toBe('ClusterIP');
    expect(services.llm.serviceDnsName).toBe('llm.llm.svc.cluster.local');
  });
  test('the namespace enforces the restricted Pod Security standard', () => {
    expect(only(json, 'kubernetes_namespace_v1').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
  test('a default-deny network policy covers ingress and egress of every pod', () => {
    const p = only(json, 'kubernetes_network_policy_v1', 'default-deny');
    expect(p.spec).toEqual({ pod_selector: {}, policy_types: ['Ingress', 'Egress'] });
  });
  test('ingress is allowed only from the gateway pods', () => {
    const from = only(json, 'kubernetes_network_policy_v1', 'allow-gateway-ingress').spec.ingress[0].from;
    expect(from).toEqual([{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'ai-gateway' } }, pod_selector: { match_labels: { app: 'ai-gateway' } } }]);
  });
  test('egress is allowed only to the gateway, the VPC endpoints (443) and DNS', () => {
    const egress = only(json, 'kubernetes_network_policy_v1', 'allow-egress').spec.egress;
    expect(egress).toHaveLength(3);
    expect(egress[1].ports).toEqual([{ port: '443', protocol: 'TCP' }]);
    expect(egress[2].ports.map((p: any) => p.port)).toEqual(['53', '53']);
  });
  test('Kubernetes objects carry the governance facts as labels and annotations', () => {
    const meta = deployment().metadata;
    expect(meta.labels).toMatchObject({ 'governance.ai/owner': 'customer-support', 'governance.ai/environment': 'dev', 'governance.ai/workload': 'llm' });
    expect(meta.annotations).toMatchObject({ 'governance.ai/approver': 'sam.ortiz@example.com', 'governance.ai/review-by': '2027-03-31' });
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
        if (!/^(chat|scorer|llm)_/.test(name) || !('tags' in r)) continue;
        for (const key of REQUIRED_TAG_KEYS) expect([type, name, key, typeof r.tags[key]]).toEqual([type, name, key, 'string']);
        expect(r.tags[TAG_KEYS.owner]).toBe('customer-support');
      }
    }
  });
});

describe('revocation', () => {
  test('attaches an explicit deny of everything, including sessions issued before the revocation', () => {
    const s = statements(only(revokedJson, 'aws_iam_role_policy', 'llm_identity_policy-revocation').policy);
    expect(s[0]).toMatchObject({ Effect: 'Deny', Action: '*', Resource: '*' });
    expect(s[1].Condition).toEqual({ DateLessThan: { 'aws:TokenIssueTime': '2026-11-20T09:00:00Z' } });
  });
  test('scales the deployment to zero', () => {
    expect(only(revokedJson, 'kubernetes_deployment_v1').spec.replicas).toBe('0');
  });
  test('records who revoked, when and why in the tags', () => {
    expect(only(revokedJson, 'aws_iam_role', 'llm_identity').tags).toMatchObject({ [TAG_KEYS.revokedBy]: 'secops@example.com', [TAG_KEYS.revokedAt]: '2026-11-20T09:00:00Z' });
  });
});
