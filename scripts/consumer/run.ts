/**
 * `npm run test:consumer`: the package as a product team gets it. Packs the library (prepack builds
 * it), checks the tarball's file list, installs the tarball into a scratch cdktf project outside the
 * repository that has only the peers, TypeScript and the tsconfig `cdktf init --template=typescript`
 * writes (test/consumer/project), pins the dev contract with the installed bin, compiles the program
 * README.md marks as the product repository's main.ts, synthesizes it, runs the installed bin's
 * `check --strict` on the output (exit 0). A second consumer compiles the same program with
 * `module`/`moduleResolution` `node16`. A third, the platform repository, synthesizes and checks the
 * README's platform program and checks that its Lambda assets came from the installed package.
 * Installs are `npm ci --prefer-offline` from the committed lock, so the npm cache serves them.
 * Ends with `N passed, N failed`.
 *
 * Usage: node -r ./scripts/swc-register.js scripts/consumer/run.ts [--keep]
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Tally } from '../e2e/tally';
import { README_PLATFORM_PROGRAM_MARKER, readmeProgram } from './readme-program';
import { tarballProblems, type PackageManifest } from './tarball';

const REPO = path.resolve(__dirname, '..', '..');
const PROJECT = path.join(REPO, 'test', 'consumer', 'project');
const CONTRACT = path.join(REPO, 'test', 'fixtures', 'contracts', 'dev.json');
/** Review-by dates in the README are checked against this day, as the unit tests pin theirs. */
const TODAY = '2026-11-22';
const NPM_QUIET = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

const keep = process.argv.includes('--keep');
const tally = new Tally();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-consumer-'));

