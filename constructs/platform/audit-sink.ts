import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { policyJson } from '../governance/policy-document';
import { LogSink } from '../primitives/log-sink';

export interface AuditSinkProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  readonly kmsKeyArn: string;
  readonly retentionDays: number;
  /** Object lock mode: COMPLIANCE in prod (nobody can shorten it), GOVERNANCE elsewhere. */
  readonly objectLockMode: 'COMPLIANCE' | 'GOVERNANCE';
  readonly preventDestroy: boolean;
  readonly tags: Record<string, string>;
}

/**
 * Where everything the environment does is recorded: KMS-encrypted CloudWatch log groups with
 * retention (model invocations, gateway access) and an S3 archive that is tamper-evident:
 * versioned, object-locked for the retention period, SSE-KMS with the environment key, fully
 * private, TLS only, and written by Bedrock only for this account.
 */
export class AuditSink extends Construct {
  public readonly invocationLogs: LogSink;
  public readonly gatewayAccessLogs: LogSink;
  public readonly archive: S3Bucket;

  constructor(scope: Construct, id: string, props: AuditSinkProps) {
    super(scope, id);
    const logSink = (sinkId: string, name: string) =>
      new LogSink(this, sinkId, { name: `/governed/${props.envName}/audit/${name}`, kmsKeyArn: props.kmsKeyArn, retentionDays: props.retentionDays, tags: props.tags });
    this.invocationLogs = logSink('invocation-logs', 'model-invocations');
    this.gatewayAccessLogs = logSink('gateway-access-logs', 'gateway-access');

    this.archive = new S3Bucket(this, 'archive', {
      bucketPrefix: `governed-${props.envName}-audit-`,
      objectLockEnabled: true,
      forceDestroy: false,
      tags: props.tags,
      lifecycle: { preventDestroy: props.preventDestroy },
    });
    const bucket = this.archive.id;
    new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const versioning = new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }],
    });
    new S3BucketObjectLockConfigurationA(this, 'object-lock', {
      bucket,
      rule: { defaultRetention: { mode: props.objectLockMode, days: props.retentionDays } },
      dependsOn: [versioning],
    });
    new S3BucketPolicy(this, 'policy', {
      bucket,
      policy: policyJson([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [this.archive.arn, `${this.archive.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': false } },
        },
        {
          Sid: 'BedrockWritesInvocationLogs',
          Effect: 'Allow',
          Principal: { Service: 'bedrock.amazonaws.com' },
          Action: ['s3:PutObject'],
          Resource: `${this.archive.arn}/bedrock/*`,
          Condition: {
            StringEquals: { 'aws:SourceAccount': props.accountId },
            ArnLike: { 'aws:SourceArn': `arn:aws:bedrock:${props.region}:${props.accountId}:*` },
          },
        },
      ]),
    });
  }
}
