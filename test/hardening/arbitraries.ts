import fc from 'fast-check';
import { DATA_CLASSIFICATIONS } from '../../constructs/governance/classification';
import { PLATFORM_WORKLOAD } from '../../constructs/governance/governance-tags';
import { reservedWorkloadName } from '../../constructs/governance/names';
import { RESERVED_NAMESPACES } from '../../constructs/governance/kubernetes-names';
import { MAX_ROTATION_DAYS } from '../../constructs/governance/rotation';
import type { GovernedEnvironmentProps } from '../../constructs/platform/environment-props';
import type { Revocation } from '../../constructs/governance/governance-tags';
import { DEFAULT_QUOTA_TIER, DEFAULT_QUOTA_TIERS, type Quotas } from '../../constructs/governance/quota-tiers';
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

const account = fc.stringMatching(/^\d{12}$/);
const principalPath = fc.constantFrom('', 'approvers/', 'aws-reserved/sso.amazonaws.com/eu-west-1/');

/** Approvers with distinct e-mails (compared without case), each with a principal of their own. */
export const approvers = fc
  .uniqueArray(fc.tuple(email, slug(20), principalPath, account), { minLength: 0, maxLength: 4, selector: ([e]) => e.toLowerCase() })
  .map((list) => list.map(([e, role, path, acct]) => ({ email: e, principalArn: `arn:aws:iam::${acct}:role/${path}${role}` })));

/** A throttle with burst at least the rate (quotas.ts): a smaller bucket never lets the rate through. */
const throttle = (maxRate: number) =>
  fc.tuple(fc.oneof(fc.integer({ min: 1, max: maxRate }), fc.double({ min: 0.01, max: maxRate, noNaN: true })), fc.integer({ min: 0, max: 5_000 })).map(([ratePerSecond, extra]) => ({ ratePerSecond, burst: Math.ceil(ratePerSecond) + extra }));

/** One tier's limits. */
const quotas: fc.Arbitrary<Quotas> = fc.tuple(throttle(5_000), fc.integer({ min: 1, max: 1_000_000_000 })).map(([t, monthlyRequests]) => ({ ...t, monthlyRequests }));

/** 1 to 4 tiers (of the 10 allowed), named like workloads. */
export const quotaTiers = fc.dictionary(slug(32), quotas, { minKeys: 1, maxKeys: 4 });

/** ARN patterns with region and account spelled out and a wildcard only after a name prefix. */
function toolTargets(region: string, acct: string) {
  const prefix = slug(20);
  return fc.record({
    credentialSecrets: fc.array(prefix.map((p) => `arn:aws:secretsmanager:${region}:${acct}:secret:${p}/*`), { maxLength: 3 }),
    credentialKeys: fc.array(fc.uuid().map((u) => `arn:aws:kms:${region}:${acct}:key/${u}`), { maxLength: 2 }),
    functions: fc.array(prefix.map((p) => `arn:aws:lambda:${region}:${acct}:function:${p}-*`), { maxLength: 3 }),
  });
}

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
    accountId: fc.option(account, { nil: undefined }),
    accountSettings: fc.constantFrom<GovernedEnvironmentProps['accountSettings']>(undefined, 'owned-here', 'owned-elsewhere'),
    deployers: fc.uniqueArray(fc.tuple(account, fc.constantFrom('', 'ci/', 'teams/ml/'), slug(30)), { minLength: 1, maxLength: 3 }),
    approvers: fc.option(approvers, { nil: undefined }),
    quotaTiers: fc.option(quotaTiers, { nil: undefined }),
    targetsPick: fc.nat(),
    existingEndpoints: fc.option(fc.record({ id: fc.stringMatching(/^vpce-[0-9a-f]{8,17}$/), ips: fc.array(fc.ipV4(), { minLength: 1, maxLength: 4 }) }), { nil: undefined }),
  })
  .chain((g) => {
    const acct = g.accountId ?? '123456789012';
    return fc.option(toolTargets(g.regions[0], acct), { nil: undefined }).map((allowedToolTargets) => ({ g, allowedToolTargets }));
  })
  .map(({ g, allowedToolTargets }) => {
    const tier = nameClaimsProduction(g.name) ? 'production' : g.tier;
    const allowed = LOG_RETENTION_VALUES.filter((v) => v >= (tier === 'production' ? RETENTION_FLOOR_PROD : RETENTION_FLOOR));
    return {
      name: g.name,
      tier,
      tenants: g.tenants,
      // SageMaker pulls only from ECR in the endpoint's region: the environment allows its own region's registry.
      imageSources: [{ ecr: { accountId: '123456789012', region: g.regions[0], repositories: ['*'] } }, { registry: 'ghcr.io/example' }],
      owner: g.owner,
      network: {
        vpcId: 'vpc-0abc12345678',
        privateSubnetIds: ['subnet-0aaa11112222', 'subnet-0bbb33334444'],
        interfaceEndpoints: g.existingEndpoints ? { executeApiEndpointId: g.existingEndpoints.id, endpointIps: g.existingEndpoints.ips } : undefined,
      },
      region: g.regions[0],
      allowedRegions: g.regions,
      allowedModels: g.models,
      logRetentionDays: g.retentionPick % 3 === 0 ? undefined : allowed[g.retentionPick % allowed.length],
      secretRotationDays: g.secretRotationDays,
      gatewayThrottle: g.gatewayThrottle,
      kubernetes: g.kubernetes,
      accountId: g.accountId,
      accountSettings: g.accountSettings,
      deployerRoleArns: g.deployers.map(([acct, path, role]) => `arn:aws:iam::${acct}:role/${path}${role}`),
      approvers: g.approvers,
      quotaTiers: g.quotaTiers,
      allowedToolTargets,
    };
  });

