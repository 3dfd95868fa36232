import type { IConstruct } from 'constructs';
import { GovernanceValidationError } from './errors';
import { parseIsoDate } from './iso-date';

export { parseIsoDate } from './iso-date';

/**
 * Context key that pins "today" (YYYY-MM-DD) for review-by and exception-expiry checks. Tests and
 * reproducible builds set it; otherwise the machine's date in UTC is used.
 */
export const TODAY_CONTEXT_KEY = 'governance:today';

export function today(scope: IConstruct): Date {
  const pinned = scope.node.tryGetContext(TODAY_CONTEXT_KEY);
  if (typeof pinned === 'string') {
    const d = parseIsoDate(pinned);
    if (!d) throw badToday(scope, pinned);
    return d;
  }
  if (pinned !== undefined) throw badToday(scope, pinned);
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export function daysBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 86_400_000);
}

/** A pinned "today" that is not a date would move every review-by and expiry check: fail with the fix. */
function badToday(scope: IConstruct, pinned: unknown): GovernanceValidationError {
  return new GovernanceValidationError(scope.node.path, [
    {
      prop: `context '${TODAY_CONTEXT_KEY}'`,
      value: pinned,
      allowed: 'a calendar date YYYY-MM-DD, or no value (the machine\'s date in UTC)',
      fix: `set the '${TODAY_CONTEXT_KEY}' context (cdktf.json "context" or the App's context) to a date like "2026-11-22", or remove it`,
    },
  ]);
}
