import fc from 'fast-check';
import { isEmail, isSlug } from '../../constructs/governance/accountability';
import { DATA_CLASSIFICATIONS } from '../../constructs/governance/classification';
import { GovernanceValidationError } from '../../constructs/governance/errors';
import { TAG_KEYS } from '../../constructs/governance/tags';
import type { GovernedEnvironmentProps } from '../../constructs/platform/environment-props';
import { GovernedEnvironment } from '../../constructs/platform/governed-environment';
import { GovernedAgent } from '../../constructs/workloads/governed-agent';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { agentTools } from '../workloads/agent.support';
import type { GovernedAgentProps } from '../../constructs/workloads/agent-props';
import type { GovernedInferenceServiceProps } from '../../constructs/workloads/inference-service-props';
import { envProps, PRODUCT_OWNER, synth, testStack, TODAY } from '../support';
import { email, agentProps as arbAgentProps, allowingTools, environmentAndAgent, environmentAndService, environmentProps, MODEL_POOL, serviceProps as arbServiceProps, slug } from './arbitraries';
import { executeApiPath, violations } from './invariants';

/**
 * Property-based tests: for random valid props, synthesis succeeds and every invariant holds; for
 * random invalid props, one clear GovernanceValidationError. Runs are bounded (RUNS) so `npm test`
 * stays fast; a fixed seed makes a failure reproducible (fast-check prints the counterexample and
 * the seed and path to replay it). Raise the runs locally with FC_RUNS=500.
 */
const scale = Number(process.env.FC_RUNS ?? 0) || 1;
export const RUNS = { validService: 12 * scale, validAgent: 6 * scale, validEnvironment: 6 * scale, validCallers: 4 * scale, invalidService: 100 * scale, invalidAgent: 60 * scale, invalidEnvironment: 60 * scale };
const SEED = Number(process.env.FC_SEED ?? 20261122);
const params = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, seed: SEED, endOnFailure: true });

function buildService(env: GovernedEnvironmentProps, svc: Omit<GovernedInferenceServiceProps, 'environment'>) {
  const stack = testStack();
  const environment = new GovernedEnvironment(stack, 'env', env);
  const service = new GovernedInferenceService(stack, 'svc', { ...svc, environment });
  return { stack, environment, service };
}

/** Runs a construction that must fail; returns the error. */
function failure(fn: () => unknown): GovernanceValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GovernanceValidationError) return e;
    throw new Error(`expected a GovernanceValidationError, got ${(e as Error).name}: ${(e as Error).message}`);
  }
  throw new Error('expected a GovernanceValidationError, but the bad props were accepted');
}

/** Every problem is complete: the prop, the value shown, what is allowed and the fix. */
function expectClear(e: GovernanceValidationError, path: string, prop: string): void {
  expect(e.constructPath).toBe(path);
  expect(e.problems.map((p) => p.prop)).toContain(prop);
  for (const p of e.problems) {
    expect(p.allowed.length).toBeGreaterThan(0);
    expect(p.fix.length).toBeGreaterThan(0);
  }
  expect(e.message).toContain(`at '${path}'`);
  expect(e.message).toContain(`- ${prop}: got `);
}

