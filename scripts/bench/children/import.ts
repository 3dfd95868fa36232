/**
 * Child process: loads one entry and reports how long the require took and the process's peak
 * memory. `cdktf` is the baseline; `library` is the package entry, constructs/index.
 */
import * as path from 'path';

const which = process.argv[2];
const entry = which === 'cdktf' ? 'cdktf' : which === 'library' ? path.join(__dirname, '..', '..', '..', 'constructs', 'index') : undefined;
if (!entry) throw new Error(`import child: expected "cdktf" or "library", got ${which}`);
const start = process.hrtime.bigint();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the require is what is measured
require(entry);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const modules = Object.keys(require.cache).length;
console.log(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, modules }));
