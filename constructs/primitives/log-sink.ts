import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';

export interface LogSinkProps {
  readonly name: string;
  readonly kmsKeyArn: string;
  readonly retentionDays: number;
  readonly tags: Record<string, string>;
}

/** A CloudWatch log group encrypted with the environment key and retained for the environment's period. */
export class LogSink extends Construct {
  public readonly logGroup: CloudwatchLogGroup;
  public readonly name: string;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: LogSinkProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: props.name,
      kmsKeyId: props.kmsKeyArn,
      retentionInDays: props.retentionDays,
      tags: props.tags,
    });
    this.name = this.logGroup.name;
    this.arn = this.logGroup.arn;
  }
}

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_VALUES = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
