import type { StackModel } from '../terraform-json';
import type { Contribution, QuotaDefinition, ScopeInstance, StackResource, Unmeasured } from './quota-definition';
import { declaredQuotas, type Declaration, type DeclarationProblem, type RaisedQuotas } from './raised-quotas';
import { SERVICE_QUOTAS } from './quota-table';
import { UNKNOWN_REGION } from './scopes';

/**
 * The quota counter: what the stacks checked together consume of each quota, per scope instance
 * (an API, a role, an account and Region...), against the limit that applies there: the AWS
 * default, a value the platform declared raised in its contract, or one given to `check --quota`.
 */

/** Where the limit of an instance comes from. */
export type LimitSource = { readonly kind: 'default' } | { readonly kind: 'declared'; readonly by: readonly string[] } | { readonly kind: 'command line' };

export interface QuotaUsage {
  readonly quota: QuotaDefinition;
  readonly scope: ScopeInstance;
  /** In the quota's unit. */
  readonly used: number;
  readonly limit: number;
  readonly limitSource: LimitSource;
  /** used / limit, in per cent. */
  readonly percent: number;
  /** Why `used` is not exact, when it is not (each reason once). */
  readonly estimates: readonly string[];
  /** The resources that count, and how much each. */
  readonly contributions: readonly Contribution[];
  /** Resources that count but could not be measured. */
  readonly unmeasured: readonly Unmeasured[];
  /** The resource findings about this instance are reported on: the instance itself when it is checked, else the first resource that counts. */
  readonly anchor: StackResource;
}

export interface QuotaUsageOptions {
  /** Raised values that apply to every instance (`check --quota`); they take precedence over declarations. */
  readonly raised?: RaisedQuotas;
  /** @default SERVICE_QUOTAS */
  readonly quotas?: readonly QuotaDefinition[];
}

export interface QuotaReport {
  readonly usages: readonly QuotaUsage[];
  /** Declarations in contracts that could not be used (unknown id, not above the default...). */
  readonly declarationProblems: readonly DeclarationProblem[];
}

function applies(declaration: Declaration, scope: ScopeInstance, quota: QuotaDefinition): boolean {
  if (declaration.quota.id !== quota.id || declaration.account !== scope.account) return false;
  if (quota.scope === 'account') return true;
  return declaration.region === scope.region || declaration.region === UNKNOWN_REGION || scope.region === UNKNOWN_REGION;
}

function limitOf(quota: QuotaDefinition, scope: ScopeInstance, declarations: readonly Declaration[], raised: RaisedQuotas): { limit: number; source: LimitSource } {
  const fromCommandLine = (raised as Record<string, number | undefined>)[quota.id];
  if (fromCommandLine !== undefined) return { limit: fromCommandLine, source: { kind: 'command line' } };
  const matching = declarations.filter((d) => applies(d, scope, quota));
  if (!matching.length) return { limit: quota.default, source: { kind: 'default' } };
  // Two environments of one account that disagree: the smaller value is the one sure to hold.
  return { limit: Math.min(...matching.map((d) => d.value)), source: { kind: 'declared', by: matching.map((d) => `${d.from}: ${d.value}`) } };
}

/** Counts every quota of the table over the stacks checked together. */
export function quotaUsage(app: readonly StackModel[], options: QuotaUsageOptions = {}): QuotaReport {
  const { declarations, problems } = declaredQuotas(app);
  const raised = options.raised ?? {};
  const usages: QuotaUsage[] = [];
  for (const quota of options.quotas ?? SERVICE_QUOTAS) {
    const { contributions, unmeasured } = quota.measure.measure({ app });
    const byScope = new Map<string, { scope: ScopeInstance; contributions: Contribution[]; unmeasured: Unmeasured[] }>();
    const entry = (scope: ScopeInstance) => {
      let e = byScope.get(scope.key);
      if (!e) byScope.set(scope.key, (e = { scope, contributions: [], unmeasured: [] }));
      // The instance as the API or role itself says it (with its anchor) wins over a label read from a reference.
      else if (!e.scope.anchor && scope.anchor) e.scope = scope;
      return e;
    };
    for (const c of contributions) entry(c.scope).contributions.push(c);
    for (const u of unmeasured) entry(u.scope).unmeasured.push(u);
    const forQuota: QuotaUsage[] = [];
    for (const { scope, contributions: counted, unmeasured: missed } of byScope.values()) {
      const used = counted.reduce((sum, c) => sum + c.amount, 0);
      const { limit, source } = limitOf(quota, scope, declarations, raised);
      const first = counted[0] ?? missed[0];
      forQuota.push({
        quota,
        scope,
        used,
        limit,
        limitSource: source,
        percent: (used / limit) * 100,
        estimates: [...new Set(counted.flatMap((c) => (c.estimated ? [c.estimated] : [])))],
        contributions: counted,
        unmeasured: missed,
        anchor: scope.anchor ?? { stack: first.stack, resource: first.resource },
      });
    }
    usages.push(...forQuota.sort((a, b) => b.percent - a.percent));
  }
  return { usages, declarationProblems: problems };
}

/** The highest consumption of each quota across its instances (what the bench and README tables show). */
export function peakUsage(report: QuotaReport): Map<string, QuotaUsage> {
  const peaks = new Map<string, QuotaUsage>();
  for (const u of report.usages) {
    const best = peaks.get(u.quota.id);
    if (!best || u.percent > best.percent) peaks.set(u.quota.id, u);
  }
  return peaks;
}

/**
 * A share of a limit for people: whole per cents, one decimal below 10 % and just over 100 % (so
 * 1,005 of 1,000 reads 100.5 %, never a 100 % that is over), "<0.1 %" for a trace.
 */
export function formatPercent(percent: number): string {
  if (percent > 0 && percent < 0.1) return '<0.1 %';
  if (percent > 100 && percent < 101) return `${Math.max(100.1, Math.round(percent * 10) / 10).toFixed(1)} %`;
  if (percent < 10) return `${(Math.round(percent * 10) / 10).toFixed(1)} %`;
  return `${percent > 100 ? Math.floor(percent) : Math.round(percent)} %`;
}

/** 1234567 -> "1,234,567" (toLocaleString loads ICU's locale data on first use: tens of milliseconds at synth). */
export function formatCount(value: number): string {
  const [whole, fraction] = String(value).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}
