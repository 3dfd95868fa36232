import {
  ApiMethodAuthorized,
  InterfaceEndpointPrivate,
  KubernetesGovernanceLabels,
  KubernetesNamespaceDefaultDeny,
  KubernetesNoDefaultServiceAccount,
  KubernetesPodHardened,
  ModelAccessGuardrail,
  ModelAndToolAccessSeparated,
  ModelInvocationLogging,
  SageMakerEndpointDataCapture,
  SageMakerEndpointEncrypted,
  SageMakerNetworkIsolation,
} from '../../constructs/policy-engine/rules';
import { evaluate, planStack, policy, synthStack } from './fixtures';

describe('InterfaceEndpointPrivate', () => {
  const endpoint = { vpc_id: 'vpc-1', service_name: 'com.amazonaws.eu-west-1.bedrock-runtime', vpc_endpoint_type: 'Interface' };
  test('compliant with private DNS and a policy', () => {
    const stack = synthStack({ resource: { aws_vpc_endpoint: { e: { ...endpoint, private_dns_enabled: true, policy: policy({ Effect: 'Allow', Principal: { AWS: 'arn:r' }, Action: 'bedrock:InvokeModel', Resource: 'arn:m' }) } } } });
    expect(evaluate(InterfaceEndpointPrivate, stack, 'aws_vpc_endpoint.e').status).toBe('compliant');
  });
  test('non-compliant without private DNS and policy', () => {
    const stack = synthStack({ resource: { aws_vpc_endpoint: { e: endpoint } } });
    expect(evaluate(InterfaceEndpointPrivate, stack, 'aws_vpc_endpoint.e')).toEqual({ status: 'non-compliant', message: 'private_dns_enabled is not true; no endpoint policy' });
  });
  test('not applicable to a gateway endpoint', () => {
    const stack = synthStack({ resource: { aws_vpc_endpoint: { e: { vpc_id: 'vpc-1', service_name: 'com.amazonaws.eu-west-1.s3' } } } });
    expect(evaluate(InterfaceEndpointPrivate, stack, 'aws_vpc_endpoint.e').status).toBe('not-applicable');
  });
  test('in a plan, a provider-computed (unknown, unreferenced) policy does not count as set', () => {
    const plan = planStack([{ address: 'aws_vpc_endpoint.e', values: { ...endpoint, private_dns_enabled: true }, unknown: { policy: true } }]);
    expect(evaluate(InterfaceEndpointPrivate, plan, 'aws_vpc_endpoint.e')).toEqual({ status: 'non-compliant', message: 'no endpoint policy' });
  });
});

describe('SageMakerNetworkIsolation', () => {
  test('compliant with isolation and a VPC', () => {
    const stack = synthStack({ resource: { aws_sagemaker_model: { m: { enable_network_isolation: true, vpc_config: { subnets: ['s'], security_group_ids: ['g'] } } } } });
    expect(evaluate(SageMakerNetworkIsolation, stack, 'aws_sagemaker_model.m').status).toBe('compliant');
  });
  test('non-compliant without isolation and VPC', () => {
    const stack = synthStack({ resource: { aws_sagemaker_model: { m: { execution_role_arn: 'arn:r' } } } });
    expect(evaluate(SageMakerNetworkIsolation, stack, 'aws_sagemaker_model.m')).toEqual({ status: 'non-compliant', message: 'enable_network_isolation is not true; no vpc_config' });
  });
});

describe('SageMakerEndpointEncrypted', () => {
  test('compliant with kms_key_arn', () => {
    const stack = synthStack({ resource: { aws_sagemaker_endpoint_configuration: { c: { kms_key_arn: '${aws_kms_key.k.arn}' } } } });
    expect(evaluate(SageMakerEndpointEncrypted, stack, 'aws_sagemaker_endpoint_configuration.c').status).toBe('compliant');
  });
  test('non-compliant without a key', () => {
    const stack = synthStack({ resource: { aws_sagemaker_endpoint_configuration: { c: {} } } });
    expect(evaluate(SageMakerEndpointEncrypted, stack, 'aws_sagemaker_endpoint_configuration.c')).toEqual({ status: 'non-compliant', message: 'kms_key_arn is not set' });
  });
});

