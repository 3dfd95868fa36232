import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { boolValue } from '../../terraform-json';

const FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

/** Every bucket has a public access block with all four settings on. */
export const S3BucketPublicAccessBlocked = defineRule({
  id: 'S3BucketPublicAccessBlocked',
  summary: 'S3 buckets have a public access block with all four settings true.',
  explanation: 'Without the block, one ACL or bucket policy edit makes prompts, logs or model artefacts public.',
  fix: 'Add an aws_s3_bucket_public_access_block for the bucket with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets = true.',
  level: 'error',
  frameworks: [CONTROLS.csfDataAtRest, CONTROLS.csfNetwork, CONTROLS.maestroData, CONTROLS.maestroInfrastructure],
  types: ['aws_s3_bucket'],
  evaluate(bucket, { stack }) {
    const blocksFound = stack.referencing('aws_s3_bucket_public_access_block', 'bucket', bucket);
    if (blocksFound.length === 0) return nonCompliant('no aws_s3_bucket_public_access_block refers to this bucket');
    let unknown = false;
    for (const pab of blocksFound) {
      const values = FLAGS.map((f) => [f, boolValue(pab.values[f])] as const);
      const off = values.filter(([, v]) => v !== true && v !== 'unresolved').map(([f]) => f);
      if (off.length === 0 && !values.some(([, v]) => v === 'unresolved')) return compliant;
      if (off.length) return nonCompliant(`${pab.address} leaves ${off.join(', ')} off`);
      unknown = true;
    }
    return unknown ? cannotVerify('a public access block setting is an expression') : compliant;
  },
});
