import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TODAY_CONTEXT_KEY } from '../../../constructs/governance/clock';
import { GovernanceCheckFailed, GovernedApp } from '../../../constructs/policy-engine/governed-app';
import { betweenMarkers } from '../../../constructs/policy-engine/quotas/quota-markdown';
import { SERVICE_QUOTAS, type QuotaId } from '../../../constructs/policy-engine/quotas/quota-table';
import { quotaUsage, type QuotaReport } from '../../../constructs/policy-engine/quotas/quota-usage';
import { ceilings, ceilingsMarkdown, quotaFleet, quotaFleetApp, quotaPeaks } from '../../../scripts/bench/quota-fleet';
import { TODAY } from '../../support';

/**
 * Issue 16, item 1: the quota counts of the bench fleet (N Bedrock inference services in dev, the
 * example platform beside them), counted on the synthesized JSON of every stack together.
 *
 * These are the numbers of today's design: a stage, two API resources, a usage plan, a rotated API
 * key (3 keys at the peak of a rotation) and a role per workload. The gateway redesign of issue 16
 * changes them: update EXPECTED (one row per quota: 1, 10, 100, 1,000 workloads), EXCEEDED and
 * WARNED, and rewrite README's ceilings with `node -r ./scripts/swc-register.js scripts/quota-readme.ts`.
 */
const EXPECTED: Record<QuotaId, readonly [number, number, number, number]> = {
  'apigateway.resources-per-api': [5, 23, 203, 2003],
  'apigateway.stages-per-api': [2, 11, 101, 1001],
  'apigateway.authorizers-per-api': [0, 0, 0, 0],
  'apigateway.resource-policy-length': [1242, 1242, 1242, 1242],
  'apigateway.private-apis-per-account-region': [2, 2, 2, 2],
  'apigateway.api-keys-per-account-region': [3, 30, 300, 3000],
  'apigateway.usage-plans-per-account-region': [1, 10, 100, 1000],
  'apigateway.usage-plans-per-api-key': [0, 0, 0, 0],
  'apigateway.client-certificates-per-account-region': [0, 0, 0, 0],
  'apigateway.vpc-links-per-account-region': [0, 0, 0, 0],
  'iam.roles-per-account': [6, 15, 105, 1005],
  'iam.customer-managed-policies-per-account': [2, 2, 2, 2],
  'iam.managed-policies-per-role': [0, 0, 0, 0],
  'iam.role-trust-policy-length': [426, 426, 426, 426],
  'iam.role-inline-policies-size': [1786, 1786, 1786, 1786],
  'vpc.interface-endpoints-per-vpc': [7, 7, 7, 7],
  'vpc.rules-per-security-group': [1, 1, 1, 1],
  'ssm.standard-parameters-per-account-region': [2, 2, 2, 2],
  'ssm.advanced-parameters-per-account-region': [0, 0, 0, 0],
  'lambda.concurrent-executions-per-account-region': [100, 100, 100, 100],
  'kms.keys-per-account-region': [2, 2, 2, 2],
  'kms.key-policy-size': [2287, 2287, 2287, 2287],
  'verifiedpermissions.policy-stores-per-account-region': [0, 0, 0, 0],
  'verifiedpermissions.policy-size': [0, 0, 0, 0],
};
const SIZES = [1, 10, 100, 1000] as const;

/** Quotas over 100 % (errors) and at 80-100 % (warnings), per fleet size, with the AWS defaults. */
const EXCEEDED: Record<(typeof SIZES)[number], readonly QuotaId[]> = {
  1: [],
  10: ['apigateway.stages-per-api'],
  100: ['apigateway.stages-per-api'],
  1000: ['apigateway.resources-per-api', 'apigateway.stages-per-api', 'apigateway.usage-plans-per-account-region', 'iam.roles-per-account'],
};
const WARNED: Record<(typeof SIZES)[number], readonly QuotaId[]> = { 1: [], 10: [], 100: [], 1000: [] };

const reports = new Map<number, QuotaReport>();
function report(n: number): QuotaReport {
  if (!reports.has(n)) reports.set(n, quotaUsage(quotaFleet(n)));
  return reports.get(n)!;
}

function expectedAt(n: (typeof SIZES)[number]): Record<string, number> {
  return Object.fromEntries(Object.entries(EXPECTED).map(([id, counts]) => [id, counts[SIZES.indexOf(n)]]));
}

