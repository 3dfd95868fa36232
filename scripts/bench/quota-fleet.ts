import * as os from 'os';
import * as path from 'path';
import { type App, TerraformStack } from 'cdktf';
import { platformApp } from '../../examples/platform-app';
import { formatCount, formatPercent, peakUsage, quotaUsage, type QuotaReport } from '../../constructs/policy-engine/quotas/quota-usage';
import { SERVICE_QUOTAS } from '../../constructs/policy-engine/quotas/quota-table';
import { fromSynthJson, type StackModel } from '../../constructs/policy-engine/terraform-json';
import { workloadFleet } from './children/workload-fleet';

/**
 * The bench fleet (N Bedrock inference services in dev, scripts/bench/children/workload-fleet.ts)
 * with the example platform beside it (platform-dev, whose contract the fleet reads, and
 * platform-prod, in one account as the examples are), as stack models: what `check cdktf.out`
 * would count for that estate. Nothing is written to disk.
 */
export function quotaFleet(count: number): StackModel[] {
  const { app } = quotaFleetApp(count);
  return app.node.findAll().filter(TerraformStack.isStack).map((s) => fromSynthJson(s.toTerraform(), s.node.id));
}

/** The same fleet in a given App (a GovernedApp in tests), not synthesized yet. */
export function quotaFleetApp(count: number, app?: App): { app: App } {
  const built = workloadFleet(path.join(os.tmpdir(), 'quota-fleet-unused'), count, app);
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

export function fleetQuotaPeaks(count: number): Record<string, QuotaPeak> {
  return quotaPeaks(quotaUsage(quotaFleet(count)));
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

/** Per quota that grows with workloads: the consumption per workload and the most workloads one environment fits at the default. */
export interface Ceiling {
  readonly id: string;
  readonly perWorkload: number;
  readonly base: number;
  readonly limit: number;
  readonly ceiling: number;
}

/** Ceilings from two fleet sizes (the slope between them, the intercept as the platform's share). */
export function ceilings(small: { workloads: number; peaks: Record<string, QuotaPeak> }, large: { workloads: number; peaks: Record<string, QuotaPeak> }): Ceiling[] {
  const out: Ceiling[] = [];
  for (const q of SERVICE_QUOTAS) {
    const a = small.peaks[q.id];
    const b = large.peaks[q.id];
    const perWorkload = (b.used - a.used) / (large.workloads - small.workloads);
    if (perWorkload <= 0) continue;
    const base = a.used - perWorkload * small.workloads;
    out.push({ id: q.id, perWorkload, base, limit: q.default, ceiling: Math.max(0, Math.floor((q.default - base) / perWorkload)) });
  }
  return out.sort((x, y) => x.ceiling - y.ceiling);
}

export function ceilingsMarkdown(list: readonly Ceiling[]): string {
  const n = (v: number) => (Number.isInteger(v) ? formatCount(v) : v.toFixed(2));
  const header = '| quota | per workload | platform and shared | default | most workloads at the default (per instance the quota counts) |\n|---|---|---|---|---|';
  return `${header}\n${list.map((c) => `| \`${c.id}\` | ${n(c.perWorkload)} | ${n(c.base)} | ${n(c.limit)} | ${n(c.ceiling)} |`).join('\n')}\n`;
}
