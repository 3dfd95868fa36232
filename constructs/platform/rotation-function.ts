import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { LOGS_WRITE } from '../governance/iam-actions';
import type { PolicyStatement } from '../governance/policy-document';
import { rotationFunctionName, rotationRoleName } from '../governance/rotation';
import { LogSink } from '../primitives/log-sink';
import { ServiceRole } from '../primitives/service-role';
import type { RotationStrategyModule } from '../governance/rotation';
import { functionModule, functionSource } from '../package-files';

// The function's own permission list, kept beside the calls it allows (shipped as the asset).
const { ROTATION_STRATEGIES } = functionModule<RotationStrategyModule>('secret-rotation', 'strategy.js');
const { rotationStatements } = functionModule<{
  rotationStatements(input: { strategies: readonly string[]; environment: string; region: string; accountId: string; kmsKeyArn: string; usagePlanIds?: readonly string[] }): DocumentStatement[];
}>('secret-rotation', 'permissions.js');

export interface RotationFunctionProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  readonly kmsKeyArn: string;
  readonly iamNamePrefix: string;
  readonly platformRolePath: string;
  readonly permissionsBoundary: string;
  readonly logRetentionDays: number;
  /** Usage plan id per quota tier: a caller's new key goes on its tier's plan, never on one a tag names. */
  readonly usagePlanIds: Readonly<Record<string, string>>;
  readonly tags: Record<string, string>;
}

/** The function's source, packaged as a Lambda asset (Node.js 22 ships AWS SDK v3, so no node_modules). */
export const ROTATION_FUNCTION_SOURCE = functionSource('secret-rotation');

/**
 * The environment's one rotation function for every governed secret (generated tokens and gateway
 * API keys): secrets of workload stacks from other repositories rotate with it too, so its
 * permissions are scoped by the environment tag rather than by secret name.
 */
export class RotationFunction extends Construct {
  public readonly function: LambdaFunction;
  public readonly arn: string;
  public readonly roleArn: string;

  constructor(scope: Construct, id: string, props: RotationFunctionProps) {
    super(scope, id);
    const name = rotationFunctionName(props.envName);
    const roleName = rotationRoleName(props.iamNamePrefix);
    const logs = new LogSink(this, 'logs', {
      name: `/aws/lambda/${name}`,
      kmsKeyArn: props.kmsKeyArn,
      retentionDays: props.logRetentionDays,
      tags: props.tags,
    });
    const statements: PolicyStatement[] = rotationStatements({
      strategies: Object.values(ROTATION_STRATEGIES),
      environment: props.envName,
      region: props.region,
      accountId: props.accountId,
      kmsKeyArn: props.kmsKeyArn,
      usagePlanIds: Object.values(props.usagePlanIds),
    }).map(toPolicyStatement);
    statements.push({ Sid: 'WriteOwnLogs', Effect: 'Allow', Action: [...LOGS_WRITE], Resource: `${logs.arn}:log-stream:*` });

    const role = new ServiceRole(this, 'role', {
      name: roleName,
      path: props.platformRolePath,
      permissionsBoundary: props.permissionsBoundary,
      service: 'lambda.amazonaws.com',
      accountId: props.accountId,
      sourceArn: `arn:aws:lambda:${props.region}:${props.accountId}:function:${name}`,
      statements,
      tags: props.tags,
    });
    const asset = new TerraformAsset(this, 'code', { path: ROTATION_FUNCTION_SOURCE, type: AssetType.ARCHIVE });
    this.function = new LambdaFunction(this, 'function', {
      functionName: name,
      description: `Rotates the governed secrets of ${props.envName}`,
      role: role.roleArn,
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: asset.assetHash,
      timeout: 30,
      memorySize: 256,
      kmsKeyArn: props.kmsKeyArn,
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'JSON', logGroup: logs.name },
      environment: { variables: { ENVIRONMENT: props.envName, USAGE_PLANS: Fn.jsonencode(props.usagePlanIds) } },
      tags: props.tags,
      dependsOn: [logs.logGroup],
    });
    this.arn = this.function.arn;
    this.roleArn = role.roleArn;
    // Secrets Manager invokes it for this environment's governed secrets only (the source ARN is
    // the secret being rotated; product stacks' secrets have names under this prefix).
    new LambdaPermission(this, 'secretsmanager-invoke', {
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      principal: 'secretsmanager.amazonaws.com',
      sourceAccount: props.accountId,
      sourceArn: `arn:aws:secretsmanager:${props.region}:${props.accountId}:secret:governed/${props.envName}/*`,
    });
  }
}

interface DocumentStatement {
  sid: string;
  effect: 'Allow';
  actions: string[];
  resources: string[];
  conditions: { test: string; variable: string; values: string[] }[];
}

function toPolicyStatement(s: DocumentStatement): PolicyStatement {
  const condition: Record<string, Record<string, string[]>> = {};
  for (const c of s.conditions) (condition[c.test] ??= {})[c.variable] = c.values;
  return { Sid: s.sid, Effect: s.effect, Action: s.actions, Resource: s.resources, ...(s.conditions.length ? { Condition: condition } : {}) };
}
