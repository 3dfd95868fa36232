/**
 * Child process: builds and synthesizes N workloads (argv[2]) into argv[3] and reports phase
 * times, peak memory, output bytes and the resources by type (the cost inventory uses them).
 */
import * as fs from 'fs';
import * as path from 'path';

const count = Number(process.argv[2]);
const outdir = process.argv[3];
if (!Number.isInteger(count) || count < 0 || !outdir) throw new Error(`scale child: usage scale.js <count> <outdir>, got ${process.argv.slice(2).join(' ')}`);

const t0 = process.hrtime.bigint();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loading is one of the phases
const { workloadFleet } = require('./workload-fleet') as typeof import('./workload-fleet');
const t1 = process.hrtime.bigint();
const { app } = workloadFleet(outdir, count);
const t2 = process.hrtime.bigint();
app.synth();
const t3 = process.hrtime.bigint();

const file = path.join(outdir, 'stacks', 'fleet-dev', 'cdk.tf.json');
const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
const resourceTypes = Object.fromEntries(Object.entries(json.resource ?? {}).map(([type, byName]) => [type, Object.keys(byName).length]));
const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
console.log(
  JSON.stringify({
    count,
    loadMs: ms(t0, t1),
    constructMs: ms(t1, t2),
    synthMs: ms(t2, t3),
    workMs: ms(t1, t3),
    maxRssKb: process.resourceUsage().maxRSS,
    outputBytes: fs.statSync(file).size,
    resources: Object.values(resourceTypes).reduce((a, b) => a + b, 0),
    resourceTypes,
  }),
);
