import { CONTROLS } from '../../frameworks';
import { lookupPolicy, PolicyLookup } from '../../iam';
import { cannotVerify, compliant, nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { documents, unresolvedReasons } from '../../iam';

/** Bucket policies deny any request not made over TLS. */
export const S3BucketTlsOnly = defineRule({
  id: 'S3BucketTlsOnly',
  summary: 'S3 bucket policies deny requests without TLS (aws:SecureTransport false).',
  explanation: 'Without the deny, a misconfigured client can send or fetch data in clear text.',
  fix: 'Add an aws_s3_bucket_policy with a Deny of s3:* when Bool aws:SecureTransport is "false".',
  level: 'error',
  frameworks: [CONTROLS.csfDataInTransit, CONTROLS.maestroInfrastructure],
  types: ['aws_s3_bucket'],
  evaluate(bucket, { stack }) {
    const lookups: PolicyLookup[] = stack.referencing('aws_s3_bucket_policy', 'bucket', bucket).map((p) => lookupPolicy(stack, p, 'policy'));
    const inline = lookupPolicy(stack, bucket, 'policy');
    if (inline.kind === 'document') lookups.push(inline);
    const denies = documents(lookups).some((d) =>
      d.statements.some(
        (s) =>
          s.effect === 'Deny' &&
          s.conditions.some(
            (c) => /^bool(ifexists)?$/i.test(c.operator) && c.key.toLowerCase() === 'aws:securetransport' && c.values.map(String).includes('false'),
          ),
      ),
    );
    if (denies) return compliant;
    const unknown = unresolvedReasons(lookups);
    if (unknown.length) return cannotVerify(unknown.join('; '));
    return nonCompliant(lookups.length ? 'the bucket policy does not deny aws:SecureTransport false' : 'no bucket policy refers to this bucket');
  },
});
