import { App } from 'cdktf';
import { platformApp } from './examples/platform-app';
import { incidentTriageApp } from './examples/incident-triage-agent';
import { productApp } from './examples/product-app';

/** Synthesizes every example into cdktf.out (`npm run synth`). */
const app = new App({ outdir: 'cdktf.out' });
const platform = platformApp(app);
const product = productApp(app);
// The product stack reads dev's contract: deploy the platform first.
product.addDependency(platform.dev);
const agents = incidentTriageApp(app);
agents.addDependency(platform.dev);
app.synth();
