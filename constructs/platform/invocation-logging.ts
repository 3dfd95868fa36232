import { Construct } from 'constructs';
import { BedrockModelInvocationLoggingConfiguration } from '@cdktf/provider-aws/lib/bedrock-model-invocation-logging-configuration';
import { LOGS_DESCRIBE, LOGS_WRITE } from '../governance/iam-actions';
import { ServiceRole } from '../primitives/service-role';
import type { AuditSink } from './audit-sink';

export interface InvocationLoggingProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  readonly rolePath: string;
  readonly sink: AuditSink;
  readonly tags: Record<string, string>;
}

/**
 * Bedrock model invocation logging for the account and region, into the environment's sink: every
 * prompt and answer lands in the encrypted log group and the object-locked archive.
 */
export class InvocationLogging extends Construct {
  constructor(scope: Construct, id: string, props: InvocationLoggingProps) {
    super(scope, id);
    const logs = props.sink.invocationLogs;
    const role = new ServiceRole(this, 'role', {
      name: `${props.envName}-bedrock-invocation-logging`,
      path: props.rolePath,
      service: 'bedrock.amazonaws.com',
      accountId: props.accountId,
      sourceArn: `arn:aws:bedrock:${props.region}:${props.accountId}:*`,
      statements: [
        { Sid: 'WriteInvocationLogs', Effect: 'Allow', Action: [...LOGS_WRITE, ...LOGS_DESCRIBE], Resource: [logs.arn, `${logs.arn}:log-stream:*`] },
      ],
      tags: props.tags,
    });
    new BedrockModelInvocationLoggingConfiguration(this, 'configuration', {
      loggingConfig: {
        cloudwatchConfig: { logGroupName: logs.name, roleArn: role.roleArn },
        s3Config: { bucketName: props.sink.archive.bucket, keyPrefix: 'bedrock' },
        textDataDeliveryEnabled: true,
        imageDataDeliveryEnabled: true,
        embeddingDataDeliveryEnabled: true,
        videoDataDeliveryEnabled: true,
      },
      dependsOn: [role.role],
    });
  }
}
