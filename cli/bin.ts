#!/usr/bin/env node
// The package bin (`npx cdktf-ai-governance check|review ...`), compiled to dist/cli/bin.js: plain
// Node.js at run time, no ts-node and no dev dependency.
import { run } from './main';

run(process.argv.slice(2), {
  stdout: (s: string) => process.stdout.write(s),
  stderr: (s: string) => process.stderr.write(s),
}).then(
  (code: number) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`cdktf-ai-governance: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 2;
  },
);
