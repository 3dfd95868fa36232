/**
 * `npm run test:e2e`: the verification tier. For every synthesized stack, in dependency order, in
 * a scratch copy outside the repository: terraform init (offline mirror), validate, plan, apply
 * against moto, a second plan that must show no changes, a state scan for secret values, and at
 * the end destroy. Kubernetes objects are validated as manifests against the OpenAPI schemas, and
 * the applied policies are evaluated as an access matrix. Ends with `N passed, N failed`.
 *
 * Usage: ts-node --transpile-only scripts/e2e/run.ts [--app FILE | --outdir CDKTF_OUT] [--keep]
 *   (default: synthesize the examples with `npm run synth`)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAccessMatrix } from './access/matrix';
import type { WorldResource } from './access/policy-world';
import { dependencyOrder, readStacks, type StackEntry } from './cdktf-out';
import { resolverFor, toManifest } from './kubernetes/to-manifest';
import { validateManifests } from './kubernetes/validate-manifests';
import { startMoto, type Moto } from './moto';
import { preflight } from './preflight';
import { prepareStack, type PreparedStack } from './scratch-stack';
import { secretFindings, stateResources, type ShowJson } from './state-secrets';
import { Tally } from './tally';
import { cliConfig, runCommand, terraformEnv, type RunResult } from './terraform-cli';

const REPO = path.resolve(__dirname, '..', '..');
const MIRROR = process.env.E2E_TF_MIRROR ?? '/opt/tf-plugins';

interface Args {
  app?: string;
  outdir?: string;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { keep: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--app') args.app = argv[++i];
    else if (argv[i] === '--outdir') args.outdir = argv[++i];
    else if (argv[i] === '--keep') args.keep = true;
    else throw new Error(`unknown argument ${argv[i]}; usage: run.ts [--app FILE | --outdir CDKTF_OUT] [--keep]`);
  }
  return args;
}

function tail(r: RunResult, lines = 40): string {
  return `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-lines).join('\n');
}

interface StackRun {
  stack: StackEntry;
  prepared?: PreparedStack;
  initialized: boolean;
  applied: boolean;
  resourcesApplied: number;
  world: WorldResource[];
  seconds: number;
}

class E2eRun {
  readonly tally = new Tally();
  readonly scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-e2e-'));
  readonly cliConfigFile = path.join(this.scratch, 'terraform.rc');
  private env: NodeJS.ProcessEnv = {};
  manifestsValidated = 0;

  constructor(moto: Moto) {
    fs.writeFileSync(this.cliConfigFile, cliConfig(MIRROR));
    this.env = terraformEnv({ cliConfigFile: this.cliConfigFile, awsEndpoint: moto.endpoint, scratch: this.scratch });
  }

  tf(run: StackRun, args: string[]): Promise<RunResult> {
    return runCommand('terraform', [...args, '-no-color'], run.prepared!.dir, this.env, path.join(run.prepared!.dir, 'e2e.log'));
  }

  async verify(stack: StackEntry): Promise<StackRun> {
    const started = Date.now();
    const run: StackRun = { stack, initialized: false, applied: false, resourcesApplied: 0, world: [], seconds: 0 };
    console.log(`\n== stack ${stack.name}`);
    const t = this.tally;
    try {
      run.prepared = prepareStack(stack.dir, path.join(this.scratch, 'stacks', stack.name));
    } catch (e) {
      t.fail(`${stack.name}: prepare scratch copy`, (e as Error).message);
      return run;
    }
    const p = run.prepared;
    for (const r of p.removed) console.log(`  removed from the Terraform run: ${r.address} (${r.reason})`);
    for (const o of p.removedOutputs) console.log(`  removed output ${o} (references a removed Kubernetes object)`);
    for (const l of p.leftOut) console.log(`  left out of apply: ${l.address} (${l.reason})`);
    console.log(`  ${p.targets.length} resources to apply, ${p.leftOut.length} left out, ${p.removed.length} removed (Kubernetes)`);

    this.validateKubernetes(stack.name, p);

    const init = await this.tf(run, ['init', '-input=false']);
    if (!t.check(`${stack.name}: terraform init (offline mirror)`, init.code === 0, tail(init), `${init.seconds.toFixed(1)} s`)) return run;
    run.initialized = true;
    const validate = await this.tf(run, ['validate']);
    if (!t.check(`${stack.name}: terraform validate`, validate.code === 0, tail(validate))) return run;
    const plan = await this.tf(run, ['plan', '-input=false', '-parallelism=10']);
    const planSummary = /Plan: .*/.exec(plan.stdout)?.[0] ?? 'no changes';
    if (!t.check(`${stack.name}: terraform plan (everything, left-out resources included)`, plan.code === 0, tail(plan), planSummary)) return run;

    const targets = p.targets.map((a) => `-target=${a}`);
    if (p.targets.length === 0) {
      t.fail(`${stack.name}: terraform apply`, 'nothing to apply: every resource is left out or removed');
      return run;
    }
    const apply = await this.tf(run, ['apply', '-input=false', '-auto-approve', '-parallelism=10', ...targets]);
    run.applied = apply.code === 0;
    const applySummary = /Apply complete! .*/.exec(apply.stdout)?.[0] ?? '';
    if (!t.check(`${stack.name}: terraform apply against moto`, run.applied, tail(apply), `${applySummary} ${apply.seconds.toFixed(1)} s`)) return run;

    const replan = await this.tf(run, ['plan', '-input=false', '-detailed-exitcode', '-parallelism=10', ...targets]);
    t.check(
      `${stack.name}: second plan reports no changes`,
      replan.code === 0,
      replan.code === 2 ? `the second plan wants changes:\n${tail(replan, 60)}` : tail(replan),
    );

    const show = await this.tf(run, ['show', '-json']);
    if (!t.check(`${stack.name}: terraform show -json`, show.code === 0, tail(show))) return run;
    const state = JSON.parse(show.stdout) as ShowJson;
    const managed = stateResources(state).filter((r) => r.mode === 'managed');
    run.resourcesApplied = managed.length;
    const findings = secretFindings(state);
    t.check(
      `${stack.name}: no secret value in state`,
      findings.length === 0,
      findings.map((f) => `${f.address}.${f.attribute}: ${f.why}`).join('\n'),
      `${managed.length} resources scanned`,
    );
    run.world = managed.map((r) => ({ stack: stack.name, address: r.address, type: r.type, values: r.values ?? {}, planned: false }));
    if (p.leftOut.length > 0) run.world.push(...(await this.plannedLeftOut(run)));
    run.seconds = (Date.now() - started) / 1000;
    return run;
  }

  /** Planned values of left-out resources (e.g. a REST API policy), resolved against the applied state. */
  async plannedLeftOut(run: StackRun): Promise<WorldResource[]> {
    const leftOut = new Set(run.prepared!.leftOut.map((l) => l.address));
    const plan = await this.tf(run, ['plan', '-input=false', '-parallelism=10', '-out=full.tfplan']);
    if (!this.tally.check(`${run.stack.name}: plan of left-out resources against applied state`, plan.code === 0, tail(plan))) return [];
    const show = await this.tf(run, ['show', '-json', 'full.tfplan']);
    if (show.code !== 0) return [];
    const planned = JSON.parse(show.stdout) as { planned_values?: ShowJson['values'] };
    return stateResources({ values: planned.planned_values })
      .filter((r) => leftOut.has(r.address))
      .map((r) => ({ stack: run.stack.name, address: r.address, type: r.type, values: r.values ?? {}, planned: true }));
  }

  validateKubernetes(stackName: string, p: PreparedStack): void {
    if (p.kubernetesBlocks.length === 0) return;
    const resolve = resolverFor(p.kubernetesBlocks);
    const manifests = [];
    for (const b of p.kubernetesBlocks.filter((k) => k.mode === 'managed')) {
      try {
        manifests.push(toManifest(b, resolve));
      } catch (e) {
        this.tally.fail(`${stackName}: manifest ${b.address}`, (e as Error).message);
      }
    }
    const problems = validateManifests(
      manifests.map((m) => m.manifest),
      REPO,
    );
    const dir = path.join(this.scratch, 'manifests', stackName);
    fs.mkdirSync(dir, { recursive: true });
    manifests.forEach((m, i) => {
      fs.writeFileSync(path.join(dir, `${m.address}.json`), JSON.stringify(m.manifest, null, 2));
      const mine = problems.filter((x) => x.index === i).map((x) => x.message);
      const notes = m.notes.map((n) => `${n.path}: ${n.note}`);
      const kind = `${String(m.manifest.kind)} ${String((m.manifest.metadata as Record<string, unknown> | undefined)?.name)}`;
      this.tally.check(
        `${stackName}: manifest ${m.address} (validated as manifest instead: ${kind})`,
        mine.length === 0,
        mine.join('\n'),
        notes.length ? notes.join('; ') : 'OpenAPI schema, known fields, names and labels',
      );
      this.manifestsValidated++;
    });
  }

  async destroy(run: StackRun): Promise<void> {
    const destroy = await this.tf(run, ['destroy', '-input=false', '-auto-approve', '-parallelism=10']);
    this.tally.check(`${run.stack.name}: terraform destroy`, destroy.code === 0, tail(destroy), `${destroy.seconds.toFixed(1)} s`);
  }
}

