/**
 * The stacks of a synthesized cdktf.out directory, in dependency order: a product stack that
 * reads the platform's SSM contract is applied after the platform stack.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface StackEntry {
  name: string;
  dependencies: string[];
  /** Directory holding cdk.tf.json and its assets. */
  dir: string;
}

interface CdktfManifest {
  stacks?: Record<string, { name: string; dependencies?: string[]; workingDirectory: string; synthesizedStackPath: string }>;
}

export function readStacks(outdir: string): StackEntry[] {
  const file = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist: synthesize first (npm run synth) or pass the right --outdir`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as CdktfManifest;
  const stacks = Object.values(manifest.stacks ?? {}).map((s) => ({
    name: s.name,
    dependencies: s.dependencies ?? [],
    dir: path.join(outdir, path.dirname(s.synthesizedStackPath)),
  }));
  if (stacks.length === 0) throw new Error(`${file} lists no stacks: the app synthesized nothing to verify`);
  return stacks;
}

/** Kahn's algorithm; ties keep manifest order so runs are reproducible. */
export function dependencyOrder(stacks: readonly StackEntry[]): StackEntry[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  for (const s of stacks) {
    for (const d of s.dependencies) {
      if (!byName.has(d)) throw new Error(`stack ${s.name} depends on ${d}, which is not in the synthesized output`);
    }
  }
  const done = new Set<string>();
  const order: StackEntry[] = [];
  while (order.length < stacks.length) {
    const next = stacks.find((s) => !done.has(s.name) && s.dependencies.every((d) => done.has(d)));
    if (!next) {
      const stuck = stacks.filter((s) => !done.has(s.name)).map((s) => s.name);
      throw new Error(`stack dependencies form a cycle among: ${stuck.join(', ')}`);
    }
    done.add(next.name);
    order.push(next);
  }
  return order;
}
