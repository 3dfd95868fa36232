import { controlLabel, FrameworkControl } from './frameworks';
import { describeExceptionProblem, exceptionProblems, exceptionCovers, isExpired, unknownRuleProblem } from './exceptions';
import { findingFingerprint } from './fingerprint';
import type { ExceptionRecord, StackModel, TfResource } from './terraform-json';

/**
 * The rule engine: one pure function per rule from a resource (with its stack as context) to an
 * outcome, run over every managed resource of every stack, whichever construct made it.
 */

export type RuleLevel = 'error' | 'warning';

export type RuleOutcome =
  | { readonly status: 'compliant' }
  | { readonly status: 'non-compliant'; readonly message: string }
  | { readonly status: 'not-applicable' }
  | { readonly status: 'cannot-verify'; readonly message: string };

export const compliant: RuleOutcome = { status: 'compliant' };
export const notApplicable: RuleOutcome = { status: 'not-applicable' };
export function nonCompliant(message: string): RuleOutcome {
  return { status: 'non-compliant', message };
}
export function cannotVerify(message: string): RuleOutcome {
  return { status: 'cannot-verify', message };
}

export interface RuleContext {
  /** The stack the resource is in. */
  readonly stack: StackModel;
  /** Every stack evaluated together (an app's stacks): for facts that live in a platform stack. */
  readonly app: readonly StackModel[];
  /** "Today" for dates (review-by, exception expiry); injected so tests are deterministic. */
  readonly now: Date;
}

export interface Rule {
  /** Stable id, also the file name under rules/ and the id exceptions name. */
  readonly id: string;
  readonly summary: string;
  /** Why it matters and how to fix it; printed with every finding. */
  readonly explanation: string;
  readonly fix: string;
  readonly level: RuleLevel;
  readonly frameworks: readonly FrameworkControl[];
  appliesTo(resourceType: string): boolean;
  evaluate(resource: TfResource, context: RuleContext): RuleOutcome;
}

export type FindingStatus = 'non-compliant' | 'cannot-verify';

export interface Finding {
  readonly ruleId: string;
  /** The level it counts at: the rule's level, except cannot-verify which is a warning unless strict. */
  readonly level: RuleLevel;
  readonly status: FindingStatus;
  readonly stackName: string;
  readonly address: string;
  readonly constructPath?: string;
  readonly message: string;
  readonly fix: string;
  readonly frameworks: readonly string[];
  /** Set when an active exception covers the finding: it is reported but does not count. */
  readonly exceptedBy?: ExceptionRecord;
  /** Stable identity across runs (fingerprint.ts): SARIF partialFingerprints and `--baseline` use it. */
  readonly fingerprint: string;
}

export interface RuleTally {
  readonly ruleId: string;
  compliant: number;
  nonCompliant: number;
  cannotVerify: number;
  notApplicable: number;
  excepted: number;
}

export type ExceptionState = 'active' | 'expired' | 'stale' | 'invalid';

export interface ExceptionStatus {
  readonly record: ExceptionRecord;
  readonly state: ExceptionState;
  /** How many findings it covered. */
  readonly covered: number;
  readonly problems: readonly string[];
}

export interface StackEvaluation {
  readonly stackName: string;
  readonly input: StackModel['input'];
  readonly resourceCount: number;
  /** Every finding, excepted ones included (they carry exceptedBy). */
  readonly findings: readonly Finding[];
  readonly tallies: readonly RuleTally[];
  readonly exceptions: readonly ExceptionStatus[];
  /** Findings that fail: error level and not excepted. */
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
}

export interface EvaluateOptions {
  readonly now?: Date;
  /** Other stacks evaluated together (defaults to the stack alone). */
  readonly app?: readonly StackModel[];
  /** Count cannot-verify at the rule's level instead of as a warning. */
  readonly strict?: boolean;
}

export const EXCEPTION_RULE_IDS = {
  expired: 'ExceptionExpired',
  invalid: 'ExceptionInvalid',
  stale: 'ExceptionStale',
} as const;

const LABELS = new WeakMap<Rule, readonly string[]>();

/** A rule's framework labels, worked out once per rule rather than once per finding. */
function labels(rule: Rule): readonly string[] {
  let l = LABELS.get(rule);
  if (!l) LABELS.set(rule, (l = rule.frameworks.map(controlLabel)));
  return l;
}

