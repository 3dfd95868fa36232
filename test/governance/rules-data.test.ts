import {
  GovernanceTags,
  KmsKeyRotation,
  LogGroupEncryptedAndRetained,
  S3BucketKmsEncrypted,
  S3BucketPublicAccessBlocked,
  S3BucketTlsOnly,
  S3BucketVersioned,
  SecretCustomerManagedKey,
  SecretRotation,
  SecretValueNotInState,
} from '../../constructs/policy-engine/rules';
import { TAG_KEYS } from '../../constructs/governance/tags';
import { evaluate, GOVERNANCE_TAGS, planStack, policy, synthStack } from './fixtures';

describe('GovernanceTags', () => {
  test('compliant when the provider default_tags carry every governance tag', () => {
    const stack = synthStack({ resource: { aws_kms_key: { k: { enable_key_rotation: true } } } });
    expect(evaluate(GovernanceTags, stack, 'aws_kms_key.k').status).toBe('compliant');
  });
  test('compliant when resource tags complete partial default tags', () => {
    const { [TAG_KEYS.workload]: workload, ...rest } = GOVERNANCE_TAGS;
    const stack = synthStack({ defaultTags: rest, resource: { aws_kms_key: { k: { tags: { [TAG_KEYS.workload]: workload } } } } });
    expect(evaluate(GovernanceTags, stack, 'aws_kms_key.k').status).toBe('compliant');
  });
  test('non-compliant when a tag is missing', () => {
    const { [TAG_KEYS.owner]: _owner, ...rest } = GOVERNANCE_TAGS;
    const stack = synthStack({ defaultTags: rest, resource: { aws_kms_key: { k: {} } } });
    expect(evaluate(GovernanceTags, stack, 'aws_kms_key.k')).toEqual({ status: 'non-compliant', message: 'missing tags governance:owner' });
  });
  test('non-compliant when review-by has passed', () => {
    const stack = synthStack({ resource: { aws_kms_key: { k: { tags: { [TAG_KEYS.reviewBy]: '2026-11-21' } } } } });
    expect(evaluate(GovernanceTags, stack, 'aws_kms_key.k')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/2026-11-21 has passed/) });
  });
  test('non-compliant when review-by is not an ISO date', () => {
    const stack = synthStack({ resource: { aws_kms_key: { k: { tags: { [TAG_KEYS.reviewBy]: 'next spring' } } } } });
    expect(evaluate(GovernanceTags, stack, 'aws_kms_key.k')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/not an ISO date/) });
  });
  test('cannot verify tags given by an expression', () => {
    const stack = synthStack({ defaultTags: {}, resource: { aws_kms_key: { k: { tags: '${var.tags}' } } } });
    expect(evaluate(GovernanceTags, stack, 'aws_kms_key.k').status).toBe('cannot-verify');
  });
  test('does not apply to resources that cannot carry tags', () => {
    expect(GovernanceTags.appliesTo('aws_iam_role_policy')).toBe(false);
    expect(GovernanceTags.appliesTo('aws_iam_role')).toBe(true);
  });
  test('reads tags_all in a plan', () => {
    const plan = planStack([{ address: 'aws_kms_key.k', values: { tags_all: { [TAG_KEYS.owner]: 'x' } } }]);
    expect(evaluate(GovernanceTags, plan, 'aws_kms_key.k')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/governance:accountable/) });
  });
});

describe('SecretCustomerManagedKey', () => {
  test('compliant with a reference to a KMS key', () => {
    const stack = synthStack({ resource: { aws_secretsmanager_secret: { s: { name: 's', kms_key_id: '${aws_kms_key.k.arn}' } } } });
    expect(evaluate(SecretCustomerManagedKey, stack, 'aws_secretsmanager_secret.s').status).toBe('compliant');
  });
  test('non-compliant without kms_key_id', () => {
    const stack = synthStack({ resource: { aws_secretsmanager_secret: { s: { name: 's' } } } });
    expect(evaluate(SecretCustomerManagedKey, stack, 'aws_secretsmanager_secret.s')).toEqual({ status: 'non-compliant', message: 'kms_key_id is not set (AWS managed key)' });
  });
  test('non-compliant with the AWS managed alias', () => {
    const stack = synthStack({ resource: { aws_secretsmanager_secret: { s: { kms_key_id: 'alias/aws/secretsmanager' } } } });
    expect(evaluate(SecretCustomerManagedKey, stack, 'aws_secretsmanager_secret.s').status).toBe('non-compliant');
  });
});

