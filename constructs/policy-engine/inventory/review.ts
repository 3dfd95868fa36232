import { daysBetween, parseIsoDate } from '../../governance/clock';

/**
 * Where an identity stands against its review-by date, seen from a given day (UTC):
 * - `overdue`: the date has passed (synth and plan review fail on it: GovernanceTags);
 * - `due`: it falls within the window (today included);
 * - `ok`: later than the window;
 * - `unknown`: no readable date (no tag, an expression, not a date): never counted as fine.
 */
export type ReviewState = 'ok' | 'due' | 'overdue' | 'unknown';

export interface ReviewStanding {
  readonly reviewBy: string;
  /** Days from today to the review-by date (negative when past); null when there is no readable date. */
  readonly daysLeft: number | null;
  readonly state: ReviewState;
}

export function reviewStanding(reviewBy: unknown, today: Date, windowDays: number): ReviewStanding {
  const text = typeof reviewBy === 'string' ? reviewBy : '';
  const date = text ? parseIsoDate(text) : undefined;
  if (!date) return { reviewBy: text, daysLeft: null, state: 'unknown' };
  const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  const daysLeft = daysBetween(start, date);
  return { reviewBy: text, daysLeft, state: daysLeft < 0 ? 'overdue' : daysLeft <= windowDays ? 'due' : 'ok' };
}

/** `30d` → 30. Undefined when the text is not a whole number of days followed by `d`. */
export function parseDaysWindow(text: string): number | undefined {
  const m = /^(\d{1,4})d$/.exec(text.trim());
  return m ? Number(m[1]) : undefined;
}
