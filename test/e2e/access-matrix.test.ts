import { endpointPolicyForSimulator, evaluate, type AccessRequest } from '../../scripts/e2e/access/evaluate';
import { isGranted, pathCovered } from '../../scripts/e2e/access/expected-grants';
import { environmentOf, kindOf } from '../../scripts/e2e/access/identities';
import { limitationFor } from '../../scripts/e2e/access/limitations';
import { runAccessMatrix, type MatrixSummary } from '../../scripts/e2e/access/matrix';
import { PolicyWorld, type WorldResource } from '../../scripts/e2e/access/policy-world';
import { teamAdded, teamAdmin } from '../../scripts/e2e/access/principals';
import { gatewayRouteRequests, methodChecks } from '../../scripts/e2e/access/rows/gateway-routes';
import { Tally } from '../../scripts/e2e/tally';
import { accessWorld, ACCT, BUCKET, EXEC, REGION, ROLES, SECRETS, VPCE } from './fixtures/access-world';

const world = new PolicyWorld(accessWorld());
const roleOf = (arn: string) => world.roles.find((r) => r.arn === arn)!;
const endpoint = (id: string) => ({ id, policy: world.endpoints.get(id)?.policy });
const ask = (request: Omit<AccessRequest, 'matrix' | 'expected'>) => evaluate(world, { matrix: 't', expected: 'Denied', ...request });

async function matrix(resources: WorldResource[]): Promise<{ summary: MatrixSummary; tally: Tally }> {
  const tally = new Tally();
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    return { summary: await runAccessMatrix(resources, tally), tally };
  } finally {
    log.mockRestore();
  }
}

