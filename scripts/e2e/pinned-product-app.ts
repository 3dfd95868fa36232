/**
 * The examples' product app as a product repository runs it: alone (no platform stack in the app),
 * its environment read from a pinned contract ($PINNED_CONTRACT, written by `contract export`).
 * The e2e tier's pinned-contract phase synthesizes it into $CDKTF_OUTDIR.
 */
import { GovernedApp } from '../../constructs/policy-engine/governed-app';
import { productApp } from '../../examples/product-app';
import { appOptions } from '../../stacks/app-options';

const file = process.env.PINNED_CONTRACT;
if (!file) throw new Error('pinned-product-app: set PINNED_CONTRACT to the pinned contract file');
const app = new GovernedApp({ ...appOptions() });
productApp(app, { file });
app.synth();
