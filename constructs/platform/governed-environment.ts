import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { normalizeAccountability, type WorkloadAccountability } from '../governance/accountability';
import { today } from '../governance/clock';
import type { IGatewayContract, IGovernedEnvironment, KubernetesRuntime } from '../governance/environment';
import { ProblemCollector } from '../governance/errors';
import { governanceTags, PLATFORM_WORKLOAD } from '../governance/governance-tags';
import { agentParameterPrefix as agentPrefix, GATEWAY_STAGE, routeParameterPrefix as routePrefix } from '../governance/gateway-routes';
import { imageSourcePatternsOf } from '../governance/image-sources';
import { iamNamePrefix } from '../governance/names';
import { DEFAULT_QUOTA_TIERS, type Quotas } from '../governance/quota-tiers';
import { platformRolePath } from '../governance/rotation';
import { TIER_CONTROLS, type EnvironmentTier } from '../governance/tier';
import { Guardrail } from '../primitives/guardrail';
import { AccountSettings, claimAccountSettings } from './account-settings';
import { AgentPolicyStore } from './agent-policy-store';
import { ApproverKeys } from './approver-keys';
import { AuditSink } from './audit-sink';
import { DeploymentRoles } from './deployment-roles';
import { ContractEnvironment, contractParameterName, publishContract, type ContractOptions } from './environment-contract';
import { ensureGoverned } from '../policy-engine/ensure-governed';
import { EnvironmentKey } from './environment-key';
import { checkEnvironmentProps, DEFAULT_ROTATION_DAYS, type GovernedEnvironmentProps } from './environment-props';
import { Gateway } from './gateway';
import { GatewayFunction, gatewayFunctionRoleArn } from './gateway-function';
import { IntegrationBoundary } from './integration-boundary';
import { claimVpcEndpoints, InterfaceEndpoints } from './interface-endpoints';
import { revokedWorkloadsStatement } from './platform-revocations';
import { PermissionBoundary } from './permission-boundary';
import { PlatformBoundary } from './platform-boundary';
import { RotationFunction } from './rotation-function';

/** Data classification of the environment's shared pieces: audit logs hold prompts and answers. */
const PLATFORM_CLASSIFICATION = 'confidential';

