import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KMS_ADMIN, KMS_SERVICE_USE, KMS_USE } from '../governance/iam-actions';
import { ProblemCollector } from '../governance/errors';
import { policyJson } from '../governance/policy-document';

/** KMS waits 7 to 30 days before deleting a key: the window in which a mistaken deletion can be cancelled. */
export const KEY_DELETION_WINDOW = { min: 7, max: 30 } as const;

export interface EnvironmentKeyProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  /** Workload roles' IAM path (`/governed/<env>/`). */
  readonly rolePath: string;
  /** Platform roles' IAM path. */
  readonly platformRolePath: string;
  /** Roles that deploy the environment's stacks: they use the key through AWS services at deploy time. */
  readonly deployerRoleArns: readonly string[];
  /**
   * Product teams' deployment roles (deployment-roles.ts): deployers too, named by `aws:PrincipalArn`
   * rather than as principals, so the key need not wait for them (KMS refuses a principal that does
   * not exist) and their boundary can name this key.
   * @default - none
   */
  readonly deploymentRoleArns?: readonly string[];
  /** Days before a scheduled deletion takes effect: 30 in prod, never below 7. */
  readonly deletionWindowDays: number;
  readonly preventDestroy: boolean;
  readonly tags: Record<string, string>;
}

/**
 * The environment's customer managed key. Its policy names principals (the account root for
 * administration, AWS services by service principal, governed roles by path through the account
 * principal) and never uses a wildcard principal; services may use it only for their own resources
 * of this account (encryption context and source account conditions).
 */
export class EnvironmentKey extends Construct {
  public readonly key: KmsKey;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: EnvironmentKeyProps) {
    super(scope, id);
    const problems = new ProblemCollector(this.node.path);
    const w = props.deletionWindowDays;
    problems.check(Number.isInteger(w) && w >= KEY_DELETION_WINDOW.min && w <= KEY_DELETION_WINDOW.max, 'deletionWindowDays', w, `a whole number of days from ${KEY_DELETION_WINDOW.min} to ${KEY_DELETION_WINDOW.max} (never immediate deletion)`, 'use 30 in production and at least 7 elsewhere');
    problems.check(typeof props.preventDestroy === 'boolean', 'preventDestroy', props.preventDestroy, 'true or false', 'pass true in production');
    problems.throwIfAny();
    const root = `arn:aws:iam::${props.accountId}:root`;
    const deploymentRoles = props.deploymentRoleArns ?? [];
    const inRegion = (svc: string) => `${svc}.${props.region}.amazonaws.com`;
    this.key = new KmsKey(this, 'key', {
      description: `Governed environment ${props.envName}: secrets, logs, models, archive`,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: props.deletionWindowDays,
      keyUsage: 'ENCRYPT_DECRYPT',
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      policy: policyJson([
        // Administration, without kms:CreateGrant: a grant is a way to use the key, so it is only
        // for AWS services acting on AWS resources (next statement), never a principal's own.
        { Sid: 'AccountAdministersKey', Effect: 'Allow', Principal: { AWS: root }, Action: KMS_ADMIN.filter((a) => a !== 'kms:CreateGrant'), Resource: '*' },
        {
          Sid: 'GrantsOnlyForAwsResources',
          Effect: 'Allow',
          Principal: { AWS: root },
          Action: ['kms:CreateGrant'],
          Resource: '*',
          Condition: {
            Bool: { 'kms:GrantIsForAWSResource': true },
            ArnLike: { 'aws:PrincipalArn': [`arn:aws:iam::${props.accountId}:role${props.rolePath}*`, `arn:aws:iam::${props.accountId}:role${props.platformRolePath}*`, ...props.deployerRoleArns, ...deploymentRoles] },
          },
        },
        {
          Sid: 'CloudWatchLogsEncryptsGovernedLogGroups',
          Effect: 'Allow',
          Principal: { Service: inRegion('logs') },
          Action: [...KMS_SERVICE_USE],
          Resource: '*',
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${props.region}:${props.accountId}:log-group:*` } },
        },
        {
          Sid: 'GovernedRolesUseKeyThroughServices',
          Effect: 'Allow',
          Principal: { AWS: root },
          Action: [...KMS_USE],
          Resource: '*',
          Condition: {
            ArnLike: { 'aws:PrincipalArn': [`arn:aws:iam::${props.accountId}:role${props.rolePath}*`, `arn:aws:iam::${props.accountId}:role${props.platformRolePath}*`] },
            StringEquals: { 'kms:ViaService': ['secretsmanager', 'sagemaker', 's3', 'bedrock', 'dynamodb', 'lambda'].map(inRegion) },
          },
        },
        ...(props.deployerRoleArns.length > 0
          ? [
              {
                // Creating a guardrail, a secret, a log group, a table or a function with this key
                // needs the deployer to use it through that service (CreateGuardrail fails otherwise).
                Sid: 'DeployersUseKeyThroughServices',
                Effect: 'Allow' as const,
                Principal: { AWS: [...props.deployerRoleArns] },
                Action: [...KMS_SERVICE_USE],
                Resource: '*',
                Condition: { StringEquals: { 'kms:ViaService': ['secretsmanager', 'sagemaker', 's3', 'bedrock', 'dynamodb', 'lambda', 'logs'].map(inRegion) } },
              },
            ]
          : []),
        ...(deploymentRoles.length > 0
          ? [
              {
                // A product team's deployment role creates its secrets, log groups and SageMaker
                // resources with this key, through those services only.
                Sid: 'DeploymentRolesUseKeyThroughServices',
                Effect: 'Allow' as const,
                Principal: { AWS: root },
                Action: [...KMS_SERVICE_USE],
                Resource: '*',
                Condition: {
                  ArnEquals: { 'aws:PrincipalArn': [...deploymentRoles] },
                  StringEquals: { 'kms:ViaService': ['secretsmanager', 'sagemaker', 'logs'].map(inRegion) },
                },
              },
            ]
          : []),
        {
          Sid: 'BedrockUsesKeyForGuardrailsAndLogs',
          Effect: 'Allow',
          Principal: { Service: 'bedrock.amazonaws.com' },
          Action: [...KMS_SERVICE_USE],
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
        },
      ]),
      tags: props.tags,
      lifecycle: { preventDestroy: props.preventDestroy },
    });
    this.arn = this.key.arn;
    new KmsAlias(this, 'alias', { name: `alias/governed/${props.envName}`, targetKeyId: this.key.keyId });
  }
}
