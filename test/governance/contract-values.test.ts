import { parseJsonencodeLiteral, resolveContractValues } from '../../constructs/policy-engine/contract-values';
import { evaluateApp } from '../../constructs/policy-engine/rule-engine';
import { LogGroupEncryptedAndRetained } from '../../constructs/policy-engine/rules';
import { NOW, synthStack } from './fixtures';

const CONTRACT =
  '${jsonencode({"version" = 1, "region" = "eu-west-1", "accountId" = data.aws_caller_identity.a.account_id, ' +
  '"logRetentionDays" = 90, "production" = false, "kmsKeyArn" = aws_kms_key.k.arn, "name" = "dev-${var.x}", ' +
  '"allowedModels" = ["m1", "m2"], "guardrail" = {"id" = aws_bedrock_guardrail.g.guardrail_id, "version" = "1"}})}';

describe('parseJsonencodeLiteral', () => {
  test('keeps literals and marks references and interpolated strings unresolved', () => {
    const parsed = parseJsonencodeLiteral(CONTRACT) as Record<string, unknown>;
    expect([parsed.version, parsed.region, parsed.logRetentionDays, parsed.production, parsed.allowedModels, (parsed.guardrail as Record<string, unknown>).version]).toEqual([
      1,
      'eu-west-1',
      90,
      false,
      ['m1', 'm2'],
      '1',
    ]);
    expect([typeof parsed.accountId, typeof parsed.kmsKeyArn, typeof parsed.name]).toEqual(['symbol', 'symbol', 'symbol']);
  });
  test('returns undefined for anything but ${jsonencode({...})}', () => {
    expect([parseJsonencodeLiteral('${aws_kms_key.k.arn}'), parseJsonencodeLiteral('{"a": 1}')]).toEqual([undefined, undefined]);
  });
});

function apps() {
  const platform = synthStack({ stackName: 'platform-dev', resource: { aws_ssm_parameter: { contract: { name: '/governance/dev/contract', type: 'String', value: CONTRACT } } } });
  const product = synthStack({
    stackName: 'product-dev',
    data: { aws_ssm_parameter: { c: { name: '/governance/dev/contract' } } },
    resource: {
      aws_cloudwatch_log_group: {
        l: {
          name: 'l',
          kms_key_id: '${jsondecode(data.aws_ssm_parameter.c.value).kmsKeyArn}',
          retention_in_days: '${jsondecode(data.aws_ssm_parameter.c.value).logRetentionDays}',
        },
      },
      aws_iam_role_policy: { p: { role: 'r', policy: '{"Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:${jsondecode(data.aws_ssm_parameter.c.value).region}:${jsondecode(data.aws_ssm_parameter.c.value).accountId}:log-group:l"}]}' } },
    },
  });
  return { platform, product };
}

describe('resolveContractValues', () => {
  test('substitutes a literal the platform stack of the same app publishes', () => {
    const { platform, product } = apps();
    const [, resolved] = resolveContractValues([platform, product]);
    expect(resolved.byAddress('aws_cloudwatch_log_group.l')!.values.retention_in_days).toBe(90);
  });
  test('leaves values that are references in the platform stack unresolved', () => {
    const { platform, product } = apps();
    const [, resolved] = resolveContractValues([platform, product]);
    expect(resolved.byAddress('aws_cloudwatch_log_group.l')!.values.kms_key_id).toBe('${jsondecode(data.aws_ssm_parameter.c.value).kmsKeyArn}');
  });
  test('substitutes inside strings only the parts it knows', () => {
    const { platform, product } = apps();
    const [, resolved] = resolveContractValues([platform, product]);
    expect(resolved.byAddress('aws_iam_role_policy.p')!.values.policy).toContain(
      '"Resource":"arn:aws:logs:eu-west-1:${jsondecode(data.aws_ssm_parameter.c.value).accountId}:log-group:l"',
    );
  });
  test('lets the retention rule verify at synth what it otherwise cannot', () => {
    const { platform, product } = apps();
    const alone = evaluateApp([product], [LogGroupEncryptedAndRetained], { now: NOW })[0];
    const together = evaluateApp(resolveContractValues([platform, product]), [LogGroupEncryptedAndRetained], { now: NOW })[1];
    expect([alone.tallies[0].cannotVerify, together.tallies[0].compliant]).toEqual([1, 1]);
  });
  test('returns the stack itself when the app publishes no contract', () => {
    const { product } = apps();
    expect(resolveContractValues([product])[0]).toBe(product);
  });
});
