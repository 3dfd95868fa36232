import { daysBetween, parseIsoDate } from './clock';
import { EMAIL_SHAPE, isEmail, normalizeEmail } from './emails';
import type { ProblemCollector } from './errors';

export { isEmail } from './emails';

/**
 * Who answers for a non-human identity. The seeds ask for a named owner, an approver of its
 * access and a revoker who can take it away; review-by makes the grant expire into a review.
 */
export interface Accountability {
  /** Owning team, a slug usable as a Kubernetes label value (`ml-platform`). */
  readonly team: string;
  /** The accountable person, an e-mail address. */
  readonly accountable: string;
  /** Who approves this identity's access, an e-mail address. */
  readonly approver: string;
  /** Who can revoke this identity's access at once, an e-mail address. */
  readonly revoker: string;
}

/** A workload's accountability: the same people, plus the date its access must be reviewed by. */
export interface WorkloadAccountability extends Accountability {
  /** ISO date (YYYY-MM-DD), in the future and at most {@link MAX_REVIEW_HORIZON_DAYS} days ahead. */
  readonly reviewBy: string;
}

/** Access is reviewed at least yearly. */
export const MAX_REVIEW_HORIZON_DAYS = 366;

const SLUG = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function isSlug(value: unknown, maxLength = 63): value is string {
  return typeof value === 'string' && value.length <= maxLength && SLUG.test(value);
}

/** Checks team and the three people; `prop` is the prop's name in the construct (`owner`). */
export function checkAccountability(problems: ProblemCollector, prop: string, value: Partial<Accountability> | undefined): void {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.add(prop, value, 'an object { team, accountable, approver, revoker }', `set ${prop} to the team and the people who answer for this identity`);
    return;
  }
  problems.check(isSlug(value.team), `${prop}.team`, value.team, 'a lowercase slug of letters, digits and dashes (at most 63)', `set ${prop}.team to the owning team, e.g. "ml-platform"`);
  for (const role of ['accountable', 'approver', 'revoker'] as const) {
    problems.check(isEmail(value[role]), `${prop}.${role}`, value[role], `an e-mail address of a named person, ${EMAIL_SHAPE}`, `set ${prop}.${role} to the ${role} person's e-mail address`);
  }
}

/**
 * The same accountability with its e-mail addresses lower-cased (emails.ts): what tags, labels,
 * Cedar policies and reports carry. Call after the checks passed; anything that is not a string
 * (an unresolved token from a contract) is kept as it is.
 */
export function normalizeAccountability<T extends Accountability>(value: T): T {
  const lower = (v: string) => (isEmail(v) ? normalizeEmail(v) : v);
  return { ...value, accountable: lower(value.accountable), approver: lower(value.approver), revoker: lower(value.revoker) };
}

/** Checks a workload's accountability, including review-by against today. */
export function checkWorkloadAccountability(problems: ProblemCollector, prop: string, value: Partial<WorkloadAccountability> | undefined, today: Date): void {
  checkAccountability(problems, prop, value);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  const reviewBy = value.reviewBy;
  const parsed = typeof reviewBy === 'string' ? parseIsoDate(reviewBy) : undefined;
  if (!parsed) {
    problems.check(false, `${prop}.reviewBy`, reviewBy, 'an ISO date YYYY-MM-DD', `set ${prop}.reviewBy to the date this access must be reviewed by, e.g. "2027-03-31"`);
    return;
  }
  const days = daysBetween(today, parsed);
  const todayIso = today.toISOString().slice(0, 10);
  if (days <= 0) {
    problems.add(`${prop}.reviewBy`, reviewBy, `a date after today (${todayIso})`, `review this workload's access with ${value.approver ?? 'its approver'}, then set a new review-by date`);
  } else if (days > MAX_REVIEW_HORIZON_DAYS) {
    problems.add(`${prop}.reviewBy`, reviewBy, `at most ${MAX_REVIEW_HORIZON_DAYS} days after today (${todayIso})`, 'set an earlier review-by date: access is reviewed at least yearly');
  }
}
