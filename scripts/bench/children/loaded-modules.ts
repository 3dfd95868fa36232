/**
 * Child process: synthesizes every example (what main.ts does) into a scratch directory and
 * prints the provider modules that were loaded, as JSON. test/bench/provider-imports.test.ts
 * runs it to prove that no provider package root (lib/index.js) is ever loaded.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GovernedApp } from '../../../constructs/policy-engine/governed-app';
import { allExamples } from '../../../examples/all-examples';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'loaded-modules-'));
// Governed as every app with governed constructs is; its lines stay off stdout, which carries the JSON.
const app = new GovernedApp({ outdir, log: () => undefined, warn: () => undefined });
allExamples(app);
app.synth();
fs.rmSync(outdir, { recursive: true, force: true });
const providerModules = Object.keys(require.cache)
  .map((file) => file.split(path.sep).join('/'))
  .filter((file) => /\/node_modules\/@cdktf\/provider-[a-z]+\//.test(file))
  .map((file) => file.slice(file.indexOf('@cdktf/')));
console.log(JSON.stringify(providerModules));
