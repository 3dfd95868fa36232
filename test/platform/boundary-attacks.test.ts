import { runSimulation } from '@cloud-copilot/iam-simulate';
import { environment, only, synth, testStack, type TfJson } from '../support';

/**
 * Attacks on the environment's permission boundaries, decided by an IAM evaluator (iam-simulate):
 * a team that widened its own roles to `*` on `*`.
 *
 * Revocation the platform holds (`revokedWorkloads` on the environment): the revoked workload's
 * team can undo its own `revoked` prop by removing it and applying, but not the environment's
 * boundaries. The attacks, decided by an IAM evaluator (iam-simulate) with the synthesized
 * boundaries: the revoked workload's identities with `*` on `*` in their own policy (the team
 * removed its `revoked` and widened the role), in a session issued before and after the
 * revocation; a neighbour whose name starts with the revoked one's stays unaffected.
 */
const ACCOUNT = '123456789012';
const role = (path: string, name: string) => `arn:aws:iam::${ACCOUNT}:role${path}${name}`;
const CHAT = role('/governed/dev/', 'dev-euw1-support-chat');
const CHAT_GW = role('/governed/dev/integration/', 'dev-euw1-support-chat-gw');
const CHAT_BEDROCK = role('/governed/dev/', 'dev-euw1-support-chat-bedrock');
const NEIGHBOUR = role('/governed/dev/', 'dev-euw1-support-chat-v2');
const REVOCATION = { workload: 'support-chat', by: 'secops@example.com', at: '2026-11-20T09:00:00Z', reason: 'INC-5120: model served stale customer data' };
const EVERYTHING = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

// Terraform references the simulator cannot know become this account's values; `$${...}` is an IAM
// policy variable escaped for Terraform, which AWS receives as `${...}`.
const literal = (s: string) =>
  JSON.parse(
    s
      .replace(/\$\$\{/g, '\u0000')
      .replace(/\$\{data\.aws_caller_identity\.[^}]+\.account_id\}/g, ACCOUNT)
      .replace(/\$\{[^}]+\}/g, 'resolved-at-apply')
      .replace(/\u0000/g, '${'),
  );

function boundaries(revokedWorkloads?: unknown[]): { workload: Record<string, unknown>; integration: Record<string, unknown>; json: TfJson } {
  const stack = testStack();
  environment(stack, revokedWorkloads ? { revokedWorkloads: revokedWorkloads as never } : {});
  const json = synth(stack);
  return { workload: literal(only(json, 'aws_iam_policy', 'env_boundary').policy), integration: literal(only(json, 'aws_iam_policy', 'integration-boundary').policy), json };
}

/**
 * The decision for `principal` with `*` on `*` in its own policy under `boundary`. `workload` is the
 * role's governance:workload tag (the boundaries scope own resources by it); by default the one
 * its name says (support-chat, or support-chat-v2).
 */
