import { emulatorGapFor } from '../../scripts/e2e/emulator-gaps';
import { emulatorGaps, emulatorLeftOut, overrideFor, providersMissingFromMirror, removeKubernetes } from '../../scripts/e2e/scratch-stack';
import { substituteStandIns } from '../../scripts/e2e/stand-ins';
import { blocksOf, dependenciesOf, dependencyClosure, referencesIn, type TerraformJson } from '../../scripts/e2e/terraform-json';

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

  test('leaves out an API Gateway client certificate (GenerateClientCertificate answers 404)', () => {
    expect(emulatorGapFor(block('aws_api_gateway_client_certificate'))).toMatch(/client certificates .*404/);
  });

  test.each(['aws_lambda_invocation', 'aws_dynamodb_table', 'aws_lambda_permission', 'aws_ssm_parameter', 'aws_kms_key', 'aws_api_gateway_stage', 'aws_api_gateway_usage_plan'])(
    'applies %s (measured: moto serves it)',
    (type) => {
      expect(emulatorGapFor(block(type))).toBeUndefined();
    },
  );

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

/**
 * The platform stack's shape after the gateway redesign, reduced to the references that decide
 * what is applied: the contract names the guardrail and the policy store, the gateway function
 * reads the store, the stage names the client certificate, the deployment hashes the REST API
 * policy, the usage plans hang off the stage and the rotation function reads the usage plans.
 */
const platformShape = (): TerraformJson => ({
  resource: {
    aws_bedrock_guardrail: { guardrail: { name: 'g' } },
    aws_bedrock_guardrail_version: { version: { guardrail_arn: '${aws_bedrock_guardrail.guardrail.guardrail_arn}' } },
    aws_verifiedpermissions_policy_store: { store: { description: 's' } },
    aws_verifiedpermissions_schema: { schema: { policy_store_id: '${aws_verifiedpermissions_policy_store.store.policy_store_id}' } },
    aws_api_gateway_client_certificate: { cert: { description: 'c' } },
    aws_api_gateway_rest_api: { api: { name: 'governed-dev' } },
    aws_api_gateway_rest_api_policy: { policy: { rest_api_id: '${aws_api_gateway_rest_api.api.id}', policy: '{"Resource":"${aws_api_gateway_rest_api.api.execution_arn}/v1/*"}' } },
    aws_api_gateway_deployment: {
      deployment: {
        rest_api_id: '${aws_api_gateway_rest_api.api.id}',
        triggers: { redeployment: '${sha1(jsonencode([aws_api_gateway_rest_api_policy.policy.policy]))}' },
        depends_on: ['aws_api_gateway_rest_api_policy.policy'],
      },
    },
    aws_api_gateway_stage: { stage: { deployment_id: '${aws_api_gateway_deployment.deployment.id}', client_certificate_id: '${aws_api_gateway_client_certificate.cert.id}', stage_name: 'v1' } },
    aws_api_gateway_usage_plan: { standard: { api_stages: [{ stage: '${aws_api_gateway_stage.stage.stage_name}' }] } },
    aws_iam_role_policy: { gateway: { policy: '{"Resource":"${aws_verifiedpermissions_policy_store.store.arn}"}' } },
    aws_lambda_function: {
      gateway: { environment: { variables: { POLICY_STORE_ID: '${aws_verifiedpermissions_policy_store.store.policy_store_id}' } } },
      rotation: { environment: { variables: { USAGE_PLANS: '${jsonencode({"standard" = aws_api_gateway_usage_plan.standard.id})}' } } },
    },
    aws_ssm_parameter: {
      contract: {
        name: '/governance/dev/contract',
        value:
          '${jsonencode({"guardrail" = {"arn" = aws_bedrock_guardrail.guardrail.guardrail_arn, "version" = aws_bedrock_guardrail_version.version.version}, "agentPolicyStore" = aws_verifiedpermissions_policy_store.store.arn, "rotationFunctionArn" = aws_lambda_function.rotation.arn})}',
      },
    },
  },
});

describe('the redesigned platform stack against moto', () => {
  const prepared = () => {
    const json = platformShape();
    const gaps = emulatorGaps(json);
    const standIns = substituteStandIns(json, new Set(gaps.keys()), 'eu-west-1', '123456789012');
    return { json, standIns, leftOut: dependencyClosure(json, gaps) };
  };

  test('leaves out only what moto does not serve: guardrail, its version, policy store, schema, client certificate, REST API policy', () => {
    expect(prepared().leftOut.map((l) => l.address).sort()).toEqual(
      [
        'aws_api_gateway_client_certificate.cert',
        'aws_api_gateway_rest_api_policy.policy',
        'aws_bedrock_guardrail.guardrail',
        'aws_bedrock_guardrail_version.version',
        'aws_verifiedpermissions_policy_store.store',
        'aws_verifiedpermissions_schema.schema',
      ].sort(),
    );
  });

  test('applies the contract, the gateway function, the stage, the usage plans and the rotation function with stand-ins', () => {
    expect([...new Set(prepared().standIns.map((s) => s.address))].sort()).toEqual(
      ['aws_api_gateway_deployment.deployment', 'aws_api_gateway_stage.stage', 'aws_iam_role_policy.gateway', 'aws_lambda_function.gateway', 'aws_ssm_parameter.contract'].sort(),
    );
  });

  test('names the reason of every left-out resource', () => {
    expect(prepared().leftOut.find((l) => l.address === 'aws_api_gateway_rest_api_policy.policy')?.reason).toMatch(/unescaped/);
  });
});

describe('dependencies of resources kept by prevent_destroy', () => {
  test('finds what a protected resource depends on, transitively, through references and depends_on', () => {
    const json: TerraformJson = {
      resource: {
        aws_iam_policy: { boundary: { name: 'b' } },
        aws_iam_role: { gateway: { permissions_boundary: '${aws_iam_policy.boundary.arn}' } },
        aws_kms_key: { approver: { depends_on: ['aws_iam_role.gateway'] }, other: {} },
      },
    };
    expect([...dependenciesOf(json, new Set(['aws_kms_key.approver']))].sort()).toEqual(['aws_iam_policy.boundary', 'aws_iam_role.gateway']);
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
