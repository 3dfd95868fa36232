/**
 * The pinned-contract phase of the e2e tier: a product repository's path, against the contract the
 * platform stack really published (Terraform computed its revision when the stand-in was written).
 *
 *  1. read the live parameter from the emulator and pin it with `cdktf-ai-governance contract
 *     export` (the CLI's own run(): the export fails if the revision Terraform computed differs from
 *     the one the library computes);
 *  2. synthesize the product app alone, pinned (scripts/e2e/pinned-product-app.ts), and run
 *     `check --strict` on it: no cannot-verify finding, exit 0;
 *  3. terraform plan of that stack against the live contract: passes;
 *  4. the live contract drifted (retention below the floor, a new revision, the stack's region or a
 *     model no longer allowed): plan fails, with the postcondition's message; then restored.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run as cli } from '../../cli/main';
import { contractRevision } from '../../constructs/platform/contract-revision';
import { prepareStack } from './scratch-stack';
import type { Tally } from './tally';
import { runCommand, type RunResult } from './terraform-cli';

const REPO = path.resolve(__dirname, '..', '..');
const PARAMETER = '/governance/dev/contract';

export interface PinnedPhaseContext {
  readonly tally: Tally;
  readonly motoEndpoint: string;
  /** The terraform environment (offline mirror, moto endpoint). */
  readonly env: NodeJS.ProcessEnv;
  readonly scratch: string;
  readonly region: string;
}

/** Writes a parameter into moto through the SSM API (moto accepts any signature). */
export async function putParameter(endpoint: string, region: string, name: string, value: string, type: string): Promise<void> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'AmazonSSM.PutParameter',
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/ssm/aws4_request, SignedHeaders=host, Signature=e2e`,
    },
    body: JSON.stringify({ Name: name, Value: value, Type: type, Overwrite: true }),
  });
  if (!res.ok) throw new Error(`PutParameter ${name} answered HTTP ${res.status}: ${await res.text()}`);
}

/** Reads a parameter's value from moto through the SSM API. */
export async function getParameter(endpoint: string, region: string, name: string): Promise<string> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'AmazonSSM.GetParameter',
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/ssm/aws4_request, SignedHeaders=host, Signature=e2e`,
    },
    body: JSON.stringify({ Name: name }),
  });
  if (!res.ok) throw new Error(`GetParameter ${name} answered HTTP ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { Parameter: { Value: string } }).Parameter.Value;
}

/** Terraform wraps diagnostics; messages are matched on the text with whitespace collapsed. */
const flat = (r: RunResult) => `${r.stdout}\n${r.stderr}`.replace(/[│╷╵]/g, ' ').replace(/\s+/g, ' ');
const tail = (r: RunResult) => `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-30).join('\n');

interface Drift {
  readonly what: string;
  readonly change: (contract: Record<string, unknown>) => Record<string, unknown>;
  readonly message: RegExp;
}

/** Each drift as the live contract could change under a product stack, and the message plan must give. */
export const DRIFTS: readonly Drift[] = [
  {
    what: 'log retention below the floor (hand-edited parameter, revision unchanged)',
    change: (c) => ({ ...c, logRetentionDays: 30 }),
    message: /logRetentionDays is 30; allowed: at least 90 days in dev \(365 in production\)\. Fix: the platform team \([^)]+\) sets logRetentionDays to 90 or more/,
  },
  {
    what: 'a new revision (the platform applied a change)',
    change: (c) => {
      const changed = { ...c, secretRotationDays: 45 };
      return { ...changed, revision: contractRevision(changed) };
    },
    message: /the live contract has revision [0-9a-f]{64}, the pinned copy \S+ has revision [0-9a-f]{64}\. Fix: export the live contract again/,
  },
  {
    what: "the stack's region no longer allowed",
    change: (c) => {
      const changed = { ...c, allowedRegions: ['us-east-1'] };
      return { ...changed, revision: contractRevision(changed) };
    },
    message: /the stack deploys to eu-west-1, which is not in allowedRegions \["us-east-1"\]\. Fix: deploy the stack to an allowed region/,
  },
  {
    what: 'a model the stack uses no longer allowed',
    change: (c) => {
      const changed = { ...c, allowedModels: (c.allowedModels as string[]).filter((m) => !m.includes('haiku')) };
      return { ...changed, revision: contractRevision(changed) };
    },
    message: /the stack uses model anthropic\.claude-3-haiku-20240307-v1:0, which is not in allowedModels .*Fix: use an allowed model/,
  },
];

