import { App, AppConfig } from 'cdktf';
import { markGoverned } from './ensure-governed';
import { governedSynth } from './governed-synth';
import type { Rule, StackEvaluation } from './rule-engine';

export { GovernanceCheckFailed } from './governed-synth';

export interface GovernedAppConfig extends AppConfig {
  /**
   * The rules to run on every stack.
   * @default - GOVERNANCE_RULES, the full pack
   */
  readonly rules?: readonly Rule[];
  /**
   * Fail synth on cannot-verify findings of error rules too.
   * @default false - cannot-verify findings print as warnings and appear in the report
   */
  readonly strict?: boolean;
  /**
   * Where warnings are printed.
   * @default - console.warn
   */
  readonly warn?: (message: string) => void;
  /**
   * Where the one summary line per stack is printed (resources, findings by level, report file).
   * @default - console.log
   */
  readonly log?: (line: string) => void;
  /**
   * "Today" for review-by dates and exception expiry.
   * @default - clock.ts today(): the `governance:today` context if set, else the UTC date
   */
  readonly now?: Date;
}

/**
 * An App that checks every stack it synthesizes against the governance rules and writes
 * `governance.json` and `governance.md` next to each stack's `cdk.tf.json`.
 *
 * The rules read the same object cdktf writes: `toTerraform()` of each stack is captured as
 * cdktf calls it, so there is no second synthesis pass. On an error finding, synth throws with
 * the list, and each stack's `cdk.tf.json` and the app's `manifest.json` are removed so no later
 * `terraform apply` or `cdktf deploy` can pick up an unchecked configuration. Other files in the
 * output directory (local Terraform state, `.terraform`) are left alone.
 */
export class GovernedApp extends App {
  private readonly config: GovernedAppConfig;
  /** The last synth's results, for callers that want them without reading the files. */
  public evaluations: readonly StackEvaluation[] = [];
  /** Milliseconds the last synth spent on rules and reports (the benchmark reads it). */
  public governanceMs = 0;

  constructor(config: GovernedAppConfig = {}) {
    super(config);
    this.config = config;
    markGoverned(this);
  }

  public synth(): void {
    const result = governedSynth(this, () => super.synth(), this.config);
    this.evaluations = result.evaluations;
    this.governanceMs = result.governanceMs;
  }
}
