import type { ProblemCollector } from './errors';

/**
 * The production tier of an environment: an explicit choice of the platform team, never guessed
 * from the name. Every control that differs by tier is in {@link TIER_CONTROLS}, the one place
 * the environment reads them from (the README's tier table lists the same rows, and
 * test/platform/environment-tier.test.ts pins each one on the synthesized JSON).
 */
export const ENVIRONMENT_TIERS = ['production', 'non-production'] as const;
export type EnvironmentTier = (typeof ENVIRONMENT_TIERS)[number];

export interface TierControls {
  /** KMS key deletion window (days), 7..30 (https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html). */
  readonly keyDeletionWindowDays: number;
  /** Secrets Manager recovery window of every governed secret (days), 7..30. */
  readonly secretRecoveryDays: number;
  /** `lifecycle.prevent_destroy` on the environment key, the audit archive and every governed secret. */
  readonly preventDestroy: boolean;
  /** S3 Object Lock mode of the audit archive: COMPLIANCE cannot be shortened by anyone, root included. */
  readonly auditObjectLockMode: 'COMPLIANCE' | 'GOVERNANCE';
  /** Lowest log retention (days) the environment accepts, and its default. */
  readonly logRetentionFloorDays: number;
}

export const TIER_CONTROLS: Readonly<Record<EnvironmentTier, TierControls>> = {
  production: { keyDeletionWindowDays: 30, secretRecoveryDays: 30, preventDestroy: true, auditObjectLockMode: 'COMPLIANCE', logRetentionFloorDays: 365 },
  'non-production': { keyDeletionWindowDays: 7, secretRecoveryDays: 7, preventDestroy: false, auditObjectLockMode: 'GOVERNANCE', logRetentionFloorDays: 90 },
};

export function isTier(value: unknown): value is EnvironmentTier {
  return (ENVIRONMENT_TIERS as readonly unknown[]).includes(value);
}

/** Name parts that claim production: `prod`, `prd`, `production`, optionally numbered (`prod2`). */
const PRODUCTION_PART = /^(prod|prd|production)\d*$/;
/** A part before them that says the opposite: `pre-prod`, `non-prod`. */
const NEGATING_PART = new Set(['pre', 'non', 'not']);

/**
 * True when an environment name says production: one of its dash-separated parts is `prod`,
 * `prd` or `production` (optionally followed by digits), not preceded by `pre` or `non`.
 * `prod`, `production-eu`, `eu-prod`, `prd2` say production; `preprod`, `pre-prod`, `nonprod`,
 * `product-lab` do not.
 */
export function nameClaimsProduction(name: string): boolean {
  const parts = name.split('-');
  return parts.some((part, i) => PRODUCTION_PART.test(part) && !(i > 0 && NEGATING_PART.has(parts[i - 1])));
}

/**
 * Checks the tier: required, one of the tiers, and not contradicted by the name. A name that says
 * production with a non-production tier fails: a naming choice must never give weaker controls,
 * and a tier flag must never quietly disagree with what every person reading the name assumes.
 */
export function checkTier(problems: ProblemCollector, prop: string, tier: unknown, name: unknown): void {
  if (!isTier(tier)) {
    problems.add(prop, tier, ENVIRONMENT_TIERS.map((t) => `'${t}'`).join(' or '), `set ${prop} explicitly: 'production' for environments that serve real users or hold real data (longer deletion windows, prevent_destroy, COMPLIANCE object lock, 365-day logs), 'non-production' otherwise`);
    return;
  }
  if (tier === 'non-production' && typeof name === 'string' && nameClaimsProduction(name)) {
    problems.add(
      prop,
      tier,
      `'production' for an environment named "${name}" (the name says production)`,
      `set ${prop}: 'production', or rename the environment so its name does not say production (e.g. "staging", "preprod")`,
    );
  }
}
