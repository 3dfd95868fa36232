import { App } from 'cdktf';
import { appOptions } from '../../../stacks/app-options';
import { rawApp } from './raw-app';

/**
 * The hand-written twin of main.ts: the same App setup, the same resources from plain provider
 * classes (raw-app.ts). `npm run bench` synthesizes both to price the library's abstraction.
 */
const app = new App({ ...appOptions(), outdir: process.env.RAW_OUTDIR ?? '.bench/raw.out' });
rawApp(app);
app.synth();
