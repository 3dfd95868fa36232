import { GovernedApp } from './constructs/policy-engine/governed-app';
import { allExamples } from './examples/all-examples';
import { appOptions } from './stacks/app-options';

/**
 * Synthesizes every example into cdktf.out (`npm run synth`), or into $CDKTF_OUTDIR: `cdktf synth
 * --output` sets it, and the hardening tests synthesize into temporary directories with it.
 * GovernedApp checks every stack against the governance rules and writes governance.json and
 * governance.md beside each stack; an error finding fails synth and withdraws the stack's output.
 */
const app = new GovernedApp({ ...appOptions() });
allExamples(app);
app.synth();