function sh(cmd: string, args: string[], cwd: string, options: { input?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', input: options.input, env, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}
const out = (r: SpawnSyncReturns<string>) => `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');

/** Files under a directory, relative to it. */
function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
}

function pack(): { tarball: string; files: string[] } | undefined {
  console.log('\n== npm pack (prepack: npm run build)');
  const r = sh('npm', ['pack', '--json', '--pack-destination', scratch, '--loglevel=error'], REPO);
  if (!tally.check('npm pack', r.status === 0, out(r))) return undefined;
  const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { filename: string; files: { path: string }[]; size: number; unpackedSize: number }[];
  const files = info.files.map((f) => f.path);
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as PackageManifest;
  const lambdas = fs.readdirSync(path.join(REPO, 'functions')).filter((d) => fs.existsSync(path.join(REPO, 'functions', d, 'index.js')));
  const problems = tarballProblems(files, manifest, [...lambdas.map((d) => `functions/${d}/index.js`), 'LICENSE']);
  tally.check('tarball: no test, script or example file; every file package.json names, and every Lambda source, present', problems.length === 0, problems.join('\n'), `${files.length} files, ${(info.size / 1024).toFixed(0)} KB packed`);
  return { tarball: path.join(scratch, info.filename), files };
}

function install(dir: string, tarball: string): boolean {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(PROJECT, f), path.join(dir, f));
  const ci = sh('npm', ['ci', ...NPM_QUIET], dir);
  if (!tally.check(`${path.basename(dir)}: npm ci (peers and TypeScript only)`, ci.status === 0, out(ci))) return false;
  const add = sh('npm', ['install', '--no-save', ...NPM_QUIET, tarball], dir);
  if (!tally.check(`${path.basename(dir)}: npm install the tarball`, add.status === 0, out(add))) return false;
  const dev = ['ts-node', '@swc/core', 'jest', 'fast-check'].filter((d) => fs.existsSync(path.join(dir, 'node_modules', d)));
  return tally.check(`${path.basename(dir)}: no dev dependency of the library installed`, dev.length === 0, `installed: ${dev.join(', ')}`);
}

function commonjsConsumer(tarball: string, program: string): string | undefined {
  console.log('\n== consumer 1: the tsconfig `cdktf init --template=typescript` writes (module CommonJS)');
  const dir = path.join(scratch, 'product-repository');
  if (!install(dir, tarball)) return undefined;
  fs.copyFileSync(path.join(PROJECT, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  fs.writeFileSync(path.join(dir, 'main.ts'), program);
  const bin = path.join(dir, 'node_modules', '.bin', 'cdktf-ai-governance');

  const version = sh(bin, ['--version'], dir);
  tally.check('installed bin: cdktf-ai-governance --version (compiled, no ts-node)', version.status === 0 && version.stdout.trim() === JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version, out(version), version.stdout.trim());

  // The README's step: pin the contract from the platform's published parameter value.
  const live = JSON.stringify(JSON.parse(fs.readFileSync(CONTRACT, 'utf8')));
  const exported = sh(bin, ['contract', 'export', '--env', 'dev'], dir, { input: live });
  if (!tally.check('installed bin: contract export --env dev (writes contracts/dev.json)', exported.status === 0 && fs.existsSync(path.join(dir, 'contracts', 'dev.json')), out(exported), exported.stdout.trim())) return undefined;

  if (!synthAndCheck(dir, 'product-repository')) return undefined;
  return dir;
}

/** Compile, synthesize and check --strict one program in a project directory with the tarball installed. */
function synthAndCheck(dir: string, label: string): boolean {
  const bin = path.join(dir, 'node_modules', '.bin', 'cdktf-ai-governance');
  const tsc = sh(path.join(dir, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], dir);
  if (!tally.check(`${label}: compile the README program (strict, noUnusedLocals, noUnusedParameters, ES2018, CommonJS)`, tsc.status === 0, out(tsc))) return false;
  const synth = sh(process.execPath, ['main.js'], dir, { env: { CDKTF_CONTEXT_JSON: JSON.stringify({ 'governance:today': TODAY }), CDKTF_OUTDIR: undefined } });
  if (!tally.check(`${label}: synthesize the README program (node main.js)`, synth.status === 0, out(synth), synth.stdout.trim().split('\n').join(' | '))) return false;
  tally.check(`${label}: synth prints one line per stack with resources, findings by level and the report file`, /^\S+: \d+ resources; \d+ errors?, \d+ warnings?.*, \d+ excepted; report \S+governance\.md$/m.test(synth.stdout), synth.stdout);
  const check = sh(bin, ['check', '--strict', 'cdktf.out'], dir);
  tally.check(`${label}: installed bin: check --strict cdktf.out exits 0`, check.status === 0, out(check), `exit ${check.status}`);
  const json = sh(bin, ['check', '--strict', '--format', 'json', 'cdktf.out'], dir);
  try {
    const report = JSON.parse(json.stdout) as { stacks: { stack: string; ruleResults: { ruleId: string; cannotVerify: number }[] }[] };
    const cannot = report.stacks.flatMap((s) => s.ruleResults.filter((r) => r.cannotVerify > 0).map((r) => `${s.stack} ${r.ruleId}: ${r.cannotVerify}`));
    tally.check(`${label}: 0 cannot-verify findings`, cannot.length === 0, cannot.join('\n'), `${report.stacks.length} stack(s)`);
  } catch (e) {
    tally.fail(`${label}: 0 cannot-verify findings`, `check --format json did not print JSON: ${(e as Error).message}\n${out(json)}`);
  }
  return true;
}

/**
 * The platform repository: the README's platform program, with the installed package. The gateway
 * and rotation functions are packaged from the installed package, so the asset check runs here.
 */
function platformConsumer(installedDir: string, program: string): void {
  console.log('\n== consumer 3: the platform repository (PlatformStack, CommonJS)');
  const dir = path.join(scratch, 'platform-repository');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(PROJECT, 'package.json'), path.join(dir, 'package.json'));
  fs.copyFileSync(path.join(PROJECT, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
  fs.symlinkSync(path.join(installedDir, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, 'main.ts'), program);
  if (!synthAndCheck(dir, 'platform-repository')) return;
  // The Lambda assets: each archive in the output holds exactly an installed function's files, and
  // its hash (cdktf's own, in the asset path) is that of node_modules/cdktf-ai-governance/functions/<fn>.
  const installed = path.join(dir, 'node_modules', 'cdktf-ai-governance', 'functions');
  const stacksDir = path.join(dir, 'cdktf.out', 'stacks');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the consumer's own cdktf computes asset hashes
  const { hashPath } = require(path.join(dir, 'node_modules', 'cdktf', 'lib', 'private', 'fs')) as { hashPath(src: string): string };
  const functions = fs.readdirSync(installed).filter((fn) => fs.existsSync(path.join(installed, fn, 'index.js')));
  const archives = listFiles(stacksDir).filter((f) => /\/assets\/.+\/archive\.zip$/.test(f));
  const matched = archives.map((a) => {
    const hash = path.basename(path.dirname(a));
    const fn = functions.find((f) => hashPath(path.join(installed, f)).toUpperCase() === hash.toUpperCase());
    const entries = sh('unzip', ['-Z1', path.join(stacksDir, a)], dir).stdout.split('\n').filter((e) => e && !e.endsWith('/')).sort();
    const sameFiles = fn !== undefined && JSON.stringify(entries) === JSON.stringify(listFiles(path.join(installed, fn)).sort());
    return { archive: a, fn, sameFiles };
  });
  const referenced = archives.every((a) => fs.readFileSync(path.join(stacksDir, a.split('/')[0], 'cdk.tf.json'), 'utf8').includes(`"${a.split('/').slice(1).join('/')}"`));
  tally.check(
    'Lambda assets resolved from node_modules/cdktf-ai-governance/functions are in the output',
    archives.length > 0 && matched.every((m) => m.fn && m.sameFiles) && referenced,
    `archives: ${matched.map((m) => `${m.archive} -> ${m.fn ?? 'no installed function has its hash'}${m.sameFiles ? '' : ' (files differ)'}`).join('; ') || 'none'}; referenced by cdk.tf.json: ${referenced}`,
    matched.map((m) => `${m.fn}: ${m.archive}`).join(', '),
  );
}

function node16Consumer(installedDir: string, program: string): void {
  console.log('\n== consumer 2: module and moduleResolution node16');
  const dir = path.join(scratch, 'product-repository-node16');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(PROJECT, 'package.json'), path.join(dir, 'package.json'));
  fs.symlinkSync(path.join(installedDir, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const tsconfig = JSON.parse(fs.readFileSync(path.join(PROJECT, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  tsconfig.compilerOptions = { ...tsconfig.compilerOptions, module: 'node16', moduleResolution: 'node16', incremental: false };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  fs.writeFileSync(path.join(dir, 'main.ts'), program);
  const tsc = sh(path.join(dir, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--noEmit'], dir);
  tally.check('compile the README program with module/moduleResolution node16', tsc.status === 0, out(tsc));
}

function main(): number {
  console.log(`scratch ${scratch}`);
  let program: string;
  let platformProgram: string;
  try {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    program = readmeProgram(readme);
    platformProgram = readmeProgram(readme, README_PLATFORM_PROGRAM_MARKER);
    tally.pass('README.md: the marked product and platform programs found');
  } catch (e) {
    tally.fail('README.md: the marked product and platform programs found', (e as Error).message);
    console.log(`\n${tally.summaryLine()}`);
    return 1;
  }
  const packed = pack();
  if (packed) {
    const dir = commonjsConsumer(packed.tarball, program);
    if (dir) {
      node16Consumer(dir, program);
      platformConsumer(dir, platformProgram);
    }
  }
  if (!keep && tally.failed === 0) fs.rmSync(scratch, { recursive: true, force: true });
  else console.log(`kept ${scratch}`);
  console.log(`\n${tally.summaryLine()}`);
  return tally.failed === 0 ? 0 : 1;
}

process.exitCode = main();
