/**
 * Child process: synthesizes enough workloads for argv[2] resources into argv[3] and writes the
 * fleet stack in plan shape (plan-from-synth.ts) to argv[4], for the review measurement.
 */
import * as fs from 'fs';
import * as path from 'path';
import { planFromSynth } from '../plan-from-synth';
import { workloadFleet } from './workload-fleet';

const target = Number(process.argv[2]);
const outdir = process.argv[3];
const planFile = process.argv[4];
const RESOURCES_PER_WORKLOAD = 14;
const { app } = workloadFleet(outdir, Math.ceil(target / RESOURCES_PER_WORKLOAD));
app.synth();
const synth = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'fleet-dev', 'cdk.tf.json'), 'utf8'));
const plan = planFromSynth(synth);
fs.writeFileSync(planFile, JSON.stringify(plan));
const resources = (plan.resource_changes as unknown[]).length;
console.log(JSON.stringify({ resources, planBytes: fs.statSync(planFile).size }));
