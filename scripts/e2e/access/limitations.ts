/**
 * What @cloud-copilot/iam-simulate (the pinned version) cannot evaluate, each with the row it
 * affects and why. A row whose evaluation drops a context key the row sets on purpose proves
 * nothing: it is reported as a limitation when listed here, and fails the tier when not. A listed
 * limitation that no row meets fails too, so this list never outlives the evaluator's gap.
 */
export interface SimulatorLimitation {
  /** The context key the evaluator drops. */
  readonly key: string;
  /** Actions it drops the key for. */
  readonly actions: RegExp;
  readonly reason: string;
}

export const SIMULATOR_LIMITATIONS: readonly SimulatorLimitation[] = [];

export function limitationFor(action: string, ignoredKeys: readonly string[], limitations: readonly SimulatorLimitation[] = SIMULATOR_LIMITATIONS): SimulatorLimitation | undefined {
  return limitations.find((l) => l.actions.test(action) && ignoredKeys.some((k) => k.toLowerCase() === l.key.toLowerCase()));
}
