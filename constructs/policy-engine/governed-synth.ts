import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { TerraformStack, type App } from 'cdktf';
import { today } from '../governance/clock';
import { GovernanceValidationError } from '../governance/errors';
import { unknownRuleProblem } from './exceptions';
import { runPreSynthChecks } from './ensure-governed';
import { resolveContractValues } from './contract-values';
import { evaluateApp, formatFinding, type Rule, type StackEvaluation } from './rule-engine';
import { buildReport, REPORT_JSON, REPORT_MARKDOWN, reportMarkdown } from './report';
import { GOVERNANCE_RULES } from './rules';
import { fromSynthJson, type StackModel } from './terraform-json';

/** What synth-time governance runs with (GovernedApp's config, or the defaults for a plain App). */
export interface GovernanceOptions {
  /** @default GOVERNANCE_RULES */
  readonly rules?: readonly Rule[];
  /** @default false */
  readonly strict?: boolean;
  /** @default console.warn */
  readonly warn?: (message: string) => void;
  /** One line per stack after synth. @default console.log */
  readonly log?: (line: string) => void;
  /** @default today(app) */
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

export interface GovernedSynthResult {
  readonly evaluations: readonly StackEvaluation[];
  /** Milliseconds spent on rules and reports. */
  readonly governanceMs: number;
}

/**
 * Synthesizes an app (`synth` is cdktf's own App.synth for it) and checks every stack against the
 * rules: `governance.json` and `governance.md` beside each stack's `cdk.tf.json`, one summary line
 * per stack, warnings printed, and on an error finding the stacks' `cdk.tf.json` and the app's
 * `manifest.json` withdrawn before {@link GovernanceCheckFailed} is thrown.
 *
 * The rules read the same object cdktf writes: `toTerraform()` of each stack is captured as cdktf
 * calls it, so there is no second synthesis pass.
 */
export function governedSynth(app: App, synth: () => void, options: GovernanceOptions = {}): GovernedSynthResult {
  const rules = options.rules ?? GOVERNANCE_RULES;
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
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
    runPreSynthChecks(app);
    synth();
  } catch (e) {
    // cdktf writes stack by stack: a failure in a later stack must not leave earlier ones behind, unchecked.
    withdraw(app, stacks);
    throw e;
  } finally {
    for (const stack of stacks) delete (stack as { toTerraform?: unknown }).toTerraform;
  }

  const started = performance.now();
  const now = options.now ?? today(app);
  const models: StackModel[] = resolveContractValues(
    stacks.map((stack) =>
      // HCL output does not call toTerraform(): compute the JSON once for the rules then.
      fromSynthJson(captured.has(stack) ? captured.get(stack) : stack.toTerraform(), stack.node.id),
    ),
  );
  rejectUnknownRuleExceptions(app, stacks, models, rules);
  const evaluations = evaluateApp(models, rules, { now, strict: options.strict ?? false });
  const reportFiles = evaluations.map((evaluation, i) => {
    const dir = path.join(app.outdir, app.manifest.forStack(stacks[i]).workingDirectory);
    const report = buildReport(models[i], evaluation, rules, now);
    fs.writeFileSync(path.join(dir, REPORT_JSON), JSON.stringify(report, null, 2));
    fs.writeFileSync(path.join(dir, REPORT_MARKDOWN), reportMarkdown(report));
    return path.join(dir, REPORT_MARKDOWN);
  });
  const governanceMs = performance.now() - started;

  const log = options.log ?? ((line: string) => console.log(line));
  evaluations.forEach((e, i) => log(stackSummary(e, models[i].resources.filter((r) => r.mode === 'managed').length, reportFiles[i])));
  const warnings = evaluations.flatMap((e) => e.warnings);
  if (warnings.length) (options.warn ?? ((m: string) => console.warn(m)))(`Governance warnings (${warnings.length}):\n${warnings.map(formatFinding).join('\n')}`);

  const errors = evaluations.flatMap((e) => e.errors);
  if (errors.length) {
    withdraw(app, stacks);
    throw new GovernanceCheckFailed(
      `Governance check failed with ${errors.length} error(s); the synthesized configuration was withdrawn ` +
        `(see ${REPORT_MARKDOWN} in each stack directory):\n${errors.map(formatFinding).join('\n')}`,
      evaluations,
    );
  }
  return { evaluations, governanceMs };
}

/**
 * An exception naming a rule this app does not run excepts nothing: synth fails with the valid
 * ids and the nearest match, and the synthesized configuration is withdrawn.
 * @throws GovernanceValidationError naming the excepted construct path
 */
function rejectUnknownRuleExceptions(app: App, stacks: readonly TerraformStack[], models: readonly StackModel[], rules: readonly Rule[]): void {
  const known = rules.map((r) => r.id);
  for (const model of models) {
    for (const e of model.exceptions) {
      const problem = unknownRuleProblem(e.ruleId, known);
      if (problem) {
        withdraw(app, stacks);
        throw new GovernanceValidationError(e.constructPath, [problem]);
      }
    }
  }
}

/** Removes each stack's `cdk.tf.json` and the app's `manifest.json`; local state and `.terraform` stay. */
function withdraw(app: App, stacks: readonly TerraformStack[]): void {
  for (const stack of stacks) fs.rmSync(path.join(app.outdir, app.manifest.forStack(stack).synthesizedStackPath), { force: true });
  fs.rmSync(path.join(app.outdir, 'manifest.json'), { force: true });
}

/**
 * One line per stack: `product-dev: 86 resources; 0 errors, 1 warning (1 cannot verify), 0 excepted;
 * withdrawn|report cdktf.out/stacks/product-dev/governance.md`.
 */
export function stackSummary(e: StackEvaluation, resources: number, reportFile: string): string {
  const counting = e.findings.filter((f) => !f.exceptedBy);
  const cannotVerify = e.warnings.filter((f) => f.status === 'cannot-verify').length + e.errors.filter((f) => f.status === 'cannot-verify').length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const relative = path.relative(process.cwd(), reportFile);
  const where = relative && !relative.startsWith('..') ? relative : reportFile;
  return (
    `${e.stackName}: ${plural(resources, 'resource')}; ${plural(e.errors.length, 'error')}, ${plural(e.warnings.length, 'warning')}` +
    `${cannotVerify ? ` (${cannotVerify} cannot verify)` : ''}, ${e.findings.length - counting.length} excepted; ` +
    `${e.errors.length ? 'synthesized output withdrawn, ' : ''}report ${where}`
  );
}
