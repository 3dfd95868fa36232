import type { IConstruct } from 'constructs';
import type { Accountability } from './accountability';
import type { EnvironmentTier } from './tier';

/**
 * What a workload needs to know about its environment. `GovernedEnvironment` implements it from
 * the resources it creates; `GovernedEnvironment.fromContract` implements it from the SSM contract
 * a platform stack published, so a product stack in another repository needs no platform code.
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
  readonly permissionBoundaryArn: string;
  /** IAM path every governed role in the environment lives under: `/governed/<env>/`. */
  readonly rolePath: string;
  readonly logRetentionDays: number;
  readonly secretRotationDays: number;
  /** Secrets Manager recovery window: long in prod, short but never zero elsewhere. */
  readonly secretRecoveryDays: number;
  /**
   * Allowed Bedrock model ids. Known at synth for a `GovernedEnvironment`; for a contract it is a
   * token list, checked by a Terraform precondition at plan instead ({@link allowedModelsKnown}).
   */
  readonly allowedModels: readonly string[];
  readonly allowedModelsKnown: boolean;
  readonly guardrail: { readonly arn: string; readonly id: string; readonly version: string };
  /** Name of the audit archive bucket (object-locked, SSE-KMS): where captured model data lands. */
  readonly auditArchiveBucket: string;
  readonly rotationFunctionArn: string;
  readonly network: {
    readonly vpcId: string;
    readonly vpcCidr: string;
    readonly subnetIds: string[];
  };
  readonly vpcEndpoints: {
    readonly executeApi: string;
    readonly bedrockRuntime: string;
    readonly sagemakerRuntime: string;
    readonly secretsManager: string;
  };
  readonly gateway: {
    readonly restApiId: string;
    /** `/workloads`: each inference service hangs its route here. */
    readonly workloadsResourceId: string;
    /** `/agents`: each agent hangs its tool routes here. */
    readonly agentsResourceId: string;
    /** `arn:aws:execute-api:<region>:<account>:<api-id>`. */
    readonly executionArn: string;
    readonly accessLogGroupArn: string;
  };
  readonly kubernetes?: KubernetesRuntime;
}

/** The platform's Kubernetes runtime: an EKS cluster with an in-cluster AI gateway. */
export interface KubernetesRuntime {
  readonly clusterName: string;
  /** Namespace the in-cluster gateway runs in. */
  readonly gatewayNamespace: string;
  /** Pod labels of the in-cluster gateway: the only pods workloads talk to, and hear from. */
  readonly gatewayPodLabels: Readonly<Record<string, string>>;
  /** API Gateway VPC link to the NLB in front of the in-cluster gateway. */
  readonly gatewayVpcLinkId: string;
  /** DNS name of that NLB. */
  readonly gatewayNlbDnsName: string;
}

/** Something that can hold permissions: a workload identity. */
export interface IGrantee {
  readonly roleArn: string;
  readonly roleName: string;
  /** Adds statements to the grantee's policy for one concern (`model-access`, `tool-access`, ...). */
  addToPolicy(concern: string, statements: readonly import('./policy-document').PolicyStatement[]): void;
}
