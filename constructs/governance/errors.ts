import { Token } from 'cdktf';

/** One thing wrong with the props of one construct. */
export interface Problem {
  /** The prop, dotted: `owner.approver`, `model.image`. */
  readonly prop: string;
  /** The value given (rendered with JSON.stringify). */
  readonly value: unknown;
  /** What is allowed. */
  readonly allowed: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * The one error a construct throws for bad input: it names the construct path and lists every
 * problem, each with the value given, what is allowed and the fix. Thrown at synth (from the
 * constructor), never swallowed.
 */
export class GovernanceValidationError extends Error {
  public readonly constructPath: string;
  public readonly problems: readonly Problem[];

  constructor(constructPath: string, problems: readonly Problem[]) {
    const lines = problems.map(
      (p) => `  - ${p.prop}: got ${render(p.value)}; allowed: ${p.allowed}; fix: ${p.fix}`,
    );
    super(`Invalid governance props at '${constructPath}' (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'GovernanceValidationError';
    this.constructPath = constructPath;
    this.problems = problems;
  }
}

function render(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** True when a value is a cdktf token that only Terraform can resolve: its shape is not checked. */
export function isUnresolved(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'number') return Token.isUnresolved(value);
  if (Array.isArray(value)) return Token.isUnresolved(value);
  return false;
}

/** Collects every problem of one construct's props, then throws once. */
export class ProblemCollector {
  private readonly problems: Problem[] = [];

  constructor(private readonly constructPath: string) {}

  add(prop: string, value: unknown, allowed: string, fix: string): void {
    this.problems.push({ prop, value, allowed, fix });
  }

  /** Adds a problem unless `ok` holds or the value is an unresolved token. */
  check(ok: boolean, prop: string, value: unknown, allowed: string, fix: string): void {
    if (!ok && !isUnresolved(value)) this.add(prop, value, allowed, fix);
  }

  get count(): number {
    return this.problems.length;
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new GovernanceValidationError(this.constructPath, this.problems);
  }
}
