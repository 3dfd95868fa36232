import { environment, only, statements, synth, testStack, type TfJson } from '../support';

/**
 * Found by the e2e access matrix (iam-simulate on the applied policies): the platform boundary
 * denied every platform role PutSecretValue and UpdateSecretVersionStage, the rotation role too,
 * so no governed secret could ever be rotated.
 */
let dev: TfJson;
beforeAll(() => {
  const stack = testStack();
  environment(stack);
  dev = synth(stack);
});

describe('platform boundary', () => {
  const boundary = () => statements(only(dev, 'aws_iam_policy', 'platform-boundary').policy);

  test('lets the rotation function write secret values (the secrets admit no other writer)', () => {
    const denied = boundary()
      .filter((s) => s.Effect === 'Deny')
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(denied.filter((a: string) => ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'].includes(a))).toEqual([]);
  });

  test('still denies deleting secrets and managing their policies', () => {
    const deny = boundary().find((s) => s.Sid === 'DenyIdentityKeyAndAuditManagement');
    expect(deny.Action).toEqual(expect.arrayContaining(['secretsmanager:DeleteSecret', 'secretsmanager:PutResourcePolicy', 'kms:CreateGrant']));
  });
});
