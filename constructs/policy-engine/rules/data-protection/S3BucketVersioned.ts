import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { blocks, boolValue, isUnresolvedValue } from '../../terraform-json';

/** Buckets keep object versions, so an overwrite or delete can be undone and audited. */
export const S3BucketVersioned = defineRule({
  id: 'S3BucketVersioned',
  summary: 'S3 buckets have versioning enabled.',
  explanation: 'Versioning keeps evidence: a compromised workload cannot silently overwrite or delete logs and artefacts.',
  fix: 'Add an aws_s3_bucket_versioning for the bucket with versioning_configuration.status = "Enabled".',
  level: 'error',
  frameworks: [CONTROLS.csfBackups, CONTROLS.rmfIncidents, CONTROLS.maestroData],
  types: ['aws_s3_bucket'],
  evaluate(bucket, { stack }) {
    let unknown = false;
    for (const v of stack.referencing('aws_s3_bucket_versioning', 'bucket', bucket)) {
      for (const c of blocks(v.values.versioning_configuration)) {
        if (c.status === 'Enabled') return compliant;
        if (isUnresolvedValue(c.status)) unknown = true;
      }
    }
    if (!isUnresolvedValue(bucket.values.versioning)) {
      for (const inline of blocks(bucket.values.versioning)) if (boolValue(inline.enabled) === true) return compliant;
    }
    return unknown ? cannotVerify('versioning status is an expression') : nonCompliant('versioning is not enabled');
  },
});
