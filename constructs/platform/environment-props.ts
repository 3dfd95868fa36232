import { checkPlatformRevocations, type PlatformRevocation } from './platform-revocations';
import { isEmail, isSlug, checkWorkloadAccountability, type WorkloadAccountability } from '../governance/accountability';
import { dnsNameHint, isDnsName } from '../governance/dns-names';
import { isUnresolved, type ProblemCollector } from '../governance/errors';
import { checkImageSources, type ImageSource } from '../governance/image-sources';
import { isLabelKey, isLabelValue } from '../governance/kubernetes-names';
import { checkQuotas, checkThrottle } from '../governance/quotas';
import { MAX_ROTATION_DAYS } from '../governance/rotation';
import { checkEnvironmentTenants } from '../governance/tenants';
import { checkTier, nameClaimsProduction, TIER_CONTROLS, type EnvironmentTier } from '../governance/tier';
import { LOG_RETENTION_VALUES } from '../primitives/log-sink';
import { raisedQuotasProblems, type RaisedQuotas } from '../policy-engine/quotas/raised-quotas';
import type { GatewayThrottle } from './gateway';
import type { Approver } from './approver-keys';
import { DEFAULT_QUOTA_TIERS, MAX_QUOTA_TIERS, type Quotas } from '../governance/quota-tiers';
import type { DeploymentTeam, StateBackend } from './deployment-teams';

export interface EnvironmentNetwork {
  /** Existing VPC id (`vpc-...`); DNS support and hostnames must be on for private DNS. */
  readonly vpcId: string;
  /** Existing private subnet ids, one per AZ the endpoints should serve. */
  readonly privateSubnetIds: string[];
  /**
   * The interface endpoints (bedrock-runtime, sagemaker.runtime, secretsmanager, logs, sts,
   * execute-api; eks-auth with Kubernetes). Only one endpoint per service with private DNS can
   * exist in a VPC: create them here, or name the ones the VPC already has.
   * @default 'create'
   */
  readonly interfaceEndpoints?: 'create' | ExistingInterfaceEndpoints;
}

/**
 * Endpoints a VPC already has (a central networking team's, or another environment's in the same
 * VPC). Their policies are their owner's: the library cannot clamp governed identities there, so
 * the permission boundaries are the only ceiling on that path.
 */
export interface ExistingInterfaceEndpoints {
  /** The execute-api endpoint (`vpce-...`): the gateway admits calls through it only. */
  readonly executeApiEndpointId: string;
  /**
   * Private IPv4 addresses of the existing endpoints' network interfaces: Kubernetes egress on 443
   * goes to these only. Required when the environment runs Kubernetes workloads.
   * @default - none
   */
  readonly endpointIps?: readonly string[];
}

export interface EnvironmentKubernetes {
  /** Existing EKS cluster name. */
  readonly clusterName: string;
  /** Namespace of the in-cluster AI gateway. */
  readonly gatewayNamespace: string;
  /** Pod labels of the in-cluster gateway. */
  readonly gatewayPodLabels: Record<string, string>;
  /** API Gateway VPC link to the NLB in front of the in-cluster gateway (`abc123`). */
  readonly gatewayVpcLinkId: string;
  /** DNS name of that NLB: a host name only (`ai-gateway-nlb.internal.example.com`), no scheme, port or path. */
  readonly gatewayNlbDnsName: string;
}

