import { TAG_KEYS } from '../../constructs/governance/tags';
import { endpointPolicyForSimulator, evaluate } from '../../scripts/e2e/access/evaluate';
import { isGranted } from '../../scripts/e2e/access/expected-grants';
import { integrationTarget, runAccessMatrix, workloadIdentities } from '../../scripts/e2e/access/matrix';
import { PolicyWorld, type WorldResource } from '../../scripts/e2e/access/policy-world';
import { Tally } from '../../scripts/e2e/tally';

const ACCT = '123456789012';
const SECRET_A = `arn:aws:secretsmanager:eu-central-1:${ACCT}:secret:governed/dev/a/key-AbCdEf`;
const r = (type: string, name: string, values: Record<string, unknown>, planned = false): WorldResource => ({
  stack: 'platform-dev',
  address: `${type}.${name}`,
  type,
  values,
  planned,
});
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const role = (name: string, workload: string, extraTags: Record<string, string> = {}) =>
  r('aws_iam_role', name, {
    name,
    path: '/governed/dev/',
    arn: `arn:aws:iam::${ACCT}:role/governed/dev/${name}`,
    tags: { [TAG_KEYS.workload]: workload, [TAG_KEYS.environment]: 'dev', ...extraTags },
    assume_role_policy: doc({ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }),
  });

