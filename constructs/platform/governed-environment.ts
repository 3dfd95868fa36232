import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { normalizeAccountability, type WorkloadAccountability } from '../governance/accountability';
import { eksClusterArn } from '../governance/arns';
import { today } from '../governance/clock';
import type { IGovernedEnvironment, KubernetesRuntime } from '../governance/environment';
import { ProblemCollector } from '../governance/errors';
import { governanceTags, PLATFORM_WORKLOAD } from '../governance/governance-tags';
import { imageSourcePatternsOf } from '../governance/image-sources';
import { platformRolePath } from '../governance/rotation';
import { TIER_CONTROLS, type EnvironmentTier } from '../governance/tier';
import { Guardrail } from '../primitives/guardrail';
import { AuditSink } from './audit-sink';
import { ContractEnvironment, publishContract, type ContractOptions } from './environment-contract';
import { EnvironmentKey } from './environment-key';
import { checkEnvironmentProps, DEFAULT_ROTATION_DAYS, type GovernedEnvironmentProps } from './environment-props';
import { Gateway } from './gateway';
import { InterfaceEndpoints } from './interface-endpoints';
import { InvocationLogging } from './invocation-logging';
import { PermissionBoundary } from './permission-boundary';
import { RotationFunction } from './rotation-function';

/** Data classification of the environment's shared pieces: audit logs hold prompts and answers. */
const PLATFORM_CLASSIFICATION = 'confidential';

/**
 * One governed environment (dev, staging, prod): the shared pieces every workload in it uses,
 * created once. A customer managed key; the audit sink and Bedrock invocation logging; interface
 * endpoints with their policies; the permission boundary; the private gateway; the baseline
 * guardrail; the secret rotation function; and the published contract that product stacks in
 * other repositories read with {@link GovernedEnvironment.fromContract}.
 */
export class GovernedEnvironment extends Construct implements IGovernedEnvironment {
  /** Reads an environment another stack published, without the platform code. */
  static fromContract(scope: Construct, id: string, envName: string, options?: ContractOptions): IGovernedEnvironment {
    return new ContractEnvironment(scope, id, envName, options);
  }

  /** The governance tags of the environment's shared pieces, for the stack's provider default tags. */
  static defaultTags(props: Pick<GovernedEnvironmentProps, 'name' | 'owner'>): Record<string, string> {
    return governanceTags({
      environment: props.name,
      workload: PLATFORM_WORKLOAD,
      accountability: props.owner,
      dataClassification: PLATFORM_CLASSIFICATION,
      reviewBy: props.owner.reviewBy,
    });
  }

  public readonly name: string;
  public readonly isProduction: boolean;
  public readonly tier: EnvironmentTier;
  public readonly tenants: readonly string[];
  public readonly imageSourcePatterns: readonly string[];
  public readonly region: string;
  public readonly accountId: string;
  public readonly accountability: WorkloadAccountability;
  public readonly kmsKeyArn: string;
  public readonly permissionBoundaryArn: string;
  public readonly rolePath: string;
  public readonly logRetentionDays: number;
  public readonly secretRotationDays: number;
  public readonly secretRecoveryDays: number;
  public readonly allowedModels: readonly string[];
  public readonly allowedModelsKnown = true;
  public readonly allowedRegions: readonly string[];
  public readonly guardrail: IGovernedEnvironment['guardrail'];
  public readonly auditArchiveBucket: string;
  public readonly rotationFunctionArn: string;
  public readonly network: IGovernedEnvironment['network'];
  public readonly vpcEndpoints: IGovernedEnvironment['vpcEndpoints'];
  public readonly gateway: IGovernedEnvironment['gateway'];
  public readonly kubernetes?: KubernetesRuntime;
  /** The shared pieces, for users who extend the environment. */
  public readonly key: EnvironmentKey;
  public readonly auditSink: AuditSink;
  public readonly endpoints: InterfaceEndpoints;
  public readonly boundary: PermissionBoundary;
  public readonly gatewayApi: Gateway;
  public readonly baselineGuardrail: Guardrail;
  public readonly tags: Record<string, string>;