/**
 * One governed environment (dev, staging, prod): the shared pieces every workload in it uses,
 * created once. A customer managed key; the audit sink; interface endpoints with neighbour-safe
 * policies (or the VPC's existing ones); the workload, integration and platform boundaries; the
 * private gateway with its fixed routes, its gateway function and quota tiers; the agent policy
 * store; approver signing keys; the baseline guardrail; the secret rotation function; optionally
 * the account's settings (invocation logging, API Gateway logging role); and the published
 * contract that product stacks in other repositories read with {@link GovernedEnvironment.fromContract}.
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
  public readonly allowedRegions: readonly string[];
  public readonly kmsKeyArn: string;
  public readonly permissionBoundaryArn: string;
  public readonly integrationBoundaryArn: string;
  public readonly allowedToolTargets: IGovernedEnvironment['allowedToolTargets'];
  public readonly iamNamePrefix: string;
  public readonly rolePath: string;
  public readonly integrationRolePath: string;
  public readonly logRetentionDays: number;
  public readonly secretRotationDays: number;
  public readonly secretRecoveryDays: number;
  public readonly allowedModels: readonly string[];
  public readonly allowedModelsKnown = true;
  public readonly guardrail: IGovernedEnvironment['guardrail'];
  public readonly auditArchiveBucket: string;
  public readonly rotationFunctionArn: string;
  public readonly rotationRoleArn: string;
  public readonly deployerRoleArns: readonly string[];
  public readonly deploymentRoleArns?: Readonly<Record<string, string>>;
  /** Product teams' deployment roles, when `deploymentTeams` is given (issue 15). */
  public readonly deploymentRoles?: DeploymentRoles;
  public readonly network: IGovernedEnvironment['network'];
  public readonly vpcEndpoints: IGovernedEnvironment['vpcEndpoints'];
  public readonly gateway: IGatewayContract;
  public readonly quotaTiers: Readonly<Record<string, Quotas>>;
  public readonly agentPolicyStore: IGovernedEnvironment['agentPolicyStore'];
  public readonly approvers: Readonly<Record<string, string>>;
  public readonly kubernetes?: KubernetesRuntime;
  public readonly serviceQuotas?: Readonly<Record<string, number>>;
  /** The shared pieces, for users who extend the environment. */
  public readonly key: EnvironmentKey;
  public readonly auditSink: AuditSink;
  /** Created endpoints; undefined when the VPC's existing ones are used. */
  public readonly endpoints?: InterfaceEndpoints;
  public readonly boundary: PermissionBoundary;
  public readonly gatewayApi: Gateway;
  public readonly gatewayFunction: GatewayFunction;
  public readonly baselineGuardrail: Guardrail;
  /** The account and Region's settings, when this environment owns them. */
  public readonly accountSettings?: AccountSettings;
  public readonly tags: Record<string, string>;
  get invocationLogGroupName(): string { return this.auditSink.invocationLogs.name; }

  constructor(scope: Construct, id: string, props: GovernedEnvironmentProps) {
    super(scope, id);
    ensureGoverned(this);
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
    this.iamNamePrefix = iamNamePrefix(props.name, props.region);
    this.rolePath = `/governed/${props.name}/`;
    this.integrationRolePath = `/governed/${props.name}/integration/`;
    this.quotaTiers = props.quotaTiers ?? DEFAULT_QUOTA_TIERS;
    this.allowedToolTargets = {
      credentialSecrets: [...(props.allowedToolTargets?.credentialSecrets ?? [])],
      credentialKeys: [...(props.allowedToolTargets?.credentialKeys ?? [])],
      functions: [...(props.allowedToolTargets?.functions ?? [])],
    };
    const platformPath = platformRolePath(props.name);
    const tags = GovernedEnvironment.defaultTags(props);
    this.tags = tags;

    // One owner per account-and-Region setting, one set of private-DNS endpoints per VPC.
    const ownsSettings = (props.accountSettings ?? 'owned-here') === 'owned-here';
    const creates = (props.network.interfaceEndpoints ?? 'create') === 'create';
    const singletons = new ProblemCollector(this.node.path);
    for (const conflict of claimAccountSettings(this, { accountId: props.accountId, region: props.region }, { path: this.node.path, environment: props.name, production: this.isProduction, owns: ownsSettings })) {
      singletons.add('accountSettings', props.accountSettings ?? 'owned-here', `one owner per account and Region, and a production owner when production shares it (${conflict})`, "set accountSettings: 'owned-here' on the production environment and 'owned-elsewhere' on the others (or declare accountId when they are different accounts)");
    }
    if (creates) {
      const earlier = claimVpcEndpoints(this, props.network.vpcId, this.node.path);
      if (earlier) singletons.add('network.interfaceEndpoints', 'create', `a VPC without private-DNS endpoints of another environment (VPC ${props.network.vpcId} gets them from '${earlier}'; AWS allows one per service with private DNS per VPC)`, `set network.interfaceEndpoints to { executeApiEndpointId, endpointIps } of '${earlier}''s endpoints, or give the environment its own VPC`);
    }
    singletons.throwIfAny();

    this.accountId = props.accountId ?? new DataAwsCallerIdentity(this, 'account').accountId;
    const vpc = new DataAwsVpc(this, 'vpc', { id: props.network.vpcId });
    const common = { envName: props.name, region: props.region, accountId: this.accountId, tags };

    // --- Deployment roles per product team (issue 15). They are deployers (published in the
    // contract's deployerRoleArns); the key names them by aws:PrincipalArn, so their boundary can
    // name the key, and their permissions are granted once every piece exists (below).
    if (props.deploymentTeams !== undefined) {
      this.deploymentRoles = new DeploymentRoles(this, 'deployment-roles', {
        envName: props.name, region: props.region, accountId: this.accountId, iamNamePrefix: this.iamNamePrefix, teams: props.deploymentTeams,
        stateBackend: props.stateBackend, kubernetesClusterName: props.kubernetes?.clusterName, tags,
      });
      this.deploymentRoleArns = this.deploymentRoles.roleArns;
    }
    const teamDeployers = props.deploymentTeams === undefined ? [] : this.deploymentRoles!.literalRoleArns;
    this.deployerRoleArns = [...props.deployerRoleArns, ...teamDeployers];

    this.key = new EnvironmentKey(this, 'key', {
      ...common,
      rolePath: this.rolePath,
      platformRolePath: platformPath,
      deployerRoleArns: props.deployerRoleArns,
      deploymentRoleArns: teamDeployers,
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

    // Before the platform boundary, which names them: the keys name the gateway function's role only
    // in a condition, so they need not wait for it.
    const approverKeys = new ApproverKeys(this, 'approvers', {
      envName: props.name,
      accountId: this.accountId,
      approvers: props.approvers ?? [],
      verifierRoleArn: gatewayFunctionRoleArn(this.accountId, platformPath, this.iamNamePrefix),
      deletionWindowDays: controls.keyDeletionWindowDays,
      preventDestroy: controls.preventDestroy,
      tags,
    });
    const platformBoundary = new PlatformBoundary(this, 'platform-boundary', {
      ...common,
      approverKeyArns: Object.values(approverKeys.keyArns),
      iamNamePrefix: this.iamNamePrefix,
      platformRolePath: platformPath,
      integrationRolePath: this.integrationRolePath,
      allowedRegions: this.allowedRegions,
      kmsKeyArn: this.kmsKeyArn,
    });
    if (ownsSettings) {
      this.accountSettings = new AccountSettings(this, 'account-settings', {
        ...common,
        iamNamePrefix: this.iamNamePrefix,
        platformRolePath: platformPath,
        permissionsBoundary: platformBoundary.arn,
        sink: this.auditSink,
      });
    }

    let executeApiEndpoint: string;
    let endpointIps: string[];
    if (creates) {
      this.endpoints = new InterfaceEndpoints(this, 'endpoints', {
        ...common,
        vpcId: props.network.vpcId,
        vpcCidr: vpc.cidrBlock,
        subnetIds: props.network.privateSubnetIds,
        rolePath: this.rolePath,
        allowedModels: this.allowedModels,
        kubernetes: !!props.kubernetes,
      });
      executeApiEndpoint = this.endpoints.endpoints['execute-api'].id;
      endpointIps = this.endpoints.endpointIps;
    } else {
      const existing = props.network.interfaceEndpoints as Exclude<typeof props.network.interfaceEndpoints, 'create' | undefined>;
      executeApiEndpoint = existing.executeApiEndpointId;
      endpointIps = [...(existing.endpointIps ?? [])];
    }
    this.network = { vpcId: props.network.vpcId, vpcCidr: vpc.cidrBlock, subnetIds: props.network.privateSubnetIds, endpointIps };
    this.vpcEndpoints = { executeApi: executeApiEndpoint };

    const policyStore = new AgentPolicyStore(this, 'agent-policy-store', { environmentName: props.name, tags });
    this.agentPolicyStore = { policyStoreId: policyStore.policyStoreId, arn: policyStore.arn };

    const routeParameterPrefix = routePrefix(props.name);
    const agentParameterPrefix = agentPrefix(props.name);
    this.gatewayFunction = new GatewayFunction(this, 'gateway-function', {
      ...common,
      iamNamePrefix: this.iamNamePrefix,
      platformRolePath: platformPath,
      integrationRolePath: this.integrationRolePath,
      permissionsBoundary: platformBoundary.arn,
      kmsKeyArn: this.kmsKeyArn,
      logRetentionDays: this.logRetentionDays,
      production: this.isProduction,
      routeParameterPrefix,
      agentParameterPrefix,
      policyStore: this.agentPolicyStore,
    });
    this.approvers = approverKeys.keyArns;
    this.gatewayFunction.useApproverKeys(approverKeys.keyArns);

    this.kubernetes = props.kubernetes ? { ...props.kubernetes } : undefined;
    this.gatewayApi = new Gateway(this, 'gateway', {
      ...common,
      executeApiEndpointId: executeApiEndpoint,
      rolePath: this.rolePath,
      integrationRolePath: this.integrationRolePath,
      accessLogGroupArn: this.auditSink.gatewayAccessLogs.arn,
      throttle: props.gatewayThrottle ?? { ratePerSecond: 50, burst: 100 },
      quotaTiers: this.quotaTiers,
      functionName: this.gatewayFunction.functionName,
      functionInvokeArn: this.gatewayFunction.function.invokeArn,
      kubernetes: this.kubernetes,
      stageDependsOn: this.accountSettings ? [this.accountSettings.apiGatewayAccount] : undefined,
    });
    this.endpoints?.restrictExecuteApi(this.gatewayApi.api.executionArn);
    this.gateway = {
      restApiId: this.gatewayApi.api.id,
      executionArn: this.gatewayApi.api.executionArn,
      stageName: GATEWAY_STAGE,
      invokeUrl: this.gatewayApi.invokeUrl,
      functionRoleArn: this.gatewayFunction.roleArn,
      usagePlanIds: this.gatewayApi.usagePlanIds,
      accessLogGroupArn: this.auditSink.gatewayAccessLogs.arn,
      routeParameterPrefix,
      agentParameterPrefix,
    };

    const revocations = revokedWorkloadsStatement(props.revokedWorkloads ?? [], {
      accountId: this.accountId,
      rolePath: this.rolePath,
      integrationRolePath: this.integrationRolePath,
      iamNamePrefix: this.iamNamePrefix,
    });
    this.boundary = new PermissionBoundary(this, 'boundary', {
      ...common,
      revocations,
      iamNamePrefix: this.iamNamePrefix,
      allowedRegions: this.allowedRegions,
      allowedModels: this.allowedModels,
      kmsKeyArn: this.kmsKeyArn,
      gatewayExecutionArn: this.gateway.executionArn,
      auditArchiveBucket: this.auditArchiveBucket,
      rolePath: this.rolePath,
      imageSourcePatterns: this.imageSourcePatterns,
    });
    this.permissionBoundaryArn = this.boundary.arn;
    this.integrationBoundaryArn = new IntegrationBoundary(this, 'integration-boundary', {
      ...common,
      revocations,
      iamNamePrefix: this.iamNamePrefix,
      integrationRolePath: this.integrationRolePath,
      allowedRegions: this.allowedRegions,
      allowedModels: this.allowedModels,
      toolCredentialSecrets: this.allowedToolTargets.credentialSecrets,
      toolCredentialKeys: this.allowedToolTargets.credentialKeys,
      toolFunctions: this.allowedToolTargets.functions,
      kmsKeyArn: this.kmsKeyArn,
    }).arn;

    this.baselineGuardrail = new Guardrail(this, 'guardrail', { name: `governed-${props.name}-baseline`, kmsKeyArn: this.kmsKeyArn, tags });
    this.guardrail = { arn: this.baselineGuardrail.arn, id: this.baselineGuardrail.id, version: this.baselineGuardrail.version.version };

    const rotation = new RotationFunction(this, 'rotation', {
      ...common,
      kmsKeyArn: this.kmsKeyArn,
      iamNamePrefix: this.iamNamePrefix,
      platformRolePath: platformPath,
      permissionsBoundary: platformBoundary.arn,
      logRetentionDays: this.logRetentionDays,
      usagePlanIds: this.gateway.usagePlanIds,
    });
    this.rotationFunctionArn = rotation.arn;
    this.rotationRoleArn = rotation.roleArn;

    this.serviceQuotas = { ...(props.serviceQuotas ?? {}) } as Record<string, number>;
    // --- Deployment roles per product team (issue 15): their permissions, now that every piece exists.
    this.deploymentRoles?.grantEnvironment({
      envName: props.name, region: props.region, accountId: this.accountId, iamNamePrefix: this.iamNamePrefix, rolePath: this.rolePath,
      integrationRolePath: this.integrationRolePath, permissionBoundaryArn: this.permissionBoundaryArn, integrationBoundaryArn: this.integrationBoundaryArn,
      kmsKeyArn: this.kmsKeyArn, contractParameterArn: `arn:aws:ssm:${props.region}:${this.accountId}:parameter${contractParameterName(props.name)}`,
      rotationFunctionArn: this.rotationFunctionArn, policyStoreArn: this.agentPolicyStore.arn, auditArchiveBucket: this.auditArchiveBucket,
      vpcId: props.network.vpcId, kubernetesClusterName: props.kubernetes?.clusterName, stateBackend: props.stateBackend,
    });

    publishContract(this, 'contract', this, tags);

    // What the platform team configures outside Terraform: the in-cluster gateway must require the
    // stage's client certificate, and callers need the gateway's URL.
    new TerraformOutput(this, 'gateway-url-output', { value: this.gateway.invokeUrl, description: `The ${props.name} gateway's stage URL (private: through the execute-api endpoint)` }).overrideLogicalId(`${props.name}-gateway-url`);
    if (this.gatewayApi.clientCertificatePem) {
      new TerraformOutput(this, 'client-certificate-output', {
        value: this.gatewayApi.clientCertificatePem,
        description: `The certificate API Gateway presents to ${props.name}'s in-cluster gateway: require it there (public, not a secret)`,
      }).overrideLogicalId(`${props.name}-gateway-client-certificate-pem`);
    }
  }
}