describe('SecretRotation', () => {
  const secret = { name: 's', kms_key_id: '${aws_kms_key.k.arn}' };
  test('compliant with a 30 day rotation referring to the secret', () => {
    const stack = synthStack({
      resource: {
        aws_secretsmanager_secret: { s: secret },
        aws_secretsmanager_secret_rotation: { r: { secret_id: '${aws_secretsmanager_secret.s.id}', rotation_rules: { automatically_after_days: 30 } } },
      },
    });
    expect(evaluate(SecretRotation, stack, 'aws_secretsmanager_secret.s').status).toBe('compliant');
  });
  test('compliant with rate(7 days)', () => {
    const stack = synthStack({
      resource: {
        aws_secretsmanager_secret: { s: secret },
        aws_secretsmanager_secret_rotation: { r: { secret_id: '${aws_secretsmanager_secret.s.id}', rotation_rules: [{ schedule_expression: 'rate(7 days)' }] } },
      },
    });
    expect(evaluate(SecretRotation, stack, 'aws_secretsmanager_secret.s').status).toBe('compliant');
  });
  test('non-compliant without a rotation', () => {
    const stack = synthStack({ resource: { aws_secretsmanager_secret: { s: secret } } });
    expect(evaluate(SecretRotation, stack, 'aws_secretsmanager_secret.s')).toEqual({ status: 'non-compliant', message: 'no aws_secretsmanager_secret_rotation refers to this secret' });
  });
  test('non-compliant with a 180 day rotation', () => {
    const stack = synthStack({
      resource: {
        aws_secretsmanager_secret: { s: secret },
        aws_secretsmanager_secret_rotation: { r: { secret_id: '${aws_secretsmanager_secret.s.id}', rotation_rules: { automatically_after_days: 180 } } },
      },
    });
    expect(evaluate(SecretRotation, stack, 'aws_secretsmanager_secret.s')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/180 days/) });
  });
  test('cannot verify a cron schedule', () => {
    const stack = synthStack({
      resource: {
        aws_secretsmanager_secret: { s: secret },
        aws_secretsmanager_secret_rotation: { r: { secret_id: '${aws_secretsmanager_secret.s.id}', rotation_rules: { schedule_expression: 'cron(0 0 1 * ? *)' } } },
      },
    });
    expect(evaluate(SecretRotation, stack, 'aws_secretsmanager_secret.s').status).toBe('cannot-verify');
  });
  test('finds the rotation in a plan through the configuration reference while the secret id is unknown', () => {
    const plan = planStack([
      { address: 'aws_secretsmanager_secret.s', values: { name: 's' }, unknown: { id: true, arn: true } },
      {
        address: 'aws_secretsmanager_secret_rotation.r',
        values: { rotation_rules: [{ automatically_after_days: 30 }] },
        unknown: { secret_id: true },
        references: { secret_id: ['aws_secretsmanager_secret.s.id', 'aws_secretsmanager_secret.s'] },
      },
    ]);
    expect(evaluate(SecretRotation, plan, 'aws_secretsmanager_secret.s').status).toBe('compliant');
  });
});

describe('SecretValueNotInState: every secret argument with a write-only twin', () => {
  test('fails for a database password in state, naming password_wo', () => {
    const stack = synthStack({ resource: { aws_db_instance: { db: { engine: 'postgres', password: '${var.db_password}' } } } });
    expect(evaluate(SecretValueNotInState, stack, 'aws_db_instance.db')).toEqual({
      status: 'non-compliant',
      message: 'password puts the secret value in Terraform state; use password_wo with password_wo_version',
    });
  });
  test('fails for a SecureString parameter value, naming value_wo', () => {
    const stack = synthStack({ resource: { aws_ssm_parameter: { p: { name: '/k', type: 'SecureString', value: '${var.key}' } } } });
    expect(evaluate(SecretValueNotInState, stack, 'aws_ssm_parameter.p')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/use value_wo with value_wo_version/) });
  });
  test('a SecureString parameter set through value_wo is compliant', () => {
    const stack = synthStack({ resource: { aws_ssm_parameter: { p: { name: '/k', type: 'SecureString', value_wo: '${var.key}', value_wo_version: 1 } } } });
    expect(evaluate(SecretValueNotInState, stack, 'aws_ssm_parameter.p').status).toBe('compliant');
  });
  test('a String parameter is configuration, not a secret', () => {
    const stack = synthStack({ resource: { aws_ssm_parameter: { p: { name: '/contract', type: 'String', value: '{"a":1}' } } } });
    expect(evaluate(SecretValueNotInState, stack, 'aws_ssm_parameter.p').status).toBe('not-applicable');
  });
  test('a parameter whose type is an expression is cannot-verify', () => {
    const stack = synthStack({ resource: { aws_ssm_parameter: { p: { name: '/k', type: '${var.type}', value: 'x' } } } });
    expect(evaluate(SecretValueNotInState, stack, 'aws_ssm_parameter.p').status).toBe('cannot-verify');
  });
  test('covers every type of the derived table', () => {
    expect(['aws_db_instance', 'aws_docdb_cluster', 'aws_rds_cluster', 'aws_redshift_cluster', 'aws_redshiftserverless_namespace', 'aws_secretsmanager_secret_version', 'aws_ssm_parameter'].every((t) => SecretValueNotInState.appliesTo(t))).toBe(true);
  });
});

