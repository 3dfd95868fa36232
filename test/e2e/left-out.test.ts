import { emulatorGapFor } from '../../scripts/e2e/emulator-gaps';
import { emulatorLeftOut, overrideFor, providersMissingFromMirror, removeKubernetes } from '../../scripts/e2e/scratch-stack';
import { blocksOf, dependencyClosure, referencesIn, type TerraformJson } from '../../scripts/e2e/terraform-json';

const known = new Set(['aws_kms_key.env-key', 'aws_iam_role.chat', 'data.aws_ssm_parameter.contract']);

describe('references in synthesized JSON', () => {
  test('finds a plain interpolation', () => {
    expect([...referencesIn({ kms_key_id: '${aws_kms_key.env-key.arn}' }, known)]).toEqual(['aws_kms_key.env-key']);
  });

  test('finds a reference inside jsonencode', () => {
    expect([...referencesIn({ policy: '${jsonencode({"Resource" = aws_iam_role.chat.arn})}' }, known)]).toEqual(['aws_iam_role.chat']);
  });

  test('finds a data source reference', () => {
    expect([...referencesIn({ value: '${data.aws_ssm_parameter.contract.value}' }, known)]).toEqual(['data.aws_ssm_parameter.contract']);
  });

  test('finds depends_on entries', () => {
    expect([...referencesIn({ depends_on: ['aws_iam_role.chat'] }, known)]).toEqual(['aws_iam_role.chat']);
  });

  test('ignores literal text without interpolation', () => {
    expect([...referencesIn({ description: 'aws_iam_role.chat is described here' }, known)]).toEqual([]);
  });
});

const stack: TerraformJson = {
  terraform: { required_providers: { aws: { source: 'aws' }, kubernetes: { source: 'kubernetes' } } },
  provider: { aws: [{ region: 'eu-central-1' }, { region: 'us-east-1', alias: 'use1' }], kubernetes: [{}] },
  resource: {
    aws_budgets_budget: { b: { name: 'b' } },
    aws_ssm_parameter: { budget_name: { value: '${aws_budgets_budget.b.name}' }, plain: { value: 'x' } },
    aws_sns_topic: { t: { name: '${aws_ssm_parameter.budget_name.value}' } },
    aws_api_gateway_rest_api: { with_policy: { name: 'a', policy: '{}' }, without_policy: { name: 'b' } },
    kubernetes_service_account_v1: { sa: { metadata: { name: 'chat' } } },
    aws_eks_pod_identity_association: { pi: { service_account: '${kubernetes_service_account_v1.sa.metadata[0].name}' } },
  },
  output: { sa: { value: '${kubernetes_service_account_v1.sa.metadata[0].name}' }, topic: { value: '${aws_sns_topic.t.arn}' } },
};

const block = (type: string, body: Record<string, unknown> = {}) => ({ address: `${type}.x`, mode: 'managed' as const, type, name: 'x', body });

describe('emulator gaps', () => {
  test('leaves out a budget with its reason', () => {
    expect(emulatorGapFor(block('aws_budgets_budget'))).toMatch(/ListTagsForResource/);
  });

  test('leaves out every Verified Permissions type by prefix', () => {
    expect(emulatorGapFor(block('aws_verifiedpermissions_policy_store'))).toMatch(/Verified Permissions/);
  });

  test('leaves out a REST API only when it carries an inline policy', () => {
    expect([emulatorGapFor(block('aws_api_gateway_rest_api', { policy: '{}' })), emulatorGapFor(block('aws_api_gateway_rest_api'))].map(Boolean)).toEqual([true, false]);
  });

  test('leaves out SageMaker endpoint configurations for their re-plan drift', () => {
    expect(emulatorGapFor(block('aws_sagemaker_endpoint_configuration'))).toMatch(/second plan/);
  });

  test('leaves out a rotation of a secret the stack writes no version of', () => {
    const json: TerraformJson = { resource: { aws_secretsmanager_secret_rotation: { r: { secret_id: '${aws_secretsmanager_secret.s.id}' } } } };
    expect(emulatorGapFor(blocksOf(json)[0], json)).toMatch(/RotateSecret fails/);
  });

  test('applies a rotation of a secret with a written version', () => {
    const json: TerraformJson = {
      resource: {
        aws_secretsmanager_secret_rotation: { r: { secret_id: '${aws_secretsmanager_secret.s.id}' } },
        aws_secretsmanager_secret_version: { v: { secret_id: '${aws_secretsmanager_secret.s.id}', secret_string_wo: 'x' } },
      },
    };
    expect(emulatorGapFor(blocksOf(json)[0], json)).toBeUndefined();
  });

  test('applies an IAM role', () => {
    expect(emulatorGapFor(block('aws_iam_role'))).toBeUndefined();
  });
});

