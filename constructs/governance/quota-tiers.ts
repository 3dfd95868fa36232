/**
 * Gateway quotas are per caller: every workload that calls the gateway has its own API key, on
 * the usage plan of its quota tier. API Gateway applies a usage plan's throttle and quota to each
 * key separately ("Throttling and quota limits apply to requests for individual API keys",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html),
 * so an environment needs one usage plan per tier, not one per workload (usage plans are limited
 * to 300 per account and Region).
 */

/** One tier's limits, applied to each caller's key. */
export interface Quotas {
  /** Steady-state requests per second. */
  readonly ratePerSecond: number;
  /** Requests above the rate API Gateway accepts at once (token bucket size); at least the rate. */
  readonly burst: number;
  /** Requests per calendar month. */
  readonly monthlyRequests: number;
}

/** The tier a workload gets unless it names another. */
export const DEFAULT_QUOTA_TIER = 'standard';

/** The tiers an environment gets unless the platform defines its own. */
export const DEFAULT_QUOTA_TIERS: Readonly<Record<string, Quotas>> = {
  [DEFAULT_QUOTA_TIER]: { ratePerSecond: 10, burst: 20, monthlyRequests: 1_000_000 },
};

/** At most this many tiers per environment: each is a usage plan of the account and Region's 300. */
export const MAX_QUOTA_TIERS = 10;
