import { Token } from 'cdktf';
import {
  API_GATEWAY_WRITE, ARCHIVE_WRITE, BUDGET_MANAGE, CEDAR_POLICY_MANAGE, CEDAR_STORE_WRITE, EKS_CLUSTER_READ, IAM_BOUNDARY_CHANGE, IAM_PASS_ROLE,
  IAM_POLICY_WRITE, IAM_ROLE_CHANGE, IAM_TRUST_CHANGE, IAM_ROLE_CREATE, IAM_ROLE_READ, IAM_ROLE_SETTINGS, IAM_ROLE_UNTAG, IAM_WRITE, LAMBDA_WRITE, LOG_GROUP_CREATE,
  LOG_GROUP_MANAGE, LOG_GROUP_READ, LOG_GROUP_UNTAG, LOG_GROUP_WRITE, PARAMETER_MANAGE, PARAMETER_PUT, PARAMETER_READ, PARAMETER_UNTAG,
  PARAMETER_WRITE, POD_IDENTITY_CREATE, POD_IDENTITY_MANAGE, ROTATION_INVOKE, SAGEMAKER_CREATE, SAGEMAKER_MANAGE, SAGEMAKER_READ, SECRET_CREATE,
  SECRET_DESCRIBE, SECRET_MANAGE, SECRET_UNTAG, SECURITY_GROUP_CREATE, SECURITY_GROUP_MANAGE, SECURITY_GROUP_TAG_ON_CREATE, STATE_LIST,
  STATE_OBJECTS, STS_ASSUME, UNSCOPABLE_READS,
} from '../governance/deployment-actions';
import { KMS_ADMIN, KMS_SERVICE_USE } from '../governance/iam-actions';
import { BEDROCK_AGENT_SUFFIX, INTEGRATION_SUFFIX } from '../governance/names';
import type { PolicyStatement } from '../governance/policy-document';
import { rotationFunctionName } from '../governance/rotation';
import { TAG_KEYS } from '../governance/tags';
import type { DeploymentTeam, StateBackend } from './deployment-teams';

/** What the environment is made of, as the deployment roles' policies need it (ARNs may be Terraform references). */
export interface DeploymentFacts {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  readonly iamNamePrefix: string;
  /** `/governed/<env>/` */
  readonly rolePath: string;
  /** `/governed/<env>/integration/` */
  readonly integrationRolePath: string;
  readonly permissionBoundaryArn: string;
  readonly integrationBoundaryArn: string;
  readonly kmsKeyArn: string;
  /** The SSM parameter holding the environment contract. */
  readonly contractParameterArn: string;
  readonly rotationFunctionArn: string;
  readonly policyStoreArn: string;
  readonly auditArchiveBucket: string;
  /** The environment's VPC: security groups of SageMaker endpoints are created in it. */
  readonly vpcId: string;
  /** @default - no Kubernetes: no Pod Identity statements */
  readonly kubernetesClusterName?: string;
  /** @default - no state statements */
  readonly stateBackend?: StateBackend;
}

/** Services a deployment role may pass its team's roles to (SageMaker execution, EKS Pod Identity, Bedrock agents). */
export const PASSED_TO_SERVICES = ['sagemaker.amazonaws.com', 'pods.eks.amazonaws.com', 'bedrock.amazonaws.com'];
/** Governance tags that must be on every resource at creation, and that no team may remove. */
export const TAGS_REQUIRED_AT_CREATION = [TAG_KEYS.owner, TAG_KEYS.environment, TAG_KEYS.workload];

/** The ARNs of everything one team may own in one environment, from its names or its prefix. */
export interface TeamResources {
  readonly workloadRoles: string[];
  readonly integrationRoles: string[];
  readonly secrets: string[];
  readonly routeEntries: string[];
  readonly logGroups: string[];
  readonly sageMaker: { models: string[]; endpointConfigs: string[]; endpoints: string[] };
  readonly budgets: string[];
}

