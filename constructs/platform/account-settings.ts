import { Construct, type IConstruct } from 'constructs';
import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { BedrockModelInvocationLoggingConfiguration } from '@cdktf/provider-aws/lib/bedrock-model-invocation-logging-configuration';
import { LOGS_DESCRIBE, LOGS_WRITE } from '../governance/iam-actions';
import { ServiceRole } from '../primitives/service-role';
import type { AuditSink } from './audit-sink';

/**
 * Settings AWS keeps once per account and Region, whatever environment asks:
 * - Bedrock model invocation logging ("The model invocation logging configuration applies to the
 *   account and Region", https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html);
 * - API Gateway's account settings (the CloudWatch role for access and execution logs,
 *   https://docs.aws.amazon.com/apigateway/latest/api/API_UpdateAccount.html).
 * Two stacks managing them overwrite each other at every apply, and the last writer decides where
 * every environment's prompts and answers land. One environment owns them; the others in the same
 * account and Region reference that owner.
 */
export interface AccountSettingsProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  readonly iamNamePrefix: string;
  readonly platformRolePath: string;
  readonly permissionsBoundary: string;
  /** The owning environment's audit sink: every environment of the account and Region logs here. */
  readonly sink: AuditSink;
  readonly tags: Record<string, string>;
}

export class AccountSettings extends Construct {
  public readonly apiGatewayAccount: ApiGatewayAccount;
  public readonly invocationLogging: BedrockModelInvocationLoggingConfiguration;

  constructor(scope: Construct, id: string, props: AccountSettingsProps) {
    super(scope, id);
    const { region, accountId: acct } = props;
    const gatewayLogsRole = new ServiceRole(this, 'apigateway-cloudwatch-role', {
      name: `${props.iamNamePrefix}platform-apigateway-logs`,
      path: props.platformRolePath,
      service: 'apigateway.amazonaws.com',
      accountId: acct,
      permissionsBoundary: props.permissionsBoundary,
      statements: [
        {
          Sid: 'WriteGatewayLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', ...LOGS_WRITE, 'logs:DescribeLogGroups', ...LOGS_DESCRIBE],
          Resource: [`arn:aws:logs:${region}:${acct}:log-group:/governed/*`, `arn:aws:logs:${region}:${acct}:log-group:API-Gateway-Execution-Logs_*`],
        },
      ],
      tags: props.tags,
    });
    this.apiGatewayAccount = new ApiGatewayAccount(this, 'apigateway-account', { cloudwatchRoleArn: gatewayLogsRole.roleArn });

    const logs = props.sink.invocationLogs;
    const invocationRole = new ServiceRole(this, 'invocation-logging-role', {
      name: `${props.iamNamePrefix}platform-invocation-logging`,
      path: props.platformRolePath,
      service: 'bedrock.amazonaws.com',
      accountId: acct,
      // Bedrock sends no narrower source ARN for the account's logging delivery.
      sourceArn: `arn:aws:bedrock:${region}:${acct}:*`,
      permissionsBoundary: props.permissionsBoundary,
      statements: [{ Sid: 'WriteInvocationLogs', Effect: 'Allow', Action: [...LOGS_WRITE, ...LOGS_DESCRIBE], Resource: [logs.arn, `${logs.arn}:log-stream:*`] }],
      tags: props.tags,
    });
    this.invocationLogging = new BedrockModelInvocationLoggingConfiguration(this, 'invocation-logging', {
      loggingConfig: {
        cloudwatchConfig: { logGroupName: logs.name, roleArn: invocationRole.roleArn },
        s3Config: { bucketName: props.sink.archive.bucket, keyPrefix: 'bedrock' },
        textDataDeliveryEnabled: true,
        imageDataDeliveryEnabled: true,
        embeddingDataDeliveryEnabled: true,
        videoDataDeliveryEnabled: true,
      },
      dependsOn: [invocationRole.role],
    });
  }
}

/** Who owns the account settings of one account and Region in this app. */
interface SettingsClaim {
  readonly path: string;
  readonly environment: string;
  readonly production: boolean;
  readonly owns: boolean;
}

const claims = new WeakMap<IConstruct, Map<string, SettingsClaim[]>>();

/**
 * Records an environment's relation to its account and Region's settings and returns the problems
 * it creates: two owners in one app, or a production environment whose invocation logs would land
 * in a non-production environment's sink. An environment without a declared account id is taken
 * to share its Region with every other such environment of the app (a wrong guess only ever fails
 * synth with the fix, never lets two owners through).
 */
export function claimAccountSettings(scope: IConstruct, key: { accountId?: string; region: string }, claim: SettingsClaim): string[] {
  let registry = claims.get(scope.node.root);
  if (!registry) claims.set(scope.node.root, (registry = new Map()));
  const id = `${key.accountId ?? 'undeclared-account'}/${key.region}`;
  const list = registry.get(id) ?? [];
  registry.set(id, [...list, claim]);
  const problems: string[] = [];
  const owners = [...list, claim].filter((c) => c.owns);
  if (claim.owns && owners.length > 1) {
    problems.push(`account settings of ${id} owned by both '${owners[0].path}' (${owners[0].environment}) and '${claim.path}' (${claim.environment})`);
  }
  const owner = owners[0];
  const productionLoggingElsewhere = [...list, claim].find((c) => c.production && !c.owns);
  if (owner && !owner.production && productionLoggingElsewhere) {
    problems.push(`production environment ${productionLoggingElsewhere.environment} shares ${id} with ${owner.environment}, which owns the account settings: production prompts and answers would land in a non-production sink`);
  }
  return problems;
}
