import { preflight } from '../../scripts/e2e/preflight';

describe('e2e preflight', () => {
  test('fails when the offline provider mirror is missing, naming the directory and the fix', async () => {
    const problems = await preflight('/nonexistent-mirror');
    expect(problems.join('\n')).toMatch(/no AWS provider 5\.100\.0 in the offline mirror: \/nonexistent-mirror\/registry\.terraform\.io\/hashicorp\/aws\/5\.100\.0\/linux_amd64 is missing \(set E2E_TF_MIRROR/);
  }, 30000);
});
