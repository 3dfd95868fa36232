import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { contractRevision, terraformJsonencode } from '../../constructs/platform/contract-revision';

/**
 * The revision a pinned copy is checked against is computed by Terraform on the platform side
 * (`sha256(jsonencode(contract))`). These tests hold the library's computation to Terraform's own,
 * with `terraform console` (offline, no provider), on the characters jsonencode escapes.
 */
function terraform(expression: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-console-'));
  try {
    const r = spawnSync('terraform', ['console'], { cwd: dir, input: `${expression}\n`, encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' } });
    if (r.error) throw new Error(`terraform is needed for this test (Terraform >= 1.11, as the e2e tier): ${r.error.message}`);
    if (r.status !== 0) throw new Error(`terraform console failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim()) as string;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** An HCL string literal holding JSON text (jsondecode turns it into the value Terraform encodes). */
const hcl = (json: string) => JSON.stringify(json).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');

const CONTRACT = {
  version: 1,
  name: 'dev',
  production: false,
  region: 'eu-west-1',
  allowedRegions: ['eu-west-1', 'eu-central-1'],
  accountability: { team: 'ai-platform', accountable: 'dana.lee@example.com', approver: 'sam.ortiz@example.com', revoker: 'secops <oncall> & co', reviewBy: '2027-06-30' },
  logRetentionDays: 90,
  network: { vpcId: 'vpc-0abc', subnetIds: ['subnet-1', 'subnet-2'], vpcCidr: '10.20.0.0/16' },
  kubernetes: { clusterName: 'ai', gatewayPodLabels: { 'app.kubernetes.io/name': 'ai-gateway', b: 'x' } },
  guardrail: null,
  quote: 'a "quoted" \\ back\\slash, tab\t, newline\n, unicode é ✓ \u2028',
};

describe('contract revision (as Terraform computes it)', () => {
  test("jsonencode matches Terraform's: sorted keys, compact, <>& escaped, nulls and unicode", () => {
    const json = JSON.stringify(CONTRACT);
    expect(terraformJsonencode(CONTRACT)).toBe(terraform(`jsonencode(jsondecode(${hcl(json)}))`));
  });

  test("the revision is Terraform's sha256(jsonencode(contract)) without the revision field", () => {
    const withRevision = { ...CONTRACT, revision: 'f'.repeat(64) };
    expect(contractRevision(withRevision)).toBe(terraform(`sha256(jsonencode(jsondecode(${hcl(JSON.stringify(CONTRACT))})))`));
  });

  test('changes when any field changes', () => {
    expect(contractRevision({ ...CONTRACT, logRetentionDays: 30 })).not.toBe(contractRevision(CONTRACT));
  });

  test('fails when a value has no JSON form', () => {
    expect(() => terraformJsonencode({ a: Infinity })).toThrow(/Infinity is not a Terraform number/);
  });
});
