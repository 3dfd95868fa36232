/**
 * Child process: `review <plan.json> --format json` through the CLI's run(), in-process, on the
 * plan argv[2] (its output written to argv[3]). Reports the review time without Node start-up and
 * module loading (the parent measures the whole process separately), and the rule share of it.
 */
import { run } from '../../../cli/main';

const plan = process.argv[2];
const output = process.argv[3];
const t0 = process.hrtime.bigint();
run(['review', plan, '--format', 'json', '--output', output], { stdout: () => undefined, stderr: (s) => process.stderr.write(s) }).then((code) => {
  const reviewMs = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(JSON.stringify({ code, reviewMs }));
});
