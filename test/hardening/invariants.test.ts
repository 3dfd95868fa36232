import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { DIGEST, environment, serviceProps, synth, testStack, type TfJson } from '../support';
import { isTaggableAwsType, unboundedRoles, unhardenedKubernetes, unlabelledKubernetesObjects, unprotectedSecrets, untaggedAwsResources, violations, wildcardAllows } from './invariants';

/**
 * The invariant checks the property tests rely on must be able to fail: each is shown a
 * synthesized stack that keeps it, then the same stack with one control weakened.
 */
let base: TfJson;
beforeAll(() => {
  const stack = testStack();
  const env = environment(stack);
  new GovernedInferenceService(stack, 'svc', serviceProps(env, { model: { kubernetes: { image: `r@${DIGEST}`, resources: { cpu: '1', memory: '1Gi' } } } }));
  base = synth(stack);
});

const copy = (): TfJson => JSON.parse(JSON.stringify(base));
const first = (json: TfJson, type: string): any => Object.values(json.resource[type])[0];

test('a governed stack keeps every invariant', () => {
  expect(violations(base)).toEqual([]);
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
  expect(unboundedRoles(json)).toEqual([`aws_iam_role.${role[0]}: max_session_duration 43200`, `aws_iam_role.${role[0]}: workload role without permission boundary`]);
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
