// Deadlines of long-lived codes (D15): a bank-transfer or konbini code lives for days, so "Pay before"
// names the day, the time and the buyer's own time zone, and a calendar reminder can be saved for it.
import { localeOf } from './money.ts';

/** The browser's IANA time zone ("Asia/Bangkok"), or UTC when it cannot say. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/**
 * "Mar 14, 2026, 4:30 PM Indochina Time": the deadline in `timeZone`, with the zone's long name in the
 * buyer's language (falls back to the short offset name where the language has no long one).
 */
export function formatDeadline(iso: string, lang: string, timeZone: string): string {
  const date = new Date(iso);
  const options: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
  };
  try {
    return new Intl.DateTimeFormat(localeOf(lang), { ...options, timeZoneName: 'long' }).format(date);
  } catch {
    return new Intl.DateTimeFormat(localeOf(lang), {
      ...options,
      timeZone: 'UTC',
      timeZoneName: 'short',
    }).format(date);
  }
}
