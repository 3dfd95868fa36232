import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import type { Accountability } from '../governance/accountability';
import type { IGovernedEnvironment, KubernetesRuntime } from '../governance/environment';
import { isSlug } from '../governance/accountability';
import { ProblemCollector } from '../governance/errors';
import { isProductionName, isRegion, MAX_ENV_NAME_LENGTH } from './environment-props';
import { iamNamePrefix } from '../governance/names';

/** SSM parameter that holds an environment's contract. */
export function contractParameterName(envName: string): string {
  return `/governance/${envName}/contract`;
}

/** Contract schema version: bump when a field changes meaning. */
export const CONTRACT_VERSION = 2;

/**
 * Publishes what product stacks need to target the environment as one JSON SSM parameter. It holds
 * identifiers only (ARNs, ids, names, periods), never a secret.
 */
export function publishContract(scope: Construct, id: string, env: IGovernedEnvironment, tags: Record<string, string>): SsmParameter {
  return new SsmParameter(scope, id, {
    name: contractParameterName(env.name),
    description: `Governed environment contract of ${env.name} (v${CONTRACT_VERSION})`,
    type: 'String',
    tier: 'Standard',
    value: Fn.jsonencode({
      version: CONTRACT_VERSION,
      name: env.name,
      production: env.isProduction,
      region: env.region,
      accountId: env.accountId,
      accountability: env.accountability,
      allowedRegions: env.allowedRegions,
      kmsKeyArn: env.kmsKeyArn,
      permissionBoundaryArn: env.permissionBoundaryArn,
      integrationBoundaryArn: env.integrationBoundaryArn,
      allowedToolTargets: env.allowedToolTargets,
      iamNamePrefix: env.iamNamePrefix,
      rolePath: env.rolePath,
      integrationRolePath: env.integrationRolePath,
      logRetentionDays: env.logRetentionDays,
      secretRotationDays: env.secretRotationDays,
      secretRecoveryDays: env.secretRecoveryDays,
      allowedModels: env.allowedModels,
      guardrail: env.guardrail,
      auditArchiveBucket: env.auditArchiveBucket,
      rotationFunctionArn: env.rotationFunctionArn,
      rotationRoleArn: env.rotationRoleArn,
      deployerRoleArns: env.deployerRoleArns,
      deploymentRoleArns: env.deploymentRoleArns ?? {},
      network: env.network,
      vpcEndpoints: env.vpcEndpoints,
      gateway: env.gateway,
      quotaTiers: env.quotaTiers,
      agentPolicyStore: env.agentPolicyStore,
      approvers: env.approvers,
      kubernetes: env.kubernetes ?? null,
    }),
    tags,
  });
}

export interface ContractOptions {
  /**
   * The platform's accountability as literal strings, for reports.
   * @default - read from the contract (Terraform values)
   */
  readonly accountability?: Accountability;
  /** @default - production when the name is `prod`, `production` or starts with `prod-` */
  readonly production?: boolean;
  /**
   * The environment's Kubernetes runtime: given literally, or read from the contract.
   * @default - none: the environment runs no Kubernetes workloads for this stack
   */
  readonly kubernetes?: KubernetesRuntime | 'from-contract';
  /**
   * The Region of the stack reading the contract: IAM names carry it, and they are checked against
   * AWS limits at synth, so it must be a literal. The contract's own Region must equal it.
   */
  readonly region?: string;
}

/**
 * An environment read from its published contract: what a product stack in another repository
 * uses. Values are Terraform references; the allow-list of models is checked by a precondition at
 * plan time instead of at synth ({@link IGovernedEnvironment.allowedModelsKnown} is false).
 */
export class ContractEnvironment extends Construct implements IGovernedEnvironment {
  public readonly name: string;
  public readonly isProduction: boolean;
  public readonly region: string;
  public readonly accountId: string;
  public readonly accountability: Accountability;
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
  public readonly allowedModelsKnown = false;
  public readonly guardrail: IGovernedEnvironment['guardrail'];
  public readonly auditArchiveBucket: string;
  public readonly rotationFunctionArn: string;
  public readonly rotationRoleArn: string;
  public readonly deployerRoleArns: readonly string[];
  public readonly network: IGovernedEnvironment['network'];
  public readonly vpcEndpoints: IGovernedEnvironment['vpcEndpoints'];
  public readonly gateway: IGovernedEnvironment['gateway'];
  public readonly quotaTiers: IGovernedEnvironment['quotaTiers'];
  public readonly agentPolicyStore: IGovernedEnvironment['agentPolicyStore'];
  public readonly approvers: IGovernedEnvironment['approvers'];
  public readonly kubernetes?: KubernetesRuntime;

