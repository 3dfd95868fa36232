import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT, run } from '../../cli/main';
import { REPO_ROOT } from '../../scripts/synth-examples';
import { GOVERNANCE_TAGS, NOW, planJson } from '../governance/fixtures';

/**
 * Malformed input to the CLI: truncated or wrong-shaped plan JSON, wrong kinds of file and missing
 * files exit 2 with one clear message on stderr that names the file, says what is wrong and how
 * to fix it; never a stack trace, never "passed" on a file it could not read. The CLI's own tests
 * (test/cli) cover a missing cdktf.out, a directory without stacks, malformed cdk.tf.json, an
 * unknown format, malformed plan JSON, a cdk.tf.json passed as a plan and a missing argument.
 */
const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-malformed-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function file(name: string, text: string): string {
  const f = path.join(tmp(), name);
  fs.writeFileSync(f, text);
  return f;
}
const json = (name: string, value: unknown) => file(name, JSON.stringify(value));

const PLAN = planJson([{ address: 'aws_kms_key.k', values: { enable_key_rotation: true, tags_all: GOVERNANCE_TAGS } } as never]);
const PLAN_TEXT = JSON.stringify(PLAN, null, 2);
const plan = (patch: Record<string, unknown>) => json('plan.json', { format_version: '1.2', ...patch });
const SYNTH = { '//': { metadata: { stackName: 'product-dev' } }, terraform: {}, resource: { aws_kms_key: { key: { enable_key_rotation: true, tags: GOVERNANCE_TAGS } } } };

/** A cdktf.out with one stack, then broken by `breakIt`. */
function cdktfOut(breakIt: (dir: string) => void): string {
  const dir = tmp();
  fs.mkdirSync(path.join(dir, 'stacks', 'product-dev'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'stacks', 'product-dev', 'cdk.tf.json'), JSON.stringify(SYNTH, null, 2));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: { 'product-dev': { synthesizedStackPath: 'stacks/product-dev/cdk.tf.json' } } }, null, 2));
  breakIt(dir);
  return dir;
}

interface MalformedInput {
  readonly when: string;
  /** The command line; `file` is the path the message must name. */
  readonly args: () => { argv: string[]; file: string };
  /** What is wrong. */
  readonly message: RegExp;
  /** How to fix it. */
  readonly fix: RegExp;
}

const truncate = (text: string) => text.slice(0, Math.floor(text.length / 2));

