import { GovernedAgent } from '../../constructs/workloads/governed-agent';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { DIGEST, environment, serviceProps, synth, testStack, type TfJson } from '../support';
import { agentProps } from '../workloads/agent.support';
import {
  credentialsInUrls, executeApiPath, kubernetesEgressBeyondEndpoints, executeApiWildcards, iamNamesOverLimit, isTaggableAwsType, publicAllows, unboundedRoles, unhardenedKubernetes, unlabelledKubernetesObjects,
  unprotectedSecrets, unresolvedTokens, untaggedAwsResources, violations, wildcardAllows,
} from './invariants';

/**
 * The invariant checks the property tests rely on must be able to fail: each is shown a
 * synthesized stack that keeps it, then the same stack with one control weakened.
 */
let base: TfJson;
/** An environment with an agent (route grants, an integration identity, tool URLs) and a revoked Kubernetes service. */
let withAgent: TfJson;
beforeAll(() => {
  const stack = testStack();
  const env = environment(stack);
  new GovernedInferenceService(stack, 'svc', serviceProps(env, { model: { kubernetes: { image: `r@${DIGEST}`, resources: { cpu: '1', memory: '1Gi' } } } }));
  base = synth(stack);

  const agentStack = testStack(undefined, 'agents');
  const agentEnv = environment(agentStack, { allowedToolTargets: { credentialSecrets: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:tools/*'], functions: ['arn:aws:lambda:eu-west-1:123456789012:function:runbook-*'] } });
  new GovernedAgent(agentStack, 'agent', agentProps(agentEnv));
  const revoked = { by: 'secops@example.com', at: '2026-11-20T09:00:00Z', reason: 'INC-4411: token leaked in build logs' };
  new GovernedAgent(agentStack, 'old-agent', agentProps(agentEnv, { name: 'old-agent', revoked, runtime: { kubernetes: { image: `r@${DIGEST}`, resources: { cpu: '1', memory: '1Gi' } } } }));
  withAgent = synth(agentStack);
});

const copy = (json: TfJson = base): TfJson => JSON.parse(JSON.stringify(json));
/** The parsed policy of the first resource of `type` whose name includes `nameIncludes`, and a setter. */
function policyOf(json: TfJson, type: string, nameIncludes: string): { doc: any; save: () => void } {
  const [, r] = Object.entries<any>(json.resource[type]).find(([n]) => n.includes(nameIncludes))!;
  const doc = JSON.parse(r.policy);
  return { doc, save: () => (r.policy = JSON.stringify(doc)) };
}
const first = (json: TfJson, type: string): any => Object.values(json.resource[type])[0];

test('a governed stack keeps every invariant', () => {
  expect(violations(base)).toEqual([]);
  expect(violations(withAgent)).toEqual([]);
});

test('reads taggability from the provider: roles take tags, role policies do not', () => {
  expect(isTaggableAwsType('aws_iam_role')).toBe(true);
  expect(isTaggableAwsType('aws_iam_role_policy')).toBe(false);
});

test('catches an AWS resource without the owner tag', () => {
  const json = copy();
  delete first(json, 'aws_iam_role').tags[TAG_KEYS.owner];
  expect(untaggedAwsResources(json)).toEqual([expect.stringMatching(/^aws_iam_role\..* lacks governance:owner$/)]);
});

test('counts the provider default tags as tags', () => {
  const json = copy();
  const tags = { ...first(json, 'aws_iam_role').tags };
  delete first(json, 'aws_iam_role').tags;
  json.provider = { aws: [{ region: 'eu-west-1', default_tags: [{ tags }] }] };
  expect(untaggedAwsResources(json)).toEqual([]);
});

test('catches a Kubernetes object without the workload label', () => {
  const json = copy();
  delete first(json, 'kubernetes_service_v1').metadata.labels['governance.ai/workload'];
  expect(unlabelledKubernetesObjects(json)).toEqual([expect.stringMatching(/kubernetes_service_v1\..* lacks governance\.ai\/workload/)]);
});

test("catches a pod template without the facts", () => {
  const json = copy();
  delete first(json, 'kubernetes_deployment_v1').spec.template.metadata.annotations;
  expect(unlabelledKubernetesObjects(json)).toEqual([expect.stringMatching(/pod template lacks governance\.ai\/accountable/)]);
});

test('catches a wildcard and a service-wide Allow, and NotAction', () => {
  const json = copy();
  const policy = first(json, 'aws_iam_role_policy');
  policy.policy = JSON.stringify({ Statement: [{ Sid: 'A', Effect: 'Allow', Action: '*', Resource: 'x' }, { Sid: 'B', Effect: 'Allow', Action: ['s3:*'], Resource: 'x' }, { Sid: 'C', Effect: 'Allow', NotAction: 'iam:*', Resource: 'x' }, { Sid: 'D', Effect: 'Deny', Action: '*', Resource: '*' }] });
  expect(wildcardAllows(json)).toEqual([expect.stringMatching(/statement A allows \*$/), expect.stringMatching(/statement B allows s3:\*$/), expect.stringMatching(/statement C allows NotAction$/)]);
});

test('treats an unreadable policy as a violation', () => {
  const json = copy();
  first(json, 'aws_iam_role_policy').policy = '${data.aws_iam_policy_document.x.json}';
  expect(wildcardAllows(json)).toEqual([expect.stringMatching(/is not a readable policy document/)]);
});

test('catches a secret without rotation, with the AWS managed key, or with no recovery window', () => {
  const json = copy();
  const [name] = Object.keys(json.resource.aws_secretsmanager_secret);
  json.resource.aws_secretsmanager_secret[name].kms_key_id = 'alias/aws/secretsmanager';
  json.resource.aws_secretsmanager_secret[name].recovery_window_in_days = 0;
  for (const [n, r] of Object.entries(json.resource.aws_secretsmanager_secret_rotation)) if ((r as any).secret_id.includes(name)) delete json.resource.aws_secretsmanager_secret_rotation[n];
  expect(unprotectedSecrets(json)).toEqual([`aws_secretsmanager_secret.${name}: no customer managed key`, `aws_secretsmanager_secret.${name}: recovery window 0`, `aws_secretsmanager_secret.${name}: no rotation`, `aws_secretsmanager_secret.${name}: no rotation function`]);
});

test('catches a workload role without boundary and with 12-hour sessions', () => {
  const json = copy();
  const role = Object.entries(json.resource.aws_iam_role).find(([, r]) => (r as any).path === '/governed/dev/')!;
  delete (role[1] as any).permissions_boundary;
  (role[1] as any).max_session_duration = 43200;
  expect(unboundedRoles(json)).toEqual([`aws_iam_role.${role[0]}: max_session_duration 43200`, `aws_iam_role.${role[0]}: role at path /governed/dev/ without permission boundary`]);
});

test('catches a platform role and an integration identity without boundary', () => {
  const json = copy(withAgent);
  const platform = Object.entries<any>(json.resource.aws_iam_role).find(([, r]) => r.path === '/governed-platform/dev/')!;
  const integration = Object.entries<any>(json.resource.aws_iam_role).find(([, r]) => r.path === '/governed/dev/integration/')!;
  delete platform[1].permissions_boundary;
  integration[1].permissions_boundary = '';
  expect(unboundedRoles(json)).toEqual(expect.arrayContaining([`aws_iam_role.${platform[0]}: role at path /governed-platform/dev/ without permission boundary`, `aws_iam_role.${integration[0]}: role at path /governed/dev/integration/ without permission boundary`]));
  expect(unboundedRoles(json)).toHaveLength(2);
});

test("sees every role of the stack: the agent's workload and integration identities and the platform's", () => {
  const paths = Object.values<any>(withAgent.resource.aws_iam_role).map((r) => r.path);
  expect(new Set(paths)).toEqual(new Set(['/governed/dev/', '/governed/dev/integration/', '/governed-platform/dev/']));
});

describe('Principal "*" allows', () => {
  test('the endpoints carry only the neighbour statement, which is exempt', () => {
    const neighbours = Object.values<any>(withAgent.resource.aws_vpc_endpoint).filter((e) => e.policy?.includes('NeighboursUnchanged'));
    expect(neighbours.length).toBeGreaterThanOrEqual(5);
    expect(publicAllows(withAgent)).toEqual([]);
  });

  test('catches an Allow to everyone on a secret', () => {
    const json = copy(withAgent);
    const { doc, save } = policyOf(json, 'aws_secretsmanager_secret_policy', 'agent_gateway-key');
    doc.Statement.push({ Sid: 'Oops', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['secretsmanager:GetSecretValue'], Resource: '*' });
    save();
    expect(publicAllows(json)).toEqual([expect.stringMatching(/aws_secretsmanager_secret_policy\.agent_gateway-key.*statement Oops allows Principal "\*"$/)]);
  });

  test('catches the neighbour statement anywhere but an endpoint, and on an endpoint once it is changed', () => {
    const json = copy(withAgent);
    const key = policyOf(json, 'aws_kms_key', 'env_key');
    key.doc.Statement.push({ Sid: 'NeighboursUnchanged', Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' });
    key.save();
    const [endpointName, endpoint] = Object.entries<any>(json.resource.aws_vpc_endpoint).find(([, e]) => e.policy?.includes('NeighboursUnchanged'))!;
    const doc = JSON.parse(endpoint.policy);
    doc.Statement[0].Condition = { StringEquals: { 'aws:PrincipalAccount': '123456789012' } };
    endpoint.policy = JSON.stringify(doc);
    expect(publicAllows(json)).toEqual([expect.stringMatching(/^aws_kms_key\.env_key.*NeighboursUnchanged allows Principal/), `aws_vpc_endpoint.${endpointName}.policy statement NeighboursUnchanged allows Principal "*"`]);
    expect(wildcardAllows(json)).toEqual([expect.stringMatching(/^aws_kms_key\.env_key.*NeighboursUnchanged allows \*$/), `aws_vpc_endpoint.${endpointName}.policy statement NeighboursUnchanged allows *`]);
  });
});

describe('execute-api grants', () => {
  test("read the agent's grants: one ARN per method, on its own routes", () => {
    const grants = Object.entries<any>(withAgent.resource.aws_iam_role_policy)
      .filter(([n]) => n.startsWith('agent_identity'))
      .flatMap(([, p]) => JSON.parse(p.policy).Statement)
      .flatMap((s: any) => [s.Resource].flat())
      .map((r: string) => executeApiPath(r))
      .filter(Boolean)
      .map((p) => p!.join('/'));
    expect(grants.sort()).toEqual([
      'v1/DELETE/agents/triage/tools/*', 'v1/GET/agents/triage/tools/*', 'v1/HEAD/agents/triage/tools/*', 'v1/PATCH/agents/triage/tools/*',
      'v1/POST/agents/triage/models/anthropic.claude-3-haiku-20240307-v1-0/invoke', 'v1/POST/agents/triage/tools/*', 'v1/PUT/agents/triage/tools/*',
    ]);
    expect(executeApiWildcards(withAgent)).toEqual([]);
  });

  test.each([
    ['a wildcard method', '${aws_api_gateway_rest_api.x.execution_arn}/v1/*/agents/triage/tools/*', 'a wildcard method'],
    ['a wildcard before a fixed segment', '${aws_api_gateway_rest_api.x.execution_arn}/v1/POST/workloads/*/invoke', 'a wildcard before the last path segment'],
    ['a wildcard stage', '${aws_api_gateway_rest_api.x.execution_arn}/*/POST/workloads/chat/invoke', 'a wildcard stage'],
    ['the whole stage', '${jsondecode(data.aws_ssm_parameter.c.value).gateway.executionArn}/v1/*', 'a wildcard method'],
    ['a literal ARN with a wildcard method', 'arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/*/workloads/chat/invoke', 'a wildcard method'],
    ['a partial wildcard in the method', '${aws_api_gateway_rest_api.x.execution_arn}/v1/P*/workloads/chat/invoke', 'a wildcard method'],
  ])('catches %s', (_what, resource, problem) => {
    const json = copy(withAgent);
    const { doc, save } = policyOf(json, 'aws_iam_role_policy', 'agent_identity_policy-tool-access');
    doc.Statement.push({ Sid: 'Wide', Effect: 'Allow', Action: ['execute-api:Invoke'], Resource: resource });
    save();
    expect(executeApiWildcards(json)).toEqual([expect.stringMatching(new RegExp(`statement Wide grants .* with ${problem}$`))]);
  });

  test('holds a resource policy Allow to a role to the rule; denies and the delegation to the account are not grants', () => {
    const json = copy(withAgent);
    const { doc, save } = policyOf(json, 'aws_api_gateway_rest_api_policy', 'env_gateway');
    const delegation = doc.Statement.find((s: any) => s.Effect === 'Allow');
    expect(delegation.Principal.AWS).toMatch(/:root$/);
    expect(executeApiWildcards(json)).toEqual([]);
    doc.Statement.push({ ...delegation, Sid: 'ToOneRole', Principal: { AWS: 'arn:aws:iam::123456789012:role/governed/dev/dev-euw1-chat' } });
    save();
    expect(executeApiWildcards(json)).toEqual([expect.stringMatching(/statement ToOneRole grants .*\/v1\/\* with a wildcard method$/)]);
  });
});

test('catches a token cdktf left unresolved, as a string with an embedded token renders inside a function call', () => {
  // The base environment has no accountId: its account is a data source, so every ARN built from it is a reference.
  expect(unresolvedTokens(base)).toEqual([]);
  const broken = copy();
  const [, contract] = Object.entries<any>(broken.resource.aws_ssm_parameter).find(([n]) => n.includes('contract'))!;
  contract.value = contract.value.replace(/"accountId" = [^,]+,/, '"accountId" = "arn:aws:iam::${${TfToken[TOKEN.0]}}:role/x",');
  expect(unresolvedTokens(broken)).toEqual([expect.stringMatching(/^resource\.aws_ssm_parameter\.env_contract_[0-9A-F]+\.value: unresolved token in ".*\$\{\$\{TfToken\[TOKEN\.0\]/)]);
});

test('catches an IAM role name over 64 characters and one that cannot be checked', () => {
  const json = copy(withAgent);
  const [first, second] = Object.entries<any>(json.resource.aws_iam_role);
  first[1].name = `dev-euw1-${'x'.repeat(56)}`;
  second[1].name = '${var.role_name}';
  expect(iamNamesOverLimit(json)).toEqual([`aws_iam_role.${first[0]}: name "${first[1].name}" has 65 characters (limit 64)`, `aws_iam_role.${second[0]}: name "\${var.role_name}" is not a literal name (its length cannot be checked)`]);
});

describe('credentials in URLs', () => {
  test('finds none in a stack whose agent calls https tools', () => {
    expect(JSON.stringify(withAgent)).toContain('https://tickets.example.com/api');
    expect(credentialsInUrls(withAgent)).toEqual([]);
  });

  test.each([
    ['userinfo', 'https://bot:s3cr3t@tickets.example.com/api', /URL with userinfo \(tickets\.example\.com\)/],
    ['an API key in the query', 'https://tickets.example.com/api?x=1&API_KEY=abc', /credential query parameter\(s\) API_KEY/],
    ['a presigned signature', 'https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Signature=abc', /credential query parameter\(s\) X-Amz-Signature/],
    ['userinfo around a Terraform reference', 'https://${var.user}:${var.password}@tickets.example.com', /URL with userinfo/],
    ['userinfo in text that does not parse', 'see https://bot:s3cr3t@', /URL with userinfo$/],
  ])('catches %s', (_what, text, problem) => {
    const json = copy(withAgent);
    const [name, parameter] = Object.entries<any>(json.resource.aws_ssm_parameter).find(([n]) => n.startsWith('agent_route-entry'))!;
    parameter.value = parameter.value.replace('https://tickets.example.com/api', text);
    expect(credentialsInUrls(json)).toEqual([expect.stringMatching(new RegExp(`^resource\\.aws_ssm_parameter\\.${name}\\.value: .*${problem.source}`))]);
  });
});

test("accepts a revoked workload's secret that stops rotating, but not one that still rotates or whose keys nothing revokes", () => {
  expect(unprotectedSecrets(withAgent)).toEqual([]);
  const revokedSecret = Object.keys(withAgent.resource.aws_secretsmanager_secret).find((n) => n.startsWith('old-agent_gateway-key'))!;
  expect(withAgent.resource.aws_secretsmanager_secret[revokedSecret].tags[TAG_KEYS.revokedAt]).toBe('2026-11-20T09:00:00Z');
  const json = copy(withAgent);
  delete json.resource.aws_lambda_invocation;
  json.resource.aws_secretsmanager_secret_rotation.extra = { secret_id: `\${aws_secretsmanager_secret.${revokedSecret}.id}`, rotation_lambda_arn: 'x', rotation_rules: { automatically_after_days: 30 } };
  expect(unprotectedSecrets(json)).toEqual([
    `aws_secretsmanager_secret.${revokedSecret}: revoked, but still rotating (each rotation issues a fresh credential)`,
    `aws_secretsmanager_secret.${revokedSecret}: revoked gateway key whose issued keys nothing revokes`,
  ]);
});

test('catches a privileged, root, unpinned deployment and a LoadBalancer service', () => {
  const json = copy();
  const d = first(json, 'kubernetes_deployment_v1');
  const c = d.spec.template.spec.container[0];
  c.security_context.privileged = true;
  c.security_context.allow_privilege_escalation = true;
  c.image = 'r:latest';
  d.spec.template.spec.security_context.run_as_non_root = false;
  first(json, 'kubernetes_service_v1').spec.type = 'LoadBalancer';
  expect(unhardenedKubernetes(json)).toEqual([
    expect.stringMatching(/pod security_context\.run_as_non_root is false/),
    expect.stringMatching(/allow_privilege_escalation is true/),
    expect.stringMatching(/privileged is true/),
    expect.stringMatching(/image r:latest not pinned by digest/),
    expect.stringMatching(/kubernetes_service_v1\..*: type LoadBalancer/),
  ]);
});

test("accepts a contract environment's published periods, but no other unresolved value", () => {
  const json = copy();
  const [name] = Object.keys(json.resource.aws_secretsmanager_secret);
  json.resource.aws_secretsmanager_secret[name].recovery_window_in_days = '${jsondecode(data.aws_ssm_parameter.env_contract_1.value).secretRecoveryDays}';
  expect(unprotectedSecrets(json)).toEqual([]);
  json.resource.aws_secretsmanager_secret[name].recovery_window_in_days = '${var.recovery_days}';
  expect(unprotectedSecrets(json)).toEqual([`aws_secretsmanager_secret.${name}: recovery window \${var.recovery_days}`]);
});

describe('issue 11 breaks 2 and 9: governed pods reach single addresses and the cluster DNS only', () => {
  const egressPolicy = (json: TfJson): any => Object.entries<any>(json.resource.kubernetes_network_policy_v1).find(([n]) => n.includes('allow-egress'))![1];
  test('keeps: the endpoint IPs (/32 each), the Pod Identity agent and DNS, with a default deny', () => {
    expect(kubernetesEgressBeyondEndpoints(base)).toEqual([]);
    expect(kubernetesEgressBeyondEndpoints(withAgent)).toEqual([]);
  });
  test('catches egress to the whole VPC CIDR on 443 (break 9)', () => {
    const json = copy();
    egressPolicy(json).spec.egress[0].to.push({ ip_block: { cidr: '10.0.0.0/16' } });
    expect(kubernetesEgressBeyondEndpoints(json)).toEqual([expect.stringMatching(/egress rule 0 reaches 10\.0\.0\.0\/16, wider than one address/)]);
  });
  test("catches egress to the in-cluster gateway's pods (break 2: a pod calls models around API Gateway)", () => {
    const json = copy();
    egressPolicy(json).spec.egress.push({ to: [{ namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'ai-gateway' } }, pod_selector: { match_labels: { 'app.kubernetes.io/name': 'ai-gateway' } } }], ports: [{ port: '8443', protocol: 'TCP' }] });
    expect(kubernetesEgressBeyondEndpoints(json)).toEqual([expect.stringMatching(/egress rule \d+ reaches .*ai-gateway.*, not a single address/)]);
  });
  test('catches a rule to every destination, a rule on every port, and more than DNS on the DNS peer', () => {
    const json = copy();
    const policy = egressPolicy(json);
    policy.spec.egress.push({ ports: [{ port: '443', protocol: 'TCP' }] });
    policy.spec.egress.push({ to: [{ ip_block: { cidr: '10.0.1.5/32' } }] });
    const dns = policy.spec.egress.find((r: any) => r.ports.some((x: any) => String(x.port) === '53'));
    dns.ports.push({ port: '443', protocol: 'TCP' });
    expect(kubernetesEgressBeyondEndpoints(json)).toEqual([
      expect.stringMatching(/opens ports 53, 53, 443 to the cluster DNS/),
      expect.stringMatching(/has no "to" \(every destination\)/),
      expect.stringMatching(/has no ports \(every port\)/),
    ]);
  });
  test('catches a namespace without the default deny', () => {
    const json = copy();
    for (const [n] of Object.entries<any>(json.resource.kubernetes_network_policy_v1).filter(([n]) => n.includes('default-deny'))) delete json.resource.kubernetes_network_policy_v1[n];
    expect(kubernetesEgressBeyondEndpoints(json)).toEqual([expect.stringMatching(/^namespace .*: no default-deny network policy for ingress and egress$/)]);
  });
});
