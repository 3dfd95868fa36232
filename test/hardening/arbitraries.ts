import fc from 'fast-check';
import { DATA_CLASSIFICATIONS } from '../../constructs/governance/classification';
import { PLATFORM_WORKLOAD } from '../../constructs/governance/governance-tags';
import { RESERVED_NAMESPACES } from '../../constructs/governance/kubernetes-names';
import { MAX_ROTATION_DAYS } from '../../constructs/governance/rotation';
import type { GovernedEnvironmentProps } from '../../constructs/platform/environment-props';
import { RETENTION_FLOOR, RETENTION_FLOOR_PROD } from '../../constructs/platform/environment-props';
import { nameClaimsProduction } from '../../constructs/governance/tier';
import { LOG_RETENTION_VALUES } from '../../constructs/primitives/log-sink';
import type { ToolGrant } from '../../constructs/agent-authorization/tool-grants';
import type { GovernedAgentProps } from '../../constructs/workloads/agent-props';
import type { InferenceModel } from '../../constructs/workloads/inference-service-props';
import type { GovernedInferenceServiceProps } from '../../constructs/workloads/inference-service-props';
import { TODAY } from '../support';

/** Generators of valid props, within the limits the constructs document. */

const DAY = 86_400_000;
const today = Date.parse(`${TODAY}T00:00:00Z`);
const isoDate = (offsetDays: number) => new Date(today + offsetDays * DAY).toISOString().slice(0, 10);

// Building a stringMatching arbitrary is costly (it compiles the regex): one per length, reused by every chain.
const slugs = new Map<number, fc.Arbitrary<string>>();
export function slug(max: number): fc.Arbitrary<string> {
  let arb = slugs.get(max);
  if (!arb) {
    arb = fc.stringMatching(new RegExp(`^[a-z0-9]([a-z0-9-]{0,${max - 2}}[a-z0-9])?$`));
    slugs.set(max, arb);
  }
  return arb;
}
/** Valid addresses, in lower case (emails.ts): dot-separated atoms, no empty part. */
export const email = fc.stringMatching(/^[a-z0-9][a-z0-9_+-]{0,7}(\.[a-z0-9][a-z0-9_+-]{0,6})?@[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?\.[a-z]{2,6}$/);
/** A list of addresses, none twice (duplicates are refused). */
export const emails = (maxLength: number) => fc.uniqueArray(email, { minLength: 1, maxLength });
export const TENANT_POOL = ['acme', 'globex', 'initech', 'umbrella-eu'];
export const reviewBy = fc.integer({ min: 1, max: 366 }).map(isoDate);
export const hex64 = fc.stringMatching(/^[a-f0-9]{64}$/);

export const owner = fc.record({ team: slug(63), accountable: email, approver: email, revoker: email, reviewBy });

export const MODEL_POOL = [
  'anthropic.claude-3-haiku-20240307-v1:0',
  'anthropic.claude-3-5-sonnet-20240620-v1:0',
  'amazon.titan-embed-text-v2:0',
  'meta.llama3-70b-instruct-v1:0',
  'us.anthropic.claude-3-5-sonnet-20240620-v1:0',
];
const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'ap-southeast-2', 'us-gov-west-1'];

export const kubernetesRuntime = fc.record({
  clusterName: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$/),
  gatewayNamespace: slug(63),
  gatewayPodLabels: fc.constantFrom<Record<string, string>[]>({ app: 'ai-gateway' }, { 'app.kubernetes.io/name': 'envoy-gateway', tier: 'edge' }),
  gatewayVpcLinkId: fc.stringMatching(/^[a-z0-9]{6,10}$/),
  gatewayNlbDnsName: fc.constantFrom('gw.internal.example.com', 'ai-gateway-nlb-1234.elb.eu-west-1.amazonaws.com'),
});

/** A throttle with burst at least the rate (quotas.ts). */
const throttle = (maxRate: number) =>
  fc.tuple(fc.oneof(fc.integer({ min: 1, max: maxRate }), fc.double({ min: 0.01, max: maxRate, noNaN: true })), fc.integer({ min: 0, max: 5_000 })).map(([ratePerSecond, extra]) => ({ ratePerSecond, burst: Math.ceil(ratePerSecond) + extra }));