function usedPeaks(n: number): Record<string, number> {
  return Object.fromEntries(Object.entries(quotaPeaks(report(n))).map(([id, p]) => [id, p.used]));
}

function idsWhere(n: number, test: (percent: number) => boolean): string[] {
  return [...new Set(report(n).usages.filter((u) => test(u.percent)).map((u) => u.quota.id))].sort();
}

describe('quota model (issue 16, item 1): counts on the bench fleet, today\'s design', () => {
  it('has an expectation for every quota of the table', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(SERVICE_QUOTAS.map((q) => q.id).sort());
  });

  it('quota model: the 10-workload fleet exceeds stages per API', () => {
    // Two APIs: dev's (the fleet's environment) and prod's (its own stage only).
    const stages = report(10).usages.filter((u) => u.quota.id === 'apigateway.stages-per-api');
    expect(stages.map((u) => [u.scope.label.split(' (')[0], u.used])).toEqual([['REST API governed-dev', 11], ['REST API governed-prod', 1]]);
    const [u] = stages;
    expect(u.used).toBe(11);
    expect(u.limit).toBe(10);
    // The platform's stage and the ten workload stages count against one API: the platform's,
    // reached from the product stack through the contract it reads.
    expect(u.anchor.stack.stackName).toBe('platform-dev');
    expect(u.anchor.resource.type).toBe('aws_api_gateway_rest_api');
    expect(u.contributions.filter((c) => c.stack.stackName === 'fleet-dev')).toHaveLength(10);
    expect(u.contributions.filter((c) => c.stack.stackName === 'platform-dev')).toHaveLength(1);
  });

  it('quota model: the 10-workload fleet fails synth with a ServiceQuotaHeadroom error naming the quota and the fix', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'quota-fleet-'));
    try {
      const app = new GovernedApp({ outdir, context: { [TODAY_CONTEXT_KEY]: TODAY }, now: new Date(`${TODAY}T12:00:00Z`), warn: () => undefined });
      quotaFleetApp(10, app);
      let error: unknown;
      try {
        app.synth();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GovernanceCheckFailed);
      const findings = (error as GovernanceCheckFailed).evaluations.flatMap((e) => e.errors);
      expect(findings.map((f) => f.ruleId)).toEqual(['ServiceQuotaHeadroom']);
      const [f] = findings;
      expect(f.stackName).toBe('platform-dev');
      expect(f.message).toMatch(/"Stages per API" \(apigateway\.stages-per-api\): 11 of 10 \(110 %\) on REST API governed-dev/);
      expect(f.message).toMatch(/counted: fleet-dev 10, platform-dev 1/);
      expect(f.fix).toMatch(/Request "Stages per API" of at least 14 .*Service Quotas console.*serviceQuotas: \{ "apigateway\.stages-per-api": 14 \}.*One stage per environment/);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);

  it.each(SIZES)('quota model: the %i-workload fleet consumes what EXPECTED says of every quota', (n) => {
    expect(usedPeaks(n)).toEqual(expectedAt(n));
  }, 300_000);

  it.each(SIZES)('quota model: the %i-workload fleet exceeds the quotas EXCEEDED lists, and warns on WARNED', (n) => {
    expect(idsWhere(n, (p) => p > 100)).toEqual([...EXCEEDED[n]].sort());
    expect(idsWhere(n, (p) => p >= 80 && p <= 100)).toEqual([...WARNED[n]].sort());
  }, 300_000);

  it('quota model: the 100-workload fleet exceeds stages per API (101 of 10)', () => {
    const u = report(100).usages.find((x) => x.quota.id === 'apigateway.stages-per-api')!;
    expect([u.used, u.limit]).toEqual([101, 10]);
  }, 300_000);

  it('quota model: the 1,000-workload fleet exceeds IAM roles per account, the cap that remains after the redesign', () => {
    const u = report(1000).usages.find((x) => x.quota.id === 'iam.roles-per-account')!;
    expect([u.used, u.limit, u.quota.maximum]).toEqual([1005, 1000, 5000]);
  }, 300_000);

  it('quota model: README "Quotas" shows the ceilings measured on the 10- and 100-workload fleets', () => {
    const measured = ceilingsMarkdown(ceilings({ workloads: 10, peaks: quotaPeaks(report(10)) }, { workloads: 100, peaks: quotaPeaks(report(100)) }));
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    expect(betweenMarkers(readme, 'quota-ceilings')).toBe(measured);
  }, 300_000);
});
