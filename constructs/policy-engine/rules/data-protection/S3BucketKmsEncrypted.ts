import { CONTROLS } from '../../frameworks';
import { compliant, nonCompliant, cannotVerify } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { blocks, isSet, isUnresolvedValue } from '../../terraform-json';

const KMS_ALGORITHMS = ['aws:kms', 'aws:kms:dsse'];

/** Buckets default to SSE-KMS with a named key. */
export const S3BucketKmsEncrypted = defineRule({
  id: 'S3BucketKmsEncrypted',
  summary: 'S3 buckets default to SSE-KMS encryption with a customer managed key.',
  explanation: 'SSE-S3 lets anyone with s3:GetObject read the data; SSE-KMS with the environment key adds a grant the environment controls.',
  fix: 'Add an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm "aws:kms" and kms_master_key_id set to the environment key.',
  level: 'error',
  frameworks: [CONTROLS.csfDataAtRest, CONTROLS.nhiSecretLeakage, CONTROLS.maestroData],
  types: ['aws_s3_bucket'],
  evaluate(bucket, { stack }) {
    const configs = stack.referencing('aws_s3_bucket_server_side_encryption_configuration', 'bucket', bucket).map((c) => c.values.rule);
    // The deprecated inline block still counts when it is literally set (a plan computes it otherwise).
    if (!isUnresolvedValue(bucket.values.server_side_encryption_configuration)) {
      for (const inline of blocks(bucket.values.server_side_encryption_configuration)) configs.push(inline.rule);
    }
    if (configs.length === 0) return nonCompliant('no server side encryption configuration refers to this bucket');
    let unknown = false;
    for (const rules of configs) {
      for (const rule of blocks(rules)) {
        for (const d of blocks(rule.apply_server_side_encryption_by_default)) {
          if (isUnresolvedValue(d.sse_algorithm)) unknown = true;
          else if (KMS_ALGORITHMS.includes(String(d.sse_algorithm)) && isSet(d.kms_master_key_id)) return compliant;
        }
      }
    }
    return unknown ? cannotVerify('sse_algorithm is an expression') : nonCompliant('the default encryption is not aws:kms with a kms_master_key_id');
  },
});
