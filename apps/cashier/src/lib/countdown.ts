// Countdowns that follow the server clock (S6, S19): the browser's clock may be minutes off, so every
// deadline is measured against `serverTime + (now - receivedAt)`, i.e. the local clock corrected by the
// offset seen when the server last answered.

/** Milliseconds to add to the local clock to get the server's (positive when the server is ahead). */
export function clockOffset(serverTimeIso: string, localNow: number): number {
  const server = Date.parse(serverTimeIso);
  return Number.isFinite(server) ? server - localNow : 0;
}

/** Milliseconds left until `deadlineIso` on the server clock (never negative). */
export function remainingMs(deadlineIso: string, offset: number, localNow: number): number {
  const deadline = Date.parse(deadlineIso);
  if (!Number.isFinite(deadline)) return 0;
  return Math.max(0, deadline - (localNow + offset));
}

/** "4:05", "1:02:03", "2d 03:04:05": whole seconds, rounded up so "0:00" means the time is over. */
export function formatRemaining(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (days > 0) return `${days}d ${two(hours)}:${two(minutes)}:${two(seconds)}`;
  if (hours > 0) return `${hours}:${two(minutes)}:${two(seconds)}`;
  return `${minutes}:${two(seconds)}`;
}

/**
 * Whole seconds left of a `total`-second countdown started at `sinceMs` (null: not started), never more
 * than `total`: the page's clock tick may be older than the start, which once showed "6 s" of a 5 s count.
 */
export function secondsLeft(total: number, sinceMs: number | null, nowMs: number): number {
  if (sinceMs === null) return total;
  const elapsed = Math.floor(Math.max(0, nowMs - sinceMs) / 1000);
  return Math.min(total, Math.max(0, total - elapsed));
}