export interface GovernedEnvironmentProps {
  /** Environment name (`dev`, `staging`, `prod`): a slug of at most 16 characters. */
  readonly name: string;
  /** The platform team and the people who answer for the environment's shared pieces. */
  readonly owner: WorkloadAccountability;
  readonly network: EnvironmentNetwork;
  /** Region the environment lives in; must be one of `allowedRegions`. */
  readonly region: string;
  /** Regions workloads may call: the permission boundary denies every other. */
  readonly allowedRegions: readonly string[];
  /** Bedrock model ids workloads may use (`anthropic.claude-3-5-sonnet-20240620-v1:0`). */
  readonly allowedModels: readonly string[];
  /**
   * The production tier, chosen explicitly (no default: a name must never decide it). Every control
   * that differs by tier is in `TIER_CONTROLS` (constructs/governance/tier.ts) and the README's
   * tier table. A name that says production (`prod`, `eu-prod`, `production-eu`, `prd2`) with
   * `'non-production'` fails.
   */
  readonly tier: EnvironmentTier;
  /**
   * Tenants the environment may serve: lowercase slugs (at most 32 characters each). Every
   * workload then declares the tenants whose data it handles, a subset (or `'all'`).
   * @default - no tenants: workloads declare none
   */
  readonly tenants?: readonly string[];
  /**
   * Where SageMaker and Kubernetes images may come from: ECR repositories by account and region,
   * or named registries. Images must also be pinned by digest. The permission boundary allows ECR
   * pulls only from the ECR repositories named here.
   * @default - none: no SageMaker or Kubernetes workload (or agent) can be deployed until the platform lists its sources
   */
  readonly imageSources?: readonly ImageSource[];
  /**
   * Days logs are kept, one of CloudWatch's retention values.
   * @default - the tier's floor: 365 in production, 90 in non-production (see TIER_CONTROLS)
   */
  readonly logRetentionDays?: number;
  /**
   * Days between secret rotations, at most 90.
   * @default 30
   */
  readonly secretRotationDays?: number;
  /**
   * Stage-wide throttle of the gateway's platform stage.
   * @default - 50 requests per second, burst 100
   */
  readonly gatewayThrottle?: GatewayThrottle;
  /**
   * Who manages the settings AWS keeps once per account and Region (Bedrock model invocation
   * logging, API Gateway's CloudWatch role): `owned-here` creates them with this environment's
   * audit sink as the destination; `owned-elsewhere` leaves them to the one environment of the
   * account and Region that owns them. Every environment of a shared account and Region logs
   * prompts and answers to the owner's sink: let a production environment own them.
   * @default 'owned-here'
   */
  readonly accountSettings?: 'owned-here' | 'owned-elsewhere';
  /**
   * The AWS account id the environment deploys to, when known: lets synth tell environments of
   * different accounts apart (account settings, shared VPCs).
   * @default - undeclared: environments of one app in the same Region are taken to share an account
   */
  readonly accountId?: string;
  /**
   * IAM roles that run Terraform for this environment's stacks (the platform's CI role; product
   * teams' deployment roles). They may manage governed secrets (not write their values) and use the
   * environment key through AWS services; nobody else may.
   */
  readonly deployerRoleArns: readonly string[];
  /**
   * People who may approve sensitive tool actions, each with the IAM principal only they can act
   * as: each gets an asymmetric signing key only that principal can sign with (SECURITY.md,
   * decision 6). Tool grants name approvers from this list.
   * @default - no approvers: tools that need an approval fail synth
   */
  readonly approvers?: readonly Approver[];
  /**
   * Gateway quota tiers: each a usage plan whose limits apply to each caller's own key.
   * Workloads choose one with `quotaTier`.
   * @default - { standard: { ratePerSecond: 10, burst: 20, monthlyRequests: 1,000,000 } }
   */
  readonly quotaTiers?: Readonly<Record<string, Quotas>>;
  /**
   * What agents' tools may use, as ARN patterns (a wildcard only in the name part): tool-side
   * credential secrets, the KMS keys encrypting them (when not the environment key), and Lambda
   * functions. The integration boundary allows these and nothing else.
   * @default - none: agents may use only http tools without a credential
   */
  readonly allowedToolTargets?: {
    readonly credentialSecrets?: readonly string[];
    readonly credentialKeys?: readonly string[];
    readonly functions?: readonly string[];
  };
  /**
   * Workloads the platform revokes, independently of the workload's own `revoked` prop (which its
   * team's stack carries and could undo): each `{ workload, by, at, reason, scheduled? }` denies the
   * workload's identities (workload, Bedrock agent and integration identity) everything from `at`
   * on, through the environment's permission boundaries, which the team cannot change. `by` is the
   * environment's revoker; `at` a UTC timestamp (a future one needs `scheduled: true`).
   * Source: SECURITY.md, "Revocation".
   * @default - none
   */
  readonly revokedWorkloads?: readonly PlatformRevocation[];
  /**
   * The EKS cluster and in-cluster gateway for Kubernetes workloads.
   * @default - no Kubernetes workloads in this environment
   */
  readonly kubernetes?: EnvironmentKubernetes;
  /**
   * Service quotas AWS raised for this environment's account and Region (ids from the quota table
   * in README "Quotas", e.g. `{ 'iam.roles-per-account': 5000 }`). Published in the contract;
   * `check` and GovernedApp count against these instead of the defaults. Each value must be a whole
   * number above the AWS default and at most the documented maximum, for a quota AWS raises.
   * @default - the AWS default of every quota
   */
  readonly serviceQuotas?: RaisedQuotas;

