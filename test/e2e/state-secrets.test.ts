import { secretFindings, sensitiveSchema, type ShowJson } from '../../scripts/e2e/state-secrets';

const state = (resources: unknown[]): ShowJson => ({ values: { root_module: { resources: resources as never } } });

describe('state scan for secret values', () => {
  test('passes a write-only secret version', () => {
    const s = state([
      {
        address: 'aws_secretsmanager_secret_version.v',
        mode: 'managed',
        type: 'aws_secretsmanager_secret_version',
        values: { secret_string: '', secret_string_wo: null, has_secret_string_wo: true, secret_string_wo_version: 1 },
        sensitive_values: { secret_string: true, secret_string_wo: true },
      },
    ]);
    expect(secretFindings(s)).toEqual([]);
  });

  test('finds a secret_string stored in state', () => {
    const s = state([{ address: 'aws_secretsmanager_secret_version.v', type: 'aws_secretsmanager_secret_version', values: { secret_string: 'hunter2' } }]);
    expect(secretFindings(s).map((f) => f.attribute)).toEqual(['secret_string']);
  });

  test('finds a write-only argument that holds a value', () => {
    const s = state([{ address: 'aws_ssm_parameter.p', type: 'aws_ssm_parameter', values: { value_wo: 'hunter2', type: 'SecureString' } }]);
    expect(secretFindings(s)[0].why).toMatch(/write-only argument stored in state/);
  });

  test('finds an API key value the provider marks sensitive', () => {
    const s = state([{ address: 'aws_api_gateway_api_key.k', type: 'aws_api_gateway_api_key', values: { value: 'abc123' }, sensitive_values: { value: true } }]);
    expect(secretFindings(s).map((f) => `${f.address}.${f.attribute}`)).toEqual(['aws_api_gateway_api_key.k.value']);
  });

  test('finds a sensitive value nested in a block', () => {
    const s = state([{ address: 'aws_x.y', type: 'aws_x', values: { auth: [{ token: 't' }] }, sensitive_values: { auth: [{ token: true }] } }]);
    expect(secretFindings(s).map((f) => f.attribute)).toEqual(['auth[0].token']);
  });

  test('finds a SecureString parameter value', () => {
    const s = state([{ address: 'aws_ssm_parameter.p', type: 'aws_ssm_parameter', values: { type: 'SecureString', value: 's' }, sensitive_values: { value: true } }]);
    expect(secretFindings(s)).toHaveLength(1);
  });

  test('passes a plain String parameter of the environment contract', () => {
    const s = state([{ address: 'aws_ssm_parameter.p', type: 'aws_ssm_parameter', values: { type: 'String', value: 'arn:aws:kms:x' }, sensitive_values: { value: true } }]);
    expect(secretFindings(s)).toEqual([]);
  });

  test('passes a value computed only from a plain contract parameter', () => {
    const s = state([
      { address: 'data.aws_ssm_parameter.c', mode: 'data', type: 'aws_ssm_parameter', values: { type: 'String', value: 'arn:aws:kms:x' }, sensitive_values: { value: true } },
      { address: 'aws_iam_role.r', type: 'aws_iam_role', values: { tags: { key: 'arn:aws:kms:x' } }, sensitive_values: { tags: { key: true } } },
    ]);
    expect(secretFindings(s)).toEqual([]);
  });
});

describe('state scan with the provider schema', () => {
  const schema = sensitiveSchema({
    provider_schemas: {
      aws: {
        resource_schemas: {
          aws_api_gateway_api_key: { block: { attributes: { value: { sensitive: true }, name: {} } } },
          aws_iam_role: { block: { attributes: { assume_role_policy: {} } } },
        },
        data_source_schemas: {
          aws_ssm_parameter: { block: { attributes: { value: { sensitive: true } } } },
          aws_secretsmanager_secret_version: { block: { attributes: { secret_string: { sensitive: true } } } },
        },
      },
    },
  });
  const role = { address: 'aws_iam_role.r', mode: 'managed', type: 'aws_iam_role', values: { assume_role_policy: '{"acct":"1"}' }, sensitive_values: { assume_role_policy: true } };
  const contract = { address: 'data.aws_ssm_parameter.c', mode: 'data', type: 'aws_ssm_parameter', values: { type: 'String', value: '{"accountId":"1"}' }, sensitive_values: { value: true } };

  test('passes a value only tainted by the plain contract parameter', () => {
    expect(secretFindings(state([contract, role]), schema)).toEqual([]);
  });

  test('finds a tainted value when a secret was read', () => {
    const secret = { address: 'data.aws_secretsmanager_secret_version.s', mode: 'data', type: 'aws_secretsmanager_secret_version', values: { secret_string: 'x' }, sensitive_values: { secret_string: true } };
    expect(secretFindings(state([contract, secret, role]), schema).map((f) => f.address)).toContain('aws_iam_role.r');
  });

  test('finds a tainted value when the stack declares sensitive variables', () => {
    expect(secretFindings(state([contract, role]), schema, true).map((f) => f.address)).toEqual(['aws_iam_role.r']);
  });

  test('finds an attribute the schema marks sensitive', () => {
    const key = { address: 'aws_api_gateway_api_key.k', mode: 'managed', type: 'aws_api_gateway_api_key', values: { value: 'abc' }, sensitive_values: { value: true } };
    expect(secretFindings(state([contract, key]), schema).map((f) => f.attribute)).toEqual(['value']);
  });
});
