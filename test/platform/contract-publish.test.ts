import { TerraformStack } from 'cdktf';
import { CONTRACT_FIELDS, contractBody, contractJsonSchema, ENVIRONMENT_CONTRACT } from '../../constructs/platform/contract-schema';
import { CONTRACT_OUTPUT } from '../../constructs/platform/environment-contract';
import { environment, synth, testStack } from '../support';
import { devContract } from './contract.support';

function platform() {
  const stack = testStack(undefined, 'platform-dev') as TerraformStack;
  const env = environment(stack);
  const json = synth(stack) as ReturnType<typeof synth> & { output?: Record<string, { value: string; description: string }> };
  const [name, parameter] = Object.entries(json.resource.aws_ssm_parameter).find(([, p]) => p.name === '/governance/dev/contract')!;
  return { env, json, name, value: parameter.value as string };
}

describe('the published contract', () => {
  test('publishes every schema field, and the revision Terraform computes over them', () => {
    const { value } = platform();
    const body = /^\$\{jsonencode\(\{(.*), "revision" = sha256\(jsonencode\(\{(.*)\}\)\)\}\)\}$/.exec(value);
    expect(body).not.toBeNull();
    // The revision covers exactly the fields published beside it.
    expect(body![2]).toBe(body![1]);
    for (const field of Object.keys(CONTRACT_FIELDS)) expect(body![1]).toContain(`"${field}" = `);
  });

  test('publishes the allowed regions, so product stacks can check theirs', () => {
    expect(platform().value).toContain('"allowedRegions" = ["eu-west-1"]');
  });

  test('publishes the log group that receives Bedrock invocation logs', () => {
    expect(platform().value).toMatch(/"invocationLogGroupName" = aws_cloudwatch_log_group\.\S+invocation-logs\S*\.name/);
  });

  test('is the platform stack\'s Terraform output "contract" too', () => {
    const { json, name } = platform();
    expect(CONTRACT_OUTPUT).toBe('contract');
    expect(json.output!.contract.value).toBe(`\${nonsensitive(aws_ssm_parameter.${name}.value)}`);
    expect(json.output!.contract.description).toMatch(/terraform output -json contract \| npx cdktf-ai-governance contract export --env dev/);
  });

  test('publishes an ARN built from the account data source as one join expression (the support environment declares no accountId)', () => {
    expect(platform().value).toMatch(/"functionRoleArn" = join\("", \["arn:aws:iam::", data\.aws_caller_identity\.env_account_[0-9A-F]+\.account_id, ":role\/governed-platform\/dev\/dev-euw1-platform-gateway"\]\)/);
    expect(platform().value).not.toMatch(/TfToken|\$\{\$\{/);
  });

  test("takes each field from the environment's property of the same name", () => {
    const { env } = platform();
    const body = contractBody(env);
    expect(body.allowedRegions).toEqual(['eu-west-1']);
    expect(body.production).toBe(false);
    expect(body.version).toBe(2);
    expect(body.logRetentionDays).toBe(env.logRetentionDays);
    expect(body.kubernetes).toEqual(env.kubernetes);
  });
});

describe('the contract schema', () => {
  test('accepts a contract a platform published (exported by the e2e tier)', () => {
    expect(ENVIRONMENT_CONTRACT.safeParse(devContract()).success).toBe(true);
  });

  test('is exported as JSON Schema with every field', () => {
    const schema = contractJsonSchema() as { properties: Record<string, unknown>; required: string[]; title: string };
    expect(Object.keys(schema.properties).sort()).toEqual([...Object.keys(CONTRACT_FIELDS), 'revision'].sort());
    expect(schema.required).toContain('revision');
    expect(schema.title).toBe('cdktf-ai-governance environment contract');
  });

  test('fails when a Kubernetes runtime is neither an object nor null', () => {
    const r = ENVIRONMENT_CONTRACT.safeParse({ ...devContract(), kubernetes: 'eks' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['kubernetes', 'an object describing the Kubernetes runtime, or null']]);
  });
});