/** Environment props; a name that says production gets the production tier, any other either tier. */
export const environmentProps: fc.Arbitrary<GovernedEnvironmentProps> = fc
  .record({
    name: fc.oneof(fc.constantFrom('dev', 'staging', 'prod', 'prod-eu', 'sandbox', 'preprod'), slug(16)),
    tier: fc.constantFrom('production' as const, 'non-production' as const),
    tenants: fc.option(fc.subarray(TENANT_POOL, { minLength: 1 }), { nil: undefined }),
    owner,
    regions: fc.uniqueArray(fc.constantFrom(...REGIONS), { minLength: 1, maxLength: 3 }),
    models: fc.uniqueArray(fc.constantFrom(...MODEL_POOL), { minLength: 1, maxLength: MODEL_POOL.length }),
    retentionPick: fc.nat(),
    secretRotationDays: fc.option(fc.integer({ min: 1, max: MAX_ROTATION_DAYS }), { nil: undefined }),
    gatewayThrottle: fc.option(throttle(10_000), { nil: undefined }),
    kubernetes: fc.option(kubernetesRuntime, { nil: undefined }),
  })
  .map((g) => {
    const tier = nameClaimsProduction(g.name) ? 'production' : g.tier;
    const allowed = LOG_RETENTION_VALUES.filter((v) => v >= (tier === 'production' ? RETENTION_FLOOR_PROD : RETENTION_FLOOR));
    return {
      name: g.name,
      tier,
      tenants: g.tenants,
      // SageMaker pulls only from ECR in the endpoint's region: the environment allows its own region's registry.
      imageSources: [{ ecr: { accountId: '123456789012', region: g.regions[0], repositories: ['*'] } }, { registry: 'ghcr.io/example' }],
      owner: g.owner,
      network: { vpcId: 'vpc-0abc12345678', privateSubnetIds: ['subnet-0aaa11112222', 'subnet-0bbb33334444'] },
      region: g.regions[0],
      allowedRegions: g.regions,
      allowedModels: g.models,
      logRetentionDays: g.retentionPick % 3 === 0 ? undefined : allowed[g.retentionPick % allowed.length],
      secretRotationDays: g.secretRotationDays,
      gatewayThrottle: g.gatewayThrottle,
      kubernetes: g.kubernetes,
    };
  });

const quantity = (units: string[]) => fc.tuple(fc.integer({ min: 1, max: 64_000 }), fc.constantFrom(...units)).map(([n, u]) => `${n}${u}`);
const cpu = quantity(['m', '']);
const memory = quantity(['Mi', 'Gi', 'M']);

/** A model source valid for the given environment props. */
export function model(env: GovernedEnvironmentProps): fc.Arbitrary<InferenceModel> {
  const bedrock = fc.constantFrom(...env.allowedModels).map((modelId) => ({ bedrock: { modelId } }));
  const sageMaker = fc
    .record({ repo: slug(20), digest: hex64, instanceType: fc.constantFrom('ml.m5.large', 'ml.g5.xlarge', 'ml.inf2.8xlarge'), instanceCount: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }) })
    .map((s) => ({ sageMaker: { image: `123456789012.dkr.ecr.${env.region}.amazonaws.com/${s.repo}@sha256:${s.digest}`, instanceType: s.instanceType, instanceCount: s.instanceCount } }));
  const reserved = [...RESERVED_NAMESPACES, env.kubernetes?.gatewayNamespace];
  const kubernetes = fc
    .record({
      repo: slug(20),
      digest: hex64,
      replicas: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
      cpu,
      memory,
      port: fc.option(fc.integer({ min: 1024, max: 65535 }), { nil: undefined }),
      namespace: fc.option(slug(63).filter((n) => !reserved.includes(n)), { nil: undefined }),
    })
    .map((k) => ({ kubernetes: { image: `ghcr.io/example/${k.repo}@sha256:${k.digest}`, replicas: k.replicas, resources: { cpu: k.cpu, memory: k.memory }, port: k.port, namespace: k.namespace } }));
  return env.kubernetes ? fc.oneof(bedrock, sageMaker, kubernetes) : fc.oneof(bedrock, sageMaker);
}