describe('valid props: synthesis succeeds and every invariant holds', () => {
  test('for random environments and services', () => {
    fc.assert(
      fc.property(environmentAndService, ({ env, svc }) => {
        const { stack } = buildService(env, svc);
        const json = synth(stack);
        expect(violations(json)).toEqual([]);
        // The service's own resources carry its facts, the environment's carry the platform's.
        for (const [type, byName] of Object.entries(json.resource)) {
          for (const [name, config] of Object.entries(byName as Record<string, any>)) {
            if (!config.tags) continue;
            const expected = name.startsWith('svc_') ? { workload: svc.name, owner: svc.owner.team } : { workload: 'platform', owner: env.owner.team };
            expect([type, name, config.tags[TAG_KEYS.workload], config.tags[TAG_KEYS.owner]]).toEqual([type, name, expected.workload, expected.owner]);
          }
        }
      }),
      params(RUNS.validService),
    );
  });

  test('for random agents (models, tools, runtime, revocation)', () => {
    fc.assert(
      fc.property(environmentAndAgent(agentTools()), ({ env, agent }) => {
        const stack = testStack();
        const environment = new GovernedEnvironment(stack, 'env', env);
        new GovernedAgent(stack, 'agent', { ...agent, environment });
        const json = synth(stack);
        expect(violations(json)).toEqual([]);
        // Revoked (in force, not scheduled for later): zero replicas; otherwise what was asked.
        const deployment = Object.values(json.resource.kubernetes_deployment_v1)[0] as any;
        const revokedNow = !!agent.revoked && !agent.revoked.scheduled;
        expect(deployment.spec.replicas).toBe(revokedNow ? '0' : String(agent.runtime.kubernetes.replicas ?? 1));
      }),
      params(RUNS.validAgent),
    );
  });

  test('for random environments alone (prod and non-prod)', () => {
    fc.assert(
      fc.property(environmentProps, (env) => {
        const stack = testStack();
        const environment = new GovernedEnvironment(stack, 'env', env);
        const json = synth(stack);
        expect(violations(json)).toEqual([]);
        // The environment key and every approver's signing key: long windows and prevent_destroy in production.
        const keys = Object.values<any>(json.resource.aws_kms_key);
        expect(keys).toHaveLength(1 + (env.approvers?.length ?? 0));
        for (const key of keys) expect([key.deletion_window_in_days, key.lifecycle?.prevent_destroy]).toEqual(environment.isProduction ? [30, true] : [7, false]);
        // One usage plan per quota tier, whatever the tiers.
        expect(Object.values<any>(json.resource.aws_api_gateway_usage_plan)).toHaveLength(Object.keys(environment.quotaTiers).length);
      }),
      params(RUNS.validEnvironment),
    );
  });

  test('for random services granting each other their routes (grants stay per method, on the named route)', () => {
    const withCallers = environmentProps
      .map((env) => ({ ...env, kubernetes: env.kubernetes ?? { clusterName: 'ai', gatewayNamespace: 'ai-gateway', gatewayPodLabels: { app: 'ai-gateway' }, gatewayVpcLinkId: 'vl4test', gatewayNlbDnsName: 'gw.internal.example.com' } }))
      .chain((env) => fc.tuple(fc.constant(env), fc.uniqueArray(arbServiceProps(env), { minLength: 2, maxLength: 4, selector: (s) => s.name }), fc.nat()));
    let granted = 0;
    fc.assert(
      fc.property(withCallers, ([env, services, pick]) => {
        const stack = testStack();
        const environment = new GovernedEnvironment(stack, 'env', env);
        const built = services.map((svc, i) => new GovernedInferenceService(stack, `svc${i}`, { ...svc, environment }));
        const onKubernetes = (s: GovernedInferenceService) => !!services[built.indexOf(s)].model.kubernetes;
        // Every Kubernetes service (the only kind that runs code) calls another one: grants in both directions.
        const callers = built.filter(onKubernetes);
        const grants: [GovernedInferenceService, GovernedInferenceService][] = callers.map((caller, i) => [built[(built.indexOf(caller) + 1 + (pick % built.length)) % built.length], caller]);
        for (const [target, caller] of grants) if (target !== caller) target.grantInvoke(caller);
        const json = synth(stack);
        expect(violations(json)).toEqual([]);
        // Each granted route, in the callers' policies, names its service and a fixed method.
        for (const [target, caller] of grants.filter(([t, c]) => t !== c)) {
          granted++;
          const resources = Object.entries<any>(json.resource.aws_iam_role_policy)
            .filter(([n]) => n.startsWith(`${caller.node.id}_identity_policy-service-access`))
            .flatMap(([, p]) => JSON.parse(p.policy).Statement)
            .flatMap((st: any) => [st.Resource].flat())
            .map((r: string) => executeApiPath(r)?.join('/'));
          const expected = onKubernetes(target) ? ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => `v1/${m}/workloads/${target.name}/http/*`) : [`v1/POST/workloads/${target.name}/invoke`];
          expect(resources).toEqual(expect.arrayContaining(expected));
        }
      }),
      params(RUNS.validCallers),
    );
    // The runs made grants to check (a run without a Kubernetes service makes none).
    expect(granted).toBeGreaterThan(0);
  });
});