export function evaluateStack(stack: StackModel, rules: readonly Rule[], options: EvaluateOptions = {}): StackEvaluation {
  const now = options.now ?? new Date();
  const context: RuleContext = { stack, app: options.app ?? [stack], now };
  const tallies = new Map<string, RuleTally>(
    rules.map((r) => [r.id, { ruleId: r.id, compliant: 0, nonCompliant: 0, cannotVerify: 0, notApplicable: 0, excepted: 0 }]),
  );
  const ruleIds = rules.map((r) => r.id);
  const exceptionStates = stack.exceptions.map((record) => {
    const unknownRule = unknownRuleProblem(record.ruleId, ruleIds);
    const problems = [...(unknownRule ? [unknownRule] : []), ...exceptionProblems(record, now)].map(describeExceptionProblem);
    const state: ExceptionState = problems.length ? 'invalid' : isExpired(record, now) ? 'expired' : 'active';
    return { record, state, covered: 0, problems };
  });
  const usable = exceptionStates.filter((e) => e.state === 'active');

  const findings: Finding[] = [];
  // Which rules apply is a property of the type: decide it once per type, not per resource.
  const rulesByType = new Map<string, Rule[]>();
  for (const resource of stack.resources) {
    if (resource.mode !== 'managed') continue;
    let applicable = rulesByType.get(resource.type);
    if (!applicable) rulesByType.set(resource.type, (applicable = rules.filter((r) => r.appliesTo(resource.type))));
    for (const rule of applicable) {
      const outcome = rule.evaluate(resource, context);
      const tally = tallies.get(rule.id)!;
      if (outcome.status === 'compliant') tally.compliant++;
      else if (outcome.status === 'not-applicable') tally.notApplicable++;
      else {
        if (outcome.status === 'non-compliant') tally.nonCompliant++;
        else tally.cannotVerify++;
        const cover = usable.find((e) => exceptionCovers(e.record, rule.id, resource.constructPath, resource.address));
        if (cover) {
          cover.covered++;
          tally.excepted++;
        }
        findings.push(
          withFingerprint({
            ruleId: rule.id,
            level: outcome.status === 'cannot-verify' && !options.strict ? 'warning' : rule.level,
            status: outcome.status,
            stackName: stack.stackName,
            address: resource.address,
            constructPath: resource.constructPath,
            message: outcome.message,
            fix: rule.fix,
            frameworks: labels(rule),
            exceptedBy: cover?.record,
          }),
        );
      }
    }
  }

  const exceptions: ExceptionStatus[] = exceptionStates.map((e) =>
    e.state === 'active' && e.covered === 0 ? { ...e, state: 'stale' as const } : e,
  );
  for (const e of exceptions) {
    const base = { stackName: stack.stackName, address: '-', constructPath: e.record.constructPath, frameworks: [] as string[] };
    if (e.state === 'invalid') {
      findings.push(withFingerprint({
        ...base,
        ruleId: EXCEPTION_RULE_IDS.invalid,
        level: 'error',
        status: 'non-compliant',
        message: `exception for ${e.record.ruleId} is not acceptable: ${e.problems.join('; ')}`,
        fix: 'Name a rule of the pack, and give the exception a reason of at least 20 characters, an approver, a ticket and an expiry date (YYYY-MM-DD) at most 90 days ahead.',
      }));
    } else if (e.state === 'expired') {
      findings.push(withFingerprint({
        ...base,
        ruleId: EXCEPTION_RULE_IDS.expired,
        level: 'error',
        status: 'non-compliant',
        message: `exception for ${e.record.ruleId} expired on ${e.record.expires} (approver ${e.record.approver}, ticket ${e.record.ticket})`,
        fix: 'Fix the finding and remove the exception, or have the approver renew it with a new expiry date.',
      }));
    } else if (e.state === 'stale') {
      findings.push(withFingerprint({
        ...base,
        ruleId: EXCEPTION_RULE_IDS.stale,
        level: 'warning',
        status: 'non-compliant',
        message: `exception for ${e.record.ruleId} no longer matches any finding under ${e.record.constructPath}`,
        fix: 'Remove the exception: the rule it excepts no longer fires here.',
      }));
    }
  }

  const counting = findings.filter((f) => !f.exceptedBy);
  return {
    stackName: stack.stackName,
    input: stack.input,
    resourceCount: stack.resources.length,
    findings,
    tallies: [...tallies.values()],
    exceptions,
    errors: counting.filter((f) => f.level === 'error'),
    warnings: counting.filter((f) => f.level === 'warning'),
  };
}

function withFingerprint(f: Omit<Finding, 'fingerprint'>): Finding {
  (f as { fingerprint?: string }).fingerprint = findingFingerprint(f);
  return f as Finding;
}

/** Evaluates stacks together (cross-stack facts such as account-wide invocation logging). */
export function evaluateApp(stacks: readonly StackModel[], rules: readonly Rule[], options: Omit<EvaluateOptions, 'app'> = {}): StackEvaluation[] {
  return stacks.map((s) => evaluateStack(s, rules, { ...options, app: stacks }));
}

/** One line per finding: rule id, construct path, address, message, fix. */
export function formatFinding(f: Finding): string {
  const where = f.constructPath ? `${f.constructPath} (${f.address})` : f.address;
  return `[${f.ruleId}] ${f.stackName}: ${where}: ${f.message}\n    fix: ${f.fix}`;
}