export function teamResources(team: DeploymentTeam, f: DeploymentFacts): TeamResources {
  const { accountId: a, region: r, envName: e, iamNamePrefix: x } = f;
  const role = (pathAndName: string) => `arn:aws:iam::${a}:role${pathAndName}`;
  const names = team.workloads ? [...team.workloads] : [`${team.workloadPrefix}*`];
  const exact = team.workloads !== undefined;
  // Exact names match one identity each; `?` (one character) pins the 8-hex content suffix of
  // SageMaker names, so "chat" never matches "chat-v2"'s resources.
  return {
    workloadRoles: names.flatMap((n) => (exact ? [role(`${f.rolePath}${x}${n}`), role(`${f.rolePath}${x}${n}${BEDROCK_AGENT_SUFFIX}`)] : [role(`${f.rolePath}${x}${n}`)])),
    integrationRoles: names.map((n) => role(`${f.integrationRolePath}${x}${n}${exact ? INTEGRATION_SUFFIX : ''}`)),
    secrets: names.map((n) => `arn:aws:secretsmanager:${r}:${a}:secret:governed/${e}/${exact ? `${n}/` : n}*`),
    routeEntries: names.flatMap((n) => [`arn:aws:ssm:${r}:${a}:parameter/governance/${e}/routes/${n}`, `arn:aws:ssm:${r}:${a}:parameter/governance/${e}/agents/${n}`]),
    logGroups: names.flatMap((n) => (exact ? [`arn:aws:logs:${r}:${a}:log-group:/governed/${e}/${n}`, `arn:aws:logs:${r}:${a}:log-group:/governed/${e}/${n}:*`] : [`arn:aws:logs:${r}:${a}:log-group:/governed/${e}/${n}`])),
    sageMaker: {
      models: names.map((n) => `arn:aws:sagemaker:${r}:${a}:model/${e}-${n}${exact ? '-????????' : ''}`),
      endpointConfigs: names.map((n) => `arn:aws:sagemaker:${r}:${a}:endpoint-config/${e}-${n}${exact ? '-????????' : ''}`),
      endpoints: names.map((n) => `arn:aws:sagemaker:${r}:${a}:endpoint/${e}-${n}`),
    },
    budgets: names.map((n) => `arn:aws:budgets::${a}:budget/${e}-${n}`),
  };
}

/** The request carries the governance tags, with this team as owner and this environment. */
function taggedAtCreation(team: string, envName: string): NonNullable<PolicyStatement['Condition']> {
  return {
    StringEquals: { [`aws:RequestTag/${TAG_KEYS.owner}`]: team, [`aws:RequestTag/${TAG_KEYS.environment}`]: envName },
    Null: { [`aws:RequestTag/${TAG_KEYS.workload}`]: 'false' },
  };
}

