import { App } from 'cdktf';
import type { IConstruct } from 'constructs';

/** Marks an app whose synth runs the governance rules (a symbol shared across copies of the package). */
export const GOVERNED = Symbol.for('cdktf-ai-governance/governed');

export function markGoverned(app: App): void {
  Object.defineProperty(app, GOVERNED, { value: true, enumerable: false });
}

/** True for a GovernedApp, or an App that {@link ensureGoverned} made governed. */
export function isGoverned(app: App): boolean {
  return (app as unknown as Record<symbol, unknown>)[GOVERNED] === true;
}

/**
 * Governed by default: every governed construct (environments, contract environments, inference
 * services, agents) calls this in its constructor. When the construct's app is a plain cdktf `App`
 * (what `cdktf init` generates), this app instance's `synth()` is made to run what
 * `GovernedApp.synth()` runs, with the default rules and options: the rules on every stack, the
 * `governance.json` and `governance.md` reports, one summary line per stack, and a failed synth
 * with the output withdrawn on an error finding. Installed once per app. A GovernedApp is left as
 * it is; a tree whose root is not an App (nothing synthesizes it as an app) is left alone.
 */
export function ensureGoverned(scope: IConstruct): void {
  const root = scope.node.root;
  if (!App.isApp(root) || isGoverned(root)) return;
  const app = root;
  // The app's own synth (a subclass override included), which the governed synth wraps.
  const synth = app.synth.bind(app);
  app.synth = () => {
    // Loaded at synth time: constructing a governed construct never loads the rule engine.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { governedSynth } = require('./governed-synth') as typeof import('./governed-synth');
    governedSynth(app, synth);
  };
  markGoverned(app);
}

const preSynthChecks = new WeakMap<IConstruct, (() => void)[]>();

/**
 * Registers a check that the governed synth runs on the whole app before cdktf writes anything
 * (cdktf validates and writes one stack at a time, so a check that fails in a later stack would
 * leave earlier stacks written). The check throws its own error. Only for checks that read the
 * construct tree as built, not what aspects add at synth.
 */
export function addPreSynthCheck(scope: IConstruct, check: () => void): void {
  const root = scope.node.root;
  if (!preSynthChecks.has(root)) preSynthChecks.set(root, []);
  preSynthChecks.get(root)!.push(check);
}

/** Runs the app's pre-synth checks (see {@link addPreSynthCheck}). */
export function runPreSynthChecks(app: IConstruct): void {
  for (const check of preSynthChecks.get(app.node.root) ?? []) check();
}
