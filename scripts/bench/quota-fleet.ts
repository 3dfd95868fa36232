import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { packageRoot } from '../../constructs/package-files';
import { GovernedAgent } from '../../constructs/workloads/governed-agent';
import { EXAMPLE_REGION, platformApp } from '../../examples/platform-app';
import { appOptions } from '../../stacks/app-options';
import { WorkloadStack } from '../../stacks/workload-stack';
import { formatCount, formatPercent, peakUsage, quotaUsage, type QuotaReport } from '../../constructs/policy-engine/quotas/quota-usage';
import type { QuotaDefinition } from '../../constructs/policy-engine/quotas/quota-definition';
import { SERVICE_QUOTAS } from '../../constructs/policy-engine/quotas/quota-table';
import { fromSynthJson, type StackModel } from '../../constructs/policy-engine/terraform-json';
import { workloadFleet } from './children/workload-fleet';

/**
 * What a fleet is made of:
 * - `services`: the bench fleet, N Bedrock inference services in dev (scripts/bench/children/workload-fleet.ts);
 *   each is one integration identity (`<name>-gw`) and one route entry; nobody in it calls the gateway.
 * - `agents`: N agents in dev with one Bedrock model each, the gateway's callers: each is a pod
 *   identity, an integration identity, a route entry and its own rotated gateway API key.
 */
export type FleetKind = 'services' | 'agents';
export const FLEET_KINDS: readonly FleetKind[] = ['services', 'agents'];

/** dev's pinned contract, as the bench fleet reads it. */
const DEV_CONTRACT = path.join(packageRoot(), 'test', 'fixtures', 'contracts', 'dev.json');

/**
 * N agents in dev (read from its pinned contract), as a product team would write them: one
 * Kubernetes pod each, one Bedrock model through the gateway, no tools.
 */
export function agentFleet(count: number, app: App = new App({ ...appOptions(), outdir: path.join(os.tmpdir(), 'quota-fleet-unused') })): { app: App; stack: WorkloadStack } {
  const stack = new WorkloadStack(app, 'agents-fleet-dev', { environmentName: 'dev', region: EXAMPLE_REGION, contract: { file: DEV_CONTRACT } });
  for (let i = 0; i < count; i++) {
    new GovernedAgent(stack, `fraud-agent-${i}`, {
      environment: stack.environment,
      name: `fraud-agent-${i}`,
      // A team the example platform declares (deploymentTeams: risk-ml deploys `fraud-*`).
      owner: { team: 'risk-ml', accountable: 'owner@example.com', approver: 'approver@example.com', revoker: 'revoker@example.com', reviewBy: '2027-03-31' },
      dataClassification: 'internal',
      runtime: { kubernetes: { image: `ghcr.io/example/agent@sha256:${'a'.repeat(64)}`, resources: { cpu: '250m', memory: '512Mi' } } },
      models: [{ bedrockModelId: 'anthropic.claude-3-haiku-20240307-v1:0' }],
      tools: [],
    });
  }
  return { app, stack };
}

/**
 * A fleet of `count` workloads in dev with the example platform beside it (platform-dev and
 * platform-prod, in one account as the examples are), as stack models: what `check cdktf.out`
 * would count for that estate. Nothing is written to disk.
 */
export function quotaFleet(count: number, kind: FleetKind = 'services'): StackModel[] {
  const { app } = quotaFleetApp(count, undefined, kind);
  return app.node.findAll().filter(TerraformStack.isStack).map((s) => fromSynthJson(s.toTerraform(), s.node.id));
}

/** The same fleet in a given App (a GovernedApp in tests), not synthesized yet. */
export function quotaFleetApp(count: number, app?: App, kind: FleetKind = 'services'): { app: App } {
  const built = kind === 'agents' ? agentFleet(count, app) : workloadFleet(path.join(os.tmpdir(), 'quota-fleet-unused'), count, app);
  platformApp(built.app);
  return built;
}

/** The peak instance of one quota: what the tables show. */
export interface QuotaPeak {
  readonly used: number;
  readonly limit: number;
  readonly percent: number;
  readonly scope: string;
}

/** Quota id -> peak consumption, for every quota of the table (0 used when nothing counts). */
export function quotaPeaks(report: QuotaReport): Record<string, QuotaPeak> {
  const peaks = peakUsage(report);
  return Object.fromEntries(
    SERVICE_QUOTAS.map((q) => {
      const u = peaks.get(q.id);
      return [q.id, u ? { used: u.used, limit: u.limit, percent: u.percent, scope: u.scope.label } : { used: 0, limit: q.default, percent: 0, scope: '-' }];
    }),
  );
}

export function fleetQuotaPeaks(count: number, kind: FleetKind = 'services'): Record<string, QuotaPeak> {
  return quotaPeaks(quotaUsage(quotaFleet(count, kind)));
}