  constructor(scope: Construct, id: string, props: GovernedEnvironmentProps) {
    super(scope, id);
    const problems = new ProblemCollector(this.node.path);
    checkEnvironmentProps(problems, props, today(this));
    problems.throwIfAny();

    this.name = props.name;
    // Tier, tenants and image sources: the platform team's decisions (tier.ts, tenants.ts, image-sources.ts).
    this.tier = props.tier;
    this.isProduction = props.tier === 'production';
    const controls = TIER_CONTROLS[props.tier];
    this.tenants = [...(props.tenants ?? [])];
    this.imageSourcePatterns = imageSourcePatternsOf(props.imageSources ?? []);
    this.region = props.region;
    this.accountability = normalizeAccountability(props.owner);
    this.allowedModels = [...props.allowedModels];
    this.allowedRegions = [...props.allowedRegions];
    this.logRetentionDays = props.logRetentionDays ?? controls.logRetentionFloorDays;
    this.secretRotationDays = props.secretRotationDays ?? DEFAULT_ROTATION_DAYS;
    this.secretRecoveryDays = controls.secretRecoveryDays;
    this.rolePath = `/governed/${props.name}/`;
    const platformPath = platformRolePath(props.name);
    const tags = GovernedEnvironment.defaultTags(props);
    this.tags = tags;

    const identity = new DataAwsCallerIdentity(this, 'account');
    this.accountId = identity.accountId;
    const vpc = new DataAwsVpc(this, 'vpc', { id: props.network.vpcId });
    this.network = { vpcId: props.network.vpcId, vpcCidr: vpc.cidrBlock, subnetIds: props.network.privateSubnetIds };
    const common = { envName: props.name, region: props.region, accountId: this.accountId, tags };

    this.key = new EnvironmentKey(this, 'key', {
      ...common,
      rolePath: this.rolePath,
      platformRolePath: platformPath,
      deletionWindowDays: controls.keyDeletionWindowDays,
      preventDestroy: controls.preventDestroy,
    });
    this.kmsKeyArn = this.key.arn;

    this.auditSink = new AuditSink(this, 'audit', {
      ...common,
      kmsKeyArn: this.kmsKeyArn,
      retentionDays: this.logRetentionDays,
      objectLockMode: controls.auditObjectLockMode,
      preventDestroy: controls.preventDestroy,
    });
    this.auditArchiveBucket = this.auditSink.archive.bucket;
    new InvocationLogging(this, 'invocation-logging', { ...common, rolePath: platformPath, sink: this.auditSink });

    const clusterArn = props.kubernetes ? eksClusterArn(props.region, this.accountId, props.kubernetes.clusterName) : undefined;
    this.endpoints = new InterfaceEndpoints(this, 'endpoints', {
      ...common,
      vpcId: props.network.vpcId,
      vpcCidr: vpc.cidrBlock,
      subnetIds: props.network.privateSubnetIds,
      rolePath: this.rolePath,
      allowedModels: this.allowedModels,
      eksClusterArn: clusterArn,
    });
    const endpoint = (service: string) => this.endpoints.endpoints[service].id;
    this.vpcEndpoints = {
      executeApi: endpoint('execute-api'),
      bedrockRuntime: endpoint('bedrock-runtime'),
      sagemakerRuntime: endpoint('sagemaker.runtime'),
      secretsManager: endpoint('secretsmanager'),
    };

    this.gatewayApi = new Gateway(this, 'gateway', {
      ...common,
      executeApiEndpointId: this.vpcEndpoints.executeApi,
      rolePath: this.rolePath,
      platformRolePath: platformPath,
      accessLogGroupArn: this.auditSink.gatewayAccessLogs.arn,
      throttle: props.gatewayThrottle ?? { ratePerSecond: 50, burst: 100 },
      manageAccountSettings: props.manageApiGatewayAccount ?? true,
    });
    this.endpoints.restrictExecuteApi(this.gatewayApi.api.executionArn);
    this.gateway = {
      restApiId: this.gatewayApi.api.id,
      workloadsResourceId: this.gatewayApi.workloadsResource.id,
      agentsResourceId: this.gatewayApi.agentsResource.id,
      executionArn: this.gatewayApi.api.executionArn,
      accessLogGroupArn: this.auditSink.gatewayAccessLogs.arn,
    };

    this.boundary = new PermissionBoundary(this, 'boundary', {
      ...common,
      allowedRegions: this.allowedRegions,
      allowedModels: this.allowedModels,
      kmsKeyArn: this.kmsKeyArn,
      gatewayExecutionArn: this.gateway.executionArn,
      auditArchiveBucket: this.auditArchiveBucket,
      rolePath: this.rolePath,
      imageSourcePatterns: this.imageSourcePatterns,
    });
    this.permissionBoundaryArn = this.boundary.arn;

    this.baselineGuardrail = new Guardrail(this, 'guardrail', { name: `governed-${props.name}-baseline`, kmsKeyArn: this.kmsKeyArn, tags });
    this.guardrail = { arn: this.baselineGuardrail.arn, id: this.baselineGuardrail.id, version: this.baselineGuardrail.version.version };

    const rotation = new RotationFunction(this, 'rotation', {
      ...common,
      kmsKeyArn: this.kmsKeyArn,
      platformRolePath: platformPath,
      logRetentionDays: this.logRetentionDays,
    });
    this.rotationFunctionArn = rotation.arn;

    this.kubernetes = props.kubernetes ? { ...props.kubernetes } : undefined;
    publishContract(this, 'contract', this, tags);
  }
}
