import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KMS_ADMIN, KMS_SERVICE_USE, KMS_USE } from '../governance/iam-actions';
import { policyJson } from '../governance/policy-document';

export interface EnvironmentKeyProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  /** Workload roles' IAM path (`/governed/<env>/`). */
  readonly rolePath: string;
  /** Platform roles' IAM path. */
  readonly platformRolePath: string;
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
    const root = `arn:aws:iam::${props.accountId}:root`;
    const inRegion = (svc: string) => `${svc}.${props.region}.amazonaws.com`;
    this.key = new KmsKey(this, 'key', {
      description: `Governed environment ${props.envName}: secrets, logs, models, archive`,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: props.deletionWindowDays,
      keyUsage: 'ENCRYPT_DECRYPT',
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      policy: policyJson([
        { Sid: 'AccountAdministersKey', Effect: 'Allow', Principal: { AWS: root }, Action: [...KMS_ADMIN], Resource: '*' },
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
            StringEquals: { 'kms:ViaService': ['secretsmanager', 'sagemaker', 's3', 'bedrock'].map(inRegion) },
          },
        },
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
