/**
 * When a grant may be used: UTC weekdays on which a window opens, and the UTC time it opens and
 * closes, to the minute. A window whose end is not after its start runs across midnight and
 * closes on the next day (`Mon-Fri 22:00-06:00` is Monday 22:00 to Tuesday 06:00, ..., Friday
 * 22:00 to Saturday 06:00; `Sun 22:00-06:00` closes on Monday: the week wraps). A tool may carry
 * several windows; a call is inside when it is inside any of them.
 *
 * Cedar policies compare a window with the request's `context.dayOfWeek` (`Mon`..`Sun`) and
 * `context.minuteOfDay` (0..1439, UTC), which the gateway function derives from API Gateway's
 * request time: minutes are the unit on both sides.
 */
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const MINUTES_PER_DAY = 1440;

/** A window after validation. */
export interface TimeWindow {
  /** UTC weekdays on which the window opens, Mon..Sun order, each once. */
  readonly days: readonly Weekday[];
  /** Minute of the UTC day the window opens, 0..1439. */
  readonly startMinuteUtc: number;
  /**
   * Minute of the UTC day the window closes (exclusive), 1..1440. When it is not after the start,
   * the window closes on the day after the one it opened.
   */
  readonly endMinuteUtc: number;
}

/**
 * A window as written in props: the shorthand `'Mon-Fri 08:00-18:00'` (`'Mon-Fri 22:00-06:00'`
 * across midnight, `'Sat,Sun 00:00-24:00'` all day), `{ days, start: 'HH:MM', end: 'HH:MM' }`,
 * or `{ days, startHourUtc, endHourUtc }` in whole hours.
 */
export type TimeWindowInput =
  | string
  | { readonly days: readonly Weekday[]; readonly start: string; readonly end: string }
  | { readonly days: readonly Weekday[]; readonly startHourUtc: number; readonly endHourUtc: number };

export const TIME_WINDOW_ALLOWED =
  "'<days> <HH:MM>-<HH:MM>' in UTC, e.g. 'Mon-Fri 08:00-18:00', 'Mon-Fri 22:00-06:00' (across midnight, closing the next day) or 'Sat,Sun 00:00-24:00', " +
  "or { days: [Mon..Sun], start: 'HH:MM', end: 'HH:MM' } or { days, startHourUtc: 0..23, endHourUtc: 1..24 }; a start equal to its end is refused; " +
  'several windows as a list';

/** Parses a window, or returns the reason it cannot be parsed. */
export function parseTimeWindow(input: TimeWindowInput): TimeWindow | { error: string } {
  if (typeof input === 'string') return parseShorthand(input);
  if (input === null || typeof input !== 'object') return { error: 'not a string or an object' };
  const o = input as Record<string, unknown>;
  if ('start' in o || 'end' in o) {
    const start = parseClock(o.start, false);
    const end = parseClock(o.end, true);
    if (typeof start === 'string') return { error: `start ${start}` };
    if (typeof end === 'string') return { error: `end ${end}` };
    return checkWindow(o.days, start, end);
  }
  const startHour = o.startHourUtc;
  const endHour = o.endHourUtc;
  if (!Number.isInteger(startHour) || (startHour as number) < 0 || (startHour as number) > 23) {
    return { error: `start hour ${JSON.stringify(startHour)} is not a whole hour 0..23` };
  }
  if (!Number.isInteger(endHour) || (endHour as number) < 0 || (endHour as number) > 24) {
    return { error: `end hour ${JSON.stringify(endHour)} is not a whole hour 0..24` };
  }
  return checkWindow(o.days, (startHour as number) * 60, (endHour as number) * 60);
}

export function isTimeWindow(value: TimeWindow | { error: string }): value is TimeWindow {
  return !('error' in value);
}

const SHORTHAND = /^\s*(\S+)\s+(\S+?)\s*-\s*(\S+?)(?:\s+UTC)?\s*$/i;

