import { isEmail } from './accountability';
import type { ProblemCollector } from './errors';
import type { Revocation } from './governance-tags';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
export const MIN_REVOCATION_REASON = 10;

/** Checks a `revoked` prop: who (an e-mail), when (UTC timestamp) and why. */
export function checkRevocation(problems: ProblemCollector, prop: string, value: Partial<Revocation> | undefined): void {
  if (value === undefined) return;
  problems.check(isEmail(value.by), `${prop}.by`, value.by, 'the e-mail address of the person who revoked', `set ${prop}.by to the revoker's e-mail`);
  problems.check(typeof value.at === 'string' && ISO_TIMESTAMP.test(value.at) && !Number.isNaN(Date.parse(value.at)), `${prop}.at`, value.at, 'a UTC timestamp like "2026-11-22T10:30:00Z"', `set ${prop}.at to when access was revoked`);
  problems.check(typeof value.reason === 'string' && value.reason.trim().length >= MIN_REVOCATION_REASON, `${prop}.reason`, value.reason, `a reason of at least ${MIN_REVOCATION_REASON} characters`, `say why access was revoked (incident, ticket), e.g. "INC-4411: token leaked in logs"`);
}