describe('ApiMethodAuthorized', () => {
  test('compliant with AWS_IAM', () => {
    const stack = synthStack({ resource: { aws_api_gateway_method: { m: { http_method: 'ANY', authorization: 'AWS_IAM' } } } });
    expect(evaluate(ApiMethodAuthorized, stack, 'aws_api_gateway_method.m').status).toBe('compliant');
  });
  test('non-compliant with NONE', () => {
    const stack = synthStack({ resource: { aws_api_gateway_method: { m: { http_method: 'GET', authorization: 'NONE' } } } });
    expect(evaluate(ApiMethodAuthorized, stack, 'aws_api_gateway_method.m')).toEqual({ status: 'non-compliant', message: 'authorization is NONE' });
  });
  test('non-compliant for an HTTP API route without authorization_type', () => {
    const stack = synthStack({ resource: { aws_apigatewayv2_route: { r: { route_key: 'GET /x' } } } });
    expect(evaluate(ApiMethodAuthorized, stack, 'aws_apigatewayv2_route.r')).toEqual({ status: 'non-compliant', message: 'authorization_type is not set (NONE)' });
  });
});

describe('ApiMethodAuthorized: CORS preflight', () => {
  const API = { rest_api_id: '${aws_api_gateway_rest_api.api.id}', resource_id: '${aws_api_gateway_resource.tools.id}' };
  const rest = (integration: Record<string, unknown> | undefined, method: Record<string, unknown> = {}) =>
    synthStack({
      resource: {
        aws_api_gateway_method: { options: { ...API, http_method: 'OPTIONS', authorization: 'NONE', ...method } },
        ...(integration ? { aws_api_gateway_integration: { options: { ...API, http_method: 'OPTIONS', ...integration } } } : {}),
      },
    });
  test('an OPTIONS method with a MOCK integration (matched by API, resource and method) is compliant', () => {
    expect(evaluate(ApiMethodAuthorized, rest({ type: 'MOCK' }), 'aws_api_gateway_method.options').status).toBe('compliant');
  });
  test('fails when the unauthenticated OPTIONS method proxies to a backend (a way around the gateway check)', () => {
    expect(evaluate(ApiMethodAuthorized, rest({ type: 'AWS_PROXY', uri: '${aws_lambda_function.tool.invoke_arn}' }), 'aws_api_gateway_method.options')).toEqual({
      status: 'non-compliant',
      message: 'OPTIONS method without authorization has a AWS_PROXY integration: the preflight reaches a backend unauthenticated',
    });
  });
  test('an OPTIONS integration on another resource does not make the method a preflight', () => {
    const stack = rest({ type: 'MOCK', resource_id: '${aws_api_gateway_resource.other.id}' });
    expect(evaluate(ApiMethodAuthorized, stack, 'aws_api_gateway_method.options').status).toBe('cannot-verify');
  });
  test('an OPTIONS method whose integration is not in the stack is cannot-verify, never a pass', () => {
    expect(evaluate(ApiMethodAuthorized, rest(undefined), 'aws_api_gateway_method.options')).toMatchObject({ status: 'cannot-verify', message: expect.stringMatching(/no aws_api_gateway_integration for it/) });
  });
  const http = (route: Record<string, unknown>, api: Record<string, unknown> = {}) =>
    synthStack({
      resource: {
        aws_apigatewayv2_api: { http: { name: 'h', protocol_type: 'HTTP', ...api } },
        aws_apigatewayv2_route: { r: { api_id: '${aws_apigatewayv2_api.http.id}', route_key: 'OPTIONS /{proxy+}', authorization_type: 'NONE', ...route } },
      },
    });
  test('an HTTP API OPTIONS route with no target is compliant', () => {
    expect(evaluate(ApiMethodAuthorized, http({}), 'aws_apigatewayv2_route.r').status).toBe('compliant');
  });
  test('an HTTP API OPTIONS route on an API with cors_configuration is compliant (API Gateway answers preflights)', () => {
    expect(evaluate(ApiMethodAuthorized, http({ target: 'integrations/${aws_apigatewayv2_integration.i.id}' }, { cors_configuration: { allow_origins: ['https://app.example.com'] } }), 'aws_apigatewayv2_route.r').status).toBe('compliant');
  });
  test('fails when an HTTP API OPTIONS route sends preflights to a backend and the API has no CORS configuration', () => {
    expect(evaluate(ApiMethodAuthorized, http({ target: 'integrations/${aws_apigatewayv2_integration.i.id}' }), 'aws_apigatewayv2_route.r')).toMatchObject({
      status: 'non-compliant',
      message: expect.stringMatching(/preflight requests reach the backend unauthenticated/),
    });
  });
  test('fails for an unauthenticated GET beside the preflight', () => {
    expect(evaluate(ApiMethodAuthorized, http({ route_key: 'GET /tools' }), 'aws_apigatewayv2_route.r').status).toBe('non-compliant');
  });
});