function parseShorthand(text: string): TimeWindow | { error: string } {
  const m = SHORTHAND.exec(text);
  if (!m) return { error: 'does not read as "<days> <HH:MM>-<HH:MM>"' };
  const [, daysText, startText, endText] = m;
  const start = parseClock(startText, false);
  const end = parseClock(endText, true);
  if (typeof start === 'string') return { error: `start ${start}` };
  if (typeof end === 'string') return { error: `end ${end}` };
  const days: Weekday[] = [];
  for (const part of daysText.split(',')) {
    const range = part.split('-');
    if (range.length > 2) return { error: `day range '${part}' has more than one dash` };
    const from = weekdayIndex(range[0]);
    const to = weekdayIndex(range[range.length - 1]);
    if (from < 0) return { error: `unknown day '${range[0]}'` };
    if (to < 0) return { error: `unknown day '${range[range.length - 1]}'` };
    if (to < from) return { error: `day range '${part}' runs backwards (weeks start on Mon; write '${range[0]},${range[1]}' or two ranges)` };
    for (let i = from; i <= to; i++) days.push(WEEKDAYS[i]);
  }
  return checkWindow(days, start, end);
}

/** `H`, `HH`, `H:MM` or `HH:MM` to a minute of the day; `24:00` only as an end. A string is the reason it failed. */
function parseClock(value: unknown, isEnd: boolean): number | string {
  if (typeof value !== 'string') return `${JSON.stringify(value)} is not a time 'HH:MM'`;
  const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return `'${value}' is not a time 'HH:MM'`;
  const hours = Number(m[1]);
  const minutes = m[2] === undefined ? 0 : Number(m[2]);
  if (minutes > 59) return `'${value}' has minutes past 59`;
  if (hours === 24 && minutes === 0 && isEnd) return MINUTES_PER_DAY;
  if (hours > 23) return `'${value}' is not a time of day 00:00..23:59${isEnd ? ' (or 24:00)' : ''}`;
  return hours * 60 + minutes;
}

function weekdayIndex(name: string): number {
  return WEEKDAYS.findIndex((d) => d.toLowerCase() === name.toLowerCase());
}

function checkWindow(days: unknown, start: number, end: number): TimeWindow | { error: string } {
  if (!Array.isArray(days) || days.length === 0) return { error: 'no days' };
  const unknownDay = days.find((d) => !(WEEKDAYS as readonly unknown[]).includes(d));
  if (unknownDay !== undefined) return { error: `unknown day ${JSON.stringify(unknownDay)}` };
  // An end of 00:00 is midnight at the end of the opening day.
  const close = end === 0 ? MINUTES_PER_DAY : end;
  if (close === start) return { error: 'the window starts and ends at the same time (write 00:00-24:00 for a whole day)' };
  // Keep Mon..Sun order and drop repeats so the generated policy text is stable.
  const unique = WEEKDAYS.filter((d) => (days as unknown[]).includes(d));
  return { days: unique, startMinuteUtc: start, endMinuteUtc: close };
}

/** True when the window closes on the day after it opens. */
export function crossesMidnight(window: TimeWindow): boolean {
  return window.endMinuteUtc <= window.startMinuteUtc;
}

/** The day after each of `days` (Sun is followed by Mon), in Mon..Sun order. */
export function nextDays(days: readonly Weekday[]): Weekday[] {
  const next = new Set(days.map((d) => WEEKDAYS[(WEEKDAYS.indexOf(d) + 1) % 7]));
  return WEEKDAYS.filter((d) => next.has(d));
}

/**
 * The reference semantics: is (day, minute of the UTC day) inside the window? Cedar policies
 * (cedar-policies.ts) say the same thing in Cedar; the tests compare both.
 */
export function isInsideWindow(window: TimeWindow, day: Weekday, minuteOfDay: number): boolean {
  if (!crossesMidnight(window)) return window.days.includes(day) && minuteOfDay >= window.startMinuteUtc && minuteOfDay < window.endMinuteUtc;
  const previous = WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7];
  return (window.days.includes(day) && minuteOfDay >= window.startMinuteUtc) || (window.days.includes(previous) && minuteOfDay < window.endMinuteUtc);
}

function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** The window as people write it, for descriptions and reports: `Mon-Fri 22:00-06:00 UTC (closes the next day)`. */
export function describeTimeWindow(window: TimeWindow): string {
  const base = `${window.days.join(',')} ${clock(window.startMinuteUtc)}-${clock(window.endMinuteUtc)} UTC`;
  return crossesMidnight(window) ? `${base} (closes the next day)` : base;
}