const resources: WorldResource[] = [
  role('dev-a', 'a'),
  role('dev-b', 'b'),
  r('aws_iam_role_policy', 'a-secrets', { role: 'dev-a', name: 'secrets', policy: doc({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SECRET_A }) }),
  r('aws_iam_role_policy', 'b-secrets', { role: 'dev-b', name: 'secrets', policy: doc({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }) }),
  r('aws_secretsmanager_secret', 'a', { arn: SECRET_A, name: 'governed/dev/a/key', tags: { [TAG_KEYS.workload]: 'a', [TAG_KEYS.environment]: 'dev' } }),
  r('aws_secretsmanager_secret_policy', 'a', {
    secret_arn: SECRET_A,
    policy: doc({ Effect: 'Deny', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: { ArnNotEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/governed/dev/dev-a` } } }),
  }),
];

describe('policy world', () => {
  test('attaches inline policies to their role', () => {
    expect(new PolicyWorld(resources).roles.find((x) => x.name === 'dev-a')!.identityPolicies.map((p) => p.name)).toEqual(['secrets']);
  });

  test('finds a secret resource policy by the secret ARN', () => {
    expect(new PolicyWorld(resources).resourcePolicyFor(SECRET_A)).toBeDefined();
  });

  test('notes a managed policy it cannot evaluate', () => {
    const world = new PolicyWorld([...resources, r('aws_iam_role_policy_attachment', 'x', { role: 'dev-a', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' })]);
    expect(world.problems.join('\n')).toMatch(/AdministratorAccess is not a policy of these stacks/);
  });

  test('treats roles trusted by API Gateway as route roles, not workloads', () => {
    const gatewayRole = r('aws_iam_role', 'route', {
      name: 'route',
      arn: `arn:aws:iam::${ACCT}:role/route`,
      tags: { [TAG_KEYS.workload]: 'a' },
      assume_role_policy: doc({ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }),
    });
    expect(workloadIdentities(new PolicyWorld([...resources, gatewayRole])).map((x) => x.name)).toEqual(['dev-a', 'dev-b']);
  });
});

describe('evaluating requests with iam-simulate', () => {
  const world = new PolicyWorld(resources);
  const a = world.roles.find((x) => x.name === 'dev-a')!;
  const b = world.roles.find((x) => x.name === 'dev-b')!;

  test('allows a workload its own secret', async () => {
    expect((await evaluate(world, { matrix: 't', principal: a, action: 'secretsmanager:GetSecretValue', resource: SECRET_A, expected: 'Allowed' })).decision).toBe('Allowed');
  });

  test("denies another workload's secret through the resource policy even with a wildcard grant", async () => {
    expect((await evaluate(world, { matrix: 't', principal: b, action: 'secretsmanager:GetSecretValue', resource: SECRET_A, expected: 'Denied' })).detail).toBe('ExplicitlyDenied');
  });
});

describe('access matrix', () => {
  test('derives own and other-workload secret requests from tags and meets them', async () => {
    const tally = new Tally();
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const summary = await runAccessMatrix(resources, tally);
    log.mockRestore();
    // dev-a its own secret, dev-b the other's, and each the model and the endpoint outside every grant.
    expect([summary.tried, summary.asExpected, tally.failed]).toEqual([6, 6, 0]);
  });

  test('fails when nothing was applied to evaluate', async () => {
    const tally = new Tally();
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    await runAccessMatrix([], tally);
    log.mockRestore();
    expect(tally.failures.join('\n')).toMatch(/no workload identity .* was applied: nothing to evaluate/);
  });

  test('fails a request whose decision differs from the matrix', async () => {
    const leaky = resources.map((x) =>
      x.type === 'aws_secretsmanager_secret_policy' ? { ...x, values: { ...x.values, policy: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'secretsmanager:GetSecretValue', Resource: '*' }) } } : x,
    );
    const tally = new Tally();
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    await runAccessMatrix(leaky, tally);
    log.mockRestore();
    expect(tally.failures.join('\n')).toMatch(/another workload's secret: dev-b secretsmanager:GetSecretValue .*expected Denied, got Allowed/s);
  });
});

describe('integration targets', () => {
  test('reads the Bedrock model of a route integration', () => {
    expect(integrationTarget('arn:aws:apigateway:eu-central-1:bedrock:path/model/anthropic.claude-3-haiku-20240307-v1:0/invoke', ACCT)).toBe(
      'arn:aws:bedrock:eu-central-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
    );
  });

  test('reads the SageMaker endpoint of a route integration', () => {
    expect(integrationTarget('arn:aws:apigateway:eu-central-1:runtime.sagemaker:path//endpoints/dev-chat/invocations', ACCT)).toBe(
      `arn:aws:sagemaker:eu-central-1:${ACCT}:endpoint/dev-chat`,
    );
  });
});

describe('endpoint policies for the simulator', () => {
  const policy = (principal: unknown, condition?: unknown) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Principal: principal, Action: 'x:Y', Resource: '*', Condition: condition as never }] });

  test('rewrites an account principal to a principal-account condition', () => {
    const st = (endpointPolicyForSimulator(policy({ AWS: `arn:aws:iam::${ACCT}:root` })).Statement as any[])[0];
    expect([st.Principal, st.Condition]).toEqual(['*', { StringEquals: { 'aws:PrincipalAccount': [ACCT] } }]);
  });

  test('keeps the conditions a statement already has', () => {
    const st = (endpointPolicyForSimulator(policy({ AWS: `arn:aws:iam::${ACCT}:root` }, { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::1:role/governed/dev/*' } })).Statement as any[])[0];
    expect(st.Condition.ArnLike).toEqual({ 'aws:PrincipalArn': 'arn:aws:iam::1:role/governed/dev/*' });
  });

  test('rewrites role principals to a principal-ARN condition', () => {
    const st = (endpointPolicyForSimulator(policy({ AWS: `arn:aws:iam::${ACCT}:role/r` })).Statement as any[])[0];
    expect(st.Condition).toEqual({ ArnEquals: { 'aws:PrincipalArn': [`arn:aws:iam::${ACCT}:role/r`] } });
  });

  test('leaves a wildcard principal alone', () => {
    expect((endpointPolicyForSimulator(policy('*')).Statement as any[])[0].Principal).toBe('*');
  });

  test('fails when a statement mixes accounts and role ARNs', () => {
    expect(() => endpointPolicyForSimulator(policy({ AWS: [`arn:aws:iam::${ACCT}:root`, `arn:aws:iam::${ACCT}:role/r`] }))).toThrow(/mixes accounts and principal ARNs/);
  });
});

describe('declared grants', () => {
  test('knows the product example grants the summarizer the chat service', () => {
    expect(isGranted('dev', 'ticket-summarizer', 'support-chat')).toBe(true);
  });

  test('grants nothing that is not declared', () => {
    expect(isGranted('dev', 'support-chat', 'ticket-summarizer')).toBe(false);
  });
});
