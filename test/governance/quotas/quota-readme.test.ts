import * as fs from 'fs';
import * as path from 'path';
import { betweenMarkers, quotaTableMarkdown } from '../../../constructs/policy-engine/quotas/quota-markdown';
import { SERVICE_QUOTAS } from '../../../constructs/policy-engine/quotas/quota-table';

const README = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

describe('quota model: the table in README "Quotas" is the one in the code', () => {
  test('README shows the table quota-table.ts generates (rewrite it with node -r ./scripts/swc-register.js scripts/quota-readme.ts)', () => {
    expect(betweenMarkers(README, 'quota-table')).toBe(quotaTableMarkdown());
  });
  test('every quota names an AWS documentation page, a default and whether AWS raises it', () => {
    for (const q of SERVICE_QUOTAS) {
      expect(q.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(Number.isInteger(q.default) && q.default > 0).toBe(true);
      expect(typeof q.adjustable).toBe('boolean');
      if (q.maximum !== undefined) expect(q.adjustable && q.maximum > q.default).toBe(true);
      expect(q.id).toMatch(/^[a-z]+\.[a-z-]+$/);
    }
  });
  test('ids are unique', () => {
    expect(new Set(SERVICE_QUOTAS.map((q) => q.id)).size).toBe(SERVICE_QUOTAS.length);
  });
  test('the numbers the issue names are in the table', () => {
    const row = (id: string) => SERVICE_QUOTAS.find((q) => q.id === id)!;
    expect([row('apigateway.stages-per-api').default, row('apigateway.authorizers-per-api').default, row('apigateway.resources-per-api').default]).toEqual([10, 10, 300]);
    expect([row('apigateway.usage-plans-per-account-region').default, row('iam.roles-per-account').default, row('iam.roles-per-account').maximum]).toEqual([300, 1000, 5000]);
  });
});
