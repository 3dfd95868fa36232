/**
 * `npm run bench`: every performance measurement of issue 6 in one run, each in fresh child
 * processes, medians over several runs, printed as one table (also written to
 * .bench/results.md and .bench/results.json). BENCHMARKS.md explains the method.
 *
 * Environment: BENCH_RUNS (default 5), BENCH_SCALE_RUNS (3), BENCH_TEST_RUNS (1),
 * BENCH_ONLY (comma list of: import,cli,synth,scale,rules,review,test,cost).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildForBench, BUILD_DIR, REPO_ROOT } from './build';
import { costReport, loadPrices } from './cost';
import { lastJsonLine, median, run, Sample } from './measure';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SCALE_RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 3);
const TEST_RUNS = Number(process.env.BENCH_TEST_RUNS ?? 1);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'import,cli,synth,scale,rules,review,test,cost').split(','));
const SCALE_COUNTS = [1, 10, 100, 1000];
const RULE_RESOURCES = 10_000;
const REVIEW_RESOURCES = 10_000;

interface Row {
  section: string;
  measure: string;
  value: string;
  target?: string;
  verdict?: 'meets' | 'misses' | 'pending';
}
const rows: Row[] = [];
const results: Record<string, unknown> = {};
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const child = (name: string) => path.join(BUILD_DIR, 'scripts', 'bench', 'children', `${name}.js`);
const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const fmtMb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const ratio = (a: number, b: number) => a / b;
const verdict = (ok: boolean): Row['verdict'] => (ok ? 'meets' : 'misses');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));

/** Runs the given commands interleaved (A B A B ...) so machine noise hits both alike. */
function interleaved(runs: number, commands: Record<string, () => Sample>): Record<string, Sample[]> {
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [k, c] of Object.entries(commands)) samples[k].push(c());
  return samples;
}
const med = (samples: Sample[], pick: (s: Sample) => number) => median(samples.map(pick));
const reported = (s: Sample, key: string) => Number(lastJsonLine(s.stdout)?.[key]);

