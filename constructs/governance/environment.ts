import type { IConstruct } from 'constructs';
import type { Accountability } from './accountability';
import type { Quotas } from './quota-tiers';
import type { EnvironmentTier } from './tier';

/**
 * What a workload needs to know about its environment. `GovernedEnvironment` implements it from
 * the resources it creates; `GovernedEnvironment.fromContract` implements it from the contract a
 * platform stack published, so a product stack in another repository needs no platform code.
 * It lives in the governance layer so primitives can depend on it without depending on the platform.
 */
export interface IGovernedEnvironment extends IConstruct {
  readonly name: string;
  readonly isProduction: boolean;
  /**
   * The production tier the platform team chose (tier.ts). `isProduction` is `tier === 'production'`.
   * @default - not published (an environment read from a contract that predates tiers)
   */
  readonly tier?: EnvironmentTier;
  /**
   * Tenants the environment may serve (tenants.ts): a literal list for a `GovernedEnvironment`
   * (empty when it serves none), a Terraform list for a contract (checked at plan).
   * @default - not published: workloads' tenants are checked for shape only
   */
  readonly tenants?: readonly string[];
  /**
   * Allowed image sources as patterns (image-sources.ts): literal for a `GovernedEnvironment`,
   * a Terraform list for a contract (checked at plan).
   * @default - not published: images are checked for a digest only
   */
  readonly imageSourcePatterns?: readonly string[];
  readonly region: string;
  readonly accountId: string;
  readonly accountability: Accountability;
  /** Customer managed key that encrypts everything in the environment. */
  readonly kmsKeyArn: string;
  /** The boundary every workload identity (pod, SageMaker endpoint, Bedrock agent runtime) carries. */
  readonly permissionBoundaryArn: string;
  /** The boundary every integration identity carries: what the gateway may ever do for a workload. */
  readonly integrationBoundaryArn: string;
  /**
   * What agents' tools may use, as ARN patterns the platform allows: tool-side credential secrets
   * (and the keys encrypting them) and Lambda tool functions. A tool outside them fails synth.
   */
  readonly allowedToolTargets: {
    readonly credentialSecrets: readonly string[];
    readonly credentialKeys: readonly string[];
    readonly functions: readonly string[];
  };
  /**
   * Prefix of every IAM name of the environment, `<env>-<region code>-` (IAM names are
   * account-wide across Regions). A literal for a GovernedEnvironment and a pinned contract (names
   * are then checked against AWS limits at synth); a Terraform value for a live contract.
   */
  readonly iamNamePrefix: string;
  /** IAM path of workload identities (the roles that call the gateway): `/governed/<env>/`. */
  readonly rolePath: string;
  /** IAM path of integration identities (what the gateway function acts with): `/governed/<env>/integration/`. */
  readonly integrationRolePath: string;
  readonly logRetentionDays: number;
  readonly secretRotationDays: number;
  /** Secrets Manager recovery window: long in prod, short but never zero elsewhere. */
  readonly secretRecoveryDays: number;
  /**
   * Allowed Bedrock model ids. Known at synth for a `GovernedEnvironment` and a pinned contract;
   * for an unpinned contract it is a token list, checked by a Terraform precondition at plan
   * ({@link allowedModelsKnown}).
   */
  readonly allowedModels: readonly string[];
  readonly allowedModelsKnown: boolean;
  /** Regions workloads may call (the permission boundary denies every other); a workload stack deploys to one of them. */
  readonly allowedRegions: readonly string[];
  readonly guardrail: { readonly arn: string; readonly id: string; readonly version: string };
  /** Name of the audit archive bucket (object-locked, SSE-KMS): where captured model data lands. */
  readonly auditArchiveBucket: string;
  readonly rotationFunctionArn: string;
  /** The rotation function's role: the only principal that writes governed secrets' values. */
  readonly rotationRoleArn: string;
  /**
   * Roles that deploy this environment's stacks (CI roles, team deployment roles): they may manage
   * governed secrets and use the key through AWS services at deploy time; workloads may not.
   */
  readonly deployerRoleArns: readonly string[];
  /** CloudWatch log group that receives the account's Bedrock model invocation logs (prompts and answers). */
  readonly invocationLogGroupName: string;
  readonly network: {
    readonly vpcId: string;
    readonly vpcCidr: string;
    readonly subnetIds: string[];
    /** Private IPv4 addresses of the interface endpoints: Kubernetes egress on 443 goes to these only. */
    readonly endpointIps: string[];
  };
  readonly vpcEndpoints: {
    readonly executeApi: string;
  };
  readonly gateway: IGatewayContract;
  /** Quota tiers a workload may choose (`quotaTier`), each a usage plan of the gateway. */
  readonly quotaTiers: Readonly<Record<string, Quotas>>;
  /** The Verified Permissions policy store agents' Cedar policies go into. */
  readonly agentPolicyStore: { readonly policyStoreId: string; readonly arn: string };
  /** Registered approvers of sensitive tool actions: e-mail (lower case) → ARN of the approver's signing key. */
  readonly approvers: Readonly<Record<string, string>>;
  readonly kubernetes?: KubernetesRuntime;
}

/** The environment's gateway, as a workload sees it. Routes are fixed and owned by the platform. */
export interface IGatewayContract {
  readonly restApiId: string;
  /** `arn:aws:execute-api:<region>:<account>:<api-id>`. */
  readonly executionArn: string;
  /** The one stage every route is served on. */
  readonly stageName: string;
  /** `https://<api-id>.execute-api.<region>.amazonaws.com/<stage>`. */
  readonly invokeUrl: string;
  /** The gateway function's role: the only principal an integration identity trusts. */
  readonly functionRoleArn: string;
  /** Usage plan id per quota tier: the rotation function puts each caller's key on its tier's plan. */
  readonly usagePlanIds: Readonly<Record<string, string>>;
  readonly accessLogGroupArn: string;
  /** SSM path under which workloads publish their route entries: `/governance/<env>/routes/`. */
  readonly routeParameterPrefix: string;
  /** SSM path under which agents publish their entries: `/governance/<env>/agents/`. */
  readonly agentParameterPrefix: string;
}

/** The platform's Kubernetes runtime: an EKS cluster with an in-cluster AI gateway. */
export interface KubernetesRuntime {
  readonly clusterName: string;
  /** Namespace the in-cluster gateway runs in. */
  readonly gatewayNamespace: string;
  /** Pod labels of the in-cluster gateway: the only pods a served workload hears from. */
  readonly gatewayPodLabels: Readonly<Record<string, string>>;
  /** API Gateway VPC link to the NLB in front of the in-cluster gateway. */
  readonly gatewayVpcLinkId: string;
  /** DNS name of that NLB: the in-cluster gateway serves a TLS certificate valid for it. */
  readonly gatewayNlbDnsName: string;
}

/** Something that can hold permissions: a workload identity. */
export interface IGrantee {
  readonly roleArn: string;
  readonly roleName: string;
  /** Adds statements to the grantee's policy for one concern (`model-access`, `tool-access`, ...). */
  addToPolicy(concern: string, statements: readonly import('./policy-document').PolicyStatement[]): void;
}

/**
 * A workload that calls the gateway: its own API key (a rotated secret on its tier's usage plan)
 * comes into being when it is first granted a route.
 */
export interface IGatewayCaller extends IGrantee {
  /** Creates the caller's gateway API key on first call; returns its secret's ARN. */
  ensureGatewayKey(): string;
}

export function isGatewayCaller(grantee: IGrantee): grantee is IGatewayCaller {
  return typeof (grantee as Partial<IGatewayCaller>).ensureGatewayKey === 'function';
}