describe('SecretValueNotInState', () => {
  test('compliant with secret_string_wo', () => {
    const stack = synthStack({ resource: { aws_secretsmanager_secret_version: { v: { secret_id: 'x', secret_string_wo: '${var.v}', secret_string_wo_version: 1 } } } });
    expect(evaluate(SecretValueNotInState, stack, 'aws_secretsmanager_secret_version.v').status).toBe('compliant');
  });
  test('non-compliant with secret_string', () => {
    const stack = synthStack({ resource: { aws_secretsmanager_secret_version: { v: { secret_id: 'x', secret_string: 'hunter2' } } } });
    expect(evaluate(SecretValueNotInState, stack, 'aws_secretsmanager_secret_version.v')).toEqual({
      status: 'non-compliant',
      message: 'secret_string puts the secret value in Terraform state; use secret_string_wo with secret_string_wo_version',
    });
  });
});

describe('KmsKeyRotation', () => {
  test('compliant with enable_key_rotation', () => {
    const stack = synthStack({ resource: { aws_kms_key: { k: { enable_key_rotation: true } } } });
    expect(evaluate(KmsKeyRotation, stack, 'aws_kms_key.k').status).toBe('compliant');
  });
  test('non-compliant without rotation', () => {
    const stack = synthStack({ resource: { aws_kms_key: { k: {} } } });
    expect(evaluate(KmsKeyRotation, stack, 'aws_kms_key.k')).toEqual({ status: 'non-compliant', message: 'enable_key_rotation is not true' });
  });
  test('not applicable to an asymmetric key', () => {
    const stack = synthStack({ resource: { aws_kms_key: { k: { customer_master_key_spec: 'RSA_2048' } } } });
    expect(evaluate(KmsKeyRotation, stack, 'aws_kms_key.k').status).toBe('not-applicable');
  });
});

describe('LogGroupEncryptedAndRetained', () => {
  test('compliant with a key and a retention', () => {
    const stack = synthStack({ resource: { aws_cloudwatch_log_group: { l: { kms_key_id: '${aws_kms_key.k.arn}', retention_in_days: 365 } } } });
    expect(evaluate(LogGroupEncryptedAndRetained, stack, 'aws_cloudwatch_log_group.l').status).toBe('compliant');
  });
  test('non-compliant without key and retention', () => {
    const stack = synthStack({ resource: { aws_cloudwatch_log_group: { l: { name: 'l' } } } });
    expect(evaluate(LogGroupEncryptedAndRetained, stack, 'aws_cloudwatch_log_group.l')).toEqual({
      status: 'non-compliant',
      message: 'kms_key_id is not set; retention_in_days is not set (logs never expire)',
    });
  });
  test('cannot verify a retention given by a variable', () => {
    const stack = synthStack({ resource: { aws_cloudwatch_log_group: { l: { kms_key_id: 'arn:k', retention_in_days: '${var.days}' } } } });
    expect(evaluate(LogGroupEncryptedAndRetained, stack, 'aws_cloudwatch_log_group.l').status).toBe('cannot-verify');
  });
});

function bucketStack(extra: Record<string, Record<string, Record<string, unknown>>> = {}) {
  return synthStack({ resource: { aws_s3_bucket: { b: { bucket: 'audit-logs' } }, ...extra } });
}
const REF = '${aws_s3_bucket.b.id}';

