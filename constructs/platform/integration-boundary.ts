import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { bedrockModelArn } from '../governance/arns';
import { BEDROCK_APPLY_GUARDRAIL, BEDROCK_INVOKE, BOUNDARY_DENIED, LAMBDA_INVOKE, SAGEMAKER_INVOKE } from '../governance/iam-actions';
import { policyJson, type PolicyStatement } from '../governance/policy-document';
import { OWN_WORKLOAD } from './permission-boundary';

export interface IntegrationBoundaryProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  readonly iamNamePrefix: string;
  readonly integrationRolePath: string;
  readonly allowedRegions: readonly string[];
  readonly allowedModels: readonly string[];
  /** ARN patterns of the tool credentials agents of this environment may use (tool-side secrets). */
  readonly toolCredentialSecrets: readonly string[];
  /** KMS keys those credentials are encrypted with, when not the environment key. */
  readonly toolCredentialKeys: readonly string[];
  /** ARN patterns of the Lambda functions agents of this environment may use as tools. */
  readonly toolFunctions: readonly string[];
  readonly kmsKeyArn: string;
  /** The platform's revocations (platform-revocations.ts): denies appended to the boundary. */
  readonly revocations?: readonly PolicyStatement[];
  readonly tags: Record<string, string>;
}

/**
 * The ceiling on integration identities: what the gateway function may do for any workload of the
 * environment. Allowed models (with the environment's guardrails), the environment's SageMaker
 * endpoints, and the tool credentials and tool functions the platform allows; nothing else, in the
 * allowed regions only. A team that adds a statement to its integration identity cannot reach a
 * secret or function outside what the platform named.
 */
export class IntegrationBoundary extends Construct {
  public readonly policy: IamPolicy;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: IntegrationBoundaryProps) {
    super(scope, id);
    const { region, accountId: acct, envName } = props;
    const statements: PolicyStatement[] = [
      { Sid: 'InvokeAllowedModels', Effect: 'Allow', Action: [...BEDROCK_INVOKE], Resource: props.allowedModels.map((m) => bedrockModelArn(region, m)) },
      { Sid: 'ApplyEnvironmentGuardrails', Effect: 'Allow', Action: [...BEDROCK_APPLY_GUARDRAIL], Resource: `arn:aws:bedrock:${region}:${acct}:guardrail/*` },
      // Its own workload's endpoint only (`<env>-<workload>`, by the identity's governance:workload
      // tag): an integration identity a team adds cannot reach another team's endpoint.
      { Sid: 'InvokeOwnEndpoint', Effect: 'Allow', Action: [...SAGEMAKER_INVOKE], Resource: `arn:aws:sagemaker:${region}:${acct}:endpoint/${envName}-${OWN_WORKLOAD}` },
      {
        Sid: 'UseEnvironmentKeyThroughBedrock',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        Resource: props.kmsKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': `bedrock.${region}.amazonaws.com` } },
      },
    ];
    if (props.toolCredentialSecrets.length > 0) {
      statements.push({ Sid: 'ReadAllowedToolCredentials', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [...props.toolCredentialSecrets] });
      statements.push({
        Sid: 'DecryptToolCredentialsThroughSecretsManager',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: [props.kmsKeyArn, ...props.toolCredentialKeys],
        Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
      });
    }
    if (props.toolFunctions.length > 0) statements.push({ Sid: 'InvokeAllowedToolFunctions', Effect: 'Allow', Action: [...LAMBDA_INVOKE], Resource: [...props.toolFunctions] });
    statements.push(
      { Sid: 'DenyIdentityKeyAndAuditManagement', Effect: 'Deny', Action: [...BOUNDARY_DENIED], Resource: '*' },
      { Sid: 'DenyGatewayCalls', Effect: 'Deny', Action: ['execute-api:*'], Resource: '*' },
      {
        Sid: 'DenyOutsideAllowedRegions',
        Effect: 'Deny',
        NotAction: ['sts:GetCallerIdentity'],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': [...props.allowedRegions] } },
      },
      ...(props.revocations ?? []),
    );
    this.policy = new IamPolicy(this, 'policy', {
      name: `${props.iamNamePrefix}integration-boundary`,
      path: props.integrationRolePath,
      description: `Permission boundary of every integration identity in ${envName}`,
      policy: policyJson(statements),
      tags: props.tags,
    });
    this.arn = this.policy.arn;
  }
}
