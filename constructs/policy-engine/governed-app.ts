import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, AppConfig, TerraformStack } from 'cdktf';
import { today } from '../governance/clock';
import { GovernanceValidationError } from '../governance/errors';
import { unknownRuleProblem } from './exceptions';
import { resolveContractValues } from './contract-values';
import { evaluateApp, formatFinding, Rule, StackEvaluation } from './rule-engine';
import { buildReport, REPORT_JSON, REPORT_MARKDOWN, reportMarkdown } from './report';
import { GOVERNANCE_RULES } from './rules';
import { fromSynthJson, StackModel } from './terraform-json';

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
   * "Today" for review-by dates and exception expiry.
   * @default - clock.ts today(): the `governance:today` context if set, else the UTC date
   */
  readonly now?: Date;
}

export class GovernanceCheckFailed extends Error {
  declare readonly evaluations: readonly StackEvaluation[];

  constructor(message: string, evaluations: readonly StackEvaluation[]) {
    super(message);
    this.name = 'GovernanceCheckFailed';
    // Not enumerable: an uncaught error prints its message, not every finding object again.
    Object.defineProperty(this, 'evaluations', { value: evaluations, enumerable: false });
  }
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
  private readonly rules: readonly Rule[];
  private readonly strict: boolean;
  private readonly warn: (message: string) => void;
  private readonly now?: Date;
  /** The last synth's results, for callers that want them without reading the files. */
  public evaluations: readonly StackEvaluation[] = [];
  /** Milliseconds the last synth spent on rules and reports (the benchmark reads it). */
  public governanceMs = 0;

  constructor(config: GovernedAppConfig = {}) {
    super(config);
    this.rules = config.rules ?? GOVERNANCE_RULES;
    this.strict = config.strict ?? false;
    this.warn = config.warn ?? ((m) => console.warn(m));
    this.now = config.now;
  }

  public synth(): void {
    const stacks = this.node.findAll().filter(TerraformStack.isStack);
    const captured = new Map<TerraformStack, unknown>();
    for (const stack of stacks) {
      const original = stack.toTerraform.bind(stack);
      stack.toTerraform = () => {
        const json = original();
        captured.set(stack, json);
        return json;
      };
    }
    try {
      super.synth();
    } finally {
      for (const stack of stacks) delete (stack as { toTerraform?: unknown }).toTerraform;
    }

    const started = performance.now();
    const now = this.now ?? today(this);
    const models: StackModel[] = resolveContractValues(
      stacks.map((stack) =>
        // HCL output does not call toTerraform(): compute the JSON once for the rules then.
        fromSynthJson(captured.has(stack) ? captured.get(stack) : stack.toTerraform(), stack.node.id),
      ),
    );
    this.rejectUnknownRuleExceptions(stacks, models);
    const evaluations = evaluateApp(models, this.rules, { now, strict: this.strict });
    this.evaluations = evaluations;

    evaluations.forEach((evaluation, i) => {
      const dir = this.stackDirectory(stacks[i]);
      const report = buildReport(models[i], evaluation, this.rules, now);
      fs.writeFileSync(path.join(dir, REPORT_JSON), JSON.stringify(report, null, 2));
      fs.writeFileSync(path.join(dir, REPORT_MARKDOWN), reportMarkdown(report));
    });

    this.governanceMs = performance.now() - started;

    const warnings = evaluations.flatMap((e) => e.warnings);
    if (warnings.length) this.warn(`Governance warnings (${warnings.length}):\n${warnings.map(formatFinding).join('\n')}`);

    const errors = evaluations.flatMap((e) => e.errors);
    if (errors.length) {
      this.withdrawSynthesizedOutput(stacks);
      throw new GovernanceCheckFailed(
        `Governance check failed with ${errors.length} error(s); the synthesized configuration was withdrawn ` +
          `(see ${REPORT_MARKDOWN} in each stack directory):\n${errors.map(formatFinding).join('\n')}`,
        evaluations,
      );
    }
  }

  /**
   * An exception naming a rule this app does not run excepts nothing: synth fails with the valid
   * ids and the nearest match, and the synthesized configuration is withdrawn.
   * @throws GovernanceValidationError naming the excepted construct path
   */
  private rejectUnknownRuleExceptions(stacks: readonly TerraformStack[], models: readonly StackModel[]): void {
    const known = this.rules.map((r) => r.id);
    for (const model of models) {
      for (const e of model.exceptions) {
        const problem = unknownRuleProblem(e.ruleId, known);
        if (problem) {
          this.withdrawSynthesizedOutput(stacks);
          throw new GovernanceValidationError(e.constructPath, [problem]);
        }
      }
    }
  }

  private stackDirectory(stack: TerraformStack): string {
    return path.join(this.outdir, this.manifest.forStack(stack).workingDirectory);
  }

  private withdrawSynthesizedOutput(stacks: readonly TerraformStack[]): void {
    for (const stack of stacks) {
      const file = path.join(this.outdir, this.manifest.forStack(stack).synthesizedStackPath);
      fs.rmSync(file, { force: true });
    }
    fs.rmSync(path.join(this.outdir, 'manifest.json'), { force: true });
  }
}
