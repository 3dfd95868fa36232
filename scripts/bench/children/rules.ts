/**
 * Child process: synthesizes enough workloads for argv[2] resources (a governed synth: the app
 * runs the rules once, as every app with governed constructs does), then runs the rule engine over
 * the output again on its own (model the JSON, evaluate every rule on every resource) to time it.
 * Reports the engine's time per resource and its share of construct + governed synth.
 */
import * as fs from 'fs';
import * as path from 'path';

const target = Number(process.argv[2]);
const outdir = process.argv[3];
import * as engine from '../../../constructs/policy-engine/rule-engine';
import { GOVERNANCE_RULES } from '../../../constructs/policy-engine/rules';
import { fromSynthJson } from '../../../constructs/policy-engine/terraform-json';
import { workloadFleet } from './workload-fleet';

const RESOURCES_PER_WORKLOAD = 14; // measured by the scaling run; the count below is checked after synth
const count = Math.ceil(target / RESOURCES_PER_WORKLOAD);
const t0 = process.hrtime.bigint();
const { app } = workloadFleet(outdir, count);
app.synth();
const t1 = process.hrtime.bigint();
const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'fleet-dev', 'cdk.tf.json'), 'utf8'));
const t2 = process.hrtime.bigint();
const model = fromSynthJson(json, 'fleet-dev');
const evaluations = engine.evaluateApp([model], GOVERNANCE_RULES, { now: new Date('2026-11-01T00:00:00Z') });
const t3 = process.hrtime.bigint();
const resources = Object.values(json.resource as Record<string, object>).reduce((n, byName) => n + Object.keys(byName).length, 0);
const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
const synthMs = ms(t0, t1);
const engineMs = ms(t2, t3);
console.log(
  JSON.stringify({
    workloads: count,
    resources,
    rules: GOVERNANCE_RULES.length,
    synthMs,
    engineMs,
    usPerResource: (engineMs * 1000) / resources,
    share: engineMs / synthMs,
    findings: evaluations.reduce((n, e) => n + e.findings.length, 0),
  }),
);
