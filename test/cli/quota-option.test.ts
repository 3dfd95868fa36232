import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT, run } from '../../cli/main';
import { NOW, synthJson } from '../governance/fixtures';

/** check counts service quotas over every stack of cdktf.out; --quota declares quotas raised outside the library. */

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), now: NOW });
  return { code, stdout, stderr };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A cdktf.out with the platform's API and a product stack with `n` stages on it through the contract. */
function cdktfOut(n: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'governance-quota-cli-'));
  dirs.push(dir);
  const stacks = {
    'platform-dev': synthJson({
      stackName: 'platform-dev',
      resource: {
        aws_api_gateway_rest_api: { api: { name: 'governed-dev' } },
        aws_ssm_parameter: { contract: { name: '/governance/dev/contract', type: 'String', value: '${jsonencode({"gateway" = {"restApiId" = aws_api_gateway_rest_api.api.id}})}' } },
      },
    }),
    'product-dev': synthJson({
      stackName: 'product-dev',
      data: { aws_ssm_parameter: { c: { name: '/governance/dev/contract' } } },
      resource: { aws_api_gateway_stage: Object.fromEntries(Array.from({ length: n }, (_, i) => [`s${i}`, { rest_api_id: '${jsondecode(data.aws_ssm_parameter.c.value).gateway.restApiId}', stage_name: `s${i}` }])) },
    }),
  };
  const manifest: Record<string, unknown> = { version: '0.21.0', stacks: {} };
  for (const [name, json] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(dir, 'stacks', name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(json));
    (manifest.stacks as Record<string, unknown>)[name] = { name, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, workingDirectory: `stacks/${name}` };
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('check: service quotas', () => {
  test('exits 1 when the stacks together are over a quota, naming it in the report', async () => {
    const r = await cli('check', cdktfOut(11), '--format', 'json');
    expect(r.code).toBe(EXIT.failed);
    const findings = JSON.parse(r.stdout).stacks.flatMap((s: { findings: { ruleId: string; level: string; message: string }[] }) => s.findings);
    expect(findings.map((f: { ruleId: string; level: string }) => [f.ruleId, f.level])).toEqual([['ServiceQuotaHeadroom', 'error']]);
    expect(findings[0].message).toMatch(/11 of 10 \(110 %\) on REST API governed-dev/);
  });

  test('--quota raises the limit: 11 of 12 is a warning and check passes', async () => {
    const r = await cli('check', cdktfOut(11), '--quota', 'apigateway.stages-per-api=12', '--format', 'sarif');
    expect(r.code).toBe(EXIT.passed);
    const results = JSON.parse(r.stdout).runs[0].results;
    expect(results.map((x: { ruleId: string; level: string }) => [x.ruleId, x.level])).toEqual([['ServiceQuotaHeadroom', 'warning']]);
    expect(results[0].message.text).toMatch(/11 of 12 \(92 %\).*given to check --quota/);
  });

  test('--quota is repeatable', async () => {
    const r = await cli('check', cdktfOut(11), '--quota', 'apigateway.stages-per-api=20', '--quota', 'iam.roles-per-account=5000');
    expect(r.code).toBe(EXIT.passed);
  });

  test('fails when --quota names a quota the table does not have (exit 2)', async () => {
    const r = await cli('check', cdktfOut(1), '--quota', 'apigateway.stage-per-api=20');
    expect(r.code).toBe(EXIT.unusableInput);
    expect(r.stderr).toMatch(/--quota apigateway\.stage-per-api: got "apigateway\.stage-per-api"; allowed: a quota id of the table/);
  });

  test('fails when --quota is not id=value (exit 2)', async () => {
    const r = await cli('check', cdktfOut(1), '--quota', 'apigateway.stages-per-api');
    expect(r.code).toBe(EXIT.unusableInput);
    expect(r.stderr).toMatch(/expected <quota id>=<whole number>/);
  });
});
