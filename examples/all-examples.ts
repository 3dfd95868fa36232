import type { App } from 'cdktf';
import { incidentTriageApp } from './incident-triage-agent';
import { platformApp } from './platform-app';
import { productApp } from './product-app';

/** Every example app in one cdktf App: what `npm run synth` (main.ts) writes to cdktf.out. */
export function allExamples(app: App): void {
  const platform = platformApp(app);
  const product = productApp(app);
  // The product stack reads dev's contract: deploy the platform first.
  product.addDependency(platform.dev);
  const agents = incidentTriageApp(app);
  agents.addDependency(platform.dev);
}
