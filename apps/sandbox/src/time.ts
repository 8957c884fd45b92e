// Antom datetimes are ISO-8601 with an offset (docs/antom-notes.md §7.3). The sandbox writes them in UTC+8,
// Antom's home zone, so merchant code that ignores the offset fails here rather than in production.

const UTC8_MS = 8 * 3_600_000;

/** `2026-05-20T18:30:45+08:00` for an epoch-ms instant (seconds precision, like Antom's examples). */
export function formatAntomTime(ms: number): string {
  const shifted = new Date(Math.floor(ms / 1000) * 1000 + UTC8_MS).toISOString();
  return `${shifted.slice(0, 19)}+08:00`;
}

// Date, time, optional fraction, and a mandatory zone (Z or ±hh:mm): Antom requires the offset.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of an ISO-8601 datetime that carries a zone, or undefined when it is not one. */
export function parseAntomTime(value: string): number | undefined {
  if (!ISO_WITH_ZONE.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The default cancel deadline for a payment completed at `paidAt`: 00:15 (UTC+8) on the next calendar day
 * in UTC+8 (docs/antom-notes.md §5.2, "all other methods").
 */
export function cancelDeadlineAfterPayment(paidAt: number): number {
  const local = new Date(paidAt + UTC8_MS);
  const nextDayLocalMidnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1);
  return nextDayLocalMidnight - UTC8_MS + 15 * 60_000;
}

/** yyyymmdd in UTC+8, the date prefix of Antom-like ids. */
export function antomDate(ms: number): string {
  return new Date(ms + UTC8_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

// `request-time` as Antom's pages and the official SDKs write it (docs/antom-notes.md §2.1): epoch
// milliseconds (the docs' example `1685599933871`; Java and Go SDKs), or ISO-8601 with a zone
// (`2019-01-01T01:01:01Z` in the Java WebhookTool; Python `+00:00`, PHP `+0000`, .NET seven fraction digits).
const EPOCH_MS = /^\d{13}$/;
const ISO_REQUEST_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):?(\d{2}))$/;

/** Epoch ms of a `request-time` header in a documented format, or undefined when it is not one. */
export function parseRequestTime(value: string): number | undefined {
  if (EPOCH_MS.test(value)) return Number(value);
  const match = ISO_REQUEST_TIME.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, , , offsetHours, offsetMinutes] = match.map(Number);
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth) return undefined;
  if (hour! > 23 || minute! > 59 || second! > 59) return undefined;
  if (offsetHours !== undefined && !Number.isNaN(offsetHours) && (offsetHours > 23 || offsetMinutes! > 59)) {
    return undefined;
  }
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? undefined : ms;
}