describe('policy world', () => {
  test('attaches inline policies to their role', () => {
    expect(roleOf(ROLES.summarizer).identityPolicies.map((p) => p.name)).toEqual(['service-access', 'secrets', 'logs']);
  });

  test("finds a bucket's policy for its objects", () => {
    expect(world.resourcePolicyFor(`arn:aws:s3:::${BUCKET}/bedrock/x`)).toBeDefined();
  });

  test("uses a role's trust policy as the resource policy of sts:AssumeRole on it", () => {
    expect(JSON.stringify(world.resourcePolicyFor(ROLES.chatGw))).toMatch(/sts:SourceIdentity/);
  });

  test('finds the endpoint of a service in an environment', () => {
    expect(world.endpointFor('secretsmanager', 'dev')?.id).toBe(VPCE.secrets);
  });

  test('reads the route entries the workloads published', () => {
    expect(world.routeEntries.map((e) => `${e.kind}/${e.name}`)).toEqual(['routes/support-chat', 'routes/ticket-summarizer', 'agents/incident-triage']);
  });

  test('notes a managed policy it cannot evaluate', () => {
    const w = new PolicyWorld([...accessWorld(), { stack: 'dev', address: 'aws_iam_role_policy_attachment.x', type: 'aws_iam_role_policy_attachment', values: { role: 'dev-euw1-ticket-summarizer', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, planned: false }]);
    expect(w.problems.join('\n')).toMatch(/AdministratorAccess is not a policy of these stacks/);
  });
});

describe('identities by path', () => {
  test.each([
    [ROLES.summarizer, 'workload'],
    [ROLES.chatGw, 'integration'],
    [ROLES.gateway, 'platform'],
  ])('%s is a %s identity', (arn, kind) => {
    expect(kindOf(roleOf(arn))).toBe(kind);
  });

  test('reads the environment from the path', () => {
    expect(environmentOf(roleOf(ROLES.gateway))).toBe('dev');
  });
});

describe('declared grants', () => {
  test('knows the product example grants the summarizer the chat route (POST)', () => {
    expect(isGranted('dev', 'ticket-summarizer', 'POST', 'workloads/support-chat/invoke')).toBe(true);
  });

  test('grants no method that was not granted', () => {
    expect(isGranted('dev', 'ticket-summarizer', 'GET', 'workloads/support-chat/invoke')).toBe(false);
  });

  test("covers everything below an agent's own tools", () => {
    expect(isGranted('dev', 'incident-triage', 'POST', 'agents/incident-triage/tools/t/x')).toBe(true);
  });

  test("does not cover another agent's tools", () => {
    expect(isGranted('dev', 'incident-triage', 'POST', 'agents/triage-prototype/tools/t/x')).toBe(false);
  });

  test('an exact grant covers no longer path', () => {
    expect(pathCovered({ methods: ['POST'], path: 'workloads/support-chat/invoke' }, 'workloads/support-chat/invoke/../../x')).toBe(false);
  });
});

describe('evaluating requests with iam-simulate', () => {
  test('allows a granted caller its route, naming the policies that allowed it', async () => {
    const r = await ask({ principal: roleOf(ROLES.summarizer), action: 'execute-api:Invoke', resource: `${EXEC}/v1/POST/workloads/support-chat/invoke`, viaEndpoint: endpoint(VPCE.executeApi) });
    expect(r.detail).toMatch(/^Allowed: .*identity InvokeSupportChat.*resource WorkloadIdentitiesThroughEnvironmentEndpoint/);
  });

  test('evaluates a team-added statement under the boundary: secretsmanager:* still cannot write a value', async () => {
    const r = await ask({ principal: roleOf(ROLES.summarizer), action: 'secretsmanager:PutSecretValue', resource: SECRETS.summarizerToken, teamAdded: [teamAdded('secretsmanager:*', { Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' })] });
    expect(r.detail).toMatch(/ExplicitlyDenied: .*resource DenyValueWritesExceptRotation/);
  });

  test('denies a revoked role in a session issued before the revocation', async () => {
    const r = await ask({ principal: roleOf(ROLES.legacy), action: 'logs:PutLogEvents', resource: `arn:aws:logs:${REGION}:${ACCT}:log-group:/governed/dev/legacy-classifier:log-stream:x`, sessionIssuedAt: '2026-11-19T09:00:00Z' });
    expect(r.detail).toMatch(/RevokedDenyEarlierSessions/);
  });

  test("sends a request on an S3 object to the environment's Region (the boundary denies others)", async () => {
    const r = await ask({
      principal: roleOf(ROLES.summarizer),
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${BUCKET}/sagemaker/dev-ticket-summarizer/x`,
      teamAdded: [teamAdded('s3:PutObject *', { Effect: 'Allow', Action: 's3:PutObject', Resource: '*' })],
    });
    expect(r.decision).toBe('Allowed');
  });

  test("sets a secret's tags as aws:ResourceTag (the rotation role is scoped by them)", async () => {
    const r = await ask({ principal: roleOf(ROLES.rotation), action: 'secretsmanager:PutSecretValue', resource: SECRETS.triageKey });
    expect([r.decision, r.ignoredContextKeys]).toEqual(['Allowed', []]);
  });
});

describe('limitations of the evaluator', () => {
  test('reports a context key the row set that the evaluator dropped (kms:ViaService on a Secrets Manager read)', async () => {
    const r = await ask({ principal: roleOf(ROLES.summarizer), action: 'secretsmanager:GetSecretValue', resource: SECRETS.summarizerToken, context: { 'kms:ViaService': 'x' } });
    expect(r.ignoredContextKeys).toEqual(['kms:ViaService']);
  });


  const declared = [{ key: 'kms:ViaService', actions: /^secretsmanager:/, reason: 'r' }];

  test('finds a declared limitation for a key the evaluator dropped', () => {
    expect(limitationFor('secretsmanager:GetSecretValue', ['kms:viaservice'], declared)?.reason).toBe('r');
  });

  test('finds none for another action', () => {
    expect(limitationFor('logs:PutLogEvents', ['kms:ViaService'], declared)).toBeUndefined();
  });
});

describe('gateway rows', () => {
  const requests = gatewayRouteRequests(world, ACCT, REGION);

  test('tries every route template disguised, with every governed role that lacks the grant, expecting a deny', () => {
    const disguised = requests.filter((q) => q.matrix.includes('without its grant')).map((q) => q.matrix.replace(/^break 1 \(issue 11\): /, '').replace(/ by a governed role.*/, ''));
    expect([...new Set(disguised)].sort()).toEqual(
      [
        'GET /agents/<agent>/models/<model>/invoke (a method not granted)',
        'GET /workloads/<service>/http/../../agents/<agent>/tools/<tool>',
        'POST /agents/<agent>/models/<model>/invoke',
        'POST /agents/<agent>/models/<model>/invoke on another stage',
        'POST /agents/<agent>/tools/t/x',
        'POST /workloads/<service>/http/x/agents/<agent>/tools/b',
      ].sort(),
    );
  });

  test("expects the agent's own tool path allowed, as the same probe by its granted caller", () => {
    expect(requests.find((q) => q.matrix.endsWith('POST /agents/<agent>/tools/t/x by its granted caller'))?.expected).toBe('Allowed');
  });

  test('never tries a revoked role as a caller (the revocation rows do)', () => {
    expect(requests.filter((q) => q.principal !== 'anonymous' && q.principal.arn === ROLES.legacy)).toEqual([]);
  });

  test('fails when a gateway method is not AWS_IAM', () => {
    const w = new PolicyWorld(accessWorld().map((x) => (x.type === 'aws_api_gateway_method' ? { ...x, values: { ...x.values, authorization: 'NONE' } } : x)));
    expect(methodChecks(w)[0]).toMatchObject({ ok: false, why: expect.stringMatching(/authorization is NONE, .*every gateway method must be AWS_IAM/) });
  });
});

// Each run evaluates a few hundred requests with the IAM simulator (about 3 s on one idle core): the
// default 5 s was exceeded on a loaded CI machine. The matrix's speed is not what these tests measure.
jest.setTimeout(60_000);

describe('the access matrix', () => {
  test('meets every expectation on the fixed design', async () => {
    const { tally } = await matrix(accessWorld());
    expect(tally.failures).toEqual([]);
  });

  test('counts the revoked identities denied N/N', async () => {
    const { summary } = await matrix(accessWorld());
    expect([summary.revoked.names, summary.revoked.denied === summary.revoked.tried, summary.revoked.tried > 0]).toEqual([['dev-euw1-legacy-classifier'], true, true]);
  });

  test('fails when the gateway policy lets an administrator of the account in', async () => {
    const { tally } = await matrix(accessWorld({ gatewayLetsAdministratorsIn: true }));
    expect(tally.failures.join('\n')).toMatch(/no principal but governed roles: a team administrator with execute-api:\* on GET \/health: team-admin .*expected Denied, got Allowed/);
  });

  test('fails when the platform boundary keeps the rotation role from writing secret values', async () => {
    const { tally } = await matrix(accessWorld({ platformBoundaryDeniesValueWrites: true }));
    expect(tally.failures.join('\n')).toMatch(/the rotation role writes a governed secret \(secretsmanager:PutSecretValue\).*expected Allowed, got ExplicitlyDenied: pb DenyIdentityKeyAndAuditManagement/s);
  });

  test('fails when the workload boundary lets any workload role invoke models (a team-added grant reaches them)', async () => {
    const { tally } = await matrix(accessWorld({ workloadBoundaryLetsAnyRoleInvokeModels: true }));
    expect(tally.failures.join('\n')).toMatch(/workload invokes a model directly with a team-added grant.*expected Denied, got Allowed/);
  });

  test('fails when nothing was applied to evaluate', async () => {
    const { tally } = await matrix([]);
    expect(tally.failures.join('\n')).toMatch(/no workload identity .* was applied: nothing to evaluate/);
  });

  test('fails when a declared limitation meets no row (it would hide nothing, or hide a regression)', async () => {
    const tally = new Tally();
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    await runAccessMatrix(accessWorld(), tally, [{ key: 'e2e:NeverSet', actions: /.*/, reason: 'test' }]);
    log.mockRestore();
    expect(tally.failures.join('\n')).toMatch(/limitation e2e:NeverSet .*no row met it/);
  });

  test("denies a team administrator's own secret writes on a governed secret (the secret's policy)", async () => {
    const r = await evaluate(world, { matrix: 't', principal: teamAdmin(ACCT), action: 'secretsmanager:PutSecretValue', resource: SECRETS.triageKey, expected: 'Denied' });
    expect(r.detail).toMatch(/ExplicitlyDenied: resource DenyValueWritesExceptRotation/);
  });
});

describe('endpoint policies for the simulator', () => {
  const policy = (principal: unknown, condition?: unknown) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Principal: principal, Action: 'x:Y', Resource: '*', Condition: condition as never }] });
  const first = (p: ReturnType<typeof endpointPolicyForSimulator>) => (p.Statement as any[])[0];

  test('rewrites an account principal to a principal-account condition', () => {
    const st = first(endpointPolicyForSimulator(policy({ AWS: `arn:aws:iam::${ACCT}:root` })));
    expect([st.Principal, st.Condition]).toEqual(['*', { StringEquals: { 'aws:PrincipalAccount': [ACCT] } }]);
  });

  test('keeps the conditions a statement already has', () => {
    const st = first(endpointPolicyForSimulator(policy({ AWS: `arn:aws:iam::${ACCT}:root` }, { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::1:role/governed/dev/*' } })));
    expect(st.Condition.ArnLike).toEqual({ 'aws:PrincipalArn': 'arn:aws:iam::1:role/governed/dev/*' });
  });

  test('rewrites role principals to a principal-ARN condition', () => {
    expect(first(endpointPolicyForSimulator(policy({ AWS: `arn:aws:iam::${ACCT}:role/r` }))).Condition).toEqual({ ArnEquals: { 'aws:PrincipalArn': [`arn:aws:iam::${ACCT}:role/r`] } });
  });

  test('leaves a wildcard principal alone', () => {
    expect(first(endpointPolicyForSimulator(policy('*'))).Principal).toBe('*');
  });

  test('fails when a statement mixes accounts and role ARNs', () => {
    expect(() => endpointPolicyForSimulator(policy({ AWS: [`arn:aws:iam::${ACCT}:root`, `arn:aws:iam::${ACCT}:role/r`] }))).toThrow(/mixes accounts and principal ARNs/);
  });
});
