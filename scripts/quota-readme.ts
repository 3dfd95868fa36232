/**
 * Writes README "Quotas": the quota table from constructs/policy-engine/quotas/quota-table.ts and
 * the ceilings of the current design, measured on the service and agent fleets at 10 and 100 workloads.
 * Run after changing the table or the design:
 *   node -r ./scripts/swc-register.js scripts/quota-readme.ts
 * test/governance/quotas/quota-readme.test.ts and the fleet tests fail while the README differs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { quotaTableMarkdown, replaceBetweenMarkers } from '../constructs/policy-engine/quotas/quota-markdown';
import { fleetCeilingsMarkdown } from './bench/quota-fleet';

const readme = path.join(__dirname, '..', 'README.md');
let text = fs.readFileSync(readme, 'utf8');
text = replaceBetweenMarkers(text, 'quota-table', quotaTableMarkdown());
text = replaceBetweenMarkers(text, 'quota-ceilings', fleetCeilingsMarkdown('services'));
text = replaceBetweenMarkers(text, 'quota-ceilings-agents', fleetCeilingsMarkdown('agents'));
fs.writeFileSync(readme, text);
process.stderr.write('README.md: quota table and ceilings written\n');
