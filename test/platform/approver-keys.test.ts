import { runSimulation } from '@cloud-copilot/iam-simulate';
import { environment, only, resources, statements, synth, testStack, type TfJson } from '../support';

/**
 * Who may sign and verify with an approver's key, decided by an IAM evaluator (iam-simulate, with
 * KMS's key-policy trust: a key policy must allow the account before any IAM policy can grant a
 * use). The attacks: a careless team-added `kms:*` on `*`, a compromised gateway function trying to
 * sign, the account administrator trying to sign. Only the approver signs; only the gateway
 * function verifies.
 */
const ACCOUNT = '123456789012';
const GATEWAY_ROLE = `arn:aws:iam::${ACCOUNT}:role/governed-platform/dev/dev-euw1-platform-gateway`;
const APPROVER_ROLE = `arn:aws:iam::${ACCOUNT}:role/approvers/incident-commander`;
const TEAM_ROLE = `arn:aws:iam::${ACCOUNT}:role/governed/dev/dev-euw1-support-chat`;

let json: TfJson;
let keyArn: string;
let keyPolicy: Record<string, unknown>;
let gatewayPolicy: Record<string, unknown>;
let platformBoundary: Record<string, unknown>;

// Terraform references the simulator cannot know become this account's values.
const literal = (s: string) =>
  JSON.parse(
    s
      .replace(/\$\{data\.aws_caller_identity\.[^}]+\.account_id\}/g, ACCOUNT)
      .replace(/\$\{aws_kms_key\.env_approvers_key-incident-commander[^}]+\.arn\}/g, `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1111aaaa-0000-4000-8000-000000000001`)
      .replace(/\$\{aws_kms_key\.env_approvers_key-sre-lead[^}]+\.arn\}/g, `arn:aws:kms:eu-west-1:${ACCOUNT}:key/2222bbbb-0000-4000-8000-000000000002`)
      .replace(/\$\{[^}]+\}/g, 'resolved-at-apply'),
  );

beforeAll(() => {
  const stack = testStack();
  environment(stack);
  json = synth(stack);
  keyArn = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1111aaaa-0000-4000-8000-000000000001`;
  keyPolicy = literal(only(json, 'aws_kms_key', 'approvers_key-incident-commander').policy);
  gatewayPolicy = literal(only(json, 'aws_iam_role_policy', 'gateway-function_role').policy);
  platformBoundary = literal(only(json, 'aws_iam_policy', 'platform-boundary').policy);
});

const EVERYTHING = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };

async function decide(principal: string, action: string, identityPolicy: Record<string, unknown>, boundary?: Record<string, unknown>): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal,
        action,
        resource: { resource: keyArn, accountId: ACCOUNT },
        contextVariables: { 'aws:RequestedRegion': 'eu-west-1', 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalArn': principal, 'aws:SecureTransport': 'true' },
      },
      identityPolicies: [{ name: 'identity', policy: identityPolicy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      permissionBoundaryPolicies: boundary ? [{ name: 'boundary', policy: boundary }] : undefined,
      resourcePolicy: keyPolicy,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

describe("an approver's signing key, evaluated", () => {
  test('the gateway function verifies, with its own policy and its boundary', async () => {
    expect(await decide(GATEWAY_ROLE, 'kms:Verify', gatewayPolicy, platformBoundary)).toBe('Allowed');
  });
  test('the approver signs', async () => {
    expect(await decide(APPROVER_ROLE, 'kms:Sign', EVERYTHING)).toBe('Allowed');
  });
  test('denied: the gateway function signs, even were its policy to allow kms:* (a compromised function cannot forge an approval)', async () => {
    expect(await decide(GATEWAY_ROLE, 'kms:Sign', EVERYTHING)).toMatch(/Denied/);
  });
  test('denied: a team role with a careless kms:* on * verifies or signs', async () => {
    expect([await decide(TEAM_ROLE, 'kms:Verify', EVERYTHING), await decide(TEAM_ROLE, 'kms:Sign', EVERYTHING)]).toEqual([expect.stringMatching(/Denied/), expect.stringMatching(/Denied/)]);
  });
  test('denied: an account administrator with kms:* signs', async () => {
    expect(await decide(`arn:aws:iam::${ACCOUNT}:role/admin`, 'kms:Sign', EVERYTHING)).toMatch(/Denied/);
  });
});

describe('approver keys and the gateway function role: no dependency cycle', () => {
  test('the keys name the gateway role only in a condition, so they need not wait for it', () => {
    const verify = statements(only(json, 'aws_kms_key', 'approvers_key-incident-commander').policy).find((s) => s.Sid === 'GatewayVerifies');
    expect([verify.Principal, verify.Condition]).toEqual([{ AWS: expect.stringMatching(/:root$/) }, { ArnEquals: { 'aws:PrincipalArn': expect.stringMatching(/role\/governed-platform\/dev\/dev-euw1-platform-gateway$/) } }]);
    for (const [, key] of resources(json, 'aws_kms_key').filter(([n]) => n.includes('approvers'))) expect(key.depends_on).toBeUndefined();
  });
  test("the platform boundary allows verifying with the approvers' keys and no other key", () => {
    const s = statements(only(json, 'aws_iam_policy', 'platform-boundary').policy).find((x) => x.Sid === 'VerifyApprovals');
    expect(s.Resource).toEqual([expect.stringMatching(/^\$\{aws_kms_key\.env_approvers_key-incident-commander-example-com_[0-9A-F]+\.arn\}$/), expect.stringMatching(/^\$\{aws_kms_key\.env_approvers_key-sre-lead-example-com_[0-9A-F]+\.arn\}$/)]);
  });
  test('an environment without approvers has no VerifyApprovals in its platform boundary', () => {
    const stack = testStack();
    environment(stack, { approvers: [] });
    const sids = statements(only(synth(stack), 'aws_iam_policy', 'platform-boundary').policy).map((x: { Sid: string }) => x.Sid);
    expect(sids).not.toContain('VerifyApprovals');
  });
});