/** One cell: `11 / 10 (110 %)`, with a marker when over. */
export function quotaCell(p: QuotaPeak): string {
  const over = p.percent > 100 ? ' **over**' : p.percent >= 80 ? ' near' : '';
  return `${formatCount(p.used)} / ${formatCount(p.limit)} (${formatPercent(p.percent)})${over}`;
}

export interface FleetColumn {
  readonly workloads: number;
  /** Build + synth time of the fleet (the scale measurement), when measured. */
  readonly workMs?: number;
  readonly peaks: Record<string, QuotaPeak>;
}

/**
 * The bench's quota table: one column per fleet size, the build + synth time on top, then the
 * peak consumption of every quota the fleets consume (quotas nothing counts against are left out).
 */
export function quotaConsumptionTable(columns: readonly FleetColumn[]): string {
  const label = (n: number) => `${formatCount(n)} workload${n === 1 ? '' : 's'}`;
  const header = `| quota (peak instance) | ${columns.map((c) => label(c.workloads)).join(' | ')} |\n|---|${columns.map(() => '---|').join('')}`;
  const time = (ms?: number) => (ms === undefined ? 'not measured' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
  const rows = [`| build + synth | ${columns.map((c) => time(c.workMs)).join(' | ')} |`];
  for (const q of SERVICE_QUOTAS) {
    if (columns.every((c) => (c.peaks[q.id]?.used ?? 0) === 0)) continue;
    rows.push(`| \`${q.id}\` | ${columns.map((c) => (c.peaks[q.id] ? quotaCell(c.peaks[q.id]) : '-')).join(' | ')} |`);
  }
  return `${header}\n${rows.join('\n')}\n`;
}

/** Per quota that grows with workloads: the consumption per workload and the most workloads the quota allows. */
export interface Ceiling {
  readonly id: string;
  readonly perWorkload: number;
  readonly base: number;
  readonly limit: number;
  /** Most workloads at the AWS default. */
  readonly ceiling: number;
  /** The highest value AWS raises the quota to (the default when AWS does not raise it); undefined when AWS documents no maximum. */
  readonly maximum?: number;
  /** Most workloads at `maximum`. */
  readonly ceilingAtMaximum?: number;
}

/**
 * Quotas counted per instance each workload has for itself (its roles' trust and inline policy
 * sizes, its Cedar policies, its API keys' usage plans): they grow with the length of a workload's
 * name, never with the number of workloads, so they bound no fleet.
 */
const OWN_INSTANCE_SCOPES: ReadonlySet<string> = new Set(['role', 'policy', 'api-key']);

/** Ceilings from two fleet sizes (the slope between them, the intercept as the platform's share). */
export function ceilings(small: { workloads: number; peaks: Record<string, QuotaPeak> }, large: { workloads: number; peaks: Record<string, QuotaPeak> }): Ceiling[] {
  const out: Ceiling[] = [];
  for (const q of SERVICE_QUOTAS) {
    const a = small.peaks[q.id];
    const b = large.peaks[q.id];
    const perWorkload = (b.used - a.used) / (large.workloads - small.workloads);
    if (perWorkload <= 0 || OWN_INSTANCE_SCOPES.has(q.scope)) continue;
    const base = a.used - perWorkload * small.workloads;
    const most = (limit: number) => Math.max(0, Math.floor((limit - base) / perWorkload));
    const def: QuotaDefinition = q;
    const maximum = def.adjustable ? def.maximum : def.default;
    out.push({ id: q.id, perWorkload, base, limit: q.default, ceiling: most(q.default), maximum, ceilingAtMaximum: maximum === undefined ? undefined : most(maximum) });
  }
  return out.sort((x, y) => x.ceiling - y.ceiling);
}

export function ceilingsMarkdown(list: readonly Ceiling[]): string {
  const n = (v: number) => (Number.isInteger(v) ? formatCount(v) : v.toFixed(2));
  const header =
    '| quota | per workload | platform and shared | default | most workloads at the default (per instance the quota counts) | most workloads at the highest value AWS allows |\n|---|---|---|---|---|---|';
  const atMaximum = (c: Ceiling) => (c.maximum === undefined ? 'no documented maximum' : `${n(c.ceilingAtMaximum!)} (at ${n(c.maximum)})`);
  return `${header}\n${list.map((c) => `| \`${c.id}\` | ${n(c.perWorkload)} | ${n(c.base)} | ${n(c.limit)} | ${n(c.ceiling)} | ${atMaximum(c)} |`).join('\n')}\n`;
}

/** README "Quotas" ceilings of one fleet kind, measured at 10 and 100 workloads. */
export function fleetCeilingsMarkdown(kind: FleetKind, peaksAt: (n: number) => Record<string, QuotaPeak> = (n) => fleetQuotaPeaks(n, kind)): string {
  return ceilingsMarkdown(ceilings({ workloads: 10, peaks: peaksAt(10) }, { workloads: 100, peaks: peaksAt(100) }));
}