/** One corruption of valid service props: the prop it breaks and the broken props. */
type Corruption = { prop: string; apply: (svc: Omit<GovernedInferenceServiceProps, 'environment'>) => Omit<GovernedInferenceServiceProps, 'environment'> };

const notSlug = fc.string({ minLength: 0, maxLength: 40 }).filter((s) => !isSlug(s, 32));
const notEmail = fc.string({ maxLength: 30 }).filter((s) => !isEmail(s));
const DAY = 86_400_000;
const dayOffset = (d: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) + d * DAY).toISOString().slice(0, 10);
const notPositiveInteger = fc.oneof(fc.integer({ min: -1_000_000, max: 0 }), fc.double({ min: 0.001, max: 1000, noNaN: true }).filter((d) => !Number.isInteger(d)), fc.constantFrom(NaN, Infinity));

const serviceCorruptions: fc.Arbitrary<Corruption>[] = [
  notSlug.map((name) => ({ prop: 'name', apply: (s) => ({ ...s, name }) })),
  notEmail.map((v) => ({ prop: 'owner.approver', apply: (s) => ({ ...s, owner: { ...s.owner, approver: v } }) })),
  notEmail.map((v) => ({ prop: 'owner.revoker', apply: (s) => ({ ...s, owner: { ...s.owner, revoker: v } }) })),
  fc.integer({ min: -3650, max: 0 }).map((d) => ({ prop: 'owner.reviewBy', apply: (s) => ({ ...s, owner: { ...s.owner, reviewBy: dayOffset(d) } }) })),
  fc.integer({ min: 367, max: 5000 }).map((d) => ({ prop: 'owner.reviewBy', apply: (s) => ({ ...s, owner: { ...s.owner, reviewBy: dayOffset(d) } }) })),
  fc.string().filter((c) => !(DATA_CLASSIFICATIONS as readonly string[]).includes(c)).map((c) => ({ prop: 'dataClassification', apply: (s) => ({ ...s, dataClassification: c as any }) })),
  slug(32).filter((t) => t !== 'standard').map((quotaTier) => ({ prop: 'quotaTier', apply: (s) => ({ ...s, quotaTier }) })),
  notEmail.filter((v) => v !== '').map((by) => ({ prop: 'revoked.by', apply: (s) => ({ ...s, revoked: { by, at: '2026-11-01T00:00:00Z', reason: 'INC-1: a reason long enough' } }) })),
  email.filter((by) => by !== PRODUCT_OWNER.revoker && by !== 'secops@example.com').map((by) => ({ prop: 'revoked.by', apply: (s) => ({ ...s, revoked: { by, at: '2026-11-01T00:00:00Z', reason: 'INC-1: a reason long enough' } }) })),
  fc.integer({ min: 1, max: 3650 }).map((d) => ({ prop: 'revoked.at', apply: (s) => ({ ...s, revoked: { by: s.owner.revoker, at: `${dayOffset(d)}T00:00:00Z`, reason: 'INC-1: a reason long enough' } }) })),
  fc.oneof(fc.double({ min: -1e6, max: 0, noNaN: true }), fc.constantFrom(NaN, Infinity)).map((usd) => ({ prop: 'budget.monthlyUsd', apply: (s) => ({ ...s, budget: { monthlyUsd: usd, alertEmails: ['a@example.com'] } }) })),
  notEmail.map((v) => ({ prop: 'budget.alertEmails[0]', apply: (s) => ({ ...s, budget: { monthlyUsd: 10, alertEmails: [v] } }) })),
  fc.string({ maxLength: 9 }).map((reason) => ({ prop: 'revoked.reason', apply: (s) => ({ ...s, revoked: { by: s.owner.revoker, at: '2026-11-01T00:00:00Z', reason } }) })),
  fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 21, max: 10_000 })).map((n) => ({
    prop: 'model.sageMaker.instanceCount',
    apply: (s) => ({ ...s, model: { sageMaker: { image: `r@sha256:${'b'.repeat(64)}`, instanceType: 'ml.m5.large', instanceCount: n } } }),
  })),
  fc.tuple(slug(20), fc.stringMatching(/^[a-z0-9.]{1,12}$/)).map(([repo, tag]) => ({
    prop: 'model.sageMaker.image',
    apply: (s) => ({ ...s, model: { sageMaker: { image: `${repo}:${tag}`, instanceType: 'ml.m5.large' } } }),
  })),
  fc.stringMatching(/^[a-z]{3,8}\.[a-z0-9-]{3,20}-v[0-9]:0$/).filter((m) => !MODEL_POOL.includes(m)).map((modelId) => ({ prop: 'model.bedrock.modelId', apply: (s) => ({ ...s, model: { bedrock: { modelId } } }) })),
];