/** A tier the environment defines, or nothing (the default tier, which must then be one of them). */
function quotaTier(env: GovernedEnvironmentProps): fc.Arbitrary<string | undefined> {
  const tiers = Object.keys(env.quotaTiers ?? DEFAULT_QUOTA_TIERS);
  const named = fc.constantFrom(...tiers);
  return tiers.includes(DEFAULT_QUOTA_TIER) ? fc.option(named, { nil: undefined }) : named;
}

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

const timestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
// Trimmed, a reason must keep 10 characters: no spaces at either end.
const reason = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 :.,-]{8,78}[A-Za-z0-9.]$/);

/**
 * A revocation by one of the named revokers (the workload's or its environment's): in force (a
 * time up to a year ago) or scheduled (a time from tomorrow on, with `scheduled: true`).
 */
export function revocation(revokers: readonly string[]): fc.Arbitrary<Revocation> {
  const inForce = fc.record({ by: fc.constantFrom(...revokers), at: fc.integer({ min: 0, max: 365 * DAY }).map((ms) => timestamp(today - ms)), reason });
  const scheduled = fc.record({ by: fc.constantFrom(...revokers), at: fc.integer({ min: DAY, max: 90 * DAY }).map((ms) => timestamp(today + ms)), reason, scheduled: fc.constant(true) });
  return fc.oneof({ arbitrary: inForce, weight: 3 }, { arbitrary: scheduled, weight: 1 });
}

/** A workload name any team may take: not reserved by the platform, a derived identity or a namespace. */
export function workloadName(env: GovernedEnvironmentProps): fc.Arbitrary<string> {
  const reserved = [PLATFORM_WORKLOAD, 'audit', 'gateway', ...RESERVED_NAMESPACES, env.kubernetes?.gatewayNamespace];
  return slug(32).filter((n) => !reserved.includes(n) && reservedWorkloadName(n) === undefined);
}

/** Owner and revocation together: the revoker is the owner's or the environment's. */
function ownerAndRevocation(env: GovernedEnvironmentProps) {
  return owner.chain((o) => fc.record({ owner: fc.constant(o), revoked: fc.option(revocation([o.revoker, env.owner.revoker]), { nil: undefined }) }));
}

/** Tenants valid for the environment: some of its tenants or 'all' when it has any, none otherwise. */
export function tenants(env: GovernedEnvironmentProps): fc.Arbitrary<readonly string[] | 'all' | undefined> {
  const own = env.tenants ?? [];
  if (own.length === 0) return fc.constant(undefined);
  return fc.oneof(fc.subarray([...own], { minLength: 1 }), fc.constant('all' as const));
}

