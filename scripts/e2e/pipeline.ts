/**
 * The pipeline phase of the e2e tier (issue 15 item 3): ci/governed-deploy.sh, the gate a product
 * repository runs, end to end on a product stack against moto: synth, check --strict (SARIF),
 * terraform init and plan, review of the plan against the synthesized stack.
 *
 *  1. a clean product stack (the SageMaker service of sagemaker-update-app.ts, pinned contract):
 *     the script exits 0 and writes the SARIF of check and of the review, with no result;
 *  2. the same stack with a role a team added by hand under /governed/dev/ without the boundary
 *     (written into cdk.tf.json after synth, as a plain App or an edit would): the script exits 1,
 *     naming the check and the review, whose SARIF carry the finding;
 *  3. that bad stack again with step 2's reports as the baseline: nothing new, exit 0.
 *
 * The synth command is a wrapper that also writes the e2e override (moto's provider settings and a
 * local backend) beside each stack, the one thing a real repository does not need.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { overrideFor } from './scratch-stack';
import type { Tally } from './tally';
import type { TerraformJson } from './terraform-json';
import { runCommand, type RunResult } from './terraform-cli';

const REPO = path.resolve(__dirname, '..', '..');
const STACK = 'scorer-dev';
const BAD_ROLE = 'team-added-unbounded';

export interface PipelinePhaseContext {
  readonly tally: Tally;
  /** The terraform environment (offline mirror, moto endpoint). */
  readonly env: NodeJS.ProcessEnv;
  readonly scratch: string;
  readonly pinnedContract: string;
}

const tail = (r: RunResult) => `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-40).join('\n');

/** Results in a SARIF file, or -1 when it is missing or unreadable. */
function sarifResults(file: string): { count: number; rules: string[] } {
  try {
    const sarif = JSON.parse(fs.readFileSync(file, 'utf8')) as { runs: { results?: { ruleId: string }[] }[] };
    const results = sarif.runs.flatMap((r) => r.results ?? []);
    return { count: results.length, rules: [...new Set(results.map((r) => r.ruleId))].sort() };
  } catch {
    return { count: -1, rules: [] };
  }
}

/** Post-synth step of the wrapper (node -e): the moto override per stack, and in the bad run the team's role. */
export function afterSynth(outdir: string, addUnboundedRole: boolean): void {
  for (const stack of fs.readdirSync(path.join(outdir, 'stacks'))) {
    const dir = path.join(outdir, 'stacks', stack);
    const file = path.join(dir, 'cdk.tf.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as TerraformJson & { resource: Record<string, Record<string, unknown>> };
    if (addUnboundedRole) {
      json.resource.aws_iam_role = {
        ...(json.resource.aws_iam_role ?? {}),
        [BAD_ROLE]: {
          name: 'dev-euw1-team-added',
          path: '/governed/dev/',
          assume_role_policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/ci/someone' }, Action: 'sts:AssumeRole' }] }),
        },
      };
      fs.writeFileSync(file, JSON.stringify(json, null, 2));
    }
    fs.writeFileSync(path.join(dir, 'zz_e2e_override.tf.json'), JSON.stringify(overrideFor(json), null, 2));
  }
}

export async function pipelinePhase(ctx: PipelinePhaseContext): Promise<void> {
  const t = ctx.tally;
  const dir = path.join(ctx.scratch, 'pipeline');
  fs.mkdirSync(dir, { recursive: true });
  const register = path.join(REPO, 'scripts', 'swc-register.js');
  const outdir = path.join(dir, 'cdktf.out');
  const synthCommand = (bad: boolean) =>
    [
      `rm -rf ${JSON.stringify(outdir)}`,
      `${JSON.stringify(path.join(REPO, 'node_modules', '.bin', 'ts-node'))} --transpile-only --project ${JSON.stringify(path.join(REPO, 'tsconfig.json'))} ${JSON.stringify(path.join(__dirname, 'sagemaker-update-app.ts'))}`,
      `node -r ${JSON.stringify(register)} -e ${JSON.stringify(`require(${JSON.stringify(path.join(__dirname, 'pipeline.ts'))}).afterSynth(${JSON.stringify(outdir)}, ${bad})`)}`,
    ].join(' && ');
  const run = (bad: boolean, out: string, extra: string[] = []) =>
    runCommand('bash', [path.join(REPO, 'ci', 'governed-deploy.sh'), '--out', out, ...extra], dir, {
      ...ctx.env,
      GOVERNED_SYNTH: synthCommand(bad),
      GOVERNED_CLI: `node -r ${register} ${path.join(REPO, 'cli', 'main.ts')}`,
      CDKTF_OUTDIR: outdir,
      PINNED_CONTRACT: ctx.pinnedContract,
      SCORER_INSTANCE_TYPE: 'ml.m5.large',
    }, path.join(dir, 'pipeline.log'));

  // 1. Clean.
  const good = path.join(dir, 'out-good');
  const clean = await run(false, good);
  const cleanCheck = sarifResults(path.join(good, 'check.sarif'));
  const cleanReview = sarifResults(path.join(good, `${STACK}.review.sarif`));
  t.check(
    'pipeline: ci/governed-deploy.sh passes a clean product stack (synth, check --strict, plan, review), SARIF with no result',
    clean.code === 0 && cleanCheck.count === 0 && cleanReview.count === 0 && /governed-deploy: passed/.test(clean.stdout),
    `exit ${clean.code}; check.sarif ${cleanCheck.count} results, review ${cleanReview.count}\n${tail(clean)}`,
    /Plan: .*/.exec(clean.stdout)?.[0],
  );

  // 2. A role added by hand without the boundary.
  const bad = path.join(dir, 'out-bad');
  const failed = await run(true, bad);
  const badCheck = sarifResults(path.join(bad, 'check.sarif'));
  const badReview = sarifResults(path.join(bad, `${STACK}.review.sarif`));
  t.check(
    'pipeline: the script fails a stack with a team-added role without the boundary, in check and in review, with the finding in both SARIF files',
    failed.code === 1 && /FAILED: check review scorer-dev/.test(failed.stdout) && badCheck.rules.includes('WorkloadRolePermissionBoundary') && badReview.rules.includes('WorkloadRolePermissionBoundary'),
    `exit ${failed.code}; check rules ${badCheck.rules.join(', ')}; review rules ${badReview.rules.join(', ')}\n${tail(failed)}`,
    `${badCheck.count} check and ${badReview.count} review results`,
  );

  // 3. The same findings, with step 2's reports as the baseline.
  const again = await run(true, path.join(dir, 'out-baseline'), ['--baseline', bad]);
  t.check('pipeline: with the earlier reports as baseline, the same findings are not new: exit 0', again.code === 0, `exit ${again.code}\n${tail(again)}`);
}
