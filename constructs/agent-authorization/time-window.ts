/**
 * When a grant may be used: a set of UTC weekdays and a range of whole UTC hours. Cedar policies
 * compare it with the request's `context.dayOfWeek` and `context.hourUtc`, which the gateway
 * authorizer derives from API Gateway's request time, so whole hours are the unit on both sides.
 */
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface TimeWindow {
  /** UTC weekdays on which the grant applies. */
  readonly days: readonly Weekday[];
  /** First UTC hour allowed, 0..23. */
  readonly startHourUtc: number;
  /** UTC hour at which the window closes (exclusive), 1..24, after startHourUtc. */
  readonly endHourUtc: number;
}

/** A window as written in props: the object, or the shorthand `'Mon-Fri 08:00-18:00'`. */
export type TimeWindowInput = TimeWindow | string;

export const TIME_WINDOW_ALLOWED =
  "'<days> <HH:00>-<HH:00>' in UTC, e.g. 'Mon-Fri 08:00-18:00' or 'Sat,Sun 00:00-24:00', " +
  'or { days: [Mon..Sun], startHourUtc: 0..23, endHourUtc: 1..24 } with start before end';

/** Parses a window, or returns the reason it cannot be parsed. */
export function parseTimeWindow(input: TimeWindowInput): TimeWindow | { error: string } {
  if (typeof input === 'string') return parseShorthand(input);
  if (input === null || typeof input !== 'object') return { error: 'not a string or an object' };
  return checkWindow(input.days, input.startHourUtc, input.endHourUtc);
}

export function isTimeWindow(value: TimeWindow | { error: string }): value is TimeWindow {
  return !('error' in value);
}

const SHORTHAND = /^\s*(\S+)\s+(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?(?:\s+UTC)?\s*$/i;

function parseShorthand(text: string): TimeWindow | { error: string } {
  const m = SHORTHAND.exec(text);
  if (!m) return { error: 'does not read as "<days> <HH:00>-<HH:00>"' };
  const [, daysText, startH, startM, endH, endM] = m;
  if ((startM && startM !== '00') || (endM && endM !== '00')) {
    return { error: 'minutes other than :00 (the window is in whole UTC hours)' };
  }
  const days: Weekday[] = [];
  for (const part of daysText.split(',')) {
    const range = part.split('-');
    if (range.length > 2) return { error: `day range '${part}' has more than one dash` };
    const from = weekdayIndex(range[0]);
    const to = weekdayIndex(range[range.length - 1]);
    if (from < 0) return { error: `unknown day '${range[0]}'` };
    if (to < 0) return { error: `unknown day '${range[range.length - 1]}'` };
    if (to < from) return { error: `day range '${part}' runs backwards (weeks start on Mon)` };
    for (let i = from; i <= to; i++) days.push(WEEKDAYS[i]);
  }
  return checkWindow(days, Number(startH), Number(endH));
}

function weekdayIndex(name: string): number {
  return WEEKDAYS.findIndex((d) => d.toLowerCase() === name.toLowerCase());
}

function checkWindow(days: unknown, start: unknown, end: unknown): TimeWindow | { error: string } {
  if (!Array.isArray(days) || days.length === 0) return { error: 'no days' };
  const unknownDay = days.find((d) => !(WEEKDAYS as readonly unknown[]).includes(d));
  if (unknownDay !== undefined) return { error: `unknown day ${JSON.stringify(unknownDay)}` };
  if (!Number.isInteger(start) || (start as number) < 0 || (start as number) > 23) {
    return { error: `start hour ${JSON.stringify(start)} is not a whole hour 0..23` };
  }
  if (!Number.isInteger(end) || (end as number) < 1 || (end as number) > 24) {
    return { error: `end hour ${JSON.stringify(end)} is not a whole hour 1..24` };
  }
  if ((end as number) <= (start as number)) {
    return { error: 'the window ends before it starts (a window across midnight is two grants)' };
  }
  // Keep Mon..Sun order and drop repeats so the generated policy text is stable.
  const unique = WEEKDAYS.filter((d) => (days as unknown[]).includes(d));
  return { days: unique, startHourUtc: start as number, endHourUtc: end as number };
}

/** The window as people write it, for descriptions and reports: `Mon-Fri 08:00-18:00 UTC`. */
export function describeTimeWindow(window: TimeWindow): string {
  const pad = (h: number) => `${String(h).padStart(2, '0')}:00`;
  return `${window.days.join(',')} ${pad(window.startHourUtc)}-${pad(window.endHourUtc)} UTC`;
}
