import { incidentTriageApp } from '../../examples/incident-triage-agent';
import { platformApp } from '../../examples/platform-app';
import { productApp } from '../../examples/product-app';
import { synth, testApp, type TfJson } from '../support';
import { violations } from './invariants';

/** What a newcomer copies keeps every invariant the property tests check on random props. */
const stacks: Record<string, TfJson> = {};
beforeAll(() => {
  const app = testApp();
  const { dev, prod } = platformApp(app);
  Object.assign(stacks, { 'platform-dev': synth(dev), 'platform-prod': synth(prod), 'product-dev': synth(productApp(app)), 'agents-dev': synth(incidentTriageApp(app)) });
});

test.each(['platform-dev', 'platform-prod', 'product-dev', 'agents-dev'])('the %s example keeps every invariant', (name) => {
  expect(Object.keys(stacks[name].resource).length).toBeGreaterThan(5);
  expect(violations(stacks[name])).toEqual([]);
});
