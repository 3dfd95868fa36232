import { isSlug } from '../governance/accountability';
import type { ProblemCollector } from '../governance/errors';
import type { Revocation } from '../governance/governance-tags';
import { BEDROCK_AGENT_SUFFIX, INTEGRATION_SUFFIX } from '../governance/names';
import type { PolicyStatement } from '../governance/policy-document';
import { checkRevocation } from '../governance/revocation';

/**
 * A revocation the platform holds for a workload of its environment: `{ workload, by, at, reason,
 * scheduled? }`. It lives in the environment's permission boundaries, which the workload's team
 * cannot change, so the team cannot undo it (a workload's own `revoked` prop lives in its team's
 * stack, and removing it and applying undoes it).
 */
export interface PlatformRevocation extends Revocation {
  /** The workload's name (the `name` of its GovernedInferenceService or GovernedAgent). */
  readonly workload: string;
}

/** Checks `revokedWorkloads`: each entry a workload slug, revoked by the environment's revoker, at most once per workload. */
export function checkPlatformRevocations(problems: ProblemCollector, value: readonly PlatformRevocation[] | undefined, revoker: string | undefined, today: Date): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    problems.add('revokedWorkloads', value, 'a list of { workload, by, at, reason }', 'list the workloads the platform revokes, or leave revokedWorkloads out');
    return;
  }
  const seen = new Set<string>();
  value.forEach((r, i) => {
    const at = `revokedWorkloads[${i}]`;
    problems.check(isSlug(r?.workload), `${at}.workload`, r?.workload, 'a workload name (lowercase slug)', 'name the workload as its construct names it');
    if (typeof r?.workload === 'string' && seen.has(r.workload)) problems.add(`${at}.workload`, r.workload, 'each workload once', 'keep one revocation per workload');
    if (typeof r?.workload === 'string') seen.add(r.workload);
    checkRevocation(problems, at, r, { revokers: [revoker], today });
  });
}

/**
 * The boundary statement that denies the revoked workloads' identities everything from their
 * revocation time on (`aws:CurrentTime`, so a scheduled revocation takes effect on its own): the
 * workload identity, its Bedrock agent role and its integration identity, by exact role ARN.
 * Undefined when nothing is revoked.
 * Source: an explicit Deny in a permissions boundary denies whatever the identity policy allows
 * (IAM User Guide, "Policy evaluation logic"); `aws:PrincipalArn` of a role session is the role's ARN.
 */
export function revokedWorkloadsStatement(revocations: readonly PlatformRevocation[], o: { accountId: string; rolePath: string; integrationRolePath: string; iamNamePrefix: string }): PolicyStatement[] {
  if (revocations.length === 0) return [];
  const role = (path: string, name: string) => `arn:aws:iam::${o.accountId}:role${path}${o.iamNamePrefix}${name}`;
  // One statement per revocation time: each takes effect at its own `at`.
  const byTime = new Map<string, string[]>();
  for (const r of revocations) {
    const arns = [role(o.rolePath, r.workload), role(o.rolePath, `${r.workload}${BEDROCK_AGENT_SUFFIX}`), role(o.integrationRolePath, `${r.workload}${INTEGRATION_SUFFIX}`)];
    byTime.set(r.at, [...(byTime.get(r.at) ?? []), ...arns]);
  }
  return [...byTime.entries()].map(([at, arns], i) => ({
    Sid: `DenyWorkloadsRevokedByPlatform${i === 0 ? '' : i}`,
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: { ArnEquals: { 'aws:PrincipalArn': arns }, DateGreaterThanEquals: { 'aws:CurrentTime': at } },
  }));
}
