import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { bedrockModelArn } from '../governance/arns';
import {
  BEDROCK_APPLY_GUARDRAIL, BEDROCK_INVOKE, BOUNDARY_DENIED, ECR_AUTH, ECR_PULL, EXECUTE_API_INVOKE, KMS_USE, LOGS_DESCRIBE,
  LOGS_WRITE, METRICS_PUT, SAGEMAKER_INVOKE, SECRETS_READ,
} from '../governance/iam-actions';
import { ecrRepositoryArnsOf } from '../governance/image-sources';
import { policyJson, type PolicyStatement } from '../governance/policy-document';

export interface PermissionBoundaryProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
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
  readonly tags: Record<string, string>;
}

/**
 * The ceiling on every workload role of the environment: whatever a workload's own policies say,
 * it can never do more than call the allowed models and the environment's endpoints, gateway,
 * secrets and logs, in the allowed regions, and it can never manage identities, keys, secrets'
 * policies or the audit trail.
 */
export class PermissionBoundary extends Construct {
  public readonly policy: IamPolicy;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: PermissionBoundaryProps) {
    super(scope, id);
    const { region, accountId, envName } = props;
    this.policy = new IamPolicy(this, 'policy', {
      name: `${envName}-workload-boundary`,
      path: props.rolePath,
      description: `Permission boundary of every governed workload role in ${envName}`,
      policy: policyJson([
        { Sid: 'InvokeAllowedModels', Effect: 'Allow', Action: [...BEDROCK_INVOKE], Resource: props.allowedModels.map((m) => bedrockModelArn(region, m)) },
        { Sid: 'ApplyEnvironmentGuardrails', Effect: 'Allow', Action: [...BEDROCK_APPLY_GUARDRAIL], Resource: `arn:aws:bedrock:${region}:${accountId}:guardrail/*` },
        { Sid: 'InvokeEnvironmentEndpoints', Effect: 'Allow', Action: [...SAGEMAKER_INVOKE], Resource: `arn:aws:sagemaker:${region}:${accountId}:endpoint/${envName}-*` },
        { Sid: 'CallEnvironmentGateway', Effect: 'Allow', Action: [...EXECUTE_API_INVOKE], Resource: `${props.gatewayExecutionArn}/*` },
        { Sid: 'ReadEnvironmentSecrets', Effect: 'Allow', Action: [...SECRETS_READ], Resource: `arn:aws:secretsmanager:${region}:${accountId}:secret:governed/${envName}/*` },
        { Sid: 'UseEnvironmentKey', Effect: 'Allow', Action: [...KMS_USE], Resource: props.kmsKeyArn },
        {
          Sid: 'WriteEnvironmentLogs',
          Effect: 'Allow',
          Action: [...LOGS_WRITE, ...LOGS_DESCRIBE],
          Resource: [`arn:aws:logs:${region}:${accountId}:log-group:/governed/${envName}/*`, `arn:aws:logs:${region}:${accountId}:log-group:/aws/sagemaker/Endpoints/${envName}-*`],
        },
        { Sid: 'CaptureEndpointInvocations', Effect: 'Allow', Action: ['s3:PutObject'], Resource: `arn:aws:s3:::${props.auditArchiveBucket}/sagemaker/${envName}-*` },
        ...pullFromAllowedRepositories(props.imageSourcePatterns),
        // These two actions support no resource scoping (SageMaker needs them for its containers).
        { Sid: 'UnscopableRuntimeActions', Effect: 'Allow', Action: [...ECR_AUTH, ...METRICS_PUT], Resource: '*' },
        { Sid: 'DenyIdentityKeyAndAuditManagement', Effect: 'Deny', Action: [...BOUNDARY_DENIED], Resource: '*' },
        {
          Sid: 'DenyOutsideAllowedRegions',
          Effect: 'Deny',
          NotAction: ['sts:GetCallerIdentity'],
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:RequestedRegion': [...props.allowedRegions] } },
        },
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
