/**
 * Strict ISO calendar dates (YYYY-MM-DD), with no dependency: the policy engine and the CLI read
 * dates (review-by, exception expiry) without loading cdktf.
 */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a strict ISO calendar date (YYYY-MM-DD) as UTC midnight, or undefined. */
export function parseIsoDate(value: string): Date | undefined {
  const m = ISO_DATE.exec(value);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  // Date.UTC rolls 2026-02-30 over to March: reject dates that do not round-trip.
  return d.toISOString().slice(0, 10) === value ? d : undefined;
}
