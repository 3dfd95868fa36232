import * as fs from 'fs';
import { MANIFEST_PATH, resourceAddresses, type AddressManifest } from '../../scripts/resource-addresses';
import { synthExamples } from '../../scripts/synth-examples';

/**
 * Construct ids are API: they make Terraform addresses, and a changed address is a resource
 * Terraform destroys and creates again (a KMS key, a secret, the audit archive: lost data). The
 * examples' addresses are committed in test/hardening/resource-addresses.json; this test fails
 * when they change, until the manifest is updated on purpose in the same commit.
 */
const HOW_TO_UPDATE =
  'If this change is intended (and a replacement is acceptable, or you added `moved` blocks), run `npm run addresses:update` and commit test/hardening/resource-addresses.json in the same commit; otherwise keep the construct ids as they were.';

/** What changed between the committed manifest and this synth, in words a reviewer acts on. */
export function addressChanges(committed: AddressManifest, current: AddressManifest): string[] {
  const lines: string[] = [];
  for (const stack of [...new Set([...Object.keys(committed), ...Object.keys(current)])].sort()) {
    const before = new Set(committed[stack] ?? []);
    const after = new Set(current[stack] ?? []);
    for (const a of before) if (!after.has(a)) lines.push(`${stack}: ${a} would be DESTROYED (renamed or removed; a rename replaces the resource)`);
    for (const a of after) if (!before.has(a)) lines.push(`${stack}: ${a} is new`);
  }
  return lines;
}

describe('stable resource addresses of the examples', () => {
  let current: AddressManifest;
  let outdir: string;
  beforeAll(async () => {
    outdir = await synthExamples('addresses-');
    current = resourceAddresses(outdir);
  }, 180_000);
  afterAll(() => outdir && fs.rmSync(outdir, { recursive: true, force: true }));

  test('match the committed manifest', () => {
    const committed: AddressManifest = JSON.parse(fs.readFileSync(MANIFEST_PATH, 'utf8'));
    const changes = addressChanges(committed, current);
    if (changes.length > 0) throw new Error(`Resource addresses changed:\n  ${changes.join('\n  ')}\n\n${HOW_TO_UPDATE}`);
    expect(Object.values(current).flat().length).toBeGreaterThan(100);
  });
});

describe('address changes', () => {
  test('report a renamed construct id as a destroyed address and a new one', () => {
    const committed = { 'platform-prod': ['aws_kms_key.environment_key_key_1', 'aws_s3_bucket.environment_audit_archive_2'] };
    const current = { 'platform-prod': ['aws_kms_key.environment_cmk_key_3', 'aws_s3_bucket.environment_audit_archive_2'] };
    expect(addressChanges(committed, current)).toEqual([
      'platform-prod: aws_kms_key.environment_key_key_1 would be DESTROYED (renamed or removed; a rename replaces the resource)',
      'platform-prod: aws_kms_key.environment_cmk_key_3 is new',
    ]);
  });
  test('report a removed stack', () => {
    expect(addressChanges({ gone: ['aws_iam_role.r'] }, {})).toEqual(['gone: aws_iam_role.r would be DESTROYED (renamed or removed; a rename replaces the resource)']);
  });
  test('report nothing when nothing changed', () => {
    expect(addressChanges({ s: ['a.b'] }, { s: ['a.b'] })).toEqual([]);
  });
});