  constructor(scope: Construct, id: string, envName: string, options: ContractOptions = {}) {
    super(scope, id);
    // The name makes the SSM parameter path and the role path: a typo would read nothing and fail only at plan.
    const problems = new ProblemCollector(this.node.path);
    problems.check(isSlug(envName, MAX_ENV_NAME_LENGTH), 'envName', envName, `an environment name: a lowercase slug of at most ${MAX_ENV_NAME_LENGTH} characters`, 'pass the name the platform stack gave the environment, e.g. "dev"');
    problems.check(options.production === undefined || typeof options.production === 'boolean', 'options.production', options.production, 'true, false or nothing (decided by the name)', 'pass a boolean, or leave production out');
    problems.check(typeof options.region === 'string' && isRegion(options.region), 'options.region', options.region, 'the stack\'s AWS Region, like "eu-west-1"', 'pass the Region the stack deploys to (WorkloadStack does)');
    problems.throwIfAny();
    const parameter = new DataAwsSsmParameter(this, 'contract', { name: contractParameterName(envName) });
    const contract = Fn.jsondecode(parameter.value);
    const str = (...keys: string[]) => Token.asString(keys.reduce<unknown>((acc, k) => Fn.lookup(acc, k), contract));
    const num = (key: string) => Token.asNumber(Fn.lookup(contract, key));
    this.name = envName;
    this.isProduction = options.production ?? isProductionName(envName);
    this.accountability = options.accountability ?? {
      team: str('accountability', 'team'),
      accountable: str('accountability', 'accountable'),
      approver: str('accountability', 'approver'),
      revoker: str('accountability', 'revoker'),
    };
    this.region = options.region!;
    this.allowedRegions = Token.asList(Fn.lookup(contract, 'allowedRegions'));
    this.iamNamePrefix = iamNamePrefix(envName, options.region!);
    this.integrationRolePath = `/governed/${envName}/integration/`;
    this.integrationBoundaryArn = str('integrationBoundaryArn');
    const targets = Fn.lookup(contract, 'allowedToolTargets');
    this.allowedToolTargets = {
      credentialSecrets: Token.asList(Fn.lookup(targets, 'credentialSecrets')),
      credentialKeys: Token.asList(Fn.lookup(targets, 'credentialKeys')),
      functions: Token.asList(Fn.lookup(targets, 'functions')),
    };
    this.rotationRoleArn = str('rotationRoleArn');
    this.deployerRoleArns = Token.asList(Fn.lookup(contract, 'deployerRoleArns'));
    this.quotaTiers = Token.asAny(Fn.lookup(contract, 'quotaTiers')) as unknown as IGovernedEnvironment['quotaTiers'];
    this.agentPolicyStore = { policyStoreId: str('agentPolicyStore', 'policyStoreId'), arn: str('agentPolicyStore', 'arn') };
    this.approvers = Token.asAny(Fn.lookup(contract, 'approvers')) as unknown as IGovernedEnvironment['approvers'];
    this.accountId = str('accountId');
    this.kmsKeyArn = str('kmsKeyArn');
    this.permissionBoundaryArn = str('permissionBoundaryArn');
    // The role path follows from the name; a literal keeps role ARNs readable in policies.
    this.rolePath = `/governed/${envName}/`;
    this.logRetentionDays = num('logRetentionDays');
    this.secretRotationDays = num('secretRotationDays');
    this.secretRecoveryDays = num('secretRecoveryDays');
    this.allowedModels = Token.asList(Fn.lookup(contract, 'allowedModels'));
    this.guardrail = { arn: str('guardrail', 'arn'), id: str('guardrail', 'id'), version: str('guardrail', 'version') };
    this.rotationFunctionArn = str('rotationFunctionArn');
    this.auditArchiveBucket = str('auditArchiveBucket');
    this.network = {
      vpcId: str('network', 'vpcId'),
      vpcCidr: str('network', 'vpcCidr'),
      subnetIds: Token.asList(Fn.lookup(Fn.lookup(contract, 'network'), 'subnetIds')),
      endpointIps: Token.asList(Fn.lookup(Fn.lookup(contract, 'network'), 'endpointIps')),
    };
    this.vpcEndpoints = { executeApi: str('vpcEndpoints', 'executeApi') };
    this.gateway = {
      restApiId: str('gateway', 'restApiId'),
      executionArn: str('gateway', 'executionArn'),
      stageName: str('gateway', 'stageName'),
      invokeUrl: str('gateway', 'invokeUrl'),
      functionRoleArn: str('gateway', 'functionRoleArn'),
      usagePlanIds: Token.asAny(Fn.lookup(Fn.lookup(contract, 'gateway'), 'usagePlanIds')) as unknown as Record<string, string>,
      accessLogGroupArn: str('gateway', 'accessLogGroupArn'),
      routeParameterPrefix: `/governance/${envName}/routes/`,
      agentParameterPrefix: `/governance/${envName}/agents/`,
    };
    this.kubernetes =
      options.kubernetes === 'from-contract'
        ? {
            clusterName: str('kubernetes', 'clusterName'),
            gatewayNamespace: str('kubernetes', 'gatewayNamespace'),
            gatewayPodLabels: Token.asAny(Fn.lookup(Fn.lookup(contract, 'kubernetes'), 'gatewayPodLabels')) as unknown as Record<string, string>,
            gatewayVpcLinkId: str('kubernetes', 'gatewayVpcLinkId'),
            gatewayNlbDnsName: str('kubernetes', 'gatewayNlbDnsName'),
          }
        : options.kubernetes;
  }
}