  // --- Deployment roles per product team (issue 15; constructs/platform/deployment-roles.ts) ---
  /**
   * Product teams that deploy into this environment, each with its own deployment role
   * (`/governed-deploy/<env>/<prefix>platform-deploy-<team>`) that its CI identity assumes: it may
   * manage only the team's own workloads (names from `workloads` or `workloadPrefix`, tagged with the
   * team), create roles only with the environment's boundaries, and never write what the platform
   * owns. The roles are deployers of the environment (key policy) and are published in the contract.
   * @default - no deployment roles: product stacks run with whatever role their pipeline has
   */
  readonly deploymentTeams?: readonly DeploymentTeam[];
  /**
   * The platform's Terraform state bucket: each deployment role reads and writes only `<keyPrefix><team>/`.
   * @default - no state permissions (the teams keep state elsewhere)
   */
  readonly stateBackend?: StateBackend;
}

export const DEFAULT_ROTATION_DAYS = 30;
export const RETENTION_FLOOR_PROD = TIER_CONTROLS.production.logRetentionFloorDays;
export const RETENTION_FLOOR = TIER_CONTROLS['non-production'].logRetentionFloorDays;
export const MAX_ENV_NAME_LENGTH = 16;

/**
 * True when the name says production (tier.ts `nameClaimsProduction`): what an environment read
 * from a contract without a published tier falls back to.
 */
