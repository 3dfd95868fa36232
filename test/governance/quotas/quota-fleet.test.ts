import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TODAY_CONTEXT_KEY } from '../../../constructs/governance/clock';
import { GovernanceCheckFailed, GovernedApp } from '../../../constructs/policy-engine/governed-app';
import { betweenMarkers } from '../../../constructs/policy-engine/quotas/quota-markdown';
import { SERVICE_QUOTAS, type QuotaId } from '../../../constructs/policy-engine/quotas/quota-table';
import { quotaUsage, type QuotaReport } from '../../../constructs/policy-engine/quotas/quota-usage';
import { ceilings, ceilingsMarkdown, quotaFleet, quotaFleetApp, quotaPeaks, type FleetKind } from '../../../scripts/bench/quota-fleet';
import { TODAY } from '../../support';

/**
 * Issue 16, item 1: the quota counts of two fleets in dev with the example platform beside them
 * (platform-dev and platform-prod in one account), counted on the synthesized JSON of every stack
 * together: `services` (the bench fleet: N Bedrock inference services) and `agents` (N agents,
 * each a caller of the gateway with its own rotated API key).
 *
 * These are the numbers of the gateway redesign, measured with scripts/bench/quota-fleet.ts: one
 * private REST API per environment with 14 resources and one stage whatever the fleet, one usage
 * plan per quota tier (2 in each example environment), and per workload only IAM roles (a Bedrock
 * service: its integration identity `-gw`; an agent: its pod identity and `-gw`), one route entry
 * (SSM parameter) and, for a caller, 2 API keys (current and pending) on one usage plan. Before the
 * redesign (a stage, two API resources, a usage plan, 3 API keys and a role per workload) the
 * 10-workload fleet exceeded stages per API (11 of 10: at most 9 workloads per environment).
 * One row per quota: 1, 10, 100, 1,000 workloads. After a design change, update EXPECTED, EXCEEDED
 * and WARNED from a measurement, and rewrite README's ceilings with
 * `node -r ./scripts/swc-register.js scripts/quota-readme.ts`.
 */
type Counts = readonly [number, number, number, number];
const CONSTANT = (n: number): Counts => [n, n, n, n];
const PLATFORM: Record<QuotaId, Counts> = {
  'apigateway.resources-per-api': CONSTANT(14),
  'apigateway.stages-per-api': CONSTANT(1),
  'apigateway.authorizers-per-api': CONSTANT(0),
  'apigateway.resource-policy-length': CONSTANT(1384),
  'apigateway.private-apis-per-account-region': CONSTANT(2),
  'apigateway.api-keys-per-account-region': CONSTANT(0),
  'apigateway.usage-plans-per-account-region': CONSTANT(4),
  'apigateway.usage-plans-per-api-key': CONSTANT(0),
  'apigateway.client-certificates-per-account-region': CONSTANT(2),
  'apigateway.vpc-links-per-account-region': CONSTANT(0),
  'iam.roles-per-account': CONSTANT(9),
  'iam.customer-managed-policies-per-account': CONSTANT(20),
  'iam.managed-policies-per-role': CONSTANT(5),
  'iam.role-trust-policy-length': CONSTANT(551),
  'iam.role-inline-policies-size': CONSTANT(2223),
  'vpc.interface-endpoints-per-vpc': CONSTANT(7),
  'vpc.rules-per-security-group': CONSTANT(1),
  'ssm.standard-parameters-per-account-region': CONSTANT(2),
  'ssm.advanced-parameters-per-account-region': CONSTANT(0),
  'lambda.concurrent-executions-per-account-region': CONSTANT(100),
  'kms.keys-per-account-region': CONSTANT(6),
  'kms.key-policy-size': CONSTANT(3984),
  'verifiedpermissions.policy-stores-per-account-region': CONSTANT(2),
  'verifiedpermissions.policy-size': CONSTANT(0),
};
const EXPECTED: Record<FleetKind, Record<QuotaId, Counts>> = {
  services: {
    ...PLATFORM,
    'iam.roles-per-account': [10, 19, 109, 1009],
    'ssm.standard-parameters-per-account-region': [3, 12, 102, 1002],
  },
  agents: {
    ...PLATFORM,
    'apigateway.api-keys-per-account-region': [2, 20, 200, 2000],
    'apigateway.usage-plans-per-api-key': CONSTANT(1),
    'iam.roles-per-account': [11, 29, 209, 2009],
    'ssm.standard-parameters-per-account-region': [3, 12, 102, 1002],
    'verifiedpermissions.policy-size': [187, 187, 188, 189],
  },
};
const SIZES = [1, 10, 100, 1000] as const;
type Size = (typeof SIZES)[number];

/** Quotas over 100 % (errors) and at 80-100 % (warnings), per fleet size, with the AWS defaults. */
const EXCEEDED: Record<FleetKind, Record<Size, readonly QuotaId[]>> = {
  services: { 1: [], 10: [], 100: [], 1000: ['iam.roles-per-account'] },
  agents: { 1: [], 10: [], 100: [], 1000: ['iam.roles-per-account'] },
};
const WARNED: Record<FleetKind, Record<Size, readonly QuotaId[]>> = {
  services: { 1: [], 10: [], 100: [], 1000: [] },
  agents: { 1: [], 10: [], 100: [], 1000: [] },
};
const CASES = (['services', 'agents'] as const).flatMap((kind) => SIZES.map((n) => [kind, n] as const));