describe('S3BucketPublicAccessBlocked', () => {
  const all = { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true };
  test('compliant with all four settings', () => {
    const stack = bucketStack({ aws_s3_bucket_public_access_block: { p: { bucket: REF, ...all } } });
    expect(evaluate(S3BucketPublicAccessBlocked, stack, 'aws_s3_bucket.b').status).toBe('compliant');
  });
  test('compliant when the block names the bucket literally', () => {
    const stack = bucketStack({ aws_s3_bucket_public_access_block: { p: { bucket: 'audit-logs', ...all } } });
    expect(evaluate(S3BucketPublicAccessBlocked, stack, 'aws_s3_bucket.b').status).toBe('compliant');
  });
  test('non-compliant without a block', () => {
    expect(evaluate(S3BucketPublicAccessBlocked, bucketStack(), 'aws_s3_bucket.b').status).toBe('non-compliant');
  });
  test('non-compliant with one setting off', () => {
    const stack = bucketStack({ aws_s3_bucket_public_access_block: { p: { bucket: REF, ...all, restrict_public_buckets: false } } });
    expect(evaluate(S3BucketPublicAccessBlocked, stack, 'aws_s3_bucket.b')).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/restrict_public_buckets/) });
  });
});

describe('S3BucketKmsEncrypted', () => {
  const sse = (algorithm: string, key?: string) => ({
    bucket: REF,
    rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: algorithm, ...(key ? { kms_master_key_id: key } : {}) } }],
  });
  test('compliant with aws:kms and a key', () => {
    const stack = bucketStack({ aws_s3_bucket_server_side_encryption_configuration: { e: sse('aws:kms', '${aws_kms_key.k.arn}') } });
    expect(evaluate(S3BucketKmsEncrypted, stack, 'aws_s3_bucket.b').status).toBe('compliant');
  });
  test('non-compliant with AES256', () => {
    const stack = bucketStack({ aws_s3_bucket_server_side_encryption_configuration: { e: sse('AES256') } });
    expect(evaluate(S3BucketKmsEncrypted, stack, 'aws_s3_bucket.b')).toEqual({
      status: 'non-compliant',
      message: 'the default encryption is not aws:kms with a kms_master_key_id',
    });
  });
});

describe('S3BucketVersioned', () => {
  test('compliant with versioning Enabled', () => {
    const stack = bucketStack({ aws_s3_bucket_versioning: { v: { bucket: REF, versioning_configuration: { status: 'Enabled' } } } });
    expect(evaluate(S3BucketVersioned, stack, 'aws_s3_bucket.b').status).toBe('compliant');
  });
  test('non-compliant with versioning Suspended', () => {
    const stack = bucketStack({ aws_s3_bucket_versioning: { v: { bucket: REF, versioning_configuration: { status: 'Suspended' } } } });
    expect(evaluate(S3BucketVersioned, stack, 'aws_s3_bucket.b')).toEqual({ status: 'non-compliant', message: 'versioning is not enabled' });
  });
});

describe('S3BucketTlsOnly', () => {
  const tlsDeny = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['${aws_s3_bucket.b.arn}', '${aws_s3_bucket.b.arn}/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
  test('compliant with a SecureTransport deny', () => {
    const stack = bucketStack({ aws_s3_bucket_policy: { p: { bucket: REF, policy: policy(tlsDeny) } } });
    expect(evaluate(S3BucketTlsOnly, stack, 'aws_s3_bucket.b').status).toBe('compliant');
  });
  test('non-compliant with a policy that does not deny plain HTTP', () => {
    const stack = bucketStack({ aws_s3_bucket_policy: { p: { bucket: REF, policy: policy({ Effect: 'Allow', Principal: { AWS: 'arn:r' }, Action: 's3:GetObject', Resource: 'arn:b/*' }) } } });
    expect(evaluate(S3BucketTlsOnly, stack, 'aws_s3_bucket.b')).toEqual({ status: 'non-compliant', message: 'the bucket policy does not deny aws:SecureTransport false' });
  });
  test('non-compliant without a bucket policy', () => {
    expect(evaluate(S3BucketTlsOnly, bucketStack(), 'aws_s3_bucket.b')).toEqual({ status: 'non-compliant', message: 'no bucket policy refers to this bucket' });
  });
});