/** The published build (`npm run build`: tsc, then the lazy index), which the import and CLI measurements load. */
function buildPackage(): void {
  log('npm run build (dist/: the package as published)');
  run('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT });
}

function measureImport(): void {
  log(`import: ${RUNS} runs each of cdktf, the built package entry, and the entry with a product app's exports used`);
  const s = interleaved(RUNS, {
    cdktf: () => run(process.execPath, [child('import'), 'cdktf'], { cwd: REPO_ROOT }),
    library: () => run(process.execPath, [child('import'), 'library'], { cwd: REPO_ROOT }),
    used: () => run(process.execPath, [child('import'), 'library-used'], { cwd: REPO_ROOT }),
  });
  const requireMs = (k: string) => med(s[k], (x) => reported(x, 'ms'));
  const rss = (k: string) => med(s[k], (x) => x.maxRssKb);
  const modules = (k: string) => med(s[k], (x) => reported(x, 'modules'));
  const timeRatio = ratio(requireMs('library'), requireMs('cdktf'));
  const memRatio = ratio(rss('library'), rss('cdktf'));
  const usedRatio = ratio(requireMs('used'), requireMs('cdktf'));
  results.import = {
    requireMs: { cdktf: requireMs('cdktf'), library: requireMs('library'), libraryUsed: requireMs('used') },
    maxRssKb: { cdktf: rss('cdktf'), library: rss('library'), libraryUsed: rss('used') },
    modules: { cdktf: modules('cdktf'), library: modules('library'), libraryUsed: modules('used') },
    timeRatio,
    memRatio,
    usedRatio,
  };
  rows.push(
    { section: '1 import', measure: 'require time: cdktf alone', value: `${fmtMs(requireMs('cdktf'))} (${modules('cdktf')} modules)` },
    { section: '1 import', measure: 'require time: built entry (dist/constructs/index.js, lazy)', value: `${fmtMs(requireMs('library'))} (${modules('library')} modules)` },
    { section: '1 import', measure: 'ratio, time', value: `${timeRatio.toFixed(2)}x`, target: '<= 1.5x', verdict: verdict(timeRatio <= 1.5) },
    { section: '1 import', measure: 'peak RSS: cdktf / entry', value: `${fmtMb(rss('cdktf'))} / ${fmtMb(rss('library'))}` },
    { section: '1 import', measure: 'ratio, peak memory', value: `${memRatio.toFixed(2)}x`, target: '<= 1.5x', verdict: verdict(memRatio <= 1.5) },
    { section: '1 import', measure: 'entry + GovernedApp, WorkloadStack, GovernedInferenceService, GovernedAgent used', value: `${fmtMs(requireMs('used'))} (${modules('used')} modules) = ${usedRatio.toFixed(2)}x cdktf, ${fmtMb(rss('used'))}` },
  );
}

/**
 * CLI cold start: `check` on the synthesized examples with the compiled bin (dist/cli/bin.js), and
 * the same command as it ran before the package was built (cli/main.ts through ts-node
 * --transpile-only, what the old cli/bin.js registered).
 */
function measureCli(): void {
  const out = path.join(scratch, 'cli-examples.out');
  run(process.execPath, [path.join(BUILD_DIR, 'main.js')], { cwd: BUILD_DIR, env: { CDKTF_OUTDIR: out } });
  log(`cli: ${RUNS} runs each of the compiled bin and ts-node, check on the examples`);
  const s = interleaved(RUNS, {
    compiled: () => run(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli', 'bin.js'), 'check', out], { cwd: REPO_ROOT }),
    tsNode: () => run(path.join(REPO_ROOT, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', path.join(REPO_ROOT, 'cli', 'main.ts'), 'check', out], { cwd: REPO_ROOT }),
  });
  const wall = (x: Sample[]) => med(x, (y) => y.wallMs);
  const cliRatio = ratio(wall(s.compiled), wall(s.tsNode));
  results.cli = { compiled: { wallMs: wall(s.compiled), maxRssKb: med(s.compiled, (y) => y.maxRssKb) }, tsNode: { wallMs: wall(s.tsNode), maxRssKb: med(s.tsNode, (y) => y.maxRssKb) }, ratio: cliRatio };
  rows.push(
    { section: '1 cli', measure: 'before: `check` on the examples, cli/main.ts via ts-node --transpile-only', value: `${fmtMs(wall(s.tsNode))}, ${fmtMb(med(s.tsNode, (y) => y.maxRssKb))}` },
    { section: '1 cli', measure: 'after: the same with the compiled bin (node dist/cli/bin.js)', value: `${fmtMs(wall(s.compiled))}, ${fmtMb(med(s.compiled, (y) => y.maxRssKb))}` },
    { section: '1 cli', measure: 'ratio, cold start', value: `${cliRatio.toFixed(2)}x`, target: '<= 0.5x', verdict: verdict(cliRatio <= 0.5) },
  );
}

function measureSynth(): void {
  log(`synth: ${RUNS} runs each of npm run synth and its hand-written twin, then compiled`);
  const s = interleaved(RUNS, {
    readme: () => run('npm', ['run', '--silent', 'synth'], { cwd: REPO_ROOT }),
    raw: () => run('npm', ['run', '--silent', 'bench:synth-raw'], { cwd: REPO_ROOT, env: { RAW_OUTDIR: path.join(scratch, 'raw-ts') } }),
  });
  const c = interleaved(RUNS, {
    library: () => run(process.execPath, [path.join(BUILD_DIR, 'main.js')], { cwd: BUILD_DIR }),
    raw: () => run(process.execPath, [path.join(BUILD_DIR, 'scripts', 'bench', 'raw', 'main.js')], { cwd: BUILD_DIR, env: { RAW_OUTDIR: path.join(scratch, 'raw-js') } }),
    traces: () => run(process.execPath, [path.join(BUILD_DIR, 'main.js')], { cwd: BUILD_DIR, env: { CDKTF_STACK_TRACES: '1' } }),
  });
  const wall = (x: Sample[]) => med(x, (y) => y.wallMs);
  const rss = (x: Sample[]) => med(x, (y) => y.maxRssKb);
  const readmeRatio = ratio(wall(s.readme), wall(s.raw));
  const compiledRatio = ratio(wall(c.library), wall(c.raw));
  const memRatio = ratio(rss(s.readme), rss(s.raw));
  const tracesDelta = ratio(wall(c.traces), wall(c.library));
  results.synth = {
    readme: { wallMs: wall(s.readme), maxRssKb: rss(s.readme) },
    rawTwin: { wallMs: wall(s.raw), maxRssKb: rss(s.raw) },
    compiled: { wallMs: wall(c.library), maxRssKb: rss(c.library) },
    compiledRaw: { wallMs: wall(c.raw), maxRssKb: rss(c.raw) },
    compiledWithStackTraces: { wallMs: wall(c.traces), maxRssKb: rss(c.traces) },
    readmeRatio,
    compiledRatio,
    memRatio,
  };
  rows.push(
    { section: '2 synth', measure: '`npm run synth` (examples, ts-node)', value: `${fmtMs(wall(s.readme))}, ${fmtMb(rss(s.readme))}` },
    { section: '2 synth', measure: 'hand-written twin, same runner', value: `${fmtMs(wall(s.raw))}, ${fmtMb(rss(s.raw))}` },
    { section: '2 synth', measure: 'ratio, time (README command)', value: `${readmeRatio.toFixed(2)}x`, target: '<= 1.3x', verdict: verdict(readmeRatio <= 1.3) },
    { section: '2 synth', measure: 'ratio, peak memory (README command)', value: `${memRatio.toFixed(2)}x` },
    { section: '2 synth', measure: 'compiled JS: library / twin', value: `${fmtMs(wall(c.library))} / ${fmtMs(wall(c.raw))} = ${compiledRatio.toFixed(2)}x`, target: '<= 1.3x', verdict: verdict(compiledRatio <= 1.3) },
    { section: '2 synth', measure: 'compiled, CDKTF_STACK_TRACES=1 vs default', value: `${fmtMs(wall(c.traces))} vs ${fmtMs(wall(c.library))} (${tracesDelta.toFixed(2)}x)` },
  );
}

function measureScale(): Record<number, Record<string, unknown>> {
  log(`scale: ${SCALE_COUNTS.join(', ')} workloads, ${SCALE_RUNS} runs each`);
  const byCount: Record<number, Record<string, unknown>> = {};
  const work: Record<number, number> = {};
  const rssBy: Record<number, number> = {};
  for (const n of SCALE_COUNTS) {
    const samples = Array.from({ length: SCALE_RUNS }, (_, i) => run(process.execPath, [child('scale'), String(n), path.join(scratch, `scale-${n}-${i}`)], { cwd: REPO_ROOT }));
    const reports = samples.map((x) => lastJsonLine(x.stdout)!);
    work[n] = median(reports.map((r) => Number(r.workMs)));
    rssBy[n] = median(samples.map((x) => x.maxRssKb));
    byCount[n] = { ...reports[0], workMs: work[n], constructMs: median(reports.map((r) => Number(r.constructMs))), synthMs: median(reports.map((r) => Number(r.synthMs))), wallMs: median(samples.map((x) => x.wallMs)), maxRssKb: rssBy[n] };
    const bytes = Number(byCount[n].outputBytes);
    rows.push({ section: '3 scale', measure: `${n} workload${n > 1 ? 's' : ''}`, value: `${fmtMs(work[n])} build+synth (${fmtMs(work[n] / n)}/wl), ${fmtMb(rssBy[n])} peak, ${(bytes / n / 1024).toFixed(1)} KB/wl, ${byCount[n].resources} resources` });
  }
  const slope = (a: number, b: number, of: Record<number, number>) => (of[b] - of[a]) / (b - a);
  const timeSlopes = [slope(10, 100, work), slope(100, 1000, work)];
  const memSlopes = [slope(10, 100, rssBy), slope(100, 1000, rssBy)];
  const timeGrowth = timeSlopes[1] / timeSlopes[0];
  const memGrowth = memSlopes[1] / memSlopes[0];
  results.scale = { byCount, timeSlopesMsPerWorkload: timeSlopes, memSlopesKbPerWorkload: memSlopes, timeGrowth, memGrowth };
  rows.push(
    { section: '3 scale', measure: 'time slope 10->100 / 100->1,000', value: `${timeSlopes[0].toFixed(1)} / ${timeSlopes[1].toFixed(1)} ms per workload = ${timeGrowth.toFixed(2)}x`, target: '<= 1.3x', verdict: verdict(timeGrowth <= 1.3) },
    { section: '3 scale', measure: 'memory slope 10->100 / 100->1,000', value: `${(memSlopes[0] / 1024).toFixed(2)} / ${(memSlopes[1] / 1024).toFixed(2)} MB per workload = ${memGrowth.toFixed(2)}x`, target: '<= 1.3x', verdict: verdict(memGrowth <= 1.3) },
  );
  return byCount;
}

function measureRules(): void {
  log(`rules: engine over ${RULE_RESOURCES.toLocaleString('en-US')} resources, ${SCALE_RUNS} runs`);
  const first = lastJsonLine(run(process.execPath, [child('rules'), String(RULE_RESOURCES), path.join(scratch, 'rules-0')], { cwd: REPO_ROOT }).stdout)!;
  const reports = [first, ...Array.from({ length: SCALE_RUNS - 1 }, (_, i) => lastJsonLine(run(process.execPath, [child('rules'), String(RULE_RESOURCES), path.join(scratch, `rules-${i + 1}`)], { cwd: REPO_ROOT }).stdout)!)];
  const us = median(reports.map((r) => Number(r.usPerResource)));
  const share = median(reports.map((r) => Number(r.share)));
  results.rules = { ...first, usPerResource: us, share };
  rows.push(
    { section: '4 rules', measure: `engine, ${first.rules} rules over ${first.resources} resources`, value: `${fmtMs(median(reports.map((r) => Number(r.engineMs))))}, ${us.toFixed(1)} us per resource` },
    { section: '4 rules', measure: 'share of build + synth + rules', value: `${(share * 100).toFixed(1)} %`, target: '< 5 %', verdict: verdict(share < 0.05) },
  );
}

/**
 * `review` of a plan of about 10,000 resources: the workload fleet's synthesized stack in plan
 * shape (plan-from-synth.ts), reviewed by the compiled CLI as a user runs it (whole process: Node
 * start-up, module loading, reading and modelling the plan, both sides of the diff, the rules, the
 * report), and in-process (run() only), interleaved.
 */
function measureReview(): void {
  log(`review: a plan of ${REVIEW_RESOURCES.toLocaleString('en-US')} resources, ${RUNS} runs each of the CLI process and run() in-process`);
  const planFile = path.join(scratch, 'review-plan.json');
  const prepared = lastJsonLine(run(process.execPath, [child('review-plan'), String(REVIEW_RESOURCES), path.join(scratch, 'review-synth'), planFile], { cwd: REPO_ROOT }).stdout)!;
  const out = path.join(scratch, 'review-out.json');
  // Exit 1 (error findings) is a completed review, not a failed measurement.
  const codes = [0, 1];
  const s = interleaved(RUNS, {
    process: () => run(process.execPath, [path.join(BUILD_DIR, 'cli', 'bin.js'), 'review', planFile, '--format', 'json', '--output', out], { cwd: REPO_ROOT, exitCodes: codes }),
    inProcess: () => run(process.execPath, [child('review'), planFile, out], { cwd: REPO_ROOT }),
  });
  const wall = med(s.process, (x) => x.wallMs);
  const inProcess = med(s.inProcess, (x) => reported(x, 'reviewMs'));
  const cpu = med(s.process, (x) => x.cpuMs);
  results.review = { resources: prepared.resources, planBytes: prepared.planBytes, processWallMs: wall, processCpuMs: cpu, processMaxRssKb: med(s.process, (x) => x.maxRssKb), inProcessMs: inProcess };
  rows.push(
    { section: '4 review', measure: `\`review\` of a plan of ${prepared.resources} resources (${fmtMb(Number(prepared.planBytes) / 1024)} JSON): whole CLI process, wall`, value: `${fmtMs(wall)}, ${fmtMb(med(s.process, (x) => x.maxRssKb))}`, target: '< 1 s', verdict: verdict(wall < 1000) },
    { section: '4 review', measure: 'the same, CPU time (user + system; less sensitive to other load)', value: fmtMs(cpu) },
    { section: '4 review', measure: 'the same, run() in-process (no Node start-up or module loading)', value: fmtMs(inProcess) },
  );
}

function measureTests(): void {
  log(`npm test: ${TEST_RUNS} run(s)`);
  const samples = Array.from({ length: TEST_RUNS }, () => run('npm', ['test', '--silent'], { cwd: REPO_ROOT }));
  const wall = median(samples.map((x) => x.wallMs));
  results.test = { wallMs: wall, maxRssKb: median(samples.map((x) => x.maxRssKb)) };
  rows.push({ section: '5 tests', measure: '`npm test` (tsc --noEmit + jest)', value: fmtMs(wall), target: '< 60 s', verdict: verdict(wall < 60_000) });
}

function measureCost(scale: Record<number, Record<string, unknown>> | undefined): void {
  const platformFile = path.join(REPO_ROOT, 'cdktf.out', 'stacks', 'platform-dev', 'cdk.tf.json');
  if (!fs.existsSync(platformFile)) run('npm', ['run', '--silent', 'synth'], { cwd: REPO_ROOT });
  const platform = JSON.parse(fs.readFileSync(platformFile, 'utf8'));
  // One more workload = the slope of the resource inventory between 10 and 100 workloads.
  const at = (n: number) => (scale?.[n]?.resourceTypes ?? lastJsonLine(run(process.execPath, [child('scale'), String(n), path.join(scratch, `cost-${n}`)], { cwd: REPO_ROOT }).stdout)!.resourceTypes) as Record<string, number>;
  const [ten, hundred] = [at(10), at(100)];
  const perWorkload = Object.fromEntries(Object.keys(hundred).map((t) => [t, (hundred[t] - (ten[t] ?? 0)) / 90]));
  const fleet = JSON.parse(fs.readFileSync(path.join(fs.readdirSync(scratch).includes('scale-1-0') ? path.join(scratch, 'scale-1-0') : path.join(scratch, 'cost-1'), 'stacks', 'fleet-dev', 'cdk.tf.json'), 'utf8'));
  // A workload's retention comes from the contract (a token in its stack): use the environment's.
  const retentionOf = (json: { resource: Record<string, Record<string, { retention_in_days?: unknown }>> }) =>
    Object.values(json.resource.aws_cloudwatch_log_group ?? {}).map((g) => g.retention_in_days).find((d): d is number => typeof d === 'number');
  const retention = retentionOf(fleet) ?? retentionOf(platform) ?? 0;
  const prices = loadPrices();
  const report = costReport(prices, platform, perWorkload, retention);
  results.cost = { region: prices.region, perWorkloadResources: perWorkload, ...report };
  for (const line of report.shared) rows.push({ section: '6 cost', measure: `shared/env: ${line.item} (${line.quantity})`, value: `$${line.usd.toFixed(2)}/month` });
  for (const line of report.dedicated) rows.push({ section: '6 cost', measure: `per workload: ${line.item} (${line.quantity})`, value: `$${line.usd.toFixed(2)}/month` });
  rows.push(
    { section: '6 cost', measure: `shared per environment (${prices.region})`, value: `$${report.sharedUsd.toFixed(2)}/month` },
    { section: '6 cost', measure: 'marginal cost of one more workload', value: `$${report.marginalUsd.toFixed(2)}/month` },
    { section: '6 cost', measure: 'per workload, shared spread over 10 / 100 workloads', value: `$${(report.marginalUsd + report.sharedUsd / 10).toFixed(2)} / $${(report.marginalUsd + report.sharedUsd / 100).toFixed(2)}` },
    { section: '6 cost', measure: 'per workload if every workload had its own key and endpoints', value: `$${(report.marginalUsd + report.sharedUsd).toFixed(2)}/month` },
  );
}

function printTable(): string {
  const header = '| # | measure | value | target | verdict |\n|---|---|---|---|---|';
  const lines = rows.map((r) => `| ${r.section} | ${r.measure} | ${r.value} | ${r.target ?? ''} | ${r.verdict ?? ''} |`);
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
  return `Benchmark ${new Date().toISOString()} on ${machine}; medians of ${RUNS} runs (scale/rules ${SCALE_RUNS}, npm test ${TEST_RUNS})\n\n${header}\n${lines.join('\n')}\n`;
}

function main(): void {
  const started = Date.now();
  log('transpiling the sources to .bench/build (swc)');
  buildForBench();
  if (ONLY.has('import') || ONLY.has('cli')) buildPackage();
  if (ONLY.has('import')) measureImport();
  if (ONLY.has('cli')) measureCli();
  if (ONLY.has('synth')) measureSynth();
  const scale = ONLY.has('scale') ? measureScale() : undefined;
  if (ONLY.has('rules')) measureRules();
  if (ONLY.has('review')) measureReview();
  if (ONLY.has('test')) measureTests();
  if (ONLY.has('cost')) measureCost(scale);
  const table = printTable();
  console.log(table);
  fs.mkdirSync(path.join(REPO_ROOT, '.bench'), { recursive: true });
  fs.writeFileSync(path.join(REPO_ROOT, '.bench', 'results.md'), table);
  fs.writeFileSync(path.join(REPO_ROOT, '.bench', 'results.json'), JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
  fs.rmSync(scratch, { recursive: true, force: true });
  log(`done in ${fmtMs(Date.now() - started)}; .bench/results.md and .bench/results.json`);
}

main();
