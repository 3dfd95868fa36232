import { classifyChanges, type ResourceChange } from '../../scripts/e2e/emulator-gaps';
import { planStandIns, standInValue, templateToHcl } from '../../scripts/e2e/stand-ins';
import type { TerraformJson } from '../../scripts/e2e/terraform-json';

const update = (type: string, before: Record<string, unknown>, after: Record<string, unknown>): ResourceChange => ({
  address: `${type}.x`,
  type,
  change: { actions: ['update'], before, after, after_unknown: {} },
});

describe('second plan: emulator echo gaps', () => {
  test('tolerates a KMS rotation period moto does not return', () => {
    expect(classifyChanges([update('aws_kms_key', { rotation_period_in_days: 0 }, { rotation_period_in_days: 365 })])[0].tolerated).toMatch(/RotationPeriodInDays/);
  });

  test('does not tolerate another change on the same resource', () => {
    const v = classifyChanges([update('aws_kms_key', { rotation_period_in_days: 0, description: 'a' }, { rotation_period_in_days: 365, description: 'b' })]);
    expect(v[0].tolerated).toBeUndefined();
  });

  test('does not tolerate a replacement', () => {
    const rc: ResourceChange = { address: 'aws_kms_key.x', type: 'aws_kms_key', change: { actions: ['delete', 'create'], before: {}, after: {} } };
    expect(classifyChanges([rc])[0].tolerated).toBeUndefined();
  });

  test('ignores no-op and read', () => {
    const rc: ResourceChange = { address: 'aws_kms_key.x', type: 'aws_kms_key', change: { actions: ['no-op'] } };
    expect(classifyChanges([rc])).toEqual([]);
  });
});

describe('stand-ins for left-out values', () => {
  const json: TerraformJson = {
    resource: {
      aws_bedrock_guardrail: { g: { name: 'g' } },
      aws_ssm_parameter: { contract: { name: '/governance/dev/contract', type: 'String', value: '${jsonencode({"guardrail" = aws_bedrock_guardrail.g.guardrail_arn})}' } },
    },
  };
  const leftOut = [
    { address: 'aws_bedrock_guardrail.g', reason: 'not served' },
    { address: 'aws_ssm_parameter.contract', reason: 'references aws_bedrock_guardrail.g' },
  ];

  test('substitutes a guardrail ARN of the right shape', () => {
    expect(standInValue('aws_bedrock_guardrail', 'guardrail_arn', {}, 'eu-west-1', '123456789012')).toBe('arn:aws:bedrock:eu-west-1:123456789012:guardrail/e2estandin00001');
  });

  test('builds a SageMaker endpoint ARN from its name', () => {
    expect(standInValue('aws_sagemaker_endpoint', 'arn', { name: 'dev-Fraud' }, 'eu-west-1', '1')).toBe('arn:aws:sagemaker:eu-west-1:1:endpoint/dev-fraud');
  });

  test('plans a stand-in for the contract parameter with the substitution spelled out', () => {
    const [plan] = planStandIns(json, leftOut, 'eu-west-1', '123456789012');
    expect([plan.name, plan.expression]).toEqual(['/governance/dev/contract', '(jsonencode({"guardrail" = "arn:aws:bedrock:eu-west-1:123456789012:guardrail/e2estandin00001"}))']);
  });

  test('plans no stand-in when the value depends on something without a faithful stand-in', () => {
    const other: TerraformJson = { resource: { aws_ssm_parameter: { p: { name: '/x', value: '${aws_budgets_budget.b.name}' } }, aws_budgets_budget: { b: { name: 'b' } } } };
    expect(planStandIns(other, [{ address: 'aws_budgets_budget.b', reason: '' }, { address: 'aws_ssm_parameter.p', reason: '' }], 'r', 'a')).toEqual([]);
  });

  test('turns a JSON template with interpolations into one HCL expression', () => {
    expect(templateToHcl('{"Resource":"${aws_x.y.arn}"}')).toBe('join("", ["{\\"Resource\\":\\"", tostring(aws_x.y.arn), "\\"}"])');
  });
});
