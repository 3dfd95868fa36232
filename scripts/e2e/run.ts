/**
 * `npm run test:e2e`: the verification tier. For every synthesized stack, in dependency order, in
 * a scratch copy outside the repository: terraform init (offline mirror), validate, plan, apply
 * against moto, a second plan that must show no changes, a state scan for secret values, and at
 * the end destroy. Kubernetes objects are validated as manifests against the OpenAPI schemas, and
 * the applied policies are evaluated as an access matrix. Then the IAM-enforced tier
 * (iam-enforced/README.md): a product team's deployment role applies its stack on a moto with IAM
 * enforced and is refused what it does not own. Ends with `N passed, N failed`.
 *
 * Usage: ts-node --transpile-only scripts/e2e/run.ts [--app FILE | --outdir CDKTF_OUT] [--keep] [--save-state DIR]
 *   (default: synthesize the examples' main.ts into a scratch directory; --save-state writes each
 *   applied stack's `terraform show -json` state to DIR/<stack>.state.json before destroy, the real
 *   states the inventory tests read: test/fixtures/make-state-fixtures.sh)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAccessMatrix } from './access/matrix';
import type { WorldResource } from './access/policy-world';
import { dependencyOrder, readStacks, type StackEntry } from './cdktf-out';
import { dependenciesOf } from './terraform-json';
import { expressionsToEvaluate, resolverFor, toManifest } from './kubernetes/to-manifest';
import { validateManifests } from './kubernetes/validate-manifests';
import { startMoto, type Moto } from './moto';
import { pinnedContractPhase } from './pinned-contract';
import { pipelinePhase } from './pipeline';
import { preflight } from './preflight';
import { runIamEnforcedTier, TIER_PLATFORM_STACK, TIER_PRODUCT_STACK } from './iam-enforced/tier';
import { INSTANCE_TYPES, sagemakerUpdatePhase } from './sagemaker-update';
import { prepareStack, type PreparedStack } from './scratch-stack';
import { classifyChanges, EMULATED_WITHOUT_EFFECT, type ResourceChange } from './emulator-gaps';
import { secretFindings, sensitiveSchema, stateResources, type SensitiveSchema, type ShowJson } from './state-secrets';
import { Tally } from './tally';
import { cliConfig, runCommand, terraformEnv, type RunResult } from './terraform-cli';

const REPO = path.resolve(__dirname, '..', '..');
const MIRROR = process.env.E2E_TF_MIRROR ?? '/opt/tf-plugins';

interface Args {
  app?: string;
  outdir?: string;
  keep: boolean;
  saveState?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { keep: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--app') args.app = argv[++i];
    else if (argv[i] === '--outdir') args.outdir = argv[++i];
    else if (argv[i] === '--keep') args.keep = true;
    else if (argv[i] === '--save-state') args.saveState = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}; usage: run.ts [--app FILE | --outdir CDKTF_OUT] [--keep] [--save-state DIR]`);
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
  stateAddresses: string[];
  seconds: number;
}

class E2eRun {
  readonly tally = new Tally();
  readonly scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-e2e-'));
  readonly cliConfigFile = path.join(this.scratch, 'terraform.rc');
  private env: NodeJS.ProcessEnv = {};
  manifestsValidated = 0;

  /** Where applied states are written (--save-state), or undefined. */
  saveStateDir?: string;

  constructor(moto: Moto) {
    fs.writeFileSync(this.cliConfigFile, cliConfig(MIRROR));
    this.env = terraformEnv({ cliConfigFile: this.cliConfigFile, awsEndpoint: moto.endpoint, scratch: this.scratch });
  }

  get terraformEnvironment(): NodeJS.ProcessEnv {
    return this.env;
  }

  tf(run: StackRun, args: string[]): Promise<RunResult> {
    return runCommand('terraform', [...args, '-no-color'], run.prepared!.dir, this.env, path.join(run.prepared!.dir, 'e2e.log'));
  }

  async verify(stack: StackEntry): Promise<StackRun> {
    const started = Date.now();
    const run: StackRun = { stack, initialized: false, applied: false, resourcesApplied: 0, world: [], stateAddresses: [], seconds: 0 };
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
    for (const s of p.standIns) {
      console.log(`  stand-in in ${s.address}: ${s.value ? `${s.reference} = ${s.value.length > 100 ? `${s.value.slice(0, 100)}...` : s.value}` : `${s.reference} dropped`} (${s.why})`);
    }
    for (const e of EMULATED_WITHOUT_EFFECT) {
      for (const a of p.targets.filter((t) => t.startsWith(`${e.type}.`))) console.log(`  applied without its effect: ${a} (${e.note})`);
    }
    console.log(`  ${p.targets.length} resources to apply, ${p.leftOut.length} left out, ${p.standIns.length} stand-in references, ${p.removed.length} removed (Kubernetes)`);
    await this.terraformSteps(run);
    // After apply, so values the Kubernetes objects take from the contract can be evaluated.
    await this.validateKubernetes(run);
    run.seconds = (Date.now() - started) / 1000;
    return run;
  }

  async terraformSteps(run: StackRun): Promise<void> {
    const t = this.tally;
    const stack = run.stack;
    const p = run.prepared!;
    const init = await this.tf(run, ['init', '-input=false']);
    if (!t.check(`${stack.name}: terraform init (offline mirror)`, init.code === 0, tail(init), `${init.seconds.toFixed(1)} s`)) return;
    run.initialized = true;
    const validate = await this.tf(run, ['validate']);
    if (!t.check(`${stack.name}: terraform validate`, validate.code === 0, tail(validate))) return;
    const targets = p.targets.map((a) => `-target=${a}`);
    if (p.targets.length === 0) {
      t.fail(`${stack.name}: terraform plan`, 'nothing to apply: every resource is left out or removed');
      return;
    }
    const plan = await this.tf(run, ['plan', '-input=false', '-parallelism=10', '-out=apply.tfplan', ...targets]);
    const planSummary = /Plan: .*/.exec(plan.stdout)?.[0] ?? 'no changes';
    if (!t.check(`${stack.name}: terraform plan`, plan.code === 0, tail(plan), planSummary)) return;
    // Applying the saved plan: exactly what was planned, without planning twice.
    const apply = await this.tf(run, ['apply', '-input=false', '-auto-approve', '-parallelism=10', 'apply.tfplan']);
    run.applied = apply.code === 0;
    const applySummary = /Apply complete! .*/.exec(apply.stdout)?.[0] ?? '';
    if (!t.check(`${stack.name}: terraform apply against moto`, run.applied, tail(apply), `${applySummary} ${apply.seconds.toFixed(1)} s`)) return;

    await this.secondPlan(run, targets);
    if (this.saveStateDir) await this.saveState(run);

    // The whole configuration planned against the applied state: left-out resources resolve to
    // their planned values (the REST API policy, the contract), and prior_state is the state.
    const full = await this.tf(run, ['plan', '-input=false', '-refresh=false', '-parallelism=10', '-out=full.tfplan']);
    if (!t.check(`${stack.name}: plan of the whole configuration against the applied state`, full.code === 0, tail(full), /Plan: .*/.exec(full.stdout)?.[0] ?? '')) return;
    const show = await this.tf(run, ['show', '-json', 'full.tfplan']);
    if (!t.check(`${stack.name}: terraform show -json`, show.code === 0, tail(show))) return;
    const shown = JSON.parse(show.stdout) as { prior_state?: ShowJson; planned_values?: ShowJson['values'] };
    const state = shown.prior_state ?? {};
    const managed = stateResources(state).filter((r) => r.mode === 'managed');
    run.resourcesApplied = managed.length;
    run.stateAddresses = managed.map((r) => r.address);
    const findings = secretFindings(state, await this.sensitiveSchema(run), Object.values(p.json.variable ?? {}).some((v) => (v as { sensitive?: boolean }).sensitive === true));
    t.check(
      `${stack.name}: no secret value in state`,
      findings.length === 0,
      findings.map((f) => `${f.address}.${f.attribute}: ${f.why}`).join('\n'),
      `${managed.length} resources scanned`,
    );
    const leftOut = new Set(p.leftOut.map((l) => l.address));
    run.world = [
      ...managed.map((r) => ({ stack: stack.name, address: r.address, type: r.type, values: r.values ?? {}, planned: false })),
      ...stateResources({ values: shown.planned_values })
        .filter((r) => leftOut.has(r.address))
        .map((r) => ({ stack: stack.name, address: r.address, type: r.type, values: r.values ?? {}, planned: true })),
    ];
  }

  /** The applied state as `terraform show -json` prints it (--save-state). */
  async saveState(run: StackRun): Promise<void> {
    const show = await this.tf(run, ['show', '-json']);
    if (!this.tally.check(`${run.stack.name}: state saved (terraform show -json)`, show.code === 0, tail(show))) return;
    fs.mkdirSync(this.saveStateDir!, { recursive: true });
    fs.writeFileSync(path.join(this.saveStateDir!, `${run.stack.name}.state.json`), `${JSON.stringify(JSON.parse(show.stdout), null, 1)}\n`);
  }

  private schema?: SensitiveSchema;

  /** Which attributes the AWS provider marks sensitive (read once: the schema is the same for every stack). */
  async sensitiveSchema(run: StackRun): Promise<SensitiveSchema | undefined> {
    if (this.schema) return this.schema;
    const r = await this.tf(run, ['providers', 'schema', '-json']);
    if (r.code !== 0) {
      this.tally.fail('terraform providers schema -json', tail(r));
      return undefined;
    }
    this.schema = sensitiveSchema(JSON.parse(r.stdout));
    return this.schema;
  }

  /** The second plan must show no changes; only listed emulator echo gaps are tolerated, each printed. */
  async secondPlan(run: StackRun, targets: string[]): Promise<void> {
    const name = `${run.stack.name}: second plan reports no changes`;
    const replan = await this.tf(run, ['plan', '-input=false', '-detailed-exitcode', '-parallelism=10', '-out=replan.tfplan', ...targets]);
    if (replan.code === 0) {
      this.tally.pass(name);
      return;
    }
    if (replan.code !== 2) {
      this.tally.fail(name, tail(replan));
      return;
    }
    const show = await this.tf(run, ['show', '-json', 'replan.tfplan']);
    const changes = show.code === 0 ? ((JSON.parse(show.stdout) as { resource_changes?: ResourceChange[] }).resource_changes ?? []) : [];
    const verdicts = classifyChanges(changes);
    const real = verdicts.filter((v) => !v.tolerated);
    for (const v of verdicts.filter((x) => x.tolerated)) {
      console.log(`  emulator echo gap tolerated: ${v.address} ${v.attributes.join(', ')} (${v.tolerated})`);
    }
    this.tally.check(
      name,
      show.code === 0 && real.length === 0,
      `${real.map((v) => `${v.address}: ${v.actions.join('/')} ${v.attributes.join(', ')}`).join('\n')}\n${tail(replan, 60)}`,
      `${verdicts.length} emulator echo gaps tolerated`,
    );
  }

  /**
   * Kubernetes objects as manifests. References to other Kubernetes objects resolve from the
   * configuration; anything else (values from the environment contract) is evaluated by
   * `terraform console` against the applied state when the stack applied.
   */
  async validateKubernetes(run: StackRun): Promise<void> {
    const p = run.prepared!;
    const stackName = run.stack.name;
    if (p.kubernetesBlocks.length === 0) return;
    const evaluated = run.applied ? await this.evaluateExpressions(run, expressionsToEvaluate(p.kubernetesBlocks)) : new Map<string, unknown>();
    const resolve = resolverFor(p.kubernetesBlocks, evaluated);
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
        [...mine, ...notes].join('\n'),
        notes.length ? notes.join('; ') : 'OpenAPI schema, known fields, names and labels',
      );
      this.manifestsValidated++;
    });
  }

  /**
   * Evaluates expressions with `terraform console` (it prints only the last line's value, so all
   * of them go in one list; one by one if that fails). `nonsensitive` because a value read from
   * the contract parameter is marked sensitive; it is a plain String parameter.
   */
  async evaluateExpressions(run: StackRun, expressions: string[]): Promise<Map<string, unknown>> {
    const values = new Map<string, unknown>();
    if (expressions.length === 0) return values;
    const dir = run.prepared!.dir;
    const log = path.join(dir, 'e2e.log');
    const evaluate = async (list: string[]): Promise<unknown[] | undefined> => {
      const r = await runCommand('terraform', ['console', '-no-color'], dir, this.env, log, `nonsensitive(jsonencode([${list.join(', ')}]))\n`);
      if (r.code !== 0) return undefined;
      try {
        return JSON.parse(JSON.parse(r.stdout.trim()) as string) as unknown[];
      } catch {
        return undefined;
      }
    };
    const all = await evaluate(expressions);
    if (all) {
      expressions.forEach((e, i) => values.set(e, all[i]));
      return values;
    }
    for (const e of expressions) {
      const one = await evaluate([e]);
      if (one) values.set(e, one[0]);
    }
    return values;
  }

  async destroy(run: StackRun): Promise<void> {
    // What is in state, also when apply stopped half-way (then nothing was read back by show).
    const list = await this.tf(run, ['state', 'list']);
    const inState = list.code === 0 ? list.stdout.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('data.')) : run.stateAddresses;
    if (inState.length === 0) {
      this.tally.pass(`${run.stack.name}: terraform destroy`, 'nothing in state');
      return;
    }
    const protectedHere = run.prepared!.protectedFromDestroy.filter((p) => inState.includes(p.address));
    const protectedKept = protectedHere.map((p) => p.address);
    // Destroying what a protected resource depends on would destroy the protected resource first.
    const needed = dependenciesOf(run.prepared!.json, new Set(protectedKept));
    for (const p of protectedHere) console.log(`  kept by ${p.reason} (as the example intends; gone when moto stops): ${p.address}`);
    for (const a of inState.filter((x) => needed.has(x))) console.log(`  kept because a protected resource depends on it: ${a}`);
    const kept = [...protectedKept, ...inState.filter((x) => needed.has(x))];
    const targets = kept.length > 0 ? inState.filter((a) => !kept.includes(a)).map((a) => `-target=${a}`) : [];
    const destroy = await this.tf(run, ['destroy', '-input=false', '-auto-approve', '-refresh=false', '-parallelism=10', ...targets]);
    this.tally.check(
      `${run.stack.name}: terraform destroy`,
      destroy.code === 0,
      tail(destroy),
      `${destroy.seconds.toFixed(1)} s${kept.length ? `, ${protectedKept.length} kept as protected (${kept.length - protectedKept.length} more they depend on)` : ''}`,
    );
  }
}

