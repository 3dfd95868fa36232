import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..');

/**
 * Synthesizes the examples (main.ts) in a child process into a fresh temporary outdir, as `npm run
 * synth` would, and resolves to that outdir. The child runs from the repository root (the local
 * backend's state path is absolute from the working directory, so every synth must share it).
 */
export function synthExamples(prefix = 'examples-'): Promise<string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', path.join(REPO_ROOT, 'scripts', 'swc-register.js'), path.join(REPO_ROOT, 'main.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, CDKTF_OUTDIR: outdir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(outdir) : reject(new Error(`synth of main.ts exited ${code}:\n${output}`))));
  });
}

/** Every file under a directory, relative, sorted. */
export function filesUnder(dir: string): string[] {
  const walk = (d: string): string[] =>
    fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.relative(dir, path.join(d, e.name))]));
  return walk(dir).sort();
}

/** The synthesized Terraform JSON of each stack in an outdir, by stack name. */
export function stacksIn(outdir: string): Record<string, any> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  return Object.fromEntries(
    Object.entries<any>(manifest.stacks)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, s]) => [name, JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), 'utf8'))]),
  );
}