const ROWS: MalformedInput[] = [
  { when: 'the plan is truncated', args: () => ((f) => ({ argv: ['review', f], file: f }))(file('plan.json', truncate(PLAN_TEXT))), message: /is not valid JSON \(.*\)\. Pass the file Terraform or cdktf wrote, unmodified/, fix: /Pass the file Terraform or cdktf wrote, unmodified/ },
  { when: 'the plan file does not exist', args: () => ({ argv: ['review', '/nonexistent/plan.json'], file: '/nonexistent/plan.json' }), message: /does not exist/, fix: /Check the path; write a plan with `terraform show -json plan\.out > plan\.json`/ },
  { when: 'the plan file is empty', args: () => ((f) => ({ argv: ['review', f], file: f }))(file('plan.json', '')), message: /is not valid JSON \(Unexpected end of JSON input\)/, fix: /Pass the file Terraform or cdktf wrote, unmodified/ },
  { when: 'the plan is a binary file', args: () => ((f) => ({ argv: ['review', f], file: f }))(file('plan.out', 'PK\u0003\u0004\u0000\u0000binary plan')), message: /is not valid JSON/, fix: /Pass the file Terraform or cdktf wrote, unmodified/ },
  { when: 'the plan is a JSON list', args: () => ((f) => ({ argv: ['review', f], file: f }))(json('plan.json', [])), message: /is not a Terraform plan: expected the output of `terraform show -json <planfile>`/, fix: /Run `terraform plan -out plan\.out && terraform show -json plan\.out > plan\.json`/ },
  { when: 'the plan is JSON null', args: () => ((f) => ({ argv: ['review', f], file: f }))(file('plan.json', 'null')), message: /is not a Terraform plan/, fix: /Run `terraform plan -out plan\.out && terraform show -json plan\.out > plan\.json`/ },
  { when: 'planned_values is a string', args: () => ((f) => ({ argv: ['review', f], file: f }))(plan({ planned_values: 'x' })), message: /is not a Terraform plan.*terraform show -json plan\.out > plan\.json/, fix: /Run `terraform plan -out plan\.out && terraform show -json plan\.out > plan\.json`/ },
  { when: 'planned_values has no root module', args: () => ((f) => ({ argv: ['review', f], file: f }))(plan({ planned_values: {} })), message: /not a well-formed Terraform plan: planned_values\.root_module must be an object, got nothing\. Pass the unmodified output of `terraform show -json <planfile>`/, fix: /Pass the unmodified output of `terraform show -json <planfile>`/ },
  { when: 'the planned resources are an object, not a list', args: () => ((f) => ({ argv: ['review', f], file: f }))(plan({ planned_values: { root_module: { resources: {} } } })), message: /planned_values\.root_module\.resources must be a list, got an object/, fix: /Pass the unmodified output of `terraform show -json <planfile>`/ },
  { when: 'a planned resource is null', args: () => ((f) => ({ argv: ['review', f], file: f }))(plan({ planned_values: { root_module: { resources: [null] } } })), message: /planned_values\.root_module\.resources\[0\] must be an object, got null/, fix: /Pass the unmodified output of `terraform show -json <planfile>`/ },
  { when: 'a planned resource has no type', args: () => ((f) => ({ argv: ['review', f], file: f }))(plan({ planned_values: { root_module: { resources: [{ address: 'aws_iam_role.r' }] } } })), message: /resources\[0\] has no "address" and "type"/, fix: /Pass the unmodified output of `terraform show -json <planfile>`/ },
  { when: "a planned resource's values are a string", args: () => ((f) => ({ argv: ['review', f], file: f }))(plan({ planned_values: { root_module: { resources: [{ address: 'aws_iam_role.r', type: 'aws_iam_role', values: 'x' }] } } })), message: /resources\[0\] \(aws_iam_role\.r\)\.values must be an object, got string "x"/, fix: /Pass the unmodified output of `terraform show -json <planfile>`/ },
  { when: 'child modules are not a list', args: () => ((f) => ({ argv: ['review', f], file: f }))(plan({ planned_values: { root_module: { resources: [], child_modules: 'x' } } })), message: /planned_values\.root_module\.child_modules must be a list/, fix: /Pass the unmodified output of `terraform show -json <planfile>`/ },
  { when: 'resource_changes is an object', args: () => ((f) => ({ argv: ['review', f], file: f }))(plan({ planned_values: { root_module: {} }, resource_changes: {} })), message: /resource_changes must be a list, got an object/, fix: /Pass the unmodified output of `terraform show -json <planfile>`/ },
  { when: 'a resource change is null', args: () => ((f) => ({ argv: ['review', f], file: f }))(json('plan.json', { ...PLAN, resource_changes: [null] })), message: /resource_changes\[0\] must be an object, got null/, fix: /Pass the unmodified output of `terraform show -json <planfile>`/ },
  { when: "a resource change's change is a string", args: () => ((f) => ({ argv: ['review', f], file: f }))(json('plan.json', { ...PLAN, resource_changes: [{ address: 'aws_kms_key.k', type: 'aws_kms_key', change: 'x' }] })), message: /resource_changes\[0\] \(aws_kms_key\.k\)\.change must be an object/, fix: /Pass the unmodified output of `terraform show -json <planfile>`/ },
  { when: '--synth does not exist', args: () => ({ argv: ['review', file('plan.json', PLAN_TEXT), '--synth', '/nonexistent/cdk.tf.json'], file: '/nonexistent/cdk.tf.json' }), message: /does not exist\. Run `cdktf synth`/, fix: /Run `cdktf synth` \(or `npm run synth`\) first/ },
  { when: '--synth is given a plan', args: () => ((f) => ({ argv: ['review', file('plan.json', PLAN_TEXT), '--synth', f], file: f }))(file('cdk.tf.json', PLAN_TEXT)), message: /this is a Terraform plan, not a synthesized cdk\.tf\.json\./, fix: /Pass the cdk\.tf\.json cdktf wrote, unmodified \(re-run `cdktf synth`\); review a plan with `cdktf-ai-governance review <plan\.json>`/ },
  { when: 'check is given a plan', args: () => ((f) => ({ argv: ['check', f], file: f }))(file('cdk.tf.json', PLAN_TEXT)), message: /this is a Terraform plan, not a synthesized cdk\.tf\.json/, fix: /Pass the cdk\.tf\.json cdktf wrote, unmodified \(re-run `cdktf synth`\); review a plan with `cdktf-ai-governance review <plan\.json>`/ },
  { when: 'the cdk.tf.json is truncated', args: () => ((f) => ({ argv: ['check', f], file: f }))(file('cdk.tf.json', truncate(JSON.stringify(SYNTH, null, 2)))), message: /is not valid JSON/, fix: /Pass the file Terraform or cdktf wrote, unmodified/ },
  { when: 'the cdk.tf.json is a list', args: () => ((f) => ({ argv: ['check', f], file: f }))(json('cdk.tf.json', [])), message: /not Terraform JSON: the top level must be an object/, fix: /Pass the cdk\.tf\.json cdktf wrote, unmodified \(re-run `cdktf synth`\); review a plan with `cdktf-ai-governance review <plan\.json>`/ },
  { when: 'the cdk.tf.json has nothing Terraform reads', args: () => ((f) => ({ argv: ['check', f], file: f }))(json('cdk.tf.json', { hello: 'world' })), message: /not a well-formed cdk\.tf\.json: it has none of "terraform", "resource" or "data"/, fix: /Pass the cdk\.tf\.json cdktf wrote, unmodified \(re-run `cdktf synth`\); review a plan with `cdktf-ai-governance review <plan\.json>`/ },
  { when: 'a resource type holds null', args: () => ((f) => ({ argv: ['check', f], file: f }))(json('cdk.tf.json', { resource: { aws_iam_role: null } })), message: /resource\.aws_iam_role must be an object of named resources, got null/, fix: /Pass the cdk\.tf\.json cdktf wrote, unmodified \(re-run `cdktf synth`\); review a plan with `cdktf-ai-governance review <plan\.json>`/ },
  { when: 'a resource is a string', args: () => ((f) => ({ argv: ['check', f], file: f }))(json('cdk.tf.json', { resource: { aws_iam_role: { r: 'x' } } })), message: /resource\.aws_iam_role\.r must be an object, got string "x"/, fix: /Pass the cdk\.tf\.json cdktf wrote, unmodified \(re-run `cdktf synth`\); review a plan with `cdktf-ai-governance review <plan\.json>`/ },
  { when: 'the manifest is truncated', args: () => ((d) => ({ argv: ['check', d], file: path.join(d, 'manifest.json') }))(cdktfOut((d) => fs.writeFileSync(path.join(d, 'manifest.json'), '{"version":"0.21.0","stac'))), message: /is not valid JSON/, fix: /Pass the file Terraform or cdktf wrote, unmodified/ },
  { when: 'the manifest names a stack whose file is missing', args: () => ((d) => ({ argv: ['check', d], file: path.join(d, 'stacks', 'product-dev', 'cdk.tf.json') }))(cdktfOut((d) => fs.rmSync(path.join(d, 'stacks', 'product-dev', 'cdk.tf.json')))), message: /does not exist/, fix: /Check the path; write a plan with `terraform show -json plan\.out > plan\.json`/ },
  { when: 'a manifest stack entry is null', args: () => ((d) => ({ argv: ['check', d], file: path.join(d, 'manifest.json') }))(cdktfOut((d) => fs.writeFileSync(path.join(d, 'manifest.json'), JSON.stringify({ stacks: { 'product-dev': null } })))), message: /stack product-dev has no synthesizedStackPath/, fix: /Re-run `cdktf synth` to rewrite cdktf\.out/ },
];

