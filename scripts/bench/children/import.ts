/**
 * Child process: loads one entry and reports how long the require took and the process's peak
 * memory. `cdktf` is the baseline; `library` is the built package entry (dist/constructs/index.js,
 * the lazy index `npm run build` writes); `library-used` is the same entry plus the exports a
 * product app touches (GovernedApp, WorkloadStack, GovernedInferenceService, GovernedAgent), which
 * loads their modules.
 */
import * as path from 'path';

const which = process.argv[2];
const dist = path.join(__dirname, '..', '..', '..', '..', '..', 'dist', 'constructs', 'index.js');
const entry = which === 'cdktf' ? 'cdktf' : which === 'library' || which === 'library-used' ? dist : undefined;
if (!entry) throw new Error(`import child: expected "cdktf", "library" or "library-used", got ${which}`);
const start = process.hrtime.bigint();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the require is what is measured
const loaded = require(entry) as Record<string, unknown>;
if (which === 'library-used') {
  for (const name of ['GovernedApp', 'WorkloadStack', 'GovernedInferenceService', 'GovernedAgent']) {
    if (typeof loaded[name] !== 'function') throw new Error(`import child: ${name} is not exported by ${entry}`);
  }
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const modules = Object.keys(require.cache).length;
console.log(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, modules }));