async function synthesize(args: Args, scratchRoot: string): Promise<string> {
  if (args.outdir) return path.resolve(args.outdir);
  const outdir = path.join(scratchRoot, 'cdktf.out');
  const env = { ...process.env, CDKTF_OUTDIR: outdir };
  const r = args.app
    ? await runCommand('npx', ['ts-node', '--transpile-only', args.app], REPO, env)
    : await runCommand('npm', ['run', '--silent', 'synth'], REPO, env);
  if (r.code !== 0) throw new Error(`synthesis failed (exit ${r.code}):\n${tail(r)}`);
  return outdir;
}

async function main(): Promise<number> {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const tally = new Tally();
  const missing = await preflight(MIRROR);
  if (missing.length > 0) {
    for (const m of missing) tally.fail('preflight', m);
    console.log(`\n${tally.summaryLine()}`);
    return 1;
  }
  const synthRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-e2e-synth-'));
  let stacks: StackEntry[];
  try {
    stacks = dependencyOrder(readStacks(await synthesize(args, synthRoot)));
  } catch (e) {
    tally.fail('synthesize', (e as Error).message);
    console.log(`\n${tally.summaryLine()}`);
    return 1;
  }
  console.log(`stacks in dependency order: ${stacks.map((s) => s.name).join(', ')}`);

  const moto = await startMoto(path.join(synthRoot, 'moto.log'));
  const stopOnSignal = (signal: NodeJS.Signals) => {
    void moto.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  const e2e = new E2eRun(moto);
  const runs: StackRun[] = [];
  try {
    console.log(`moto_server at ${moto.endpoint}; scratch ${e2e.scratch}`);
    const failed = new Set<string>();
    for (const stack of stacks) {
      const blockedBy = stack.dependencies.find((d) => failed.has(d));
      if (blockedBy) {
        e2e.tally.fail(`${stack.name}: not run`, `it depends on ${blockedBy}, which failed`);
        failed.add(stack.name);
        continue;
      }
      const before = e2e.tally.failed;
      const run = await e2e.verify(stack);
      runs.push(run);
      if (!run.applied || e2e.tally.failed > before) failed.add(stack.name);
    }

    console.log('\n== access matrix (applied policies evaluated with @cloud-copilot/iam-simulate)');
    const access = await runAccessMatrix(
      runs.flatMap((r) => r.world),
      e2e.tally,
    );

    console.log('\n== destroy (reverse dependency order)');
    for (const run of [...runs].reverse()) if (run.initialized) await e2e.destroy(run);

    const minutes = (Date.now() - started) / 60000;
    const leftOut = runs.flatMap((r) => r.prepared?.leftOut ?? []);
    console.log('\n== summary');
    console.log(`stacks: ${stacks.length} (${runs.filter((r) => r.applied).length} applied)`);
    for (const r of runs) console.log(`  ${r.stack.name}: ${r.resourcesApplied} resources applied, ${r.prepared?.leftOut.length ?? 0} left out, ${r.seconds.toFixed(0)} s`);
    console.log(`resources applied: ${runs.reduce((n, r) => n + r.resourcesApplied, 0)}`);
    console.log(`resources left out of apply: ${leftOut.length}`);
    console.log(`Kubernetes objects validated as manifests: ${e2e.manifestsValidated}`);
    console.log(`access requests: ${access.tried} tried, ${access.asExpected} as expected (${access.allowed} allowed, ${access.denied} denied)`);
    console.log(`time: ${minutes.toFixed(1)} min`);
    if (e2e.tally.failed > 0) console.log(`logs kept in ${e2e.scratch} (e2e.log per stack)`);
  } finally {
    await moto.stop();
    if (!args.keep && e2e.tally.failed === 0) {
      fs.rmSync(e2e.scratch, { recursive: true, force: true });
      fs.rmSync(synthRoot, { recursive: true, force: true });
    }
  }
  console.log(`\n${e2e.tally.summaryLine()}`);
  return e2e.tally.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.stack : e);
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  },
);
