import type { ProblemCollector } from './errors';

/**
 * Gateway throttles and quotas, checked in one place (the environment's quota tiers, which apply
 * per caller, and the stage-wide throttle). API Gateway throttles with a token bucket: `burst` is the bucket's
 * size and `ratePerSecond` its refill rate
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
 * A bucket smaller than one second of the rate never lets the rate through when requests arrive
 * together, so a burst below the rate is a limit that is not the one written down: refused.
 */

/** A throttle: steady requests per second and the burst above it. */
export interface Throttle {
  /** Steady-state requests per second, finite and positive (fractions allowed). */
  readonly ratePerSecond: number;
  /** Token-bucket size: a whole number, at least `ratePerSecond`. */
  readonly burst: number;
}

/** A throttle and a monthly request quota, as usage plans apply them per API key. */
export interface QuotaLimits extends Throttle {
  /** Requests per calendar month, a whole number of at least 1. */
  readonly monthlyRequests: number;
}

/**
 * Checks a throttle; `path` is the prop (`gatewayThrottle`, `quotaTiers["standard"]`), `applies`
 * says to what the limit applies, for the fix (`per caller`, `for the whole stage`).
 */
export function checkThrottle(problems: ProblemCollector, path: string, throttle: unknown, applies: string): void {
  if (!throttle || typeof throttle !== 'object' || Array.isArray(throttle)) {
    problems.add(path, throttle, '{ ratePerSecond, burst }', `set ${path}, e.g. { ratePerSecond: 10, burst: 20 }`);
    return;
  }
  const t = throttle as Partial<Throttle>;
  // Infinity is not "no limit": it renders as null in Terraform JSON.
  const rateOk = typeof t.ratePerSecond === 'number' && Number.isFinite(t.ratePerSecond) && t.ratePerSecond > 0;
  const burstOk = typeof t.burst === 'number' && Number.isInteger(t.burst) && t.burst >= 1;
  problems.check(rateOk, `${path}.ratePerSecond`, t.ratePerSecond, 'a positive number, finite', `set the steady request rate ${applies}`);
  problems.check(burstOk, `${path}.burst`, t.burst, 'a whole number of at least 1', `set the burst ${applies}`);
  if (rateOk && burstOk && t.burst! < t.ratePerSecond!) {
    problems.add(
      `${path}.burst`,
      t.burst,
      `a whole number of at least ratePerSecond (${t.ratePerSecond}): the token bucket holds at most burst requests, so a smaller burst throttles traffic the rate allows`,
      `set burst to at least ${Math.ceil(t.ratePerSecond!)} (twice the rate, ${Math.ceil(2 * t.ratePerSecond!)}, is usual), or lower ratePerSecond to ${t.burst}`,
    );
  }
}

/** Checks a quota tier: a throttle and a monthly quota, which usage plans apply per caller (per API key). */
export function checkQuotas(problems: ProblemCollector, path: string, quotas: unknown): void {
  checkThrottle(problems, path, quotas, 'per caller');
  if (!quotas || typeof quotas !== 'object' || Array.isArray(quotas)) return;
  const m = (quotas as Partial<QuotaLimits>).monthlyRequests;
  problems.check(typeof m === 'number' && Number.isInteger(m) && m >= 1, `${path}.monthlyRequests`, m, 'a whole number of at least 1', 'set the monthly request quota per caller');
}