async function decide(principal: string, boundary: Record<string, unknown>, action: string, resource: string, now: string, workload = /support-chat-v2$/.test(principal) ? 'support-chat-v2' : 'support-chat'): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: {
          'aws:RequestedRegion': 'eu-west-1',
          'aws:PrincipalAccount': ACCOUNT,
          'aws:PrincipalArn': principal,
          'aws:CurrentTime': now,
          'aws:SecureTransport': 'true',
          'aws:PrincipalTag/governance:workload': workload,
        },
      },
      identityPolicies: [{ name: 'team-widened', policy: EVERYTHING }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      permissionBoundaryPolicies: [{ name: 'boundary', policy: boundary }],
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

const OWN_LOGS = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/governed/dev/support-chat:log-stream:x`;
const MODEL = 'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0';
const AFTER = '2026-11-22T10:00:00Z';

describe('platform revocation (revokedWorkloads)', () => {
  const revoked = boundaries([REVOCATION]);
  const none = boundaries();

  test('without it, the widened workload role writes its own logs (the boundary allows it): the attack has something to deny', async () => {
    expect(await decide(CHAT, none.workload, 'logs:PutLogEvents', OWN_LOGS, AFTER)).toBe('Allowed');
    expect(await decide(CHAT_GW, none.integration, 'bedrock:InvokeModel', MODEL, AFTER)).toBe('Allowed');
  });
  test('attack: the team removed its own `revoked` and widened its roles; the workload identity is still denied', async () => {
    expect(await decide(CHAT, revoked.workload, 'logs:PutLogEvents', OWN_LOGS, AFTER)).toBe('ExplicitlyDenied');
    expect(await decide(CHAT, revoked.workload, 'execute-api:Invoke', `arn:aws:execute-api:eu-west-1:${ACCOUNT}:abc123/v1/POST/workloads/support-chat/invoke`, AFTER)).toBe('ExplicitlyDenied');
  });
  test('attack: the same for the integration identity and the Bedrock agent role', async () => {
    expect(await decide(CHAT_GW, revoked.integration, 'bedrock:InvokeModel', MODEL, AFTER)).toBe('ExplicitlyDenied');
    expect(await decide(CHAT_BEDROCK, revoked.workload, 'bedrock:InvokeModel', MODEL, AFTER)).toBe('ExplicitlyDenied');
  });
  test('a neighbour whose name starts with the revoked one is not denied (exact role ARNs)', async () => {
    expect(await decide(NEIGHBOUR, revoked.workload, 'logs:PutLogEvents', `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/governed/dev/support-chat-v2:log-stream:x`, AFTER)).toBe('Allowed');
  });
  test('a scheduled revocation takes effect at its time: allowed before, denied after', async () => {
    const later = boundaries([{ ...REVOCATION, at: '2026-12-01T00:00:00Z', scheduled: true }]);
    expect(await decide(CHAT, later.workload, 'logs:PutLogEvents', OWN_LOGS, '2026-11-30T23:59:59Z')).toBe('Allowed');
    expect(await decide(CHAT, later.workload, 'logs:PutLogEvents', OWN_LOGS, '2026-12-01T00:00:01Z')).toBe('ExplicitlyDenied');
  });
  test('the statement names exactly the three identities, from the revocation time', () => {
    const statement = (revoked.workload.Statement as { Sid: string }[]).find((s) => s.Sid === 'DenyWorkloadsRevokedByPlatform');
    expect(statement).toEqual({
      Sid: 'DenyWorkloadsRevokedByPlatform',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': [CHAT, CHAT_BEDROCK, CHAT_GW] }, DateGreaterThanEquals: { 'aws:CurrentTime': REVOCATION.at } },
    });
  });
  test('fails when the revocation is not by the environment\'s revoker', () => {
    expect(() => boundaries([{ ...REVOCATION, by: 'someone@example.com' }])).toThrow(/revokedWorkloads\[0\]\.by: got "someone@example\.com"; allowed: a named revoker of this workload or its environment \(secops@example\.com\)/);
  });
  test('fails when the workload is not a slug, or listed twice', () => {
    expect(() => boundaries([{ ...REVOCATION, workload: 'Support Chat' }])).toThrow(/revokedWorkloads\[0\]\.workload: got "Support Chat"; allowed: a workload name \(lowercase slug\)/);
    expect(() => boundaries([REVOCATION, REVOCATION])).toThrow(/revokedWorkloads\[1\]\.workload: got "support-chat"; allowed: each workload once/);
  });
  test('fails when the time is in the future without scheduled, or the reason is missing', () => {
    expect(() => boundaries([{ ...REVOCATION, at: '2027-01-01T00:00:00Z' }])).toThrow(/revokedWorkloads\[0\]\.at: got "2027-01-01T00:00:00Z"; allowed: a time not after today/);
    expect(() => boundaries([{ ...REVOCATION, reason: '' }])).toThrow(/revokedWorkloads\[0\]\.reason: got ""; allowed: a reason of at least 10 characters/);
  });
  test('fails when it is not a list', () => {
    expect(() => boundaries({ workload: 'x' } as never)).toThrow(/revokedWorkloads: got .*; allowed: a list of \{ workload, by, at, reason \}/);
  });
});

describe('direct model access: only Bedrock agent roles invoke models themselves (the workload boundary)', () => {
  const { workload } = boundaries();
  const POD = role('/governed/dev/', 'dev-euw1-support-triage');
  test('attack: a Kubernetes workload role with a team-added bedrock:InvokeModel (with any condition) is denied by the boundary', async () => {
    expect(await decide(POD, workload, 'bedrock:InvokeModel', MODEL, AFTER)).toBe('ImplicitlyDenied');
  });
  test("a Bedrock agent's role invokes its allowed model", async () => {
    expect(await decide(role('/governed/dev/', 'dev-euw1-support-triage-bedrock'), workload, 'bedrock:InvokeModel', MODEL, AFTER)).toBe('Allowed');
  });
});

describe("an integration identity reaches its own workload's SageMaker endpoint only (the integration boundary)", () => {
  const { integration } = boundaries();
  const endpoint = (name: string) => `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:endpoint/${name}`;
  const SHADOW = role('/governed/dev/integration/', 'dev-euw1-growth-shadow-gw');
  test("attack: a team's shadow integration identity (with its own grant) invokes another team's endpoint: denied", async () => {
    expect(await decide(SHADOW, integration, 'sagemaker:InvokeEndpoint', endpoint('dev-fraud-scoring'), AFTER, 'growth-shadow')).toBe('ImplicitlyDenied');
  });
  test("the service's own integration identity invokes its own endpoint", async () => {
    expect(await decide(role('/governed/dev/integration/', 'dev-euw1-fraud-scoring-gw'), integration, 'sagemaker:InvokeEndpoint', endpoint('dev-fraud-scoring'), AFTER, 'fraud-scoring')).toBe('Allowed');
  });
});

