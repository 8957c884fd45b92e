// Antom's day T runs from 00:00 to 24:00 in UTC+8, its home zone: the transaction report of T holds what
// completed in that window, and the cancel deadline (00:15 UTC+8 on T+1) counts from it as well.
const UTC8_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of the instant `ms` in UTC+8. */
export function antomDay(ms: number): string {
  return new Date(ms + UTC8_MS).toISOString().slice(0, 10);
}

/** [start, end) of day T in epoch ms. */
export function dayWindow(day: string): { start: number; end: number } {
  const start = Date.parse(`${day}T00:00:00Z`) - UTC8_MS;
  return { start, end: start + DAY_MS };
}

/** Day T moved by `days` (negative goes back). */
export function addDays(day: string, days: number): string {
  return antomDay(dayWindow(day).start + days * DAY_MS);
}

/** `2026-12-03` → `20261203`, the form of Antom's folders and file names. */
export function compactDay(day: string): string {
  return day.replaceAll('-', '');
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
}
