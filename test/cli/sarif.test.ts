/**
 * SARIF that code-scanning tools accept (validated against the SARIF 2.1.0 schema, vendored in
 * test/fixtures/sarif), with partialFingerprints that survive reordering and unrelated changes,
 * and `--baseline`: only findings new since an earlier report are reported and fail.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { EXIT, run } from '../../cli/main';
import { FINGERPRINT_KEY } from '../../constructs/policy-engine/fingerprint';
import { NOW, policy, synthJson } from '../governance/fixtures';

const SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/sarif/sarif-2.1.0-rtm.5.json'), 'utf8'));
// The schema's `language` pattern is valid only as a non-unicode RegExp (as JSON Schema draft-04 tools read it).
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(SCHEMA);

const PLANS = path.join(__dirname, '../fixtures/plans');
const TRUST = policy({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '1' } } });

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), now: NOW });
  return { code, stdout, stderr };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'governance-sarif-'));
}

function stackFile(json: Record<string, unknown>): string {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(json));
  return path.join(dir, 'cdk.tf.json');
}

type Resources = Record<string, Record<string, Record<string, unknown>>>;

const RESOURCES: Resources = {
  aws_iam_access_key: { key: { user: 'bot' } },
  aws_iam_role: {
    batch: { name: 'batch', assume_role_policy: TRUST, max_session_duration: 7200 },
    worker: { name: 'worker', assume_role_policy: TRUST, max_session_duration: 9000 },
  },
  aws_kms_key: { key: { enable_key_rotation: false } },
};
const EXCEPTIONS = [{ ruleId: 'RoleSessionAtMostOneHour', reason: 'two hour batch jobs until they are split', approver: 'sec', expires: '2027-01-01', ticket: 'SEC-9', constructPath: 'product-dev/batch' }];

function stack(resource: Resources = RESOURCES): Record<string, unknown> {
  return synthJson({ stackName: 'product-dev', exceptions: EXCEPTIONS, resource });
}

interface SarifResult {
  ruleId: string;
  partialFingerprints: Record<string, string>;
  baselineState?: string;
  locations: { logicalLocations: { name: string }[] }[];
}

const results = (stdout: string): SarifResult[] => JSON.parse(stdout).runs[0].results;
const fingerprints = (stdout: string) => results(stdout).map((r) => `${r.ruleId} ${r.locations[0].logicalLocations[0].name} ${r.partialFingerprints[FINGERPRINT_KEY]}`).sort();

describe('SARIF output', () => {
  test('of check (findings, an excepted finding, rules with framework tags) validates against the SARIF 2.1.0 schema', async () => {
    const sarif = JSON.parse((await cli('check', stackFile(stack()), '--format', 'sarif')).stdout);
    expect(results(JSON.stringify(sarif)).length).toBeGreaterThan(2);
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);
  });
  test('of review of a real plan validates against the SARIF 2.1.0 schema', async () => {
    const sarif = JSON.parse((await cli('review', path.join(PLANS, 'product-dev.plan.json'), '--synth', path.join(PLANS, 'product-dev.cdk.tf.json'), '--format', 'sarif')).stdout);
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);
  });
  test('the validator rejects a result without a message (it is not a test that cannot fail)', async () => {
    const sarif = JSON.parse((await cli('check', stackFile(stack()), '--format', 'sarif')).stdout);
    delete sarif.runs[0].results[0].message;
    expect(validate(sarif)).toBe(false);
  });
  test('rules carry their framework controls with the published id, title and the guidance label', async () => {
    const sarif = JSON.parse((await cli('check', stackFile(stack()), '--format', 'sarif')).stdout);
    const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'NoIamUsers');
    expect(rule.properties.tags).toContain('OWASP Non-Human Identities Top 10 (2025) NHI7:2025 Long-Lived Secrets (cited as NHI-03)');
  });
  test('every result has a partial fingerprint, distinct per finding', async () => {
    const rs = results((await cli('check', stackFile(stack()), '--format', 'sarif')).stdout);
    const fps = rs.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    expect([fps.every((f) => /^[0-9a-f]{64}$/.test(f)), new Set(fps).size]).toEqual([true, rs.length]);
  });
  test('fingerprints survive reordering the resources', async () => {
    const reordered: Resources = Object.fromEntries(
      Object.entries(RESOURCES)
        .reverse()
        .map(([t, byName]) => [t, Object.fromEntries(Object.entries(byName).reverse())]),
    );
    const a = fingerprints((await cli('check', stackFile(stack()), '--format', 'sarif')).stdout);
    const b = fingerprints((await cli('check', stackFile(stack(reordered)), '--format', 'sarif')).stdout);
    expect(b).toEqual(a);
  });
  test('fingerprints survive unrelated changes (another resource added, a message changed by a value)', async () => {
    const changed: Resources = {
      ...RESOURCES,
      aws_iam_role: { ...RESOURCES.aws_iam_role, worker: { ...RESOURCES.aws_iam_role.worker, max_session_duration: 10800 } },
      aws_cloudwatch_log_group: { logs: { name: 'l', kms_key_id: '${aws_kms_key.key.arn}', retention_in_days: 30 } },
    };
    const a = fingerprints((await cli('check', stackFile(stack()), '--format', 'sarif')).stdout);
    const b = fingerprints((await cli('check', stackFile(stack(changed)), '--format', 'sarif')).stdout);
    expect(b).toEqual(a);
  });
});

describe('--baseline', () => {
  async function baselineOf(file: string, format: 'sarif' | 'json'): Promise<string> {
    const out = path.join(tmp(), `baseline.${format}`);
    await cli('check', file, '--format', format, '--output', out);
    return out;
  }
  test('on unchanged input reports 0 new findings and exits 0 (SARIF baseline)', async () => {
    const file = stackFile(stack());
    const baseline = await baselineOf(file, 'sarif');
    const r = await cli('check', file, '--format', 'sarif', '--baseline', baseline);
    expect([r.code, results(r.stdout).length]).toEqual([EXIT.passed, 0]);
  });
  test('on unchanged input reports 0 new findings and exits 0 (JSON baseline)', async () => {
    const file = stackFile(stack());
    const baseline = await baselineOf(file, 'json');
    const r = await cli('check', file, '--format', 'json', '--baseline', baseline);
    expect([r.code, JSON.parse(r.stdout).stacks[0].findings.length, JSON.parse(r.stdout).baseline.findings]).toEqual([EXIT.passed, 0, 4]);
  });
  test('adding one bad resource reports exactly that finding, as new, and fails', async () => {
    const baseline = await baselineOf(stackFile(stack()), 'sarif');
    const withUser = stackFile(stack({ ...RESOURCES, aws_iam_user: { intruder: { name: 'intruder' } } }));
    const r = await cli('check', withUser, '--format', 'sarif', '--baseline', baseline);
    const rs = results(r.stdout);
    expect([r.code, rs.map((x) => `${x.ruleId} ${x.locations[0].logicalLocations[0].name} ${x.baselineState}`)]).toEqual([EXIT.failed, ['NoIamUsers aws_iam_user.intruder new']]);
  });
  test('markdown says only new findings are listed', async () => {
    const file = stackFile(stack());
    const baseline = await baselineOf(file, 'sarif');
    const r = await cli('check', file, '--baseline', baseline);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['# Governance check: passed (1 stacks)', '', `_Only findings new since the baseline ${baseline} (4 findings) are listed and counted._`]);
  });
  test('review of a plan against its own earlier review reports nothing new', async () => {
    // A real plan with a finding (a secret value that would land in state).
    const plan = path.join(__dirname, '..', 'fixtures', 'cases', 'rules', '15-secret-value-in-state-plan', 'plan.json');
    const out = path.join(tmp(), 'review.sarif');
    const first = await cli('review', plan, '--format', 'sarif', '--output', out);
    const again = await cli('review', plan, '--format', 'sarif', '--baseline', out);
    expect([first.code, again.code, results(again.stdout).length]).toEqual([EXIT.failed, EXIT.passed, 0]);
  });
  test('fails with exit 2 when the baseline is not a report of this tool', async () => {
    const notReport = path.join(tmp(), 'x.json');
    fs.writeFileSync(notReport, '{"hello": 1}');
    const r = await cli('check', stackFile(stack()), '--baseline', notReport);
    expect([r.code, r.stderr]).toEqual([EXIT.unusableInput, expect.stringMatching(/x\.json is not a report of cdktf-ai-governance: pass the SARIF/)]);
  });
  test('fails with exit 2 when the baseline file does not exist', async () => {
    const r = await cli('check', stackFile(stack()), '--baseline', '/nonexistent/baseline.sarif');
    expect([r.code, r.stderr]).toEqual([EXIT.unusableInput, expect.stringMatching(/\/nonexistent\/baseline\.sarif does not exist/)]);
  });
});
