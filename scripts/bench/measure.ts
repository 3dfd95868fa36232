import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** One measured child process: wall time from the parent, peak RSS of the whole process tree. */
export interface Sample {
  readonly wallMs: number;
  /** Largest resident set of any process in the tree (GNU time's %M), in kB. */
  readonly maxRssKb: number;
  /** User + system CPU time of the tree (GNU time's %U + %S), in ms: less sensitive to other load than wall time. */
  readonly cpuMs: number;
  readonly stdout: string;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Runs a command in a fresh child process. Peak memory comes from GNU time (wait4's ru_maxrss
 * covers the children an npm script starts); without it, from the child's own JSON report.
 */
export function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; exitCodes?: readonly number[] }): Sample {
  const rssFile = path.join(os.tmpdir(), `bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const haveTime = fs.existsSync(GNU_TIME);
  const [cmd, argv] = haveTime ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, [...args]];
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, argv, { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (!(options.exitCodes ?? [0]).includes(result.status ?? -1)) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr?.slice(-4000)}`);
  }
  let maxRssKb = NaN;
  let cpuMs = NaN;
  if (haveTime) {
    const [rss, user, system] = (fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
    maxRssKb = rss;
    cpuMs = (user + system) * 1000;
    fs.rmSync(rssFile, { force: true });
  } else {
    const report = lastJsonLine(result.stdout);
    if (report && typeof report.maxRssKb === 'number') maxRssKb = report.maxRssKb;
  }
  return { wallMs, maxRssKb, cpuMs, stdout: result.stdout };
}

export function lastJsonLine(stdout: string): Record<string, unknown> | undefined {
  const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  return line ? (JSON.parse(line) as Record<string, unknown>) : undefined;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
