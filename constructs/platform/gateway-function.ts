import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LOGS_WRITE } from '../governance/iam-actions';
import type { PolicyStatement } from '../governance/policy-document';
import { functionModule, functionSource } from '../package-files';

/** A statement in the shape of Terraform's aws_iam_policy_document, as the function's permissions.js writes them. */
interface DocumentStatement {
  sid: string;
  effect: 'Allow';
  actions: string[];
  resources: string[];
  conditions: { test: string; variable: string; values: string[] }[];
}

const { gatewayStatements } = functionModule<{
  gatewayStatements(input: {
    region: string; accountId: string; roleNamePrefix: string; integrationRolePath: string; routeParameterPrefix: string;
    agentParameterPrefix: string; policyStoreId: string; approvalTableArn: string; approverKeyArns: string[];
  }): DocumentStatement[];
}>('gateway', 'permissions.js');

function toPolicyStatement(s: DocumentStatement): PolicyStatement {
  const condition: Record<string, Record<string, string[]>> = {};
  for (const c of s.conditions) (condition[c.test] ??= {})[c.variable] = c.values;
  return { Sid: s.sid, Effect: s.effect, Action: s.actions, Resource: s.resources.length === 1 ? s.resources[0] : s.resources, ...(s.conditions.length ? { Condition: condition } : {}) };
}
import { LogSink } from '../primitives/log-sink';
import { ServiceRole } from '../primitives/service-role';

export interface GatewayFunctionProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  readonly iamNamePrefix: string;
  readonly platformRolePath: string;
  readonly integrationRolePath: string;
  readonly permissionsBoundary: string;
  readonly kmsKeyArn: string;
  readonly logRetentionDays: number;
  readonly production: boolean;
  /** SSM path prefixes of the route entries the function reads. */
  readonly routeParameterPrefix: string;
  readonly agentParameterPrefix: string;
  readonly policyStore: { readonly policyStoreId: string; readonly arn: string };
  readonly tags: Record<string, string>;
}

/**
 * The gateway function: the one place that acts for a workload behind the gateway (functions/gateway).
 * API Gateway has verified the caller (SigV4) and IAM the route before it runs. It holds no model or
 * tool permission itself: per call it assumes the workload's integration identity with the caller as
 * source identity and a session policy naming only that call's model or tool. Its own permissions:
 * assume integration identities of this environment, read route entries, ask the agent policy
 * store, verify approvals, record each approval's single use, and write the decision log.
 */
/** The gateway function's role name: `<env>-<region code>-platform-gateway`. */
export function gatewayFunctionRoleName(iamNamePrefix: string): string {
  return `${iamNamePrefix}platform-gateway`;
}

/** The gateway function's role ARN, known before the role exists (approver keys name it). */
export function gatewayFunctionRoleArn(accountId: string, platformRolePath: string, iamNamePrefix: string): string {
  return `arn:aws:iam::${accountId}:role${platformRolePath}${gatewayFunctionRoleName(iamNamePrefix)}`;
}

export class GatewayFunction extends Construct {
  public readonly function: LambdaFunction;
  public readonly functionName: string;
  public readonly roleArn: string;
  /** The role: approver keys name it, so they are created after it. */
  public readonly role: ServiceRole;
  private readonly statementsFor: (approverKeyArns: string[]) => PolicyStatement[];
  public readonly decisionLog: LogSink;
  /** Single use of approvals: one item per approval id, expired by TTL. */
  public readonly approvalTable: DynamodbTable;

  constructor(scope: Construct, id: string, props: GatewayFunctionProps) {
    super(scope, id);
    const { region, accountId: acct } = props;
    const name = `governed-${props.envName}-gateway`;
    const roleName = gatewayFunctionRoleName(props.iamNamePrefix);
    this.roleArn = gatewayFunctionRoleArn(acct, props.platformRolePath, props.iamNamePrefix);

    this.decisionLog = new LogSink(this, 'decision-log', {
      name: `/governed/${props.envName}/gateway/decisions`,
      kmsKeyArn: props.kmsKeyArn,
      retentionDays: props.logRetentionDays,
      tags: props.tags,
    });

    this.approvalTable = new DynamodbTable(this, 'approvals', {
      name: `governed-${props.envName}-approvals`,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'jti',
      attribute: [{ name: 'jti', type: 'S' }],
      ttl: { attributeName: 'expiresAt', enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: props.production,
      tags: props.tags,
    });

    // The function's own permission list, kept beside the calls it makes (functions/gateway/permissions.js).
    const own = (approverKeyArns: string[]) =>
      gatewayStatements({
        region,
        accountId: acct,
        roleNamePrefix: props.iamNamePrefix,
        integrationRolePath: props.integrationRolePath,
        routeParameterPrefix: props.routeParameterPrefix,
        agentParameterPrefix: props.agentParameterPrefix,
        policyStoreId: props.policyStore.policyStoreId,
        approvalTableArn: this.approvalTable.arn,
        approverKeyArns,
      }).map(toPolicyStatement);
    this.statementsFor = own;
    const statements: PolicyStatement[] = [
      ...own([]),
      {
        Sid: 'UseEnvironmentKeyThroughDynamoDb',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: props.kmsKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
      },
      { Sid: 'WriteDecisionLog', Effect: 'Allow', Action: [...LOGS_WRITE], Resource: `${this.decisionLog.arn}:log-stream:*` },
    ];
    const role = new ServiceRole(this, 'role', {
      name: roleName,
      path: props.platformRolePath,
      service: 'lambda.amazonaws.com',
      accountId: acct,
      sourceArn: `arn:aws:lambda:${region}:${acct}:function:${name}`,
      permissionsBoundary: props.permissionsBoundary,
      statements,
      tags: props.tags,
    });

    const asset = new TerraformAsset(this, 'code', { path: functionSource('gateway'), type: AssetType.ARCHIVE });
    this.function = new LambdaFunction(this, 'function', {
      functionName: name,
      description: `Acts for ${props.envName}'s workloads behind the gateway: models, tools (Cedar), approvals`,
      role: role.roleArn,
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: asset.assetHash,
      timeout: 29,
      memorySize: 512,
      kmsKeyArn: props.kmsKeyArn,
      tracingConfig: { mode: 'Active' },
      environment: {
        variables: {
          ENVIRONMENT: props.envName,
          ACCOUNT_ID: acct,
          PARTITION: 'aws',
          ROLE_NAME_PREFIX: props.iamNamePrefix,
          INTEGRATION_ROLE_PATH: props.integrationRolePath,
          ROUTE_PARAMETER_PREFIX: props.routeParameterPrefix,
          AGENT_PARAMETER_PREFIX: props.agentParameterPrefix,
          POLICY_STORE_ID: props.policyStore.policyStoreId,
          APPROVAL_TABLE: this.approvalTable.name,
          APPROVER_KEYS: '{}',
        },
      },
      loggingConfig: { logFormat: 'JSON', logGroup: this.decisionLog.name },
      tags: props.tags,
      dependsOn: [this.decisionLog.logGroup, role.role],
    });
    this.functionName = this.function.functionName;
    this.role = role;
  }

  /**
   * The registered approvers' keys (e-mail → key ARN): verified with kms:Verify. Set after the keys
   * exist, because their policies name this function's role.
   */
  useApproverKeys(keyArns: Readonly<Record<string, string>>): void {
    const arns = Object.values(keyArns);
    this.function.addOverride('environment.variables.APPROVER_KEYS', JSON.stringify(keyArns));
    this.role.addStatements(...this.statementsFor(arns).filter((s) => s.Sid === 'VerifyApprovals'));
  }
}