describe('CLI malformed input', () => {
  test.each(ROWS.map((r) => [r.when, r] as const))('fails with exit 2 when %s', async (_when, row) => {
    const { argv, file: named } = row.args();
    let stdout = '';
    let stderr = '';
    const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), now: NOW });
    expect(code).toBe(EXIT.unusableInput);
    expect(stdout).toBe('');
    expect(stderr).toContain(named);
    expect(stderr).toMatch(row.message);
    expect(stderr).toMatch(row.fix);
    // One message, not a stack trace.
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at |internal error|TypeError/);
  });

  // The package bin (dist/cli/bin.js) is compiled from cli/bin.ts; the package's tarball test runs the
  // built one. Here the bin's source runs as its own process (transpiled by the swc hook, no ts-node),
  // so the exit code and stderr are the process's, not run()'s return value.
  test('fails with exit 2 from the command process on a truncated plan', () => {
    const truncated = file('plan.json', truncate(PLAN_TEXT));
    const r = spawnSync(process.execPath, ['-r', path.join(REPO_ROOT, 'scripts', 'swc-register.js'), path.join(REPO_ROOT, 'cli', 'bin.ts'), 'review', truncated], { encoding: 'utf8', timeout: 120_000 });
    expect([r.status, r.stdout]).toEqual([EXIT.unusableInput, '']);
    expect(r.stderr).toMatch(new RegExp(`^cdktf-ai-governance: ${truncated.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON`));
  }, 120_000);
});
