// Every delay of the payment lifecycle, in one place (D12): when Antom is asked again, when a cancel
// is resent, how long a code may live. lifecycle.ts decides *what* happens; this says *when*.
import type { MethodCategory } from '../methods/catalog.ts';

/** Inquiry back-off for a code being shown: soon after it appears, then less and less often (D4.8). */
export const INQUIRY_SCHEDULE_SECONDS = [3, 5, 10, 15, 30, 60, 120, 300] as const;

export const DELAYS = {
  /** `pay` answered U or not at all: ask Antom this soon. */
  payUnknownMs: 1_000,
  /** A cancel (or the inquiry before it) is out: if nothing is written by then, the sweeper takes over. */
  callOutMs: 2_000,
  /** An inquiry got no answer: ask again this soon. */
  inquiryNoAnswerMs: 5_000,
  /**
   * A stop (or the deadline) asked, and the look got no answer we can trust (a timeout, a 5xx, a bad
   * signature): ask again this soon, up to `stopLooks` looks, before the cancel goes without one (D11.1).
   */
  stopNoAnswerMs: 1_000,
  stopLooks: 3,
  /** Antom says the buyer has completed (PENDING): the final result is near; ask again this soon. */
  completingMs: 2_000,
  /** Antom reports another amount than ours: never settle on it; look again this late. */
  amountMismatchMs: 60_000,
  /** After a cancel Antom accepted: one look to see whether it reversed a capture (D11). */
  verifyAfterCancelMs: 3_000,
  /** How many unanswered looks a cancelled attempt gets before we stop asking. */
  verifyAttempts: 4,
} as const;

/** A refused cancel is asked about again on a doubling back-off, from 2 s up to a minute. */
export function refusedCancelRetryMs(checkCount: number): number {
  return Math.min(2_000 * 2 ** Math.min(checkCount, 5), 60_000);
}

/** When the next inquiry of a code being shown is due, after `checkCount` earlier ones. */
export function nextInquiryAt(checkCount: number, now: number): number {
  const step = INQUIRY_SCHEDULE_SECONDS[Math.min(checkCount + 1, INQUIRY_SCHEDULE_SECONDS.length - 1)] ?? 300;
  return now + step * 1000;
}

/**
 * When to next ask Antom about an ABANDONED attempt (one Antom would not cancel). It can only end by being
 * paid or by Antom's own expiry, so it is asked at that expiry (D6.2: final within Antom's expiry plus
 * one sweep), then every 5 s for a minute in case Antom's clock lags ours, and on a growing back-off
 * (30 s … 30 min) between those moments and afterwards.
 */
export function abandonedCheckAt(gatewayExpiresAt: number, checkCount: number, now: number): number {
  const backoff = now + Math.min(30_000 * 2 ** Math.min(checkCount, 6), 30 * 60_000);
  if (now < gatewayExpiresAt) return Math.min(backoff, gatewayExpiresAt);
  if (now < gatewayExpiresAt + 60_000) return Math.min(backoff, now + 5_000);
  return backoff;
}

/**
 * Antom's limit on a custom `paymentExpiryTime` for QR methods, with a margin for clock skew
 * (docs/antom-notes.md §3).
 */
const QR_EXPIRY_LIMIT_MS = 10 * 60_000 - 15_000;
/** …and under 48 hours for bank transfers. */
const BANK_TRANSFER_EXPIRY_LIMIT_MS = 48 * 3600_000 - 60_000;

/**
 * The deadlines of a new attempt: ours (`expiresAt`, S19) and the one sent to Antom (`gatewayExpiresAt`),
 * `graceMs` later so that at our timeout Antom still says PROCESSING and the code can be cancelled. Both
 * stay inside the order's time and Antom's limit for the method's kind.
 */
export function attemptDeadlines(input: {
  now: number;
  category: MethodCategory;
  timeoutSeconds: number;
  orderExpiresAt: number;
  graceMs: number;
}): { expiresAt: number; gatewayExpiresAt: number } {
  const { now, category, graceMs } = input;
  const limit =
    category === 'QR'
      ? QR_EXPIRY_LIMIT_MS
      : category === 'BANK_TRANSFER'
        ? BANK_TRANSFER_EXPIRY_LIMIT_MS
        : Infinity;
  const expiresAt = Math.min(now + input.timeoutSeconds * 1000, input.orderExpiresAt, now + limit - graceMs);
  return { expiresAt, gatewayExpiresAt: expiresAt + graceMs };
}