/** Runs the phase; returns the pinned contract file once it is written (undefined before that). */
export async function pinnedContractPhase(ctx: PinnedPhaseContext): Promise<string | undefined> {
  const t = ctx.tally;
  const dir = path.join(ctx.scratch, 'pinned');
  fs.mkdirSync(dir, { recursive: true });
  let live: string;
  try {
    live = await getParameter(ctx.motoEndpoint, ctx.region, PARAMETER);
  } catch (e) {
    t.fail('pinned contract: read the live contract', (e as Error).message);
    return undefined;
  }

  // 1. Pin it with the CLI.
  const file = path.join(dir, 'contracts', 'dev.json');
  const out: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => out.push(s), stdin: () => live };
  const exported = await cli(['contract', 'export', '--env', 'dev', '-o', file], io);
  if (!t.check('pinned contract: contract export of the live contract (revision as Terraform computed it)', exported === 0 && fs.existsSync(file), out.join(''), out.join('').trim())) return fs.existsSync(file) ? file : undefined;
  if (process.env.E2E_WRITE_CONTRACT_FIXTURE) {
    fs.copyFileSync(file, process.env.E2E_WRITE_CONTRACT_FIXTURE);
    console.log(`  wrote the pinned contract to ${process.env.E2E_WRITE_CONTRACT_FIXTURE}`);
  }

  // 2. Synthesize the product app alone, pinned; check --strict.
  const outdir = path.join(dir, 'cdktf.out');
  const tsNode = path.join(REPO, 'node_modules', '.bin', 'ts-node');
  const synth = await runCommand(tsNode, ['--transpile-only', '--project', path.join(REPO, 'tsconfig.json'), path.join(REPO, 'scripts', 'e2e', 'pinned-product-app.ts')], dir, { ...process.env, CDKTF_OUTDIR: outdir, PINNED_CONTRACT: file });
  if (!t.check('pinned contract: the product app synthesizes alone', synth.code === 0, tail(synth), synth.stdout.trim().split('\n').pop())) return fs.existsSync(file) ? file : undefined;
  const checked: string[] = [];
  const strict = await cli(['check', outdir, '--strict', '--format', 'json'], { stdout: (s) => checked.push(s), stderr: (s) => checked.push(s) });
  let cannotVerify = -1;
  try {
    const report = JSON.parse(checked.join('')) as { stacks: { ruleResults: { cannotVerify: number }[] }[] };
    cannotVerify = report.stacks.reduce((n, s) => n + s.ruleResults.reduce((m, r) => m + r.cannotVerify, 0), 0);
  } catch {
    /* reported below with the output */
  }
  t.check('pinned contract: check --strict on the product stack alone exits 0 with no cannot-verify finding', strict === 0 && cannotVerify === 0, checked.join('').slice(0, 4000), `${cannotVerify} cannot verify`);

  // 3. Plan against the live contract.
  const prepared = prepareStack(path.join(outdir, 'stacks', 'product-dev'), path.join(dir, 'product-dev'));
  const tf = (args: string[]) => runCommand('terraform', [...args, '-no-color'], prepared.dir, ctx.env, path.join(prepared.dir, 'e2e.log'));
  const init = await tf(['init', '-input=false']);
  if (!t.check('pinned contract: terraform init', init.code === 0, tail(init))) return fs.existsSync(file) ? file : undefined;
  const plan = () => tf(['plan', '-input=false', '-refresh=true', '-parallelism=10', '-lock=false']);
  const clean = await plan();
  if (!t.check('pinned contract: plan against the live contract it pins passes', clean.code === 0, tail(clean), /Plan: .*/.exec(clean.stdout)?.[0])) return fs.existsSync(file) ? file : undefined;

  // 4. Drifted live contracts fail plan, each with its message.
  const original = JSON.parse(live) as Record<string, unknown>;
  try {
    for (const drift of DRIFTS) {
      await putParameter(ctx.motoEndpoint, ctx.region, PARAMETER, JSON.stringify(drift.change(original)), 'String');
      const r = await plan();
      const text = flat(r);
      t.check(`pinned contract: plan fails when ${drift.what}`, r.code !== 0 && /postcondition failed/i.test(text) && drift.message.test(text), `exit ${r.code}; expected ${drift.message}\n${tail(r)}`, drift.message.exec(text)?.[0].slice(0, 120));
    }
  } finally {
    await putParameter(ctx.motoEndpoint, ctx.region, PARAMETER, live, 'String');
  }
  return file;
}
