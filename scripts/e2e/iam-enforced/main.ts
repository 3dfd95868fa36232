/**
 * The IAM-enforced tier alone: `ts-node --transpile-only scripts/e2e/iam-enforced/main.ts --outdir CDKTF_OUT [--keep]`
 * (`npm run test:e2e` runs it as part of the whole e2e run).
 */
import { Tally } from '../tally';
import { runIamEnforcedTier } from './tier';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const outdir = argv[argv.indexOf('--outdir') + 1];
  if (!argv.includes('--outdir') || !outdir) throw new Error('usage: main.ts --outdir CDKTF_OUT [--keep]');
  const tally = new Tally();
  await runIamEnforcedTier(outdir, tally, process.env.E2E_TF_MIRROR ?? '/opt/tf-plugins', argv.includes('--keep'));
  console.log(`\n${tally.summaryLine()}`);
  return tally.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.stack : e);
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  },
);
