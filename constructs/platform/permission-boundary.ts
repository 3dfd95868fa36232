import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { bedrockModelArn } from '../governance/arns';
import {
  AUDIT_WRITE, BEDROCK_APPLY_GUARDRAIL, BEDROCK_INVOKE, BOUNDARY_DENIED, ECR_AUTH, ECR_PULL, EXECUTE_API_INVOKE, KMS_USE, LOGS_DESCRIBE,
  LOGS_WRITE, METRICS_PUT, SECRETS_READ,
} from '../governance/iam-actions';
import { ecrRepositoryArnsOf } from '../governance/image-sources';
import { policyJson, type PolicyStatement } from '../governance/policy-document';
import { GATEWAY_STAGE } from '../governance/gateway-routes';
import { BEDROCK_AGENT_SUFFIX } from '../governance/names';
import { TAG_KEYS } from '../governance/tags';

export interface PermissionBoundaryProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  readonly iamNamePrefix: string;
  readonly allowedRegions: readonly string[];
  readonly allowedModels: readonly string[];
  readonly kmsKeyArn: string;
  readonly gatewayExecutionArn: string;
  /** SageMaker endpoints of the environment write captured invocations under `sagemaker/<endpoint>/`. */
  readonly auditArchiveBucket: string;
  readonly rolePath: string;
  /**
   * The environment's allowed image sources as patterns (image-sources.ts): ECR pulls are allowed
   * from the ECR repositories among them only, whatever a workload's own policy says.
   */
  readonly imageSourcePatterns: readonly string[];
  /** The platform's revocations (platform-revocations.ts): denies appended to the boundary. */
  readonly revocations?: readonly PolicyStatement[];
  readonly tags: Record<string, string>;
}

/**
 * An IAM policy variable, escaped for Terraform: `$${` reaches AWS as `${`, the variable IAM
 * resolves per request (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
 */
export const OWN_WORKLOAD = `$\${aws:PrincipalTag/${TAG_KEYS.workload}}`;

/**
 * The ceiling on every workload identity of the environment (the roles pods, SageMaker endpoints
 * and Bedrock agents run as): whatever a workload's own policies say, it can call only the
 * environment's gateway, read only its own secrets, write only its own logs and capture prefix
 * (scoped by its `governance:workload` tag, which it cannot change), pull images, in the allowed
 * regions; it can never manage identities, keys, secrets' policies, tags or the audit trail, and
 * never write an audit log group or another workload's records.
 */
export class PermissionBoundary extends Construct {
  public readonly policy: IamPolicy;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: PermissionBoundaryProps) {
    super(scope, id);
    const { region, accountId: acct, envName } = props;
    const logGroup = (name: string) => `arn:aws:logs:${region}:${acct}:log-group:${name}`;
    const archive = `arn:aws:s3:::${props.auditArchiveBucket}`;
    const bedrockAgentsOnly = { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${acct}:role${props.rolePath}${props.iamNamePrefix}*${BEDROCK_AGENT_SUFFIX}` } };
    this.policy = new IamPolicy(this, 'policy', {
      name: `${props.iamNamePrefix}workload-boundary`,
      path: props.rolePath,
      description: `Permission boundary of every governed workload identity in ${envName}`,
      policy: policyJson([
        { Sid: 'CallEnvironmentGateway', Effect: 'Allow', Action: [...EXECUTE_API_INVOKE], Resource: `${props.gatewayExecutionArn}/${GATEWAY_STAGE}/*` },
        { Sid: 'ReadOwnSecrets', Effect: 'Allow', Action: [...SECRETS_READ], Resource: `arn:aws:secretsmanager:${region}:${acct}:secret:governed/${envName}/${OWN_WORKLOAD}/*` },
        { Sid: 'UseEnvironmentKey', Effect: 'Allow', Action: [...KMS_USE], Resource: props.kmsKeyArn },
        {
          Sid: 'WriteOwnLogs',
          Effect: 'Allow',
          Action: [...LOGS_WRITE, ...LOGS_DESCRIBE],
          Resource: [logGroup(`/governed/${envName}/${OWN_WORKLOAD}:*`), logGroup(`/aws/sagemaker/Endpoints/${envName}-${OWN_WORKLOAD}:*`)],
        },
        { Sid: 'CreateOwnEndpointLogGroup', Effect: 'Allow', Action: ['logs:CreateLogGroup'], Resource: logGroup(`/aws/sagemaker/Endpoints/${envName}-${OWN_WORKLOAD}:*`) },
        { Sid: 'CaptureOwnEndpointInvocations', Effect: 'Allow', Action: ['s3:PutObject'], Resource: `${archive}/sagemaker/${envName}-${OWN_WORKLOAD}/*` },
        // A Bedrock agent's runtime role calls its foundation model itself (with the guardrail); no
        // other workload identity does: pods and SageMaker containers reach models through the
        // gateway (quota, decision log, callee consent, revocation), whatever statement a team adds.
        // Only Bedrock agent roles end in BEDROCK_AGENT_SUFFIX: workload names may not (names.ts).
        { Sid: 'InvokeAllowedModels', Effect: 'Allow', Action: [...BEDROCK_INVOKE], Resource: props.allowedModels.map((m) => bedrockModelArn(region, m)), Condition: bedrockAgentsOnly },
        { Sid: 'ApplyEnvironmentGuardrails', Effect: 'Allow', Action: [...BEDROCK_APPLY_GUARDRAIL], Resource: `arn:aws:bedrock:${region}:${acct}:guardrail/*`, Condition: bedrockAgentsOnly },
        ...pullFromAllowedRepositories(props.imageSourcePatterns),
        // These two actions support no resource scoping (SageMaker needs them for its containers).
        { Sid: 'UnscopableRuntimeActions', Effect: 'Allow', Action: [...ECR_AUTH, ...METRICS_PUT], Resource: '*' },
        { Sid: 'DenyIdentityKeyAndAuditManagement', Effect: 'Deny', Action: [...BOUNDARY_DENIED], Resource: '*' },
        {
          // Even with a statement a team adds: no workload writes the environment's audit records.
          Sid: 'DenyAuditWrites',
          Effect: 'Deny',
          Action: [...AUDIT_WRITE],
          Resource: [logGroup(`/governed/${envName}/audit/*`), logGroup(`/governed/${envName}/gateway/*`), logGroup('API-Gateway-Execution-Logs_*'), `${archive}/bedrock/*`],
        },
        {
          // Another workload's capture prefix, the invocation logs, any other object of the account.
          Sid: 'DenyObjectWritesOutsideOwnCapture',
          Effect: 'Deny',
          Action: ['s3:PutObject', 's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention'],
          NotResource: `${archive}/sagemaker/${envName}-${OWN_WORKLOAD}/*`,
          Condition: { StringEquals: { 's3:ResourceAccount': acct } },
        },
        {
          Sid: 'DenyOutsideAllowedRegions',
          Effect: 'Deny',
          NotAction: ['sts:GetCallerIdentity'],
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:RequestedRegion': [...props.allowedRegions] } },
        },
        ...(props.revocations ?? []),
      ]),
      tags: props.tags,
    });
    this.arn = this.policy.arn;
  }
}

/** ECR pulls from the allowed ECR repositories only; none at all when the environment allows no ECR source. */
function pullFromAllowedRepositories(patterns: readonly string[]): PolicyStatement[] {
  const repositories = ecrRepositoryArnsOf(patterns);
  return repositories.length ? [{ Sid: 'PullModelImages', Effect: 'Allow', Action: [...ECR_PULL], Resource: repositories }] : [];
}
