import * as fs from 'fs';
import * as path from 'path';
import { transformFileSync } from '@swc/core';

/**
 * Transpiles the repository's TypeScript to CommonJS under .bench/build (same layout, so
 * node_modules and the functions/ asset resolve as from the sources). The benchmark measures the
 * library as users run it once compiled, not the TypeScript compiler: only the README's synth
 * command is timed through ts-node.
 */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const BUILD_DIR = path.join(REPO_ROOT, '.bench', 'build');
const SOURCES = ['constructs', 'stacks', 'examples', 'functions', 'scripts/bench', 'cli', 'main.ts', 'package.json'];

function walk(entry: string, visit: (file: string) => void): void {
  const stat = fs.statSync(entry);
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(entry)) if (name !== 'node_modules') walk(path.join(entry, name), visit);
  } else visit(entry);
}

export function buildForBench(): string {
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  for (const source of SOURCES) {
    const from = path.join(REPO_ROOT, source);
    if (!fs.existsSync(from)) continue;
    walk(from, (file) => {
      const relative = path.relative(REPO_ROOT, file);
      const target = path.join(BUILD_DIR, relative);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
        const { code } = transformFileSync(file, {
          jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
          module: { type: 'commonjs' },
          sourceMaps: false,
        });
        fs.writeFileSync(target.replace(/\.ts$/, '.js'), code);
      } else {
        fs.copyFileSync(file, target);
      }
    });
  }
  return BUILD_DIR;
}

if (require.main === module) console.log(`built ${path.relative(REPO_ROOT, buildForBench())}`);