export function isProductionName(name: string): boolean {
  return nameClaimsProduction(name);
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
/** `provider.model-name[-version][:n]`, e.g. `anthropic.claude-3-5-sonnet-20240620-v1:0`, or a cross-region profile `us.provider.model`. */
const MODEL_ID = /^([a-z]{2,4}\.)?[a-z0-9-]+\.[a-z0-9-._]+(:\d+(:[a-z0-9]+)?)?$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;

export function isRegion(value: unknown): value is string {
  return typeof value === 'string' && REGION.test(value);
}

export function isModelId(value: unknown): value is string {
  return typeof value === 'string' && MODEL_ID.test(value);
}

/** Validates every prop of a GovernedEnvironment, collecting all problems. */
export function checkEnvironmentProps(problems: ProblemCollector, props: GovernedEnvironmentProps, today: Date): void {
  checkPlatformRevocations(problems, props?.revokedWorkloads, props?.owner?.revoker, today);
  if (!props || typeof props !== 'object') {
    problems.add('props', props, 'an object GovernedEnvironmentProps { name, tier, owner, network, region, allowedRegions, allowedModels }', 'pass the environment\'s props as the third argument');
    return;
  }
  problems.check(isSlug(props.name, MAX_ENV_NAME_LENGTH), 'name', props.name, `a lowercase slug of at most ${MAX_ENV_NAME_LENGTH} characters`, 'name the environment like "dev", "staging" or "prod"');
  checkWorkloadAccountability(problems, 'owner', props.owner, today);

  if (!props.network) {
    problems.add('network', props.network, '{ vpcId, privateSubnetIds }', 'pass the existing VPC and its private subnets');
  } else {
    problems.check(typeof props.network.vpcId === 'string' && VPC_ID.test(props.network.vpcId), 'network.vpcId', props.network.vpcId, 'a VPC id like "vpc-0abc1234"', 'pass the id of the existing VPC');
    const subnets = props.network.privateSubnetIds;
    if (isUnresolved(subnets)) {
      // A list only Terraform knows: its length is checked at plan.
    } else if (!Array.isArray(subnets) || subnets.length === 0) {
      problems.add('network.privateSubnetIds', subnets, 'at least one private subnet id', 'pass the private subnets the interface endpoints should live in (one per AZ)');
    } else {
      subnets.forEach((s, i) => problems.check(SUBNET_ID.test(s), `network.privateSubnetIds[${i}]`, s, 'a subnet id like "subnet-0abc1234"', 'pass private subnet ids'));
    }
  }

  // A lone string is not a list: say what is expected instead of crashing on it.
  const regions = listOrProblem(problems, 'allowedRegions', props.allowedRegions, 'a list of AWS region names', 'wrap the region in a list, e.g. ["eu-west-1"]');
  if (regions) {
    if (regions.length === 0) problems.add('allowedRegions', props.allowedRegions, 'at least one AWS region', 'list the regions workloads may call, e.g. ["eu-west-1"]');
    regions.forEach((r, i) => problems.check(REGION.test(r), `allowedRegions[${i}]`, r, 'an AWS region name like "eu-west-1"', 'fix the region name'));
    // With no allowed region, the list is the problem; the region is checked once there is one.
    if (regions.length > 0) problems.check(regions.includes(props.region), 'region', props.region, `one of allowedRegions ${JSON.stringify(regions)}`, 'deploy to an allowed region, or add it to allowedRegions with the approver\'s agreement');
  }

  const models = listOrProblem(problems, 'allowedModels', props.allowedModels, 'a list of Bedrock model ids', 'wrap the model id in a list, e.g. ["anthropic.claude-3-haiku-20240307-v1:0"]');
  if (models) {
    if (models.length === 0) problems.add('allowedModels', props.allowedModels, 'at least one Bedrock model id', 'list the models workloads may use, e.g. ["anthropic.claude-3-haiku-20240307-v1:0"]');
    models.forEach((m, i) => problems.check(isModelId(m), `allowedModels[${i}]`, m, 'a Bedrock model id like "anthropic.claude-3-haiku-20240307-v1:0"', 'use the model id from the Bedrock console'));
  }

  // The tier is a choice, never a guess from the name; the old boolean is refused with the fix.
  const legacy = (props as { production?: unknown }).production;
  if (legacy !== undefined) problems.add('production', legacy, "nothing: replaced by tier", `remove production and set tier: ${legacy === true ? "'production'" : "'production' or 'non-production'"}`);
  checkTier(problems, 'tier', props.tier, props.name);
  const production = props.tier === 'production';
  const floor = TIER_CONTROLS[production ? 'production' : 'non-production'].logRetentionFloorDays;
  if (props.logRetentionDays !== undefined) {
    const r = props.logRetentionDays;
    problems.check(r >= floor, 'logRetentionDays', r, `at least ${floor} days in ${production ? 'production' : 'this environment'}`, `set logRetentionDays to ${floor} or more, or leave it out for the default`);
    problems.check((LOG_RETENTION_VALUES as readonly number[]).includes(r), 'logRetentionDays', r, `one of CloudWatch's retention values ${LOG_RETENTION_VALUES.filter((v) => v >= floor).join(', ')}`, 'pick the next allowed value');
  }
  if (props.secretRotationDays !== undefined) {
    const d = props.secretRotationDays;
    problems.check(Number.isInteger(d) && d >= 1 && d <= MAX_ROTATION_DAYS, 'secretRotationDays', d, `a whole number of days from 1 to ${MAX_ROTATION_DAYS}`, `rotate at least every ${MAX_ROTATION_DAYS} days; the default is ${DEFAULT_ROTATION_DAYS}`);
  }
  if (props.gatewayThrottle !== undefined) checkThrottle(problems, 'gatewayThrottle', props.gatewayThrottle, 'for the whole stage');
  checkEnvironmentTenants(problems, 'tenants', props.tenants);
  checkImageSources(problems, 'imageSources', props.imageSources);
  checkPlatformDecisions(problems, props);
  for (const p of raisedQuotasProblems(props.serviceQuotas)) problems.add(p.prop, p.value, p.allowed, p.fix);
  const k = props.kubernetes;
  if (k) {
    problems.check(typeof k.clusterName === 'string' && /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(k.clusterName), 'kubernetes.clusterName', k.clusterName, 'an EKS cluster name', 'pass the existing cluster name');
    problems.check(isSlug(k.gatewayNamespace), 'kubernetes.gatewayNamespace', k.gatewayNamespace, 'a Kubernetes namespace name', 'pass the namespace the in-cluster gateway runs in');
    problems.check(!!k.gatewayPodLabels && Object.keys(k.gatewayPodLabels).length > 0, 'kubernetes.gatewayPodLabels', k.gatewayPodLabels, 'at least one label', 'pass the labels that select the gateway pods, e.g. { app: "ai-gateway" }');
    // Every workload's network policy selects the gateway with these: Kubernetes would reject them at apply.
    for (const [key, value] of Object.entries(k.gatewayPodLabels ?? {})) {
      problems.check(isLabelKey(key), `kubernetes.gatewayPodLabels["${key}"]`, key, 'a Kubernetes label key ([prefix/]name, name at most 63 alphanumerics, "-", "_" or ".")', 'use the label key the gateway pods carry, e.g. "app.kubernetes.io/name"');
      problems.check(isLabelValue(value), `kubernetes.gatewayPodLabels["${key}"]`, value, 'a Kubernetes label value (at most 63 alphanumerics, "-", "_" or ".")', 'use the label value the gateway pods carry, e.g. "ai-gateway"');
    }
    problems.check(typeof k.gatewayVpcLinkId === 'string' && k.gatewayVpcLinkId.length > 0, 'kubernetes.gatewayVpcLinkId', k.gatewayVpcLinkId, 'an API Gateway VPC link id', 'pass the VPC link to the NLB in front of the in-cluster gateway');
    // It becomes the host of an http:// integration URI: a scheme, port or path here would make a broken URI.
    problems.check(isDnsName(k.gatewayNlbDnsName), 'kubernetes.gatewayNlbDnsName', k.gatewayNlbDnsName, 'a DNS host name (labels of letters, digits and inner dashes, at most 253 characters; no scheme, port or path)', dnsNameHint(k.gatewayNlbDnsName));
  }
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:(iam::\d{12}:(role|user)\/[\w+=,.@/-]+|sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+)$/;
const VPCE_ID = /^vpce-[0-9a-f]{8,17}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
/** `arn:<partition>:<service>:<region>:<account>:<resource>` with a wildcard, if any, only in the resource part. */
function isNamedArnPattern(value: unknown, service: string): boolean {
  if (typeof value !== 'string') return false;
  const m = new RegExp(`^arn:aws[a-z-]*:${service}:([a-z0-9-]*):(\\d{12}):(.+)$`).exec(value);
  if (!m || m[1].includes('*')) return false;
  // `secret:ticketing/*`, `function:runbook-*`, `key/<id>`: a resource type, then a name that starts with a literal.
  const typed = /^([a-z-]+)[:/](.+)$/.exec(m[3]);
  return !!typed && !/^[*?]/.test(typed[2]);
}

/** The platform's decisions: account settings, deployers, approvers, quota tiers, tool targets, endpoints. */
function checkPlatformDecisions(problems: ProblemCollector, props: GovernedEnvironmentProps): void {
  const legacy = (props as { manageApiGatewayAccount?: unknown }).manageApiGatewayAccount;
  if (legacy !== undefined) {
    problems.add('manageApiGatewayAccount', legacy, 'nothing: the prop was replaced by accountSettings', "use accountSettings: 'owned-here' in the one environment of the account and Region that owns them, 'owned-elsewhere' in the others");
  }
  problems.check(props.accountSettings === undefined || props.accountSettings === 'owned-here' || props.accountSettings === 'owned-elsewhere', 'accountSettings', props.accountSettings, '"owned-here" or "owned-elsewhere"', 'let one environment per account and Region own the account settings');
  problems.check(props.accountId === undefined || (typeof props.accountId === 'string' && /^\d{12}$/.test(props.accountId)), 'accountId', props.accountId, 'a 12-digit AWS account id', 'pass the account id the environment deploys to, or leave it out');

  const deployers = listOrProblem(problems, 'deployerRoleArns', props.deployerRoleArns, 'a list of IAM role ARNs', 'wrap the role ARN in a list');
  if (deployers) {
    if (deployers.length === 0) problems.add('deployerRoleArns', props.deployerRoleArns, 'at least one IAM role ARN (the roles that run Terraform for this environment)', 'name the CI role that applies the platform stack, e.g. "arn:aws:iam::123456789012:role/platform-ci"');
    deployers.forEach((d, i) => problems.check(ROLE_ARN.test(d), `deployerRoleArns[${i}]`, d, 'an IAM role ARN like "arn:aws:iam::123456789012:role/platform-ci"', 'use the role ARN, not a user or an assumed-role session'));
  }

  if (props.approvers !== undefined) {
    if (!Array.isArray(props.approvers)) {
      problems.add('approvers', props.approvers, 'a list of { email, principalArn }', 'wrap the approver in a list');
    } else {
      const seen = new Map<string, number>();
      props.approvers.forEach((a, i) => {
        problems.check(isEmail(a?.email), `approvers[${i}].email`, a?.email, 'an e-mail address', 'name the approver by e-mail, as tool grants do');
        problems.check(typeof a?.principalArn === 'string' && PRINCIPAL_ARN.test(a.principalArn), `approvers[${i}].principalArn`, a?.principalArn, 'an IAM role or user ARN only this approver can act as', "use the approver's own IAM Identity Center role or approval tooling role");
        if (typeof a?.email === 'string') {
          const key = a.email.toLowerCase();
          if (seen.has(key)) problems.add(`approvers[${i}].email`, a.email, `each approver once (also approvers[${seen.get(key)}], e-mails compare without case)`, 'remove the duplicate');
          else seen.set(key, i);
        }
      });
    }
  }

  if (props.quotaTiers !== undefined) {
    const tiers = props.quotaTiers;
    if (!tiers || typeof tiers !== 'object' || Array.isArray(tiers) || Object.keys(tiers).length === 0) {
      problems.add('quotaTiers', tiers, 'an object of at least one tier: { <tier>: { ratePerSecond, burst, monthlyRequests } }', `define the tiers workloads may choose, e.g. ${JSON.stringify(DEFAULT_QUOTA_TIERS)}`);
    } else {
      const names = Object.keys(tiers);
      problems.check(names.length <= MAX_QUOTA_TIERS, 'quotaTiers', names, `at most ${MAX_QUOTA_TIERS} tiers (each is a usage plan, 300 per account and Region)`, 'merge tiers');
      for (const [tier, q] of Object.entries(tiers)) {
        problems.check(isSlug(tier, 32), `quotaTiers["${tier}"]`, tier, 'a lowercase slug of at most 32 characters', 'name the tier like "standard" or "batch"');
        checkQuotas(problems, `quotaTiers["${tier}"]`, q);
      }
    }
  }

  const targets = props.allowedToolTargets;
  if (targets !== undefined) {
    const lists: Array<[keyof NonNullable<typeof targets>, string, string]> = [
      ['credentialSecrets', 'secretsmanager', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ticketing/*'],
      ['credentialKeys', 'kms', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
      ['functions', 'lambda', 'arn:aws:lambda:eu-west-1:123456789012:function:runbook-*'],
    ];
    for (const [key, service, example] of lists) {
      const list = listOrProblem(problems, `allowedToolTargets.${key}`, targets[key], `a list of ${service} ARN patterns`, 'wrap the pattern in a list');
      list?.forEach((v, i) => problems.check(isNamedArnPattern(v, service), `allowedToolTargets.${key}[${i}]`, v, `a ${service} ARN with region and account spelled out and a wildcard, if any, only after a name prefix (e.g. "${example}")`, 'name the prefix the tool owners use; a pattern for every resource of a type or account is a wildcard grant'));
    }
  }

  const endpoints = props.network?.interfaceEndpoints;
  if (endpoints !== undefined && endpoints !== 'create') {
    if (!endpoints || typeof endpoints !== 'object') {
      problems.add('network.interfaceEndpoints', endpoints, "'create' or { executeApiEndpointId, endpointIps }", 'create the endpoints, or name the VPC\'s existing ones');
    } else {
      problems.check(typeof endpoints.executeApiEndpointId === 'string' && VPCE_ID.test(endpoints.executeApiEndpointId), 'network.interfaceEndpoints.executeApiEndpointId', endpoints.executeApiEndpointId, 'a VPC endpoint id like "vpce-0abc1234"', 'name the execute-api endpoint the VPC already has');
      const ips = endpoints.endpointIps;
      if (props.kubernetes && (!Array.isArray(ips) || ips.length === 0)) {
        problems.add('network.interfaceEndpoints.endpointIps', ips, 'the private IPv4 addresses of the existing endpoints (Kubernetes egress on 443 goes to these only)', 'list the endpoints\' network interface addresses, e.g. from `aws ec2 describe-network-interfaces --filters Name=vpc-endpoint-id,Values=<id>`');
      }
      (Array.isArray(ips) ? ips : []).forEach((ip, i) => problems.check(IPV4.test(ip), `network.interfaceEndpoints.endpointIps[${i}]`, ip, 'an IPv4 address', 'fix the address'));
    }
  }
}

/** The list a prop holds (empty when missing), or undefined after recording that it is not a list. */
function listOrProblem(problems: ProblemCollector, prop: string, value: unknown, allowed: string, fix: string): readonly string[] | undefined {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value) || isUnresolved(value)) return value as string[];
  problems.add(prop, value, allowed, fix);
  return undefined;
}
