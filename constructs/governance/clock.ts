import type { IConstruct } from 'constructs';

/**
 * Context key that pins "today" (YYYY-MM-DD) for review-by and exception-expiry checks. Tests and
 * reproducible builds set it; otherwise the machine's date in UTC is used.
 */
export const TODAY_CONTEXT_KEY = 'governance:today';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a strict ISO calendar date (YYYY-MM-DD) as UTC midnight, or undefined. */
export function parseIsoDate(value: string): Date | undefined {
  const m = ISO_DATE.exec(value);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  // Date.UTC rolls 2026-02-30 over to March: reject dates that do not round-trip.
  return d.toISOString().slice(0, 10) === value ? d : undefined;
}

export function today(scope: IConstruct): Date {
  const pinned = scope.node.tryGetContext(TODAY_CONTEXT_KEY);
  if (typeof pinned === 'string') {
    const d = parseIsoDate(pinned);
    if (!d) throw new Error(`Context '${TODAY_CONTEXT_KEY}' must be YYYY-MM-DD, got ${JSON.stringify(pinned)}`);
    return d;
  }
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export function daysBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / 86_400_000);
}