describe('dependency closure', () => {
  test('leaves out what references a left-out resource, transitively, naming the cause', () => {
    const out = dependencyClosure(stack, new Map([['aws_budgets_budget.b', 'not served']]));
    expect(out).toEqual([
      { address: 'aws_budgets_budget.b', reason: 'not served' },
      { address: 'aws_ssm_parameter.budget_name', reason: 'references aws_budgets_budget.b, which is left out' },
      { address: 'aws_sns_topic.t', reason: 'references aws_ssm_parameter.budget_name, which is left out' },
    ]);
  });

  test('computes the stack left-out list from the emulator gaps', () => {
    expect(emulatorLeftOut(JSON.parse(JSON.stringify(stack))).map((l) => l.address).sort()).toEqual(
      ['aws_api_gateway_rest_api.with_policy', 'aws_budgets_budget.b', 'aws_eks_pod_identity_association.pi', 'aws_sns_topic.t', 'aws_ssm_parameter.budget_name'].sort(),
    );
  });
});

describe('removing Kubernetes objects from the scratch copy', () => {
  const prepared = () => {
    const json = JSON.parse(JSON.stringify(stack)) as TerraformJson;
    return { json, result: removeKubernetes(json) };
  };

  test('returns the Kubernetes objects for manifest validation', () => {
    expect(prepared().result.kubernetesBlocks.map((b) => b.address)).toEqual(['kubernetes_service_account_v1.sa']);
  });

  test('removes what references a Kubernetes object, saying why', () => {
    expect(prepared().result.removed[1]).toEqual({
      address: 'aws_eks_pod_identity_association.pi',
      reason: 'references kubernetes_service_account_v1.sa, which is removed',
    });
  });

  test('removes outputs that reference a Kubernetes object and keeps the others', () => {
    expect(Object.keys(prepared().json.output!)).toEqual(['topic']);
  });

  test('removes the kubernetes provider and its requirement', () => {
    const { json } = prepared();
    expect([json.provider!.kubernetes, json.terraform!.required_providers!.kubernetes]).toEqual([undefined, undefined]);
  });

  test('leaves no Kubernetes block in the configuration', () => {
    expect(blocksOf(prepared().json).filter((b) => b.type.startsWith('kubernetes_'))).toEqual([]);
  });

  test('finds providers the offline mirror does not hold', () => {
    expect(providersMissingFromMirror({ terraform: { required_providers: { aws: {}, random: {} } } })).toEqual(['random']);
  });
});

describe('override file', () => {
  test('points every aliased AWS provider at the emulator settings', () => {
    const providers = (overrideFor(stack).provider as { aws: Array<Record<string, unknown>> }).aws;
    expect(providers.map((p) => [p.alias, p.max_retries, p.skip_credentials_validation, p.s3_use_path_style])).toEqual([
      [undefined, 1, true, true],
      ['use1', 1, true, true],
    ]);
  });

  test('keeps state local to the scratch copy', () => {
    expect(overrideFor(stack).terraform).toEqual({ backend: { local: { path: 'terraform.tfstate' } } });
  });
});
