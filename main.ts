import { App } from 'cdktf';
import { allExamples } from './examples/all-examples';
import { appOptions } from './stacks/app-options';

/** Synthesizes every example into cdktf.out (`npm run synth`). */
const app = new App({ ...appOptions(), outdir: 'cdktf.out' });
allExamples(app);
app.synth();
