/**
 * IAM action lists, one place per service (aws-cdk keeps them beside each grant). Constructs and
 * policies import these; no construct writes an action string inline.
 */
export const SECRETS_READ = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] as const;

/** What a rotation function needs on the secrets it rotates. */
export const SECRETS_ROTATE = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
] as const;

/** Decrypt through a service (Secrets Manager, SageMaker, Logs) with the environment key. */
export const KMS_USE = ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'] as const;

/** What an AWS service needs on a customer managed key to encrypt its data with it. */
export const KMS_SERVICE_USE = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'] as const;

/**
 * Key administration, listed rather than `kms:*`: the account root keeps the key manageable
 * (and the key policy passes KMS's lock-out check) without a wildcard action.
 */
export const KMS_ADMIN = [
  'kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy', 'kms:ListKeyPolicies', 'kms:GetKeyRotationStatus',
  'kms:EnableKeyRotation', 'kms:DisableKeyRotation', 'kms:RotateKeyOnDemand', 'kms:ListKeyRotations', 'kms:ListResourceTags',
  'kms:TagResource', 'kms:UntagResource', 'kms:UpdateKeyDescription', 'kms:EnableKey', 'kms:DisableKey',
  'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias',
  'kms:ListAliases', 'kms:ListGrants', 'kms:CreateGrant', 'kms:RevokeGrant', 'kms:RetireGrant',
] as const;

export const BEDROCK_INVOKE = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'] as const;
export const BEDROCK_APPLY_GUARDRAIL = ['bedrock:ApplyGuardrail'] as const;
export const SAGEMAKER_INVOKE = ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'] as const;
export const EXECUTE_API_INVOKE = ['execute-api:Invoke'] as const;
export const LOGS_WRITE = ['logs:CreateLogStream', 'logs:PutLogEvents'] as const;
export const LOGS_DESCRIBE = ['logs:DescribeLogStreams'] as const;
export const LAMBDA_INVOKE = ['lambda:InvokeFunction'] as const;

/** Pull a container image from ECR (SageMaker execution roles). */
export const ECR_PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'] as const;
/** ecr:GetAuthorizationToken and cloudwatch:PutMetricData support no resource scoping. */
export const ECR_AUTH = ['ecr:GetAuthorizationToken'] as const;
export const METRICS_PUT = ['cloudwatch:PutMetricData'] as const;

export const STS_ASSUME_FOR_POD_IDENTITY = ['sts:AssumeRole', 'sts:TagSession'] as const;
export const STS_ASSUME = ['sts:AssumeRole'] as const;

/** Actions a permission boundary denies outright: no workload manages identities or keys. */
export const BOUNDARY_DENIED = [
  'iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:AttachRolePolicy', 'iam:PutRolePolicy',
  'iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole',
  'iam:CreateRole', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy', 'kms:DisableKey',
  'secretsmanager:DeleteSecret', 'secretsmanager:PutResourcePolicy', 'secretsmanager:CancelRotateSecret',
  'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'bedrock:DeleteModelInvocationLoggingConfiguration',
  'bedrock:DeleteGuardrail', 'organizations:LeaveOrganization',
  // A workload's tags scope what it may write (aws:PrincipalTag/governance:workload): never its own to change.
  'iam:TagRole', 'iam:UntagRole',
  // Secret values are written by the rotation function only; grants on keys are made by services.
  'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage', 'secretsmanager:RotateSecret', 'kms:CreateGrant',
] as const;

/** Writes to audit records (log groups, archive objects): denied to workloads on the audit sinks. */
export const AUDIT_WRITE = [
  'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:DeleteLogStream',
  'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion',
  's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:BypassGovernanceRetention',
] as const;

/**
 * Writes to a governed secret: denied by the secret's own policy to every principal but the
 * rotation function (values, stages) and the deployers (configuration, deletion).
 */
export const SECRET_VALUE_WRITE = ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'] as const;
export const SECRET_MANAGEMENT = [
  'secretsmanager:RotateSecret', 'secretsmanager:CancelRotateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:RestoreSecret',
  'secretsmanager:UpdateSecret', 'secretsmanager:PutResourcePolicy', 'secretsmanager:DeleteResourcePolicy',
  'secretsmanager:ReplicateSecretToRegions', 'secretsmanager:RemoveRegionsFromReplication', 'secretsmanager:StopReplicationToReplica',
  'secretsmanager:TagResource', 'secretsmanager:UntagResource',
] as const;

/** Ask Amazon Verified Permissions for a decision (the agent tool authorizer). */
export const VERIFIED_PERMISSIONS_AUTHORIZE = ['verifiedpermissions:IsAuthorized'] as const;