const hardenedContainer = {
  name: 'app',
  image: 'app:1',
  security_context: {
    run_as_non_root: true,
    read_only_root_filesystem: true,
    allow_privilege_escalation: false,
    capabilities: { drop: ['ALL'] },
    seccomp_profile: { type: 'RuntimeDefault' },
  },
  resources: { limits: { cpu: '500m', memory: '512Mi' } },
};

function deployment(podSpec: Record<string, unknown>, namespace = 'agents') {
  return { metadata: { name: 'd', namespace }, spec: { template: { metadata: {}, spec: podSpec } } };
}

describe('KubernetesPodHardened', () => {
  test('compliant for a hardened container', () => {
    const stack = synthStack({ resource: { kubernetes_deployment_v1: { d: deployment({ service_account_name: 'sa', container: [hardenedContainer] }) } } });
    expect(evaluate(KubernetesPodHardened, stack, 'kubernetes_deployment_v1.d').status).toBe('compliant');
  });
  test('non-compliant for a container with defaults', () => {
    const stack = synthStack({ resource: { kubernetes_deployment_v1: { d: deployment({ container: [{ name: 'app', image: 'app:1' }] }) } } });
    const outcome = evaluate(KubernetesPodHardened, stack, 'kubernetes_deployment_v1.d');
    expect(outcome).toMatchObject({ status: 'non-compliant' });
    expect((outcome as { message: string }).message.split('; ')).toEqual([
      'container app: runAsNonRoot is not true',
      'container app: readOnlyRootFilesystem is not true',
      'container app: allowPrivilegeEscalation is not false',
      'container app: capabilities do not drop ALL',
      'container app: seccomp profile is not RuntimeDefault',
      'container app: no cpu and memory limits',
    ]);
  });
  test('accepts pod-level runAsNonRoot and seccomp', () => {
    const { run_as_non_root: _r, seccomp_profile: _s, ...containerContext } = hardenedContainer.security_context;
    const stack = synthStack({
      resource: {
        kubernetes_pod_v1: {
          p: { metadata: { name: 'p' }, spec: { security_context: { run_as_non_root: true, seccomp_profile: { type: 'RuntimeDefault' } }, container: [{ ...hardenedContainer, security_context: containerContext }] } },
        },
      },
    });
    expect(evaluate(KubernetesPodHardened, stack, 'kubernetes_pod_v1.p').status).toBe('compliant');
  });
});

