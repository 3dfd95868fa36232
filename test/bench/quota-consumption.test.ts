import { spawnSync } from 'child_process';
import * as path from 'path';
import { SERVICE_QUOTAS } from '../../constructs/policy-engine/quotas/quota-table';
import { fleetQuotaPeaks, quotaConsumptionTable } from '../../scripts/bench/quota-fleet';

/**
 * Issue 16, item 7: `npm run bench` reports, for 1, 10, 100 and 1,000 workloads, the quota
 * consumption beside the synth time, so the scale claim covers deployability. The bench runs
 * scripts/bench/children/quotas.ts once per size and prints quotaConsumptionTable beside the scale
 * section's build + synth times.
 */
const ROOT = path.join(__dirname, '..', '..');

describe('bench (issue 16, item 7): quota consumption beside synth time', () => {
  test('bench: the table has a column per fleet size, the build + synth time on top and the peak of every quota the fleet consumes', () => {
    const table = quotaConsumptionTable([
      { workloads: 1, workMs: 47, peaks: fleetQuotaPeaks(1) },
      { workloads: 10, workMs: 12_345, peaks: fleetQuotaPeaks(10) },
    ]);
    const lines = table.trim().split('\n');
    expect(lines[0]).toBe('| quota (peak instance) | 1 workload | 10 workloads |');
    expect(lines[2]).toBe('| build + synth | 47 ms | 12.3 s |');
    // One stage per environment whatever the fleet; a role and a route entry per Bedrock service.
    expect(lines).toContain('| `apigateway.stages-per-api` | 1 / 10 (10 %) | 1 / 10 (10 %) |');
    expect(lines).toContain('| `iam.roles-per-account` | 10 / 1,000 (1.0 %) | 19 / 1,000 (1.9 %) |');
    expect(lines).toContain('| `ssm.standard-parameters-per-account-region` | 3 / 10,000 (<0.1 %) | 12 / 10,000 (0.1 %) |');
    // Quotas nothing in the fleet counts against are left out of the table.
    expect(table).not.toMatch(/authorizers-per-api/);
  }, 120_000);

  test('bench: the quotas child reports the peak of every quota of the table for a fleet size', () => {
    const r = spawnSync(process.execPath, ['-r', './scripts/swc-register.js', 'scripts/bench/children/quotas.ts', '10'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(report.count).toBe(10);
    expect(Object.keys(report.quotas).sort()).toEqual(SERVICE_QUOTAS.map((q) => q.id).sort());
    expect(report.quotas['apigateway.stages-per-api']).toMatchObject({ used: 1, limit: 10 });
    expect(report.quotas['iam.roles-per-account']).toMatchObject({ used: 19, limit: 1000 });
  }, 120_000);
});
