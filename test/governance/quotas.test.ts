import { ProblemCollector } from '../../constructs/governance/errors';
import { checkQuotas, checkThrottle } from '../../constructs/governance/quotas';

/** checkQuotas checks the platform's quota tiers, checkThrottle the stage throttle. */
function check(path: string, quotas: unknown, throttleOnly = false): void {
  const problems = new ProblemCollector('platform-prod/environment');
  if (throttleOnly) checkThrottle(problems, path, quotas, 'for the whole stage');
  else checkQuotas(problems, path, quotas);
  problems.throwIfAny();
}

describe('checkQuotas', () => {
  test('accepts a burst equal to the rate, and a fractional rate under a whole burst', () => {
    expect(() => check('quotaTiers.standard', { ratePerSecond: 10, burst: 10, monthlyRequests: 1 })).not.toThrow();
    expect(() => check('quotaTiers.small', { ratePerSecond: 0.5, burst: 1, monthlyRequests: 1000 })).not.toThrow();
  });
  test('fails when burst is below the rate, naming the path (a quota tier), the value, what is allowed and the fix', () => {
    expect(() => check('quotaTiers.standard', { ratePerSecond: 100, burst: 5, monthlyRequests: 1_000_000 })).toThrow(
      "Invalid governance props at 'platform-prod/environment' (1 problem):\n  - quotaTiers.standard.burst: got 5; allowed: a whole number of at least ratePerSecond (100): the token bucket holds at most burst requests, so a smaller burst throttles traffic the rate allows; fix: set burst to at least 100 (twice the rate, 200, is usual), or lower ratePerSecond to 5",
    );
  });
  test('fails when a fractional rate rounds the needed burst up', () => {
    expect(() => check('quotas', { ratePerSecond: 2.5, burst: 2, monthlyRequests: 1 })).toThrow(/quotas\.burst: got 2; .*fix: set burst to at least 3 \(twice the rate, 5, is usual\)/);
  });
  test('fails when the quotas are not an object', () => {
    expect(() => check('quotaTiers.standard', 'large')).toThrow(/quotaTiers\.standard: got "large"; allowed: \{ ratePerSecond, burst \}/);
  });
  test('fails when the monthly quota is missing', () => {
    expect(() => check('quotas', { ratePerSecond: 1, burst: 1 })).toThrow(/quotas\.monthlyRequests: got nothing; allowed: a whole number of at least 1/);
  });
  test('a throttle alone (the stage) needs no monthly quota', () => {
    expect(() => check('gatewayThrottle', { ratePerSecond: 50, burst: 100 }, true)).not.toThrow();
  });
  test('reports a bad rate and a bad burst together, and not the comparison of bad values', () => {
    expect(() => check('quotas', { ratePerSecond: -1, burst: 0.5, monthlyRequests: 1 })).toThrow(/\(2 problems\)/);
  });
});