/** Service props (without environment) valid for the given environment props. */
export function serviceProps(env: GovernedEnvironmentProps): fc.Arbitrary<Omit<GovernedInferenceServiceProps, 'environment'>> {
  return fc
    .record({
      name: workloadName(env),
      who: ownerAndRevocation(env),
      dataClassification: fc.constantFrom(...DATA_CLASSIFICATIONS),
      tenants: tenants(env),
      model: model(env),
      quotaTier: quotaTier(env),
      budget: fc.option(fc.record({ monthlyUsd: fc.double({ min: 0.01, max: 1_000_000, noNaN: true }), alertEmails: emails(10) }), { nil: undefined }),
    })
    .map(({ who, ...rest }) => ({ ...rest, owner: who.owner, revoked: who.revoked }));
}

/** An environment and a service valid in it. */
export const environmentAndService = environmentProps.chain((env) => serviceProps(env).map((svc) => ({ env, svc })));

/** Agent props (without environment) valid for the given environment props, which must run Kubernetes. */
export function agentProps(env: GovernedEnvironmentProps, tools: readonly ToolGrant[]): fc.Arbitrary<Omit<GovernedAgentProps, 'environment'>> {
  const reserved = [PLATFORM_WORKLOAD, ...RESERVED_NAMESPACES, env.kubernetes?.gatewayNamespace];
  return fc
    .record({
      name: workloadName(env),
      who: ownerAndRevocation(env),
      dataClassification: fc.constantFrom(...DATA_CLASSIFICATIONS),
      tenants: tenants(env),
      runtime: fc
        .record({ repo: slug(20), digest: hex64, replicas: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }), cpu, memory, namespace: fc.option(slug(63).filter((n) => !reserved.includes(n)), { nil: undefined }) })
        .map((k) => ({ kubernetes: { image: `ghcr.io/example/${k.repo}@sha256:${k.digest}`, replicas: k.replicas, resources: { cpu: k.cpu, memory: k.memory }, namespace: k.namespace } })),
      models: fc.uniqueArray(fc.constantFrom(...env.allowedModels), { minLength: 0, maxLength: env.allowedModels.length }).map((ids) => ids.map((bedrockModelId) => ({ bedrockModelId }))),
      tools: fc.subarray([...tools]),
      quotaTier: quotaTier(env),
    })
    .map(({ who, ...rest }) => ({ ...rest, owner: who.owner, revoked: who.revoked }));
}

/**
 * The environment side of a set of tools: their credentials and functions on allowedToolTargets,
 * their approvers registered, their functions' Regions allowed (added to what the environment had).
 */
export function allowingTools(env: GovernedEnvironmentProps, tools: readonly ToolGrant[]): GovernedEnvironmentProps {
  const targets = env.allowedToolTargets ?? {};
  const secrets = tools.flatMap((t) => (t.credential ? [t.credential.secretArn] : []));
  const functions = tools.flatMap((t) => (t.target.kind === 'lambda' ? [t.target.functionArn] : []));
  const approverEmails = tools.flatMap((t) => t.approval?.approvers ?? []);
  const registered = env.approvers ?? [];
  const missing = [...new Set(approverEmails.map((e) => e.toLowerCase()))].filter((e) => !registered.some((a) => a.email.toLowerCase() === e));
  return {
    ...env,
    allowedRegions: [...new Set([...env.allowedRegions, ...functions.map((f) => f.split(':')[3])])],
    approvers: [...registered, ...missing.map((e) => ({ email: e, principalArn: `arn:aws:iam::123456789012:role/approvers/${e.split('@')[0]}` }))],
    allowedToolTargets: {
      ...targets,
      credentialSecrets: [...(targets.credentialSecrets ?? []), ...secrets],
      functions: [...(targets.functions ?? []), ...functions],
    },
  };
}

/** An environment with Kubernetes that allows the tools, and an agent valid in it. */
export const environmentAndAgent = (tools: readonly ToolGrant[]) =>
  fc.tuple(environmentProps, kubernetesRuntime).chain(([env, kubernetes]) => {
    const withK8s = allowingTools({ ...env, kubernetes: env.kubernetes ?? kubernetes }, tools);
    return agentProps(withK8s, tools).map((agent) => ({ env: withK8s, agent }));
  });
