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

/** Parses YYYY-MM-DD strictly (no 2026-02-31); undefined when not such a date. */
export function parseIsoDate(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const t = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value) return undefined;
  return t;
}

/** Everything wrong with an exception, one sentence each naming the value and what is allowed. */
export function exceptionProblems(e: Partial<ExceptionProps>, now: Date): string[] {
  const problems: string[] = [];
  if (typeof e.ruleId !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(e.ruleId)) {
    problems.push(`ruleId ${JSON.stringify(e.ruleId)} must be a rule id such as "NoWildcardActions"`);
  }
  const reason = typeof e.reason === 'string' ? e.reason.trim() : '';
  if (reason.length < MIN_REASON_LENGTH) {
    problems.push(`reason ${JSON.stringify(e.reason ?? '')} has ${reason.length} characters; at least ${MIN_REASON_LENGTH} are required to say why the rule cannot hold`);
  }
  if (typeof e.approver !== 'string' || e.approver.trim() === '') {
    problems.push(`approver ${JSON.stringify(e.approver ?? '')} is missing; name who approved the exception`);
  }
  if (typeof e.ticket !== 'string' || e.ticket.trim() === '') {
    problems.push(`ticket ${JSON.stringify(e.ticket ?? '')} is missing; give the ticket where the approval is recorded`);
  }
  const expires = parseIsoDate(e.expires);
  if (expires === undefined) {
    problems.push(`expires ${JSON.stringify(e.expires ?? '')} must be an ISO date YYYY-MM-DD`);
  } else if (expires > startOfUtcDay(now) + MAX_EXCEPTION_DAYS * DAY_MS) {
    problems.push(`expires ${e.expires} is more than ${MAX_EXCEPTION_DAYS} days ahead; choose a date on or before ${new Date(startOfUtcDay(now) + MAX_EXCEPTION_DAYS * DAY_MS).toISOString().slice(0, 10)}`);
  }
  return problems;
}

/** An exception holds through its expiry day (UTC) and is expired from the next day on. */
export function isExpired(e: Pick<ExceptionProps, 'expires'>, now: Date): boolean {
  const expires = parseIsoDate(e.expires);
  return expires !== undefined && expires < startOfUtcDay(now);
}

/** Does the exception cover a finding of `ruleId` on a resource at `constructPath` / `address`? */
export function exceptionCovers(e: ExceptionRecord, ruleId: string, constructPath: string | undefined, address: string): boolean {
  if (e.ruleId !== ruleId) return false;
  if (e.constructPath === address) return true;
  if (!constructPath) return false;
  return constructPath === e.constructPath || constructPath.startsWith(`${e.constructPath}/`);
}
