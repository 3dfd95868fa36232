/**
 * The CLI on real `terraform show -json` plans of the examples.
 *
 * How the fixtures were made (test/fixtures/make-plan-fixtures.sh does all of it):
 *   npm run synth                       # the examples, synthesized by main.ts
 *   prepare-plan-stack.py               # strip kubernetes (no provider in the offline mirror),
 *                                       # local backend, emulator provider settings
 *   seed-environment-contract.py        # product-dev and agents-dev read the dev contract from SSM at plan time
 *   terraform init                      # TF_CLI_CONFIG_FILE with filesystem_mirror /opt/tf-plugins
 *   terraform plan -out plan.out        # fake credentials, AWS_ENDPOINT_URL = moto_server on 127.0.0.1
 *   terraform show -json plan.out > test/fixtures/plans/<stack>.plan.json
 * with Terraform 1.11.4 and the AWS provider 5.100.0, on the examples of the gateway redesign (issues 11, 12, 14, 16);
 * the dev contract seeded is the pinned test/fixtures/contracts/dev.json (stand-in ids where moto serves none).
 * <stack>.cdk.tf.json is the synthesized stack the plan came from (for --synth).
 */
import * as path from 'path';
import { EXIT, run } from '../../cli/main';
import { NOW } from '../governance/fixtures';

const PLANS = path.join(__dirname, '../fixtures/plans');
const fixture = (name: string) => path.join(PLANS, name);

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), now: NOW });
  return { code, stdout, stderr };
}

interface JsonFinding {
  ruleId: string;
  address: string;
  status: string;
  level: string;
}

async function reviewJson(stack: string, withSynth: boolean) {
  const args = ['review', fixture(`${stack}.plan.json`), '--format', 'json', '--stack', stack];
  if (withSynth) args.push('--synth', fixture(`${stack}.cdk.tf.json`));
  const r = await cli(...args);
  return { code: r.code, json: JSON.parse(r.stdout) };
}

describe('review of the platform-dev plan', () => {
  test('passes with the synthesized stack alongside', async () => {
    const { code, json } = await reviewJson('platform-dev', true);
    expect([code, json.report.summary.errors]).toEqual([EXIT.passed, 0]);
  });
  test("reviewed alone, dev cannot show the account's invocation logging, which prod owns: cannot-verify warnings, never a pass", async () => {
    const { json } = await reviewJson('platform-dev', true);
    const warnings = (json.report.findings as JsonFinding[]).filter((f) => f.level === 'warning');
    expect(warnings.map((f) => [f.ruleId, f.status, f.address.replace(/_[0-9A-F]{8}$/, '')])).toEqual([
      ['ModelInvocationLogging', 'cannot-verify', 'aws_iam_policy.environment_boundary_policy'],
      ['ModelInvocationLogging', 'cannot-verify', 'aws_iam_policy.environment_integration-boundary_policy'],
    ]);
  });
  test('counts every planned resource change', async () => {
    const { json } = await reviewJson('platform-dev', true);
    expect(json.diff.changes).toHaveLength(114);
  });
  test('without the synthesized stack, policies the plan cannot render are cannot-verify, never a pass', async () => {
    const { json } = await reviewJson('platform-dev', false);
    const boundary = (json.report.findings as JsonFinding[]).filter((f) => f.address === 'aws_iam_policy.environment_boundary_policy_F1CB72B3');
    expect(boundary.map((f) => [f.ruleId, f.status])).toEqual([
      ['NoWildcardActions', 'cannot-verify'],
      ['NoWildcardResourcesOnDataActions', 'cannot-verify'],
    ]);
  });
});

describe('review of the product-dev plan', () => {
  test('passes: the SageMaker endpoint configuration captures invocations into the audit archive', async () => {
    const { code, json } = await reviewJson('product-dev', true);
    const capture = json.report.ruleResults.find((r: { ruleId: string }) => r.ruleId === 'SageMakerEndpointDataCapture');
    expect([code, (json.report.findings as JsonFinding[]).filter((f) => f.level === 'error'), capture.compliant, capture.nonCompliant]).toEqual([EXIT.passed, [], 1, 0]);
  });
  test('gives the same non-compliant findings as the synth-time check of the same stack', async () => {
    const review = (await reviewJson('product-dev', true)).json.report.findings as JsonFinding[];
    const check = JSON.parse((await cli('check', fixture('product-dev.cdk.tf.json'), '--format', 'json')).stdout).stacks[0].findings as JsonFinding[];
    const nonCompliant = (fs: JsonFinding[]) => fs.filter((f) => f.status === 'non-compliant').map((f) => `${f.ruleId} ${f.address}`).sort();
    expect(nonCompliant(review)).toEqual(nonCompliant(check));
  });
  test('resolves at plan time what synth could not: retention and rotation read from the environment contract', async () => {
    const check = JSON.parse((await cli('check', fixture('product-dev.cdk.tf.json'), '--format', 'json')).stdout).stacks[0];
    const review = (await reviewJson('product-dev', true)).json.report;
    const tally = (report: { ruleResults: { ruleId: string; compliant: number; cannotVerify: number }[] }, id: string) => {
      const r = report.ruleResults.find((x) => x.ruleId === id)!;
      return [r.compliant, r.cannotVerify];
    };
    expect([tally(check, 'SecretRotation'), tally(review, 'SecretRotation'), tally(check, 'LogGroupEncryptedAndRetained'), tally(review, 'LogGroupEncryptedAndRetained')]).toEqual([
      [0, 2],
      [2, 0],
      [0, 4],
      [4, 0],
    ]);
  });
  test('lists the model permissions a workload role gains, with the guardrail condition', async () => {
    const { json } = await reviewJson('product-dev', true);
    const chat = json.diff.permissions.find((p: { role: string }) => p.role === 'aws_iam_role.support-chat_identity_role_9DC6FA13');
    expect(chat.added).toContain(
      'Allow bedrock:InvokeModel on arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0 when StringEquals bedrock:GuardrailIdentifier arn:aws:bedrock:eu-west-1:123456789012:guardrail/e2estandin00001:1',
    );
  });
  test('markdown output leads with the verdict', async () => {
    const r = await cli('review', fixture('product-dev.plan.json'), '--synth', fixture('product-dev.cdk.tf.json'));
    expect(r.stdout.split('\n')[0]).toBe('# Governance review of product-dev: passed');
  });
  test('sarif output has one result per finding of the plan', async () => {
    const r = await cli('review', fixture('product-dev.plan.json'), '--synth', fixture('product-dev.cdk.tf.json'), '--format', 'sarif');
    const { json } = await reviewJson('product-dev', true);
    expect(JSON.parse(r.stdout).runs[0].results).toHaveLength(json.report.findings.length);
  });
});

describe('review of the agents-dev plan', () => {
  test('passes with the synthesized stack alongside', async () => {
    const { code, json } = await reviewJson('agents-dev', true);
    expect([code, json.report.summary.errors]).toEqual([EXIT.passed, 0]);
  });
  test("the agent's model and tool grants are checked and found separate", async () => {
    const { json } = await reviewJson('agents-dev', true);
    const separated = json.report.ruleResults.find((r: { ruleId: string }) => r.ruleId === 'ModelAndToolAccessSeparated');
    expect([separated.compliant > 0, separated.nonCompliant, separated.cannotVerify]).toEqual([true, 0, 0]);
  });
});