/**
 * Synthesizes the app (default: the examples' main.ts) with the scratch directory as working
 * directory, so even an app that fixes `outdir: 'cdktf.out'` writes there and never into the repo.
 */
async function synthesize(args: Args, scratchRoot: string): Promise<string> {
  if (args.outdir) return path.resolve(args.outdir);
  const outdir = path.join(scratchRoot, 'cdktf.out');
  const app = path.resolve(REPO, args.app ?? 'main.ts');
  const tsNode = path.join(REPO, 'node_modules', '.bin', 'ts-node');
  const r = await runCommand(tsNode, ['--transpile-only', '--project', path.join(REPO, 'tsconfig.json'), app], scratchRoot, { ...process.env, CDKTF_OUTDIR: outdir });
  if (r.code !== 0) throw new Error(`synthesis of ${app} failed (exit ${r.code}):\n${tail(r)}`);
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
  let outdir: string;
  try {
    outdir = await synthesize(args, synthRoot);
    stacks = dependencyOrder(readStacks(outdir));
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
  e2e.saveStateDir = args.saveState;
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

    const platformDev = runs.find((r) => r.stack.name === 'platform-dev');
    if (!args.app && !args.outdir && platformDev?.applied) {
      console.log('\n== pinned contract (a product repository: pinned copy at synth, live contract at plan)');
      const pinnedContract = await pinnedContractPhase({ tally: e2e.tally, motoEndpoint: moto.endpoint, env: e2e.terraformEnvironment, scratch: e2e.scratch, region: String(platformDev.prepared?.json.provider?.aws?.[0]?.region ?? 'us-east-1') });
      console.log(`\n== sagemaker update (${INSTANCE_TYPES.applied} -> ${INSTANCE_TYPES.changedTo}: a new configuration, the endpoint rolled onto it)`);
      if (pinnedContract) await sagemakerUpdatePhase({ tally: e2e.tally, env: e2e.terraformEnvironment, scratch: e2e.scratch, pinnedContract });
      else e2e.tally.fail('sagemaker update: not run', 'the pinned-contract phase wrote no pinned contract');
      console.log('\n== pipeline (ci/governed-deploy.sh on a product stack: synth, check --strict, plan, review, baseline)');
      if (pinnedContract) await pipelinePhase({ tally: e2e.tally, env: e2e.terraformEnvironment, scratch: e2e.scratch, pinnedContract });
      else e2e.tally.fail('pipeline: not run', 'the pinned-contract phase wrote no pinned contract');
    }

    console.log('\n== access matrix (applied policies evaluated with @cloud-copilot/iam-simulate)');
    const world = runs.flatMap((r) => r.world);
    // Kept with the logs: what the matrix evaluated, to re-run it without Terraform.
    fs.writeFileSync(path.join(e2e.scratch, 'access-world.json'), JSON.stringify(world));
    const access = await runAccessMatrix(world, e2e.tally);

    console.log('\n== destroy (reverse dependency order)');
    for (const run of [...runs].reverse()) if (run.initialized) await e2e.destroy(run);

    // The examples' deployment roles on their own moto with IAM enforced (issue 15).
    if (!args.app && stacks.some((s) => s.name === TIER_PLATFORM_STACK) && stacks.some((s) => s.name === TIER_PRODUCT_STACK)) {
      await runIamEnforcedTier(outdir, e2e.tally, MIRROR, args.keep);
    }

    const minutes = (Date.now() - started) / 60000;
    const leftOut = runs.flatMap((r) => r.prepared?.leftOut ?? []);
    console.log('\n== summary');
    console.log(`stacks: ${stacks.length} (${runs.filter((r) => r.applied).length} applied)`);
    for (const r of runs) console.log(`  ${r.stack.name}: ${r.resourcesApplied} resources applied, ${r.prepared?.leftOut.length ?? 0} left out, ${r.seconds.toFixed(0)} s`);
    console.log(`resources applied: ${runs.reduce((n, r) => n + r.resourcesApplied, 0)}`);
    console.log(`resources left out of apply: ${leftOut.length}`);
    console.log(`Kubernetes objects validated as manifests: ${e2e.manifestsValidated}`);
    console.log(
      `access requests: ${access.tried} tried, ${access.asExpected} as expected (${access.allowed} allowed, ${access.denied} denied), ${access.limitations} evaluator limitations (listed above)`,
    );
    console.log(`  by concern: ${access.concerns.map((c) => `${c.concern} ${c.rows}`).join(', ')}`);
    console.log(`revoked: ${access.revoked.names.join(', ') || 'none'} denied ${access.revoked.denied}/${access.revoked.tried}`);
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
