/**
 * Child process: the bench fleet of argv[2] workloads with the example platform beside it,
 * counted against the AWS service quotas the way `check cdktf.out` counts them. Prints the peak
 * consumption of every quota (used, limit, per cent, the instance) and the time the count took.
 */
import { quotaUsage } from '../../../constructs/policy-engine/quotas/quota-usage';
import { quotaFleet, quotaPeaks } from '../quota-fleet';

const count = Number(process.argv[2]);
if (!Number.isInteger(count) || count < 0) throw new Error(`quotas child: usage quotas.js <count>, got ${process.argv.slice(2).join(' ')}`);
const models = quotaFleet(count);
const t0 = process.hrtime.bigint();
const report = quotaUsage(models);
const countMs = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(JSON.stringify({ count, countMs, quotas: quotaPeaks(report) }));