export const revocation = fc.record({
  by: email,
  at: fc.integer({ min: 0, max: 365 * DAY }).map((ms) => new Date(today - ms).toISOString().replace(/\.\d{3}Z$/, 'Z')),
  // Trimmed, a reason must keep 10 characters: no spaces at either end.
  reason: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 :.,-]{8,78}[A-Za-z0-9.]$/),
});

/** Tenants valid for the environment: some of its tenants or 'all' when it has any, none otherwise. */
export function tenants(env: GovernedEnvironmentProps): fc.Arbitrary<readonly string[] | 'all' | undefined> {
  const own = env.tenants ?? [];
  if (own.length === 0) return fc.constant(undefined);
  return fc.oneof(fc.subarray([...own], { minLength: 1 }), fc.constant('all' as const));
}

/** Service props (without environment) valid for the given environment props. */
export function serviceProps(env: GovernedEnvironmentProps): fc.Arbitrary<Omit<GovernedInferenceServiceProps, 'environment'>> {
  const reserved = [PLATFORM_WORKLOAD, ...RESERVED_NAMESPACES, env.kubernetes?.gatewayNamespace];
  return fc.record({
    name: slug(32).filter((n) => !reserved.includes(n)),
    owner,
    dataClassification: fc.constantFrom(...DATA_CLASSIFICATIONS),
    tenants: tenants(env),
    model: model(env),
    quotas: fc.option(
      fc.tuple(throttle(10_000), fc.integer({ min: 1, max: 1_000_000_000 })).map(([t, monthlyRequests]) => ({ ...t, monthlyRequests })),
      { nil: undefined },
    ),
    budget: fc.option(fc.record({ monthlyUsd: fc.double({ min: 0.01, max: 1_000_000, noNaN: true }), alertEmails: emails(10) }), { nil: undefined }),
    revoked: fc.option(revocation, { nil: undefined }),
  });
}

/** An environment and a service valid in it. */
export const environmentAndService = environmentProps.chain((env) => serviceProps(env).map((svc) => ({ env, svc })));

/** Agent props (without environment) valid for the given environment props, which must run Kubernetes. */
export function agentProps(env: GovernedEnvironmentProps, tools: readonly ToolGrant[]): fc.Arbitrary<Omit<GovernedAgentProps, 'environment'>> {
  const reserved = [PLATFORM_WORKLOAD, ...RESERVED_NAMESPACES, env.kubernetes?.gatewayNamespace];
  return fc.record({
    name: slug(32).filter((n) => !reserved.includes(n)),
    owner,
    dataClassification: fc.constantFrom(...DATA_CLASSIFICATIONS),
    tenants: tenants(env),
    runtime: fc
      .record({ repo: slug(20), digest: hex64, replicas: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }), cpu, memory, namespace: fc.option(slug(63).filter((n) => !reserved.includes(n)), { nil: undefined }) })
      .map((k) => ({ kubernetes: { image: `ghcr.io/example/${k.repo}@sha256:${k.digest}`, replicas: k.replicas, resources: { cpu: k.cpu, memory: k.memory }, namespace: k.namespace } })),
    models: fc.uniqueArray(fc.constantFrom(...env.allowedModels), { minLength: 0, maxLength: env.allowedModels.length }).map((ids) => ids.map((bedrockModelId) => ({ bedrockModelId }))),
    tools: fc.subarray([...tools]),
    quotas: fc.option(fc.tuple(throttle(1000), fc.integer({ min: 1, max: 100_000_000 })).map(([t, monthlyRequests]) => ({ ...t, monthlyRequests })), { nil: undefined }),
    revoked: fc.option(revocation, { nil: undefined }),
  });
}

/** An environment with Kubernetes and an agent valid in it. */
export const environmentAndAgent = (tools: readonly ToolGrant[]) =>
  fc.tuple(environmentProps, kubernetesRuntime).chain(([env, kubernetes]) => {
    const withK8s = { ...env, kubernetes: env.kubernetes ?? kubernetes };
    return agentProps(withK8s, tools).map((agent) => ({ env: withK8s, agent }));
  });