describe('KubernetesNoDefaultServiceAccount', () => {
  test('compliant with its own service account', () => {
    const stack = synthStack({ resource: { kubernetes_deployment_v1: { d: deployment({ service_account_name: '${kubernetes_service_account_v1.sa.metadata[0].name}', container: [hardenedContainer] }) } } });
    expect(evaluate(KubernetesNoDefaultServiceAccount, stack, 'kubernetes_deployment_v1.d').status).toBe('compliant');
  });
  test('non-compliant without a service account', () => {
    const stack = synthStack({ resource: { kubernetes_deployment_v1: { d: deployment({ container: [hardenedContainer] }) } } });
    expect(evaluate(KubernetesNoDefaultServiceAccount, stack, 'kubernetes_deployment_v1.d')).toEqual({ status: 'non-compliant', message: 'the pod runs as the "default" service account' });
  });
});

describe('KubernetesNamespaceDefaultDeny', () => {
  const denyAll = { metadata: { name: 'deny', namespace: 'agents' }, spec: { pod_selector: {}, policy_types: ['Ingress', 'Egress'] } };
  const egress = {
    metadata: { name: 'egress', namespace: 'agents' },
    spec: { pod_selector: { match_labels: { app: 'a' } }, policy_types: ['Egress'], egress: [{ to: [{ namespace_selector: { match_labels: { name: 'gateway' } } }] }] },
  };
  test('compliant with default deny and egress rules in the namespace', () => {
    const stack = synthStack({
      resource: { kubernetes_deployment_v1: { d: deployment({ container: [hardenedContainer] }) }, kubernetes_network_policy_v1: { deny: denyAll, egress } },
    });
    expect(evaluate(KubernetesNamespaceDefaultDeny, stack, 'kubernetes_deployment_v1.d').status).toBe('compliant');
  });
  test('non-compliant when the policies are in another namespace', () => {
    const stack = synthStack({
      resource: { kubernetes_deployment_v1: { d: deployment({ container: [hardenedContainer] }, 'tools') }, kubernetes_network_policy_v1: { deny: denyAll, egress } },
    });
    expect(evaluate(KubernetesNamespaceDefaultDeny, stack, 'kubernetes_deployment_v1.d')).toEqual({
      status: 'non-compliant',
      message: 'namespace tools has no default-deny NetworkPolicy for ingress and egress; namespace tools has no NetworkPolicy with egress rules',
    });
  });
});

