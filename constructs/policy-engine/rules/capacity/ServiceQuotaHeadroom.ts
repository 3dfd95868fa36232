import { CONTROLS } from '../../frameworks';
import { QUOTA_RESOURCE_TYPES } from '../../quotas/quota-table';
import type { QuotaDefinition } from '../../quotas/quota-definition';
import { formatCount, formatPercent, quotaUsage, type QuotaReport, type QuotaUsage, type QuotaUsageOptions } from '../../quotas/quota-usage';
import { cannotVerify, compliant, nonCompliant, notApplicable, type Rule, type RuleOutcome } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import type { StackModel, TfResource } from '../../terraform-json';

/** A quota at or above this share of its limit is reported as a warning. */
export const QUOTA_WARNING_PERCENT = 80;

const UNITS: Record<QuotaDefinition['unit'], string> = { count: '', characters: ' characters', bytes: ' bytes', 'concurrent executions': ' concurrent executions' };

const n = formatCount;

function limitNote(u: QuotaUsage): string {
  switch (u.limitSource.kind) {
    case 'default':
      return 'the AWS default';
    case 'declared':
      return `raised, declared by ${u.limitSource.by.join(' and ')}`;
    default:
      return 'raised, given to check --quota';
  }
}

/** Where the consumption comes from: per stack, and the resources when they are few. */
function breakdown(u: QuotaUsage): string {
  const byStack = new Map<string, number>();
  for (const c of u.contributions) byStack.set(c.stack.stackName, (byStack.get(c.stack.stackName) ?? 0) + c.amount);
  if (!u.contributions.length) return 'nothing measured';
  const stacks = [...byStack].map(([name, amount]) => `${name} ${n(amount)}`).join(', ');
  const few = u.contributions.length <= 3 ? ` (${u.contributions.map((c) => `${c.resource.address}${c.note ? `: ${c.note}` : ''}`).join('; ')})` : '';
  return `${stacks}${few}`;
}

/** The finding's text for one quota instance. */
export function describeUsage(u: QuotaUsage): string {
  const q = u.quota;
  const estimate = u.estimates.length ? `; estimated: ${u.estimates.join('; ')}` : '';
  const missed = u.unmeasured.length ? `; not measured: ${u.unmeasured.map((m) => `${m.resource.address} (${m.reason})`).join(', ')}` : '';
  return (
    `${q.service} quota "${q.name}" (${q.id}): ${n(u.used)} of ${n(u.limit)}${UNITS[q.unit]} (${formatPercent(u.percent)}) on ${u.scope.label}, ` +
    `limit ${limitNote(u)}; counted: ${breakdown(u)}${estimate}${missed}`
  );
}

/** The fix for one quota instance: raise it (where, up to what), or the design change. */
export function quotaFix(u: QuotaUsage): string {
  const q = u.quota;
  if (!q.adjustable) return `${q.increase} ${q.designChange}`;
  if (q.maximum !== undefined && u.used > q.maximum) return `AWS raises "${q.name}" to at most ${n(q.maximum)}: ${q.designChange}`;
  const target = Math.max(u.used + 1, Math.ceil(u.used / (QUOTA_WARNING_PERCENT / 100)));
  return (
    `Request "${q.name}" of at least ${n(target)} (${q.increase}) and declare it on the environment (serviceQuotas: { "${q.id}": ${target} }) ` +
    `or pass check --quota ${q.id}=${target}; or change the design: ${q.designChange}`
  );
}

/** The key of a declaration finding (the contract's serviceQuotas), beside the quota ids. */
export const DECLARATION_FINDING_KEY = 'serviceQuotas';

// One resource can carry findings of several quotas (a REST API: its stages, resources and policy
// size): the quota id is each finding's key, so its fingerprint and a baseline tell them apart.
function outcomeOf(u: QuotaUsage): RuleOutcome {
  const key = u.quota.id;
  if (u.percent > 100) return nonCompliant(`over the quota: ${describeUsage(u)}`, { level: 'error', fix: quotaFix(u), key });
  if (u.percent >= QUOTA_WARNING_PERCENT) return nonCompliant(`${QUOTA_WARNING_PERCENT} % or more of the quota: ${describeUsage(u)}`, { level: 'warning', fix: quotaFix(u), key });
  if (u.unmeasured.length) return cannotVerify(`cannot measure all of it: ${describeUsage(u)}`, key);
  return compliant;
}

