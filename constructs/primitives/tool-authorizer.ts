import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { functionSource } from '../package-files';
import { ApiGatewayAuthorizer } from '@cdktf/provider-aws/lib/api-gateway-authorizer';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import type { IGovernedEnvironment, IGrantee } from '../governance/environment';
import { KMS_USE, LAMBDA_INVOKE, LOGS_WRITE, SECRETS_READ, VERIFIED_PERMISSIONS_AUTHORIZE } from '../governance/iam-actions';
import type { PolicyStatement } from '../governance/policy-document';
import { platformRolePath } from '../governance/rotation';
import type { ResolvedToolGrant } from '../agent-authorization/tool-grants';
import type { LogSink } from './log-sink';
import type { RotatingSecret } from './rotating-secret';
import { ServiceRole } from './service-role';

/** The handler's source, packaged as a Lambda asset (nodejs20.x ships AWS SDK v3: no node_modules). */
export const TOOL_AUTHORIZER_SOURCE = functionSource('tool-authorizer');

/** The header the authorizer reads the caller's presigned STS URL from (API Gateway's identity source). */
export const IDENTITY_SOURCE = 'method.request.header.x-governance-identity';

export interface ToolAuthorizerProps {
  readonly environment: IGovernedEnvironment;
  readonly agent: string;
  /** The agent's own role: the only identity the authorizer accepts as the agent. */
  readonly agentRoleArn: string;
  readonly policyStore: { readonly policyStoreId: string; readonly arn: string };
  readonly tools: readonly ResolvedToolGrant[];
  /** The key approval tokens are signed with; the authorizer reads it, the agent never. */
  readonly approvalKey: RotatingSecret;
  /** Where every decision is logged (the agent's action log). */
  readonly decisionLog: LogSink;
  /** Set when the agent is revoked: the authorizer then denies before asking anything. */
  readonly revokedAt?: string;
  readonly tags: Record<string, string>;
}

/**
 * The request authorizer of one agent's tool routes: the Lambda function from
 * functions/tool-authorizer, its own execution role (ask the policy store, read this agent's
 * tool credentials and approval key, write the decision log; nothing else), the role API Gateway
 * invokes it with, and the API Gateway authorizer with caching off: decisions depend on the time
 * and the approval, so every request is decided afresh.
 *
 * The execution role lives on the platform role path, not the workload path: it is gateway-side
 * machinery, so the gateway's resource policy never admits it as a caller and the workload
 * boundary (which confines secrets to `governed/<env>/`) does not hide tool-side secrets from it.
 */
export class ToolAuthorizer extends Construct {
  public readonly function: LambdaFunction;
  public readonly authorizer: ApiGatewayAuthorizer;
  public readonly authorizerId: string;
  /** The execution role's ARN: tool owners admit it in their credential secret's resource policy. */
  public readonly roleArn: string;

  constructor(scope: Construct, id: string, props: ToolAuthorizerProps) {
    super(scope, id);
    const env = props.environment;
    const name = `${env.name}-${props.agent}-tool-authz`;
    const rolePath = platformRolePath(env.name);
    this.roleArn = `arn:aws:iam::${env.accountId}:role${rolePath}${name}`;

    // The approval key's resource policy must name this role; its grant brings the statements.
    const statements: PolicyStatement[] = [];
    const collector: IGrantee = { roleArn: this.roleArn, roleName: name, addToPolicy: (_concern, s) => statements.push(...s) };
    props.approvalKey.grantRead(collector);

    statements.push({ Sid: 'AskAgentPolicyStore', Effect: 'Allow', Action: [...VERIFIED_PERMISSIONS_AUTHORIZE], Resource: props.policyStore.arn });
    const credentialTools = props.tools.filter((t) => t.credential);
    if (credentialTools.length > 0) {
      statements.push({ Sid: 'ReadToolCredentials', Effect: 'Allow', Action: [...SECRETS_READ], Resource: [...new Set(credentialTools.map((t) => t.credential!.secretArn))] });
      const keys = [...new Set(credentialTools.map((t) => t.credential!.kmsKeyArn ?? env.kmsKeyArn))];
      statements.push({
        Sid: 'DecryptToolCredentials',
        Effect: 'Allow',
        Action: [...KMS_USE],
        Resource: keys,
        Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${env.region}.amazonaws.com` } },
      });
    }
    statements.push({ Sid: 'WriteDecisionLog', Effect: 'Allow', Action: [...LOGS_WRITE], Resource: `${props.decisionLog.arn}:log-stream:*` });

    const role = new ServiceRole(this, 'role', {
      name,
      path: rolePath,
      service: 'lambda.amazonaws.com',
      accountId: env.accountId,
      sourceArn: `arn:aws:lambda:${env.region}:${env.accountId}:function:${name}`,
      statements,
      tags: props.tags,
    });

    const asset = new TerraformAsset(this, 'code', { path: TOOL_AUTHORIZER_SOURCE, type: AssetType.ARCHIVE });
    const variables: Record<string, string> = {
      POLICY_STORE_ID: props.policyStore.policyStoreId,
      ENVIRONMENT: env.name,
      AGENT: props.agent,
      AGENT_ROLE_ARN: props.agentRoleArn,
      AUDIENCE: audienceOf(env.name),
      APPROVAL_KEY_SECRET_ARN: props.approvalKey.secretArn,
      TOOL_CREDENTIALS: JSON.stringify(Object.fromEntries(credentialTools.map((t) => [t.name, t.credential!.secretArn]))),
    };
    if (props.revokedAt) variables.REVOKED_AT = props.revokedAt;
    this.function = new LambdaFunction(this, 'function', {
      functionName: name,
      description: `Decides ${props.agent}'s tool calls in ${env.name} with Verified Permissions`,
      role: role.roleArn,
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: asset.assetHash,
      timeout: 10,
      memorySize: 256,
      kmsKeyArn: env.kmsKeyArn,
      environment: { variables },
      loggingConfig: { logFormat: 'JSON', logGroup: props.decisionLog.name },
      tags: props.tags,
      dependsOn: [props.decisionLog.logGroup, role.role],
    });

    const invokeRole = new ServiceRole(this, 'invoke-role', {
      name: `${name}-invoke`,
      path: rolePath,
      service: 'apigateway.amazonaws.com',
      accountId: env.accountId,
      sourceArn: `${env.gateway.executionArn}/authorizers/*`,
      statements: [{ Sid: 'InvokeToolAuthorizer', Effect: 'Allow', Action: [...LAMBDA_INVOKE], Resource: this.function.arn }],
      tags: props.tags,
    });

    this.authorizer = new ApiGatewayAuthorizer(this, 'authorizer', {
      name,
      restApiId: env.gateway.restApiId,
      type: 'REQUEST',
      authorizerUri: this.function.invokeArn,
      authorizerCredentials: invokeRole.roleArn,
      identitySource: IDENTITY_SOURCE,
      // Never cache: the same caller may be allowed at 10:00 and denied at 18:00, or after revocation.
      authorizerResultTtlInSeconds: 0,
    });
    this.authorizerId = this.authorizer.id;
  }
}

/** The audience the agent's presigned STS URL must sign (`x-governance-audience`). */
export function audienceOf(environmentName: string): string {
  return `${environmentName}/agents`;
}
