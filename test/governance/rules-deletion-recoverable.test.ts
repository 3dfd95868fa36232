import { DeletionRecoverable } from '../../constructs/policy-engine/rules';
import { evaluate, planStack, synthStack } from './fixtures';

describe('DeletionRecoverable', () => {
  test('compliant with a 30-day key deletion window', () => {
    const stack = synthStack({ resource: { aws_kms_key: { k: { deletion_window_in_days: 30 } } } });
    expect(evaluate(DeletionRecoverable, stack, 'aws_kms_key.k').status).toBe('compliant');
  });
  test('compliant when the window is left to the AWS default (30 days)', () => {
    const stack = synthStack({ resource: { aws_secretsmanager_secret: { s: { name: 'x' } } } });
    expect(evaluate(DeletionRecoverable, stack, 'aws_secretsmanager_secret.s').status).toBe('compliant');
  });
  test('non-compliant when a secret is deleted without recovery (window 0)', () => {
    const stack = synthStack({ resource: { aws_secretsmanager_secret: { s: { recovery_window_in_days: 0 } } } });
    expect(evaluate(DeletionRecoverable, stack, 'aws_secretsmanager_secret.s')).toEqual({ status: 'non-compliant', message: 'recovery_window_in_days is 0; allowed 7 to 30 days' });
  });
  test('non-compliant when a key deletion window is overridden below 7 days, in a plan too', () => {
    const stack = planStack([{ address: 'aws_kms_key.k', values: { deletion_window_in_days: 3 } }]);
    expect(evaluate(DeletionRecoverable, stack, 'aws_kms_key.k')).toEqual({ status: 'non-compliant', message: 'deletion_window_in_days is 3; allowed 7 to 30 days' });
  });
  test('non-compliant when an object-locked bucket can be force-destroyed', () => {
    const stack = synthStack({ resource: { aws_s3_bucket: { b: { object_lock_enabled: true, force_destroy: true } } } });
    expect(evaluate(DeletionRecoverable, stack, 'aws_s3_bucket.b')).toEqual({ status: 'non-compliant', message: 'force_destroy is true on an object-locked bucket' });
  });
  test('compliant for an object-locked bucket without force_destroy', () => {
    const stack = synthStack({ resource: { aws_s3_bucket: { b: { object_lock_enabled: true, force_destroy: false } } } });
    expect(evaluate(DeletionRecoverable, stack, 'aws_s3_bucket.b').status).toBe('compliant');
  });
  test('not applicable to a bucket without object lock', () => {
    const stack = synthStack({ resource: { aws_s3_bucket: { b: { force_destroy: true } } } });
    expect(evaluate(DeletionRecoverable, stack, 'aws_s3_bucket.b').status).toBe('not-applicable');
  });
  test('cannot verify a window given as an expression', () => {
    const stack = synthStack({ resource: { aws_secretsmanager_secret: { s: { recovery_window_in_days: '${var.days}' } } } });
    expect(evaluate(DeletionRecoverable, stack, 'aws_secretsmanager_secret.s')).toEqual({ status: 'cannot-verify', message: 'recovery_window_in_days is an expression' });
  });
});
