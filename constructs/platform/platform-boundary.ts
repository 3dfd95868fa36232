import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { BOUNDARY_DENIED, KMS_USE, LOGS_DESCRIBE, LOGS_WRITE, SECRET_VALUE_WRITE, SECRETS_ROTATE, VERIFIED_PERMISSIONS_AUTHORIZE } from '../governance/iam-actions';
import { policyJson } from '../governance/policy-document';

export interface PlatformBoundaryProps {
  readonly envName: string;
  readonly region: string;
  readonly accountId: string;
  readonly iamNamePrefix: string;
  readonly platformRolePath: string;
  readonly integrationRolePath: string;
  readonly allowedRegions: readonly string[];
  readonly kmsKeyArn: string;
  /** The approvers' signing keys: the gateway function verifies approvals with these and no other key. */
  readonly approverKeyArns: readonly string[];
  readonly tags: Record<string, string>;
}

/**
 * The ceiling on the platform's own roles (gateway function, rotation function, the account's
 * API Gateway logging and Bedrock invocation logging roles): the union of what they need, each
 * scoped to this environment's resources, and the same denials as the workload boundary. A
 * statement added to a platform role later cannot reach beyond it; a platform that lets pipelines
 * create roles only with a boundary can deploy these roles.
 */
export class PlatformBoundary extends Construct {
  public readonly policy: IamPolicy;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: PlatformBoundaryProps) {
    super(scope, id);
    const { region, accountId: acct, envName } = props;
    const logGroup = (name: string) => `arn:aws:logs:${region}:${acct}:log-group:${name}`;
    this.policy = new IamPolicy(this, 'policy', {
      name: `${props.iamNamePrefix}platform-boundary`,
      path: props.platformRolePath,
      description: `Permission boundary of the platform roles of ${envName}`,
      policy: policyJson([
        {
          Sid: 'GatewayActsAsIntegrationIdentities',
          Effect: 'Allow',
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
          Resource: `arn:aws:iam::${acct}:role${props.integrationRolePath}*`,
        },
        { Sid: 'ReadRouteEntries', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: `arn:aws:ssm:${region}:${acct}:parameter/governance/${envName}/*` },
        { Sid: 'AskAgentPolicyStore', Effect: 'Allow', Action: [...VERIFIED_PERMISSIONS_AUTHORIZE], Resource: `arn:aws:verifiedpermissions::${acct}:policy-store/*` },
        ...(props.approverKeyArns.length ? [{ Sid: 'VerifyApprovals', Effect: 'Allow' as const, Action: ['kms:Verify', 'kms:GetPublicKey'], Resource: [...props.approverKeyArns] }] : []),
        { Sid: 'RecordApprovalUse', Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: `arn:aws:dynamodb:${region}:${acct}:table/governed-${envName}-*` },
        { Sid: 'RotateEnvironmentSecrets', Effect: 'Allow', Action: [...SECRETS_ROTATE, 'secretsmanager:ListSecretVersionIds'], Resource: `arn:aws:secretsmanager:${region}:${acct}:secret:governed/${envName}/*` },
        { Sid: 'GenerateSecretValues', Effect: 'Allow', Action: ['secretsmanager:GetRandomPassword'], Resource: '*' },
        {
          Sid: 'ManageGatewayApiKeys',
          Effect: 'Allow',
          Action: ['apigateway:GET', 'apigateway:POST', 'apigateway:PATCH', 'apigateway:DELETE'],
          Resource: [
            `arn:aws:apigateway:${region}::/apikeys`,
            `arn:aws:apigateway:${region}::/apikeys/*`,
            `arn:aws:apigateway:${region}::/usageplans/*/keys`,
            `arn:aws:apigateway:${region}::/usageplans/*/keys/*`,
            `arn:aws:apigateway:${region}::/tags/*`,
          ],
        },
        {
          Sid: 'UseEnvironmentKeyThroughServices',
          Effect: 'Allow',
          Action: [...KMS_USE],
          Resource: props.kmsKeyArn,
          Condition: { StringEquals: { 'kms:ViaService': ['secretsmanager', 'dynamodb', 'logs'].map((s) => `${s}.${region}.amazonaws.com`) } },
        },
        {
          Sid: 'WriteEnvironmentAndGatewayLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', ...LOGS_WRITE, ...LOGS_DESCRIBE, 'logs:DescribeLogGroups'],
          Resource: [logGroup(`/governed/${envName}/*`), logGroup('API-Gateway-Execution-Logs_*'), logGroup(`/aws/lambda/governed-${envName}-*`)],
        },
        {
          // Less the value writes: the rotation function, a platform role, is the one writer of
          // governed secret values (each secret's own policy admits no other principal).
          Sid: 'DenyIdentityKeyAndAuditManagement',
          Effect: 'Deny',
          Action: BOUNDARY_DENIED.filter((a) => !(SECRET_VALUE_WRITE as readonly string[]).includes(a)),
          Resource: '*',
        },
        {
          Sid: 'DenyOutsideAllowedRegions',
          Effect: 'Deny',
          NotAction: ['sts:GetCallerIdentity', 'iam:*'],
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:RequestedRegion': [...props.allowedRegions] } },
        },
      ]),
      tags: props.tags,
    });
    this.arn = this.policy.arn;
  }
}