const invokeClaude = { Sid: 'ModelAccessClaude', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude' };
const guarded = { ...invokeClaude, Condition: { StringEquals: { 'bedrock:GuardrailIdentifier': 'arn:aws:bedrock:eu-west-1:1:guardrail/g:1' } } };

function withPolicy(statements: Record<string, unknown>[], extra: Record<string, Record<string, Record<string, unknown>>> = {}) {
  return synthStack({ resource: { aws_iam_role_policy: { p: { role: 'r', policy: policy(...statements) } }, ...extra } });
}

describe('ModelInvocationLogging', () => {
  test('compliant when the app configures Bedrock invocation logging (in another stack)', () => {
    const product = withPolicy([guarded]);
    const platform = synthStack({ stackName: 'platform', resource: { aws_bedrock_model_invocation_logging_configuration: { l: { logging_config: {} } } } });
    expect(evaluate(ModelInvocationLogging, product, 'aws_iam_role_policy.p', [product, platform]).status).toBe('compliant');
  });
  test('cannot verify Bedrock use when no stack checked together configures logging', () => {
    const product = withPolicy([guarded]);
    expect(evaluate(ModelInvocationLogging, product, 'aws_iam_role_policy.p')).toMatchObject({ status: 'cannot-verify', message: expect.stringMatching(/platform stack/) });
  });
  test('not applicable to a policy without model access', () => {
    const stack = withPolicy([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:s' }]);
    expect(evaluate(ModelInvocationLogging, stack, 'aws_iam_role_policy.p').status).toBe('not-applicable');
  });
});

describe('ModelAccessGuardrail', () => {
  test('compliant with a bedrock:GuardrailIdentifier condition', () => {
    expect(evaluate(ModelAccessGuardrail, withPolicy([guarded]), 'aws_iam_role_policy.p').status).toBe('compliant');
  });
  test('non-compliant without the condition', () => {
    expect(evaluate(ModelAccessGuardrail, withPolicy([invokeClaude]), 'aws_iam_role_policy.p')).toEqual({
      status: 'non-compliant',
      message: 'statement "ModelAccessClaude" allows bedrock:InvokeModel without a bedrock:GuardrailIdentifier condition',
    });
  });
  test('non-compliant for an agent without guardrail_configuration', () => {
    const stack = synthStack({ resource: { aws_bedrockagent_agent: { a: { agent_name: 'a', foundation_model: 'm' } } } });
    expect(evaluate(ModelAccessGuardrail, stack, 'aws_bedrockagent_agent.a').status).toBe('non-compliant');
  });
});

describe('ModelAndToolAccessSeparated', () => {
  const tool = { Sid: 'ToolAccessSearch', Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:eu-west-1:1:api/prod/POST/tools/search' };
  test('compliant when model and tool access are separate policies', () => {
    const stack = synthStack({
      resource: { aws_iam_role_policy: { model: { role: 'r', policy: policy(guarded) }, tool: { role: 'r', policy: policy(tool) } } },
    });
    expect(evaluate(ModelAndToolAccessSeparated, stack, 'aws_iam_role_policy.model').status).toBe('compliant');
    expect(evaluate(ModelAndToolAccessSeparated, stack, 'aws_iam_role_policy.tool').status).toBe('compliant');
  });
  test('non-compliant when one policy holds ModelAccess and ToolAccess statements', () => {
    expect(evaluate(ModelAndToolAccessSeparated, withPolicy([guarded, tool]), 'aws_iam_role_policy.p')).toMatchObject({
      status: 'non-compliant',
      message: 'one policy holds both ModelAccess* and ToolAccess* statements',
    });
  });
  test('non-compliant when model actions and tool routes share a policy without Sids', () => {
    const { Sid: _a, ...model } = guarded;
    const { Sid: _b, ...toolNoSid } = tool;
    expect(evaluate(ModelAndToolAccessSeparated, withPolicy([model, toolNoSid]), 'aws_iam_role_policy.p')).toMatchObject({
      status: 'non-compliant',
      message: expect.stringMatching(/model actions \(bedrock:InvokeModel\) and tool routes \(execute-api:Invoke\)/),
    });
  });
});

describe('ModelAndToolAccessSeparated on permission boundaries', () => {
  const both = policy(
    { Sid: 'InvokeAllowedModels', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:m' },
    { Sid: 'CallGateway', Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:g/*' },
  );
  test('not applicable to a policy a role in the stack uses as permissions_boundary', () => {
    const stack = synthStack({
      resource: {
        aws_iam_policy: { ceiling: { name: 'dev-ceiling', policy: both } },
        aws_iam_role: { r: { name: 'r', assume_role_policy: '{}', permissions_boundary: '${aws_iam_policy.ceiling.arn}' } },
      },
    });
    expect(evaluate(ModelAndToolAccessSeparated, stack, 'aws_iam_policy.ceiling').status).toBe('not-applicable');
  });
  test('not applicable to an unattached policy named as a boundary (published through the environment contract)', () => {
    const stack = synthStack({ resource: { aws_iam_policy: { b: { name: 'dev-workload-boundary', policy: both } } } });
    expect(evaluate(ModelAndToolAccessSeparated, stack, 'aws_iam_policy.b').status).toBe('not-applicable');
  });
  test('non-compliant for a "boundary"-named policy that is attached to a role as a grant', () => {
    const stack = synthStack({
      resource: {
        aws_iam_policy: { b: { name: 'dev-workload-boundary', policy: both } },
        aws_iam_role_policy_attachment: { a: { role: 'r', policy_arn: '${aws_iam_policy.b.arn}' } },
      },
    });
    expect(evaluate(ModelAndToolAccessSeparated, stack, 'aws_iam_policy.b').status).toBe('non-compliant');
  });
});

describe('KubernetesGovernanceLabels', () => {
  const facts = {
    'governance.ai/owner': 'customer-support',
    'governance.ai/environment': 'dev',
    'governance.ai/workload': 'chat',
    'governance.ai/data-classification': 'confidential',
  };
  const annotations = {
    'governance.ai/accountable': 'maria@example.com',
    'governance.ai/approver': 'sam@example.com',
    'governance.ai/revoker': 'secops@example.com',
    'governance.ai/review-by': '2027-03-31',
  };
  test('compliant with the facts split over labels and annotations', () => {
    const stack = synthStack({ resource: { kubernetes_service_account_v1: { sa: { metadata: { name: 'sa', labels: facts, annotations } } } } });
    expect(evaluate(KubernetesGovernanceLabels, stack, 'kubernetes_service_account_v1.sa').status).toBe('compliant');
  });
  test('non-compliant without the revoker', () => {
    const { 'governance.ai/revoker': _r, ...rest } = annotations;
    const stack = synthStack({ resource: { kubernetes_service_account_v1: { sa: { metadata: { name: 'sa', labels: facts, annotations: rest } } } } });
    expect(evaluate(KubernetesGovernanceLabels, stack, 'kubernetes_service_account_v1.sa')).toEqual({
      status: 'non-compliant',
      message: 'missing labels or annotations governance.ai/revoker',
    });
  });
});

describe('InterfaceEndpointPrivate with a separate aws_vpc_endpoint_policy', () => {
  test('compliant when an aws_vpc_endpoint_policy refers to the endpoint', () => {
    const stack = synthStack({
      resource: {
        aws_vpc_endpoint: { e: { vpc_id: 'vpc-1', service_name: 'com.amazonaws.eu-west-1.execute-api', vpc_endpoint_type: 'Interface', private_dns_enabled: true } },
        aws_vpc_endpoint_policy: { p: { vpc_endpoint_id: '${aws_vpc_endpoint.e.id}', policy: policy({ Effect: 'Allow', Principal: { AWS: 'arn:r' }, Action: 'execute-api:Invoke', Resource: 'arn:g/*' }) } },
      },
    });
    expect(evaluate(InterfaceEndpointPrivate, stack, 'aws_vpc_endpoint.e').status).toBe('compliant');
  });
});

describe('ModelAccessGuardrail on permission boundaries', () => {
  test('not applicable to a boundary (it grants nothing by itself)', () => {
    const stack = synthStack({ resource: { aws_iam_policy: { b: { name: 'dev-workload-boundary', policy: policy(invokeClaude) } } } });
    expect(evaluate(ModelAccessGuardrail, stack, 'aws_iam_policy.b').status).toBe('not-applicable');
  });
});

describe('SageMakerEndpointDataCapture', () => {
  test('non-compliant without data capture', () => {
    const stack = synthStack({ resource: { aws_sagemaker_endpoint_configuration: { c: { kms_key_arn: 'arn:k' } } } });
    expect(evaluate(SageMakerEndpointDataCapture, stack, 'aws_sagemaker_endpoint_configuration.c')).toEqual({
      status: 'non-compliant',
      message: 'no data_capture_config: endpoint invocations are not captured',
    });
  });
  test('compliant with data capture', () => {
    const stack = synthStack({ resource: { aws_sagemaker_endpoint_configuration: { c: { data_capture_config: { enable_capture: true, destination_s3_uri: 's3://b' } } } } });
    expect(evaluate(SageMakerEndpointDataCapture, stack, 'aws_sagemaker_endpoint_configuration.c').status).toBe('compliant');
  });
  test('non-compliant when capture is switched off', () => {
    const stack = synthStack({ resource: { aws_sagemaker_endpoint_configuration: { c: { data_capture_config: { enable_capture: false, destination_s3_uri: 's3://b' } } } } });
    expect(evaluate(SageMakerEndpointDataCapture, stack, 'aws_sagemaker_endpoint_configuration.c').status).toBe('non-compliant');
  });
});
