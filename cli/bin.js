#!/usr/bin/env node
// @ts-check
// The package bin. A built package ships cli/main.js; in this repository (TypeScript sources,
// no build step) ts-node runs cli/main.ts. Either way main's run() does the work.
const path = require('path');
const fs = require('fs');

const compiled = path.join(__dirname, 'main.js');
if (!fs.existsSync(compiled)) {
  require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
}
const { run } = require(fs.existsSync(compiled) ? compiled : path.join(__dirname, 'main.ts'));
run(process.argv.slice(2), {
  stdout: (/** @type {string} */ s) => process.stdout.write(s),
  stderr: (/** @type {string} */ s) => process.stderr.write(s),
}).then(
  (/** @type {number} */ code) => {
    process.exitCode = code;
  },
  (/** @type {unknown} */ e) => {
    process.stderr.write(`cdktf-ai-governance: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 2;
  },
);