interface Indexed {
  readonly report: QuotaReport;
  readonly byAnchor: Map<TfResource, QuotaUsage[]>;
  readonly problemsAt: Map<TfResource, string[]>;
}

const NOT_APPLICABLE: readonly RuleOutcome[] = [notApplicable];

const RANK: Record<string, number> = { error: 4, warning: 3, 'cannot-verify': 2, compliant: 1, 'not-applicable': 0 };

function rank(o: RuleOutcome): number {
  return o.status === 'non-compliant' ? RANK[o.level ?? 'error'] : RANK[o.status];
}

/**
 * The service quota rule with given options (raised quotas from `check --quota`). Counting runs
 * once per set of stacks checked together; each quota instance is reported on one resource: the
 * instance itself (the REST API, the role) when it is among the checked stacks, else the first
 * resource that counts against it.
 */
export function serviceQuotaHeadroom(options: QuotaUsageOptions = {}): Rule {
  const cache = new WeakMap<readonly StackModel[], Indexed>();
  const indexed = (app: readonly StackModel[]): Indexed => {
    let entry = cache.get(app);
    if (!entry) {
      const report = quotaUsage(app, options);
      const byAnchor = new Map<TfResource, QuotaUsage[]>();
      for (const u of report.usages) byAnchor.set(u.anchor.resource, [...(byAnchor.get(u.anchor.resource) ?? []), u]);
      const problemsAt = new Map<TfResource, string[]>();
      for (const p of report.declarationProblems) {
        problemsAt.set(p.resource, p.problems.map((x) => `${x.prop}: got ${JSON.stringify(x.value)}; allowed: ${x.allowed}; fix: ${x.fix}`));
      }
      cache.set(app, (entry = { report, byAnchor, problemsAt }));
    }
    return entry;
  };
  const all = (resource: TfResource, app: readonly StackModel[]): readonly RuleOutcome[] => {
    const { byAnchor, problemsAt } = indexed(app);
    const usages = byAnchor.get(resource);
    const problems = problemsAt.get(resource);
    // Most resources count towards an instance reported on another resource.
    if (!usages && !problems) return NOT_APPLICABLE;
    const outcomes = (usages ?? []).map(outcomeOf);
    if (problems) outcomes.push(nonCompliant(`the raised service quotas this contract declares cannot be used: ${problems.join('; ')}`, { level: 'error', fix: 'Declare serviceQuotas on the GovernedEnvironment, which validates them, instead of editing the contract.', key: DECLARATION_FINDING_KEY }));
    return outcomes.length ? outcomes : NOT_APPLICABLE;
  };
  return defineRule({
    id: 'ServiceQuotaHeadroom',
    summary: `The checked stacks stay within the AWS service quotas they consume: a warning at ${QUOTA_WARNING_PERCENT} %, an error above 100 % of the default or declared raised quota.`,
    explanation:
      'A configuration over a quota fails at apply, often in a product team\'s repository for a reason that lives in the platform ' +
      '(the 10th stage on an environment\'s API). Counted per API, role, key, security group, VPC, account and Region across ' +
      'every stack checked together, with the table of quotas and their AWS sources in README "Quotas".',
    fix: 'Each finding names the quota, where AWS raises it and the design change that avoids it; declare a raised quota with serviceQuotas on the environment or check --quota.',
    level: 'error',
    frameworks: [CONTROLS.csfCapacity, CONTROLS.maestroInfrastructure],
    types: (type) => QUOTA_RESOURCE_TYPES.has(type) || ANCHOR_TYPES.has(type),
    evaluateAll(resource, { app }) {
      return all(resource, app);
    },
    evaluate(resource, { app }) {
      return all(resource, app).reduce((worst, o) => (rank(o) > rank(worst) ? o : worst));
    },
  });
}

/** Resources that are quota instances without counting themselves (a VPC for its endpoints). */
const ANCHOR_TYPES: ReadonlySet<string> = new Set(['aws_api_gateway_rest_api', 'aws_iam_role', 'aws_security_group', 'aws_kms_key', 'aws_vpc', 'aws_api_gateway_api_key', 'aws_ssm_parameter']);

/** The rule in the default pack: AWS defaults, and raised quotas the platform declares in its contract. */
export const ServiceQuotaHeadroom = serviceQuotaHeadroom();