const reports = new Map<string, QuotaReport>();
function report(n: number, kind: FleetKind = 'services'): QuotaReport {
  const key = `${kind} ${n}`;
  if (!reports.has(key)) reports.set(key, quotaUsage(quotaFleet(n, kind)));
  return reports.get(key)!;
}

function expectedAt(kind: FleetKind, n: Size): Record<string, number> {
  return Object.fromEntries(Object.entries(EXPECTED[kind]).map(([id, counts]) => [id, counts[SIZES.indexOf(n)]]));
}

function usedPeaks(n: number, kind: FleetKind): Record<string, number> {
  return Object.fromEntries(Object.entries(quotaPeaks(report(n, kind))).map(([id, p]) => [id, p.used]));
}

function idsWhere(n: number, kind: FleetKind, test: (percent: number) => boolean): string[] {
  return [...new Set(report(n, kind).usages.filter((u) => test(u.percent)).map((u) => u.quota.id))].sort();
}

function usage(n: number, kind: FleetKind, id: QuotaId, scopeLabel?: string) {
  return report(n, kind).usages.find((u) => u.quota.id === id && (scopeLabel === undefined || u.scope.label.startsWith(scopeLabel)))!;
}

function synthFailure(n: number, kind: FleetKind): unknown {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'quota-fleet-'));
  try {
    const app = new GovernedApp({ outdir, context: { [TODAY_CONTEXT_KEY]: TODAY }, now: new Date(`${TODAY}T12:00:00Z`), warn: () => undefined });
    quotaFleetApp(n, app, kind);
    try {
      app.synth();
    } catch (e) {
      return e;
    }
    return undefined;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('quota model (issue 16, item 1): counts on the fleets, the gateway redesign', () => {
  it('has an expectation for every quota of the table, for both fleets', () => {
    for (const kind of ['services', 'agents'] as const) expect(Object.keys(EXPECTED[kind]).sort()).toEqual(SERVICE_QUOTAS.map((q) => q.id).sort());
  });

  it('quota model: API Gateway consumption is constant per environment: one API, 14 resources and one stage v1 whatever the fleet', () => {
    for (const n of [10, 1000]) {
      const stages = report(n).usages.filter((u) => u.quota.id === 'apigateway.stages-per-api');
      expect(stages.map((u) => [u.scope.label.split(' (')[0], u.used])).toEqual([['REST API governed-dev', 1], ['REST API governed-prod', 1]]);
      const resources = report(n).usages.filter((u) => u.quota.id === 'apigateway.resources-per-api');
      expect(resources.map((u) => [u.scope.label.split(' (')[0], u.used])).toEqual([['REST API governed-dev', 14], ['REST API governed-prod', 14]]);
      // Nothing in the product stack counts against an API: the platform's stacks hold all of it.
      for (const u of [...stages, ...resources]) expect(new Set(u.contributions.map((c) => c.stack.stackName))).toEqual(new Set([u.anchor!.stack.stackName]));
      expect(usage(n, 'services', 'apigateway.private-apis-per-account-region').used).toBe(2);
      expect(usage(n, 'services', 'apigateway.usage-plans-per-account-region').used).toBe(4);
    }
  }, 300_000);

  it('quota model: the 10-workload fleet that exceeded stages per API before the redesign synthesizes in a GovernedApp', () => {
    expect(synthFailure(10, 'services')).toBeUndefined();
  }, 120_000);

  it('quota model: 991 Bedrock services beside the two example platforms use all 1,000 IAM roles of the account (a warning, not an error)', () => {
    const u = usage(991, 'services', 'iam.roles-per-account');
    expect([u.used, u.limit, u.percent]).toEqual([1000, 1000, 100]);
  }, 300_000);

  it('fails when the fleet needs more IAM roles than the account allows: 992 services fail synth with a ServiceQuotaHeadroom error naming the quota and the fix', () => {
    const error = synthFailure(992, 'services');
    expect(error).toBeInstanceOf(GovernanceCheckFailed);
    const findings = (error as GovernanceCheckFailed).evaluations.flatMap((e) => e.errors);
    expect(findings.map((f) => f.ruleId)).toEqual(['ServiceQuotaHeadroom']);
    const [f] = findings;
    // An account has no resource of its own: the finding is on the first role that counts.
    expect([f.stackName, f.address]).toEqual(['fleet-dev', 'aws_iam_role.fraud-svc-0_identity_role_3CAB1693']);
    expect(f.message).toMatch(/"Roles in an AWS account" \(iam\.roles-per-account\): 1,001 of 1,000 \(100\.1 %\)/);
    expect(f.message).toMatch(/counted: fleet-dev 992, platform-dev 5, platform-prod 4/);
    expect(f.fix).toMatch(/Request "Roles in an AWS account" of at least 1,252 .*up to 5,000.*serviceQuotas: \{ "iam\.roles-per-account": 1252 \}.*one account per environment/);
  }, 300_000);

  it('quota model: a Bedrock service adds one IAM role (its integration identity) and one route entry', () => {
    const roles = usage(10, 'services', 'iam.roles-per-account');
    const fleetRoles = roles.contributions.filter((c) => c.stack.stackName === 'fleet-dev');
    expect(fleetRoles.map((c) => c.resource.values.name)).toEqual(Array.from({ length: 10 }, (_, i) => `dev-euw1-fraud-svc-${i}-gw`));
    const params = usage(10, 'services', 'ssm.standard-parameters-per-account-region').contributions.filter((c) => c.stack.stackName === 'fleet-dev');
    expect(params.map((c) => c.resource.values.name)).toEqual(Array.from({ length: 10 }, (_, i) => `/governance/dev/routes/fraud-svc-${i}`));
  }, 300_000);

  it('quota model: an agent adds two IAM roles, one route entry and two API keys (current and pending) on one usage plan', () => {
    const roles = usage(10, 'agents', 'iam.roles-per-account').contributions.filter((c) => c.stack.stackName === 'agents-fleet-dev');
    expect(roles.map((c) => c.resource.values.name).sort()).toEqual(Array.from({ length: 10 }, (_, i) => [`dev-euw1-fraud-agent-${i}`, `dev-euw1-fraud-agent-${i}-gw`]).flat().sort());
    const keys = usage(10, 'agents', 'apigateway.api-keys-per-account-region');
    expect(keys.contributions.map((c) => [c.resource.type, c.amount])).toEqual(Array.from({ length: 10 }, () => ['aws_secretsmanager_secret', 2]));
    const plansPerKey = report(10, 'agents').usages.filter((u) => u.quota.id === 'apigateway.usage-plans-per-api-key');
    expect(plansPerKey.map((u) => u.used)).toEqual(Array.from({ length: 10 }, () => 1));
    const params = usage(10, 'agents', 'ssm.standard-parameters-per-account-region').contributions.filter((c) => c.stack.stackName === 'agents-fleet-dev');
    expect(params.map((c) => c.resource.values.name)).toEqual(Array.from({ length: 10 }, (_, i) => `/governance/dev/agents/fraud-agent-${i}`));
  }, 300_000);

  it.each(CASES)('quota model: the %s fleet of %i consumes what EXPECTED says of every quota', (kind, n) => {
    expect(usedPeaks(n, kind)).toEqual(expectedAt(kind, n));
  }, 300_000);

  it.each(CASES)('quota model: the %s fleet of %i exceeds the quotas EXCEEDED lists, and warns on WARNED', (kind, n) => {
    expect(idsWhere(n, kind, (p) => p > 100)).toEqual([...EXCEEDED[kind][n]].sort());
    expect(idsWhere(n, kind, (p) => p >= 80 && p <= 100)).toEqual([...WARNED[kind][n]].sort());
  }, 300_000);

  it('quota model: the 1,000-workload fleets exceed IAM roles per account, the cap that remains after the redesign', () => {
    const services = usage(1000, 'services', 'iam.roles-per-account');
    expect([services.used, services.limit, services.quota.maximum]).toEqual([1009, 1000, 5000]);
    const agents = usage(1000, 'agents', 'iam.roles-per-account');
    expect([agents.used, agents.limit]).toEqual([2009, 1000]);
  }, 300_000);

  it('quota model: README "Quotas" shows the ceilings measured on the 10- and 100-workload fleets of both kinds', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    for (const [kind, marker] of [['services', 'quota-ceilings'], ['agents', 'quota-ceilings-agents']] as const) {
      const measured = ceilingsMarkdown(ceilings({ workloads: 10, peaks: quotaPeaks(report(10, kind)) }, { workloads: 100, peaks: quotaPeaks(report(100, kind)) }));
      expect(betweenMarkers(readme, marker)).toBe(measured);
    }
  }, 300_000);

  it('quota model: the ceilings are IAM roles per account (991 services or 495 agents beside the two example platforms), then API keys per account and Region for agents', () => {
    const services = ceilings({ workloads: 10, peaks: quotaPeaks(report(10)) }, { workloads: 100, peaks: quotaPeaks(report(100)) });
    expect(services.map((c) => [c.id, c.perWorkload, c.ceiling, c.ceilingAtMaximum])).toEqual([
      ['iam.roles-per-account', 1, 991, 4991],
      ['ssm.standard-parameters-per-account-region', 1, 9998, 9998],
    ]);
    const agents = ceilings({ workloads: 10, peaks: quotaPeaks(report(10, 'agents')) }, { workloads: 100, peaks: quotaPeaks(report(100, 'agents')) });
    expect(agents.map((c) => [c.id, c.perWorkload, c.ceiling, c.ceilingAtMaximum])).toEqual([
      ['iam.roles-per-account', 2, 495, 2495],
      ['apigateway.api-keys-per-account-region', 2, 5000, 5000],
      ['ssm.standard-parameters-per-account-region', 1, 9998, 9998],
    ]);
  }, 300_000);
});
