import { parseIsoDate } from '../governance/iso-date';
import type { ExceptionRecord } from './terraform-json';

/**
 * Exceptions: a rule may be excepted for a construct (and everything under it) only with a
 * reason, an approver, a ticket and an expiry at most 90 days ahead. The same checks run when an
 * exception is declared (Governance.except) and when the engine reads it back from synthesized
 * JSON, so a hand-edited cdk.tf.json cannot carry an exception the API would refuse.
 */

export const MIN_REASON_LENGTH = 20;
export const MAX_EXCEPTION_DAYS = 90;

export interface ExceptionProps {
  /** The rule id excepted, e.g. 'NoWildcardActions'. */
  readonly ruleId: string;
  /** Why the rule cannot hold here, at least 20 characters. */
  readonly reason: string;
  /** Who approved the exception (a person or role that owns the control). */
  readonly approver: string;
  /** Last day the exception holds, ISO date YYYY-MM-DD, at most 90 days ahead. */
  readonly expires: string;
  /** Ticket or change reference where the approval is recorded. */
  readonly ticket: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function startOfUtcDay(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** YYYY-MM-DD (strict, as clock.ts parses it) as epoch milliseconds of UTC midnight, or undefined. */
export function isoDateToMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  // Every resource of a stack carries the same few review-by dates: parse each once.
  if (DATES.has(value)) return DATES.get(value);
  const ms = parseIsoDate(value)?.getTime();
  DATES.set(value, ms);
  return ms;
}

const DATES = new Map<string, number | undefined>();

/** One thing wrong with an exception, in the shape of errors.ts Problem. */
export interface ExceptionProblem {
  readonly prop: keyof ExceptionProps;
  readonly value: unknown;
  readonly allowed: string;
  readonly fix: string;
}

/** Everything wrong with an exception: the value given, what is allowed and the fix, per field. */
export function exceptionProblems(e: Partial<ExceptionProps>, now: Date): ExceptionProblem[] {
  const problems: ExceptionProblem[] = [];
  if (typeof e.ruleId !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(e.ruleId)) {
    problems.push({ prop: 'ruleId', value: e.ruleId, allowed: 'a rule id such as "NoWildcardActions"', fix: 'use the id printed with the finding' });
  }
  const reason = typeof e.reason === 'string' ? e.reason.trim() : '';
  if (reason.length < MIN_REASON_LENGTH) {
    problems.push({
      prop: 'reason',
      value: e.reason,
      allowed: `at least ${MIN_REASON_LENGTH} characters (got ${reason.length})`,
      fix: 'say why the rule cannot hold here and what will end the exception',
    });
  }
  if (typeof e.approver !== 'string' || e.approver.trim() === '') {
    problems.push({ prop: 'approver', value: e.approver, allowed: 'a non-empty name', fix: 'name who approved the exception (the control owner)' });
  }
  if (typeof e.ticket !== 'string' || e.ticket.trim() === '') {
    problems.push({ prop: 'ticket', value: e.ticket, allowed: 'a non-empty ticket reference', fix: 'give the ticket where the approval is recorded' });
  }
  const expires = isoDateToMs(e.expires);
  const latest = startOfUtcDay(now) + MAX_EXCEPTION_DAYS * DAY_MS;
  if (expires === undefined) {
    problems.push({ prop: 'expires', value: e.expires, allowed: 'an ISO date YYYY-MM-DD', fix: 'write the last day the exception holds, e.g. "2027-01-31"' });
  } else if (expires > latest) {
    problems.push({
      prop: 'expires',
      value: e.expires,
      allowed: `at most ${MAX_EXCEPTION_DAYS} days ahead (on or before ${new Date(latest).toISOString().slice(0, 10)})`,
      fix: 'choose an earlier date; renew the exception when it runs out if it is still needed',
    });
  }
  return problems;
}

/** One line per problem, for findings and messages. */
export function describeExceptionProblem(p: ExceptionProblem): string {
  return `${p.prop} ${p.value === undefined ? 'missing' : JSON.stringify(p.value)}: allowed ${p.allowed}`;
}

/** An exception holds through its expiry day (UTC) and is expired from the next day on. */
export function isExpired(e: Pick<ExceptionProps, 'expires'>, now: Date): boolean {
  const expires = isoDateToMs(e.expires);
  return expires !== undefined && expires < startOfUtcDay(now);
}

/** Does the exception cover a finding of `ruleId` on a resource at `constructPath` / `address`? */
export function exceptionCovers(e: ExceptionRecord, ruleId: string, constructPath: string | undefined, address: string): boolean {
  if (e.ruleId !== ruleId) return false;
  if (e.constructPath === address) return true;
  if (!constructPath) return false;
  return constructPath === e.constructPath || constructPath.startsWith(`${e.constructPath}/`);
}

/** Edit distance (insert, delete, substitute), case-insensitive: for "did you mean". */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length];
}

/** The known id nearest to `id` (fewest edits, case-insensitive). */
export function nearestRuleId(id: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(id, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/**
 * The problem with an exception whose rule id names no rule of the pack, or undefined. An exception
 * for a rule that does not exist excepts nothing and usually hides a typo that leaves the real
 * finding failing, or worse, an exception meant for a rule added later.
 */
export function unknownRuleProblem(ruleId: string, known: readonly string[]): ExceptionProblem | undefined {
  if (known.includes(ruleId)) return undefined;
  const nearest = nearestRuleId(ruleId, known);
  return {
    prop: 'ruleId',
    value: ruleId,
    allowed: `one of the rule ids: ${known.join(', ')}`,
    fix: nearest ? `use "${nearest}" (the nearest rule id), or the id printed with the finding` : 'use the id printed with the finding',
  };
}
