import { isEmail } from './accountability';
import type { ProblemCollector } from './errors';
import type { Revocation } from './governance-tags';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
export const MIN_REVOCATION_REASON = 10;

/** Who may revoke, and when "now" is, for {@link checkRevocation}. */
export interface RevocationContext {
  /** The workload's named revoker and the environment's (e-mails; tokens are skipped). */
  readonly revokers: readonly (string | undefined)[];
  /** Today (UTC midnight, pinnable with the `governance:today` context). */
  readonly today: Date;
}

/**
 * Checks a `revoked` prop: who (a named revoker of the workload or its environment), when (a UTC
 * timestamp, not in the future unless the revocation is scheduled) and why.
 */
export function checkRevocation(problems: ProblemCollector, prop: string, value: Partial<Revocation> | undefined, context?: RevocationContext): void {
  if (value === undefined) return;
  problems.check(isEmail(value.by), `${prop}.by`, value.by, 'the e-mail address of the person who revoked', `set ${prop}.by to the revoker's e-mail`);
  const validAt = typeof value.at === 'string' && ISO_TIMESTAMP.test(value.at) && !Number.isNaN(Date.parse(value.at));
  problems.check(validAt, `${prop}.at`, value.at, 'a UTC timestamp like "2026-11-22T10:30:00Z"', `set ${prop}.at to when access was revoked`);
  problems.check(typeof value.reason === 'string' && value.reason.trim().length >= MIN_REVOCATION_REASON, `${prop}.reason`, value.reason, `a reason of at least ${MIN_REVOCATION_REASON} characters`, `say why access was revoked (incident, ticket), e.g. "INC-4411: token leaked in logs"`);
  problems.check(value.scheduled === undefined || typeof value.scheduled === 'boolean', `${prop}.scheduled`, value.scheduled, 'true, false or nothing', 'set scheduled: true only for a revocation that takes effect at a future time');
  if (!context) return;
  const named = [...new Set(context.revokers.filter((r): r is string => typeof r === 'string' && isEmail(r)).map((r) => r.toLowerCase()))];
  if (isEmail(value.by) && named.length > 0 && !named.includes(value.by.toLowerCase())) {
    problems.add(`${prop}.by`, value.by, `a named revoker of this workload or its environment (${named.join(', ')})`, 'have the named revoker revoke, or change the owner\'s revoker through review first');
  }
  if (validAt) {
    const endOfToday = context.today.getTime() + 86_400_000;
    const future = Date.parse(value.at!) >= endOfToday;
    if (future && value.scheduled !== true) {
      problems.add(`${prop}.at`, value.at, `a time not after today (${context.today.toISOString().slice(0, 10)}), or a scheduled revocation`, `use the time access was revoked; to revoke at a future time, add ${prop}.scheduled: true`);
    }
    if (!future && value.scheduled === true) {
      problems.add(`${prop}.scheduled`, true, 'true only with a future time', `remove ${prop}.scheduled: the revocation at ${value.at} is already in effect`);
    }
  }
}

/** True when the revocation is in force at synth: not scheduled for later. */
export function revokedNow(value: Revocation | undefined, today: Date): boolean {
  if (!value) return false;
  return !(value.scheduled && Date.parse(value.at) >= today.getTime() + 86_400_000);
}