describe('invalid props: one clear error', () => {
  test('for a random valid service with one random corruption', () => {
    // A rejected service claims nothing, so every run can share one environment (building an
    // environment is most of a run's cost); each run gets its own construct id.
    const stack = testStack();
    const envDefaults = envProps();
    const environment = new GovernedEnvironment(stack, 'env', envDefaults);
    let run = 0;
    fc.assert(
      fc.property(arbServiceProps(envDefaults), fc.oneof(...serviceCorruptions), (svc, corruption) => {
        const id = `svc-${run++}`;
        const e = failure(() => new GovernedInferenceService(stack, id, { ...corruption.apply(svc), environment }));
        expectClear(e, `test/${id}`, corruption.prop);
      }),
      params(RUNS.invalidService),
    );
  });

  type AgentCorruption = { prop: string; apply: (a: Omit<GovernedAgentProps, 'environment'>) => Omit<GovernedAgentProps, 'environment'> };
  const agentCorruptions: fc.Arbitrary<AgentCorruption>[] = [
    notSlug.map((name) => ({ prop: 'name', apply: (a) => ({ ...a, name }) })),
    notEmail.map((v) => ({ prop: 'owner.revoker', apply: (a) => ({ ...a, owner: { ...a.owner, revoker: v } }) })),
    fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 21, max: 1000 })).map((replicas) => ({ prop: 'runtime.kubernetes.replicas', apply: (a) => ({ ...a, runtime: { ...a.runtime, kubernetes: { ...a.runtime.kubernetes, replicas } } }) })),
    fc.tuple(slug(20), fc.stringMatching(/^[a-z0-9.]{1,12}$/)).map(([repo, tag]) => ({ prop: 'runtime.kubernetes.image', apply: (a) => ({ ...a, runtime: { ...a.runtime, kubernetes: { ...a.runtime.kubernetes, image: `${repo}:${tag}` } } }) })),
    fc.stringMatching(/^[a-z]{3,8}\.[a-z0-9-]{3,20}-v[0-9]:0$/).filter((m) => !MODEL_POOL.includes(m)).map((bedrockModelId) => ({ prop: 'models[0].bedrockModelId', apply: (a) => ({ ...a, models: [{ bedrockModelId }] }) })),
    fc.string({ maxLength: 9 }).map((reason) => ({ prop: 'revoked.reason', apply: (a) => ({ ...a, revoked: { by: a.owner.revoker, at: '2026-11-01T00:00:00Z', reason } }) })),
    slug(32).filter((t) => t !== 'standard').map((quotaTier) => ({ prop: 'quotaTier', apply: (a) => ({ ...a, quotaTier }) })),
    fc.constantFrom('http://tickets.example.com/api', 'https://bot:pw@tickets.example.com/api', 'https://tickets.example.com/api?token=t', 'https://10.1.2.3/api', 'https://metadata.google.internal/').map((url) => ({
      prop: 'tools[0] (ticketing-read).target.url',
      apply: (a) => ({ ...a, tools: [{ ...agentTools()[0], target: { kind: 'http' as const, url } }] }),
    })),
  ];

  test('for a random valid agent with one random corruption', () => {
    const stack = testStack();
    const envDefaults = allowingTools(envProps(), agentTools());
    const environment = new GovernedEnvironment(stack, 'env', envDefaults);
    let run = 0;
    fc.assert(
      fc.property(arbAgentProps(envDefaults, agentTools()), fc.oneof(...agentCorruptions), (agent, corruption) => {
        const id = `agent-${run++}`;
        const e = failure(() => new GovernedAgent(stack, id, { ...corruption.apply(agent), environment }));
        expectClear(e, `test/${id}`, corruption.prop);
      }),
      params(RUNS.invalidAgent),
    );
  });

  type EnvCorruption = { prop: string; apply: (e: GovernedEnvironmentProps) => GovernedEnvironmentProps };
  const envCorruptions: fc.Arbitrary<EnvCorruption>[] = [
    fc.string({ maxLength: 30 }).filter((n) => !isSlug(n, 16)).map((name) => ({ prop: 'name', apply: (e) => ({ ...e, name }) })),
    fc.constantFrom('eu-west-3', 'ap-northeast-1', 'sa-east-1').map((region) => ({ prop: 'region', apply: (e) => ({ ...e, region, allowedRegions: e.allowedRegions.filter((r) => r !== region) }) })),
    fc.integer({ min: 91, max: 100_000 }).map((d) => ({ prop: 'secretRotationDays', apply: (e) => ({ ...e, secretRotationDays: d }) })),
    fc.constantFrom(1, 3, 5, 7, 14, 30, 60).map((r) => ({ prop: 'logRetentionDays', apply: (e) => ({ ...e, logRetentionDays: r }) })),
    fc.string({ maxLength: 20 }).filter((m) => !/^([a-z]{2,4}\.)?[a-z0-9-]+\.[a-z0-9-._]+(:\d+(:[a-z0-9]+)?)?$/.test(m)).map((m) => ({ prop: 'allowedModels[0]', apply: (e) => ({ ...e, allowedModels: [m, ...e.allowedModels] }) })),
    notEmail.map((v) => ({ prop: 'owner.accountable', apply: (e) => ({ ...e, owner: { ...e.owner, accountable: v } }) })),
    fc.constantFrom('arn:aws:iam::123456789012:user/ci', 'arn:aws:sts::123456789012:assumed-role/ci/session', 'platform-ci', '').map((d) => ({ prop: 'deployerRoleArns[0]', apply: (e) => ({ ...e, deployerRoleArns: [d] }) })),
    notPositiveInteger.map((burst) => ({ prop: 'quotaTiers["standard"].burst', apply: (e) => ({ ...e, quotaTiers: { standard: { ratePerSecond: 1, burst, monthlyRequests: 100 } } }) })),
    fc.tuple(fc.integer({ min: 2, max: 1000 }), fc.nat()).map(([rate, less]) => ({ prop: 'quotaTiers["standard"].burst', apply: (e) => ({ ...e, quotaTiers: { standard: { ratePerSecond: rate, burst: 1 + (less % (rate - 1)), monthlyRequests: 100 } } }) })),
    fc.constantFrom('arn:aws:lambda:eu-west-1:123456789012:function:*', 'arn:aws:lambda:*:123456789012:function:tool', 'arn:aws:lambda:eu-west-1:*:function:tool', 'arn:aws:lambda:eu-west-1:123456789012:*').map((f) => ({ prop: 'allowedToolTargets.functions[0]', apply: (e) => ({ ...e, allowedToolTargets: { functions: [f] } }) })),
    notEmail.map((v) => ({ prop: 'approvers[0].email', apply: (e) => ({ ...e, approvers: [{ email: v, principalArn: 'arn:aws:iam::123456789012:role/approver' }] }) })),
  ];

  test('for a random valid environment with one random corruption', () => {
    fc.assert(
      fc.property(environmentProps, fc.oneof(...envCorruptions), (env, corruption) => {
        const e = failure(() => new GovernedEnvironment(testStack(), 'env', corruption.apply(env)));
        expectClear(e, 'test/env', corruption.prop);
      }),
      params(RUNS.invalidEnvironment),
    );
  });
});
