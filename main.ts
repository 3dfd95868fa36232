import { App } from 'cdktf';
import { allExamples } from './examples/all-examples';
import { appOptions } from './stacks/app-options';

/**
 * Synthesizes every example into cdktf.out (`npm run synth`), or into $CDKTF_OUTDIR: `cdktf synth
 * --output` sets it, and the hardening tests synthesize into temporary directories with it.
 */
const app = new App({ ...appOptions() });
allExamples(app);
app.synth();