const ownedBy = (team: string) => ({ [`aws:ResourceTag/${TAG_KEYS.owner}`]: team });
/** Removing tags: never a governance tag the role's own conditions read. */
const keepsGovernanceTags = { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': [...TAGS_REQUIRED_AT_CREATION] } };
/** Re-tagging: a tag change never hands the resource to another team or environment. */
const retagsWithinTeam = (team: string, envName: string) => ({
  StringEqualsIfExists: { [`aws:RequestTag/${TAG_KEYS.owner}`]: team, [`aws:RequestTag/${TAG_KEYS.environment}`]: envName },
});

/**
 * What one team's deployment role may do: create, change and delete only its own workloads'
 * resources (by name, and by its `governance:owner` tag), roles only with the environment's
 * boundaries, nothing without the governance tags. Grouped by concern, one managed policy each
 * (a role's inline policies share 10,240 characters; a managed policy has 6,144:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 */
export type PolicyConcern = 'identities' | 'creation' | 'lifecycle' | 'operations';
export const POLICY_CONCERNS: readonly PolicyConcern[] = ['identities', 'creation', 'lifecycle', 'operations'];

export function teamPolicies(team: DeploymentTeam, f: DeploymentFacts): Record<PolicyConcern, PolicyStatement[]> {
  const t = team.team;
  const e = f.envName;
  // Names decide what a team may create; its tag decides what it may change afterwards (a team can
  // only create resources tagged with itself, and never re-tag one to or from another team).
  const own = teamResources(team, f);
  const env = teamResources({ team: t, ci: [], workloadPrefix: '' }, f);
  const envRoles = [...env.workloadRoles, ...env.integrationRoles];
  const envSageMaker = [...env.sageMaker.models, ...env.sageMaker.endpointConfigs, ...env.sageMaker.endpoints];
  const securityGroups = `arn:aws:ec2:${f.region}:${f.accountId}:security-group/*`;
  const cluster = f.kubernetesClusterName ? `arn:aws:eks:${f.region}:${f.accountId}:cluster/${f.kubernetesClusterName}` : undefined;
  const associations = f.kubernetesClusterName ? [`arn:aws:eks:${f.region}:${f.accountId}:podidentityassociation/${f.kubernetesClusterName}/*`] : [];
  const created = taggedAtCreation(t, e);
  const withBoundary = (arn: string) => ({ StringEquals: { ...created.StringEquals, 'iam:PermissionsBoundary': arn } });

  const identities: PolicyStatement[] = [
    { Sid: 'CreateOwnWorkloadRolesWithWorkloadBoundary', Effect: 'Allow', Action: [...IAM_ROLE_CREATE], Resource: own.workloadRoles, Condition: { ...created, ...withBoundary(f.permissionBoundaryArn) } },
    { Sid: 'CreateOwnIntegrationRolesWithIntegrationBoundary', Effect: 'Allow', Action: [...IAM_ROLE_CREATE], Resource: own.integrationRoles, Condition: { ...created, ...withBoundary(f.integrationBoundaryArn) } },
    {
      Sid: 'ChangeOwnWorkloadRolesWithTheirBoundary',
      Effect: 'Allow',
      Action: [...IAM_ROLE_CHANGE],
      Resource: env.workloadRoles,
      Condition: { StringEquals: { 'iam:PermissionsBoundary': f.permissionBoundaryArn, ...ownedBy(t) } },
    },
    {
      Sid: 'ChangeOwnIntegrationRolesWithTheirBoundary',
      Effect: 'Allow',
      Action: [...IAM_ROLE_CHANGE],
      Resource: env.integrationRoles,
      Condition: { StringEquals: { 'iam:PermissionsBoundary': f.integrationBoundaryArn, ...ownedBy(t) } },
    },
    // Workload roles only: an integration identity is never passed to a service (the gateway
    // function assumes it), so passing one could only hand its model and tool access to something else.
    { Sid: 'PassOwnRolesToTheirRuntimes', Effect: 'Allow', Action: [...IAM_PASS_ROLE], Resource: env.workloadRoles, Condition: { StringEquals: { 'iam:PassedToService': PASSED_TO_SERVICES, ...ownedBy(t) } } },
    // A trust policy names who may act as the role: only the team's own workloads' roles may get a
    // new one (and those only with their boundary, above). Another team's integration identity
    // could otherwise be made to trust this team.
    { Sid: 'DenyTrustChangesOutsideOwnRoles', Effect: 'Deny', Action: [...IAM_TRUST_CHANGE], NotResource: [...own.workloadRoles, ...own.integrationRoles] },
  ];

  const creation: PolicyStatement[] = [
    {
      Sid: 'CreateOwnSecretsTaggedWithTheEnvironmentKey',
      Effect: 'Allow',
      Action: [...SECRET_CREATE],
      Resource: own.secrets,
      Condition: { ...created, StringEquals: { ...created.StringEquals, 'secretsmanager:KmsKeyArn': f.kmsKeyArn } },
    },
    {
      Sid: 'CreateOwnResourcesTagged',
      Effect: 'Allow',
      Action: [...PARAMETER_PUT, ...LOG_GROUP_CREATE, ...SAGEMAKER_CREATE, ...(cluster ? POD_IDENTITY_CREATE : [])],
      Resource: [...own.routeEntries, ...own.logGroups, ...own.sageMaker.models, ...own.sageMaker.endpointConfigs, ...own.sageMaker.endpoints, ...(cluster ? [cluster, ...associations] : [])],
      Condition: created,
    },
    // Security group ids are AWS's choice: no name to scope by, only the tags at creation.
    { Sid: 'CreateSecurityGroupsTagged', Effect: 'Allow', Action: [...SECURITY_GROUP_CREATE], Resource: securityGroups, Condition: created },
    {
      Sid: 'TagSecurityGroupsOnCreate',
      Effect: 'Allow',
      Action: [...SECURITY_GROUP_TAG_ON_CREATE],
      Resource: securityGroups,
      Condition: { ...created, StringEquals: { ...created.StringEquals, 'ec2:CreateAction': 'CreateSecurityGroup' } },
    },
  ];

  const lifecycle: PolicyStatement[] = [
    {
      Sid: 'ManageOwnResources',
      Effect: 'Allow',
      Action: [
        ...IAM_ROLE_SETTINGS, ...SECRET_MANAGE.filter((x) => x !== 'secretsmanager:PutResourcePolicy'), ...PARAMETER_MANAGE, ...LOG_GROUP_MANAGE,
        ...SAGEMAKER_MANAGE, ...(cluster ? POD_IDENTITY_MANAGE : []),
      ],
      Resource: [...envRoles, ...env.secrets, ...env.routeEntries, ...env.logGroups, ...envSageMaker, ...associations],
      Condition: { StringEquals: ownedBy(t), ...retagsWithinTeam(t, e) },
    },
    { Sid: 'ManageOwnSecurityGroups', Effect: 'Allow', Action: [...SECURITY_GROUP_MANAGE], Resource: securityGroups, Condition: { StringEquals: ownedBy(t), ...retagsWithinTeam(t, e) } },
    {
      Sid: 'UntagOwnResourcesKeepingGovernanceTags',
      Effect: 'Allow',
      Action: [...IAM_ROLE_UNTAG, ...SECRET_UNTAG, ...PARAMETER_UNTAG, ...LOG_GROUP_UNTAG],
      Resource: [...envRoles, ...env.secrets, ...env.routeEntries, ...env.logGroups],
      Condition: { StringEquals: ownedBy(t), ...keepsGovernanceTags },
    },
    {
      Sid: 'PutOwnSecretPoliciesBlockingPublicAccess',
      Effect: 'Allow',
      Action: ['secretsmanager:PutResourcePolicy'],
      Resource: env.secrets,
      Condition: { StringEquals: ownedBy(t), Bool: { 'secretsmanager:BlockPublicPolicy': 'true' } },
    },
  ];

  const operations: PolicyStatement[] = [
    {
      // Metadata only (never a secret value): Terraform reads back what it manages.
      Sid: 'ReadEnvironmentWorkloadsAndTheContract',
      Effect: 'Allow',
      Action: [...IAM_ROLE_READ, ...SECRET_DESCRIBE, ...PARAMETER_READ, ...LOG_GROUP_READ, ...SAGEMAKER_READ, ...(cluster ? EKS_CLUSTER_READ : [])],
      Resource: [...envRoles, ...env.secrets, ...env.routeEntries, f.contractParameterArn, ...env.logGroups, ...envSageMaker, ...(cluster ? [cluster] : [])],
    },
    {
      // Secrets Manager, SageMaker and CloudWatch Logs encrypt with the environment key on the deployer's behalf.
      Sid: 'UseEnvironmentKeyThroughServices',
      Effect: 'Allow',
      Action: [...KMS_SERVICE_USE],
      Resource: f.kmsKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': ['secretsmanager', 'sagemaker', 'logs'].map((s) => `${s}.${f.region}.amazonaws.com`) } },
    },
    { Sid: 'GrantEnvironmentKeyToAwsResources', Effect: 'Allow', Action: ['kms:CreateGrant'], Resource: f.kmsKeyArn, Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
    { Sid: 'CreateSecurityGroupsInTheEnvironmentVpc', Effect: 'Allow', Action: [...SECURITY_GROUP_CREATE], Resource: `arn:aws:ec2:${f.region}:${f.accountId}:vpc/${f.vpcId}` },
    { Sid: 'ManageOwnBudgets', Effect: 'Allow', Action: [...BUDGET_MANAGE], Resource: own.budgets },
    // Cedar policies have no name or tag IAM could scope: any policy of the environment's store (README: limits).
    { Sid: 'ManageCedarPoliciesInTheEnvironmentStore', Effect: 'Allow', Action: [...CEDAR_POLICY_MANAGE], Resource: f.policyStoreArn },
    { Sid: 'RevokeOwnKeysThroughTheRotationFunction', Effect: 'Allow', Action: [...ROTATION_INVOKE], Resource: f.rotationFunctionArn },
    { Sid: 'ReadWithoutResourceScope', Effect: 'Allow', Action: [...UNSCOPABLE_READS], Resource: '*' },
  ];
  if (f.stateBackend) {
    const prefix = `${f.stateBackend.keyPrefix ?? ''}${t}/`;
    operations.push(
      { Sid: 'ListOwnStatePrefix', Effect: 'Allow', Action: [...STATE_LIST], Resource: `arn:aws:s3:::${f.stateBackend.bucket}`, Condition: { StringLike: { 's3:prefix': [prefix, `${prefix}*`] } } },
      { Sid: 'ReadAndWriteOwnState', Effect: 'Allow', Action: [...STATE_OBJECTS], Resource: `arn:aws:s3:::${f.stateBackend.bucket}/${prefix}*` },
    );
  }
  return { identities, creation, lifecycle, operations };
}

/**
 * What no deployment role may ever do, whatever else it is granted (also the deployer boundary's
 * denies): change or remove a permission boundary; write a platform or deployment identity or any
 * managed policy (the boundaries among them); write the contract; administer a key; write the
 * audit log groups or the archive; change API Gateway, a function or the Cedar policy store.
 */
export function platformFences(f: DeploymentFacts): PolicyStatement[] {
  const { accountId: a, region: r, envName: e } = f;
  const log = (name: string) => `arn:aws:logs:${r}:${a}:log-group:${name}`;
  return [
    { Sid: 'DenyBoundaryChanges', Effect: 'Deny', Action: [...IAM_BOUNDARY_CHANGE], Resource: '*' },
    // A deployment role deploys; it never acts as an identity. Integration identities are trusted by
    // the gateway function role only: even one whose trust a team rewrote cannot be assumed or passed.
    { Sid: 'DenyAssumingGovernedIdentities', Effect: 'Deny', Action: [...STS_ASSUME], Resource: [`arn:aws:iam::${a}:role/governed/*`, `arn:aws:iam::${a}:role/governed-platform/*`, `arn:aws:iam::${a}:role/governed-deploy/*`] },
    { Sid: 'DenyPassingIntegrationIdentities', Effect: 'Deny', Action: [...IAM_PASS_ROLE], Resource: `arn:aws:iam::${a}:role${f.integrationRolePath}*` },
    { Sid: 'DenyPlatformAndDeploymentIdentities', Effect: 'Deny', Action: [...IAM_WRITE], Resource: [`arn:aws:iam::${a}:role/governed-platform/*`, `arn:aws:iam::${a}:role/governed-deploy/*`] },
    { Sid: 'DenyManagedPolicyWrites', Effect: 'Deny', Action: [...IAM_POLICY_WRITE], Resource: `arn:aws:iam::${a}:policy/*` },
    { Sid: 'DenyContractWrites', Effect: 'Deny', Action: [...PARAMETER_WRITE], Resource: f.contractParameterArn },
    // kms:CreateGrant stays possible for AWS resources (SageMaker needs it); everything else about keys is the platform's.
    { Sid: 'DenyKeyAdministration', Effect: 'Deny', Action: KMS_ADMIN.filter((x) => x !== 'kms:CreateGrant' && x !== 'kms:DescribeKey'), Resource: [`arn:aws:kms:${r}:${a}:key/*`, `arn:aws:kms:${r}:${a}:alias/*`] },
    {
      Sid: 'DenyAuditWrites',
      Effect: 'Deny',
      Action: [...LOG_GROUP_WRITE],
      Resource: [log(`/governed/${e}/audit/*`), log(`/governed/${e}/gateway/*`), log('/aws/lambda/*'), log('API-Gateway-Execution-Logs_*')],
    },
    { Sid: 'DenyArchiveWrites', Effect: 'Deny', Action: [...ARCHIVE_WRITE], Resource: [`arn:aws:s3:::${f.auditArchiveBucket}`, `arn:aws:s3:::${f.auditArchiveBucket}/*`] },
    { Sid: 'DenyApiGatewayWrites', Effect: 'Deny', Action: [...API_GATEWAY_WRITE], Resource: `arn:aws:apigateway:${r}::/*` },
    { Sid: 'DenyFunctionChanges', Effect: 'Deny', Action: [...LAMBDA_WRITE], Resource: `arn:aws:lambda:${r}:${a}:function:*` },
    { Sid: 'DenyPolicyStoreChanges', Effect: 'Deny', Action: [...CEDAR_STORE_WRITE], Resource: f.policyStoreArn },
  ];
}

/**
 * The deployer boundary: the most any deployment role can do, whatever is attached to it later by
 * hand or by mistake. The team statements for the whole environment's name space (every workload
 * name, without the team's tag conditions), and the platform fences.
 */
export function deployerBoundary(f: DeploymentFacts): PolicyStatement[] {
  const { accountId: a, region: r, envName: e } = f;
  const env = teamResources({ team: '*', ci: [], workloadPrefix: '' }, f);
  const cluster = f.kubernetesClusterName ? [`arn:aws:eks:${r}:${a}:cluster/${f.kubernetesClusterName}`, `arn:aws:eks:${r}:${a}:podidentityassociation/${f.kubernetesClusterName}/*`] : [];
  const state = f.stateBackend ? [{ Sid: 'StateBucket', Effect: 'Allow' as const, Action: [...STATE_LIST, ...STATE_OBJECTS], Resource: [`arn:aws:s3:::${f.stateBackend.bucket}`, `arn:aws:s3:::${f.stateBackend.bucket}/${f.stateBackend.keyPrefix ?? ''}*`] }] : [];
  const uniq = (...lists: ReadonlyArray<readonly string[]>) => [...new Set(lists.flat())];
  // One statement per service over the environment's workload name space: a boundary is one managed policy.
  return [
    { Sid: 'Roles', Effect: 'Allow', Action: uniq(IAM_ROLE_CREATE, IAM_ROLE_CHANGE, IAM_ROLE_SETTINGS, IAM_ROLE_UNTAG, IAM_ROLE_READ), Resource: [...env.workloadRoles, ...env.integrationRoles] },
    // Integration identities are assumed by the gateway function, never passed to a service.
    { Sid: 'PassRoles', Effect: 'Allow', Action: [...IAM_PASS_ROLE], Resource: env.workloadRoles },
    { Sid: 'Secrets', Effect: 'Allow', Action: uniq(SECRET_CREATE, SECRET_MANAGE, SECRET_UNTAG, SECRET_DESCRIBE), Resource: env.secrets },
    { Sid: 'Routes', Effect: 'Allow', Action: uniq(PARAMETER_PUT, PARAMETER_MANAGE, PARAMETER_UNTAG, PARAMETER_READ), Resource: env.routeEntries },
    { Sid: 'Contract', Effect: 'Allow', Action: [...PARAMETER_READ], Resource: f.contractParameterArn },
    { Sid: 'LogGroups', Effect: 'Allow', Action: uniq(LOG_GROUP_CREATE, LOG_GROUP_MANAGE, LOG_GROUP_UNTAG, LOG_GROUP_READ), Resource: env.logGroups },
    { Sid: 'SageMaker', Effect: 'Allow', Action: uniq(SAGEMAKER_CREATE, SAGEMAKER_MANAGE, SAGEMAKER_READ), Resource: [...env.sageMaker.models, ...env.sageMaker.endpointConfigs, ...env.sageMaker.endpoints] },
    { Sid: 'SGs', Effect: 'Allow', Action: uniq(SECURITY_GROUP_CREATE, SECURITY_GROUP_MANAGE), Resource: [`arn:aws:ec2:${r}:${a}:security-group/*`, `arn:aws:ec2:${r}:${a}:vpc/${f.vpcId}`] },
    ...(cluster.length ? [{ Sid: 'PodIdentity', Effect: 'Allow' as const, Action: uniq(POD_IDENTITY_CREATE, POD_IDENTITY_MANAGE, EKS_CLUSTER_READ), Resource: cluster }] : []),
    { Sid: 'Budgets', Effect: 'Allow', Action: [...BUDGET_MANAGE], Resource: env.budgets },
    { Sid: 'CedarPolicies', Effect: 'Allow', Action: [...CEDAR_POLICY_MANAGE], Resource: f.policyStoreArn },
    { Sid: 'Revocation', Effect: 'Allow', Action: [...ROTATION_INVOKE], Resource: f.rotationFunctionArn },
    { Sid: 'Reads', Effect: 'Allow', Action: [...UNSCOPABLE_READS], Resource: '*' },
    {
      Sid: 'KeyViaServices',
      Effect: 'Allow',
      Action: [...KMS_SERVICE_USE],
      Resource: f.kmsKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': ['secretsmanager', 'sagemaker', 'logs'].map((x) => `${x}.${r}.amazonaws.com`) } },
    },
    { Sid: 'KeyGrants', Effect: 'Allow', Action: ['kms:CreateGrant'], Resource: f.kmsKeyArn, Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
    ...state,
    // The log-group name space covers the audit sinks' names: they are carved out.
    // (only the log actions the ceiling allows need carving out).
    { Sid: 'DenyAudit', Effect: 'Deny', Action: uniq(LOG_GROUP_CREATE, LOG_GROUP_MANAGE, LOG_GROUP_UNTAG), Resource: [`arn:aws:logs:${r}:${a}:log-group:/governed/${e}/audit/*`, `arn:aws:logs:${r}:${a}:log-group:/governed/${e}/gateway/*`] },
    { Sid: 'DenyBoundaries', Effect: 'Deny', Action: [...IAM_BOUNDARY_CHANGE], Resource: '*' },
  ];
}

/** IAM's limit on a managed policy, whitespace excluded (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). */
export const MANAGED_POLICY_CHARACTERS = 6144;

/**
 * Facts of the longest plausible shape, for checking policy sizes at synth when the real ARNs are
 * Terraform references: each stand-in is at least as long as the value AWS returns.
 */
export function longestFacts(envName: string, region: string, iamNamePrefix: string, stateBackend?: StateBackend, kubernetesClusterName?: string): DeploymentFacts {
  const acct = '000000000000';
  return {
    envName, region, accountId: acct, iamNamePrefix, rolePath: `/governed/${envName}/`, integrationRolePath: `/governed/${envName}/integration/`,
    permissionBoundaryArn: `arn:aws:iam::${acct}:policy/governed/${envName}/${iamNamePrefix}workload-boundary`,
    integrationBoundaryArn: `arn:aws:iam::${acct}:policy/governed/${envName}/integration/${iamNamePrefix}integration-boundary`,
    kmsKeyArn: `arn:aws:kms:${region}:${acct}:key/mrk-00000000000000000000000000000000`,
    contractParameterArn: `arn:aws:ssm:${region}:${acct}:parameter/governance/${envName}/contract`,
    rotationFunctionArn: `arn:aws:lambda:${region}:${acct}:function:${rotationFunctionName(envName)}`,
    policyStoreArn: `arn:aws:verifiedpermissions::${acct}:policy-store/${'x'.repeat(22)}`,
    auditArchiveBucket: 'x'.repeat(63),
    vpcId: `vpc-${'0'.repeat(17)}`,
    // A cluster name given as a Terraform value may be up to 100 characters (EKS).
    kubernetesClusterName: kubernetesClusterName === undefined ? undefined : Token.isUnresolved(kubernetesClusterName) ? 'x'.repeat(100) : kubernetesClusterName,
    stateBackend,
  };
}

/** Characters of a policy as IAM counts them (JSON without whitespace). */
export function policyCharacters(statements: readonly PolicyStatement[]): number {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }).length;
}
