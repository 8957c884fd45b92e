// The state machines as data (docs/style.md §5). Every status change goes through `assertTransition` and a
// compare-and-set update (payment.state.ts), so a state never moves backwards, whoever asks: a route, a
// notification or the sweeper.

export type OrderStatus = 'OPEN' | 'PAID' | 'EXPIRED' | 'CLOSED';
export type AttemptStatus =
  | 'PENDING'
  | 'UNKNOWN'
  | 'PROCESSING'
  | 'CANCELLING'
  | 'ABANDONED'
  | 'SUCCESS'
  | 'FAIL'
  | 'CANCELLED'
  | 'REVERSED';
/** MERCHANT: asked for through the Merchant API. DUPLICATE: a surplus payment given back (S10). */
export type RefundKind = 'MERCHANT' | 'DUPLICATE';
export type RefundMethod = 'REFUND' | 'CANCEL' | 'NONE';
export type RefundStatus = 'PENDING' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED' | 'MANUAL';

/**
 * Payment attempts. PENDING: intent committed, `pay` not answered yet. UNKNOWN: `pay`'s answer was lost
 * or unknown (settled by inquiry, never by resending pay). PROCESSING: the code is shown. CANCELLING:
 * our cancel is (about to be) sent; its answer decides. ABANDONED: the buyer left but Antom could not
 * cancel it (Indonesian methods), so it may still be paid. SUCCESS, FAIL, CANCELLED and REVERSED are
 * final at Antom; a capture found later still lifts FAIL or CANCELLED to SUCCESS (a late payment, given
 * back or paying the order) or to REVERSED (captured, then returned by the cancel) — never the other way
 * (payments/lifecycle.ts, D11).
 */
export const ATTEMPT_TRANSITIONS: Readonly<Record<AttemptStatus, readonly AttemptStatus[]>> = {
  PENDING: ['PROCESSING', 'UNKNOWN', 'SUCCESS', 'FAIL', 'CANCELLING', 'CANCELLED', 'REVERSED'],
  UNKNOWN: ['PROCESSING', 'SUCCESS', 'FAIL', 'CANCELLING', 'CANCELLED', 'REVERSED'],
  // CANCELLED straight from PROCESSING: Antom closed it on its own (its expiry, the dashboard).
  PROCESSING: ['SUCCESS', 'FAIL', 'CANCELLING', 'CANCELLED', 'REVERSED'],
  CANCELLING: ['CANCELLED', 'ABANDONED', 'SUCCESS', 'FAIL', 'REVERSED'],
  ABANDONED: ['SUCCESS', 'FAIL', 'CANCELLED', 'REVERSED'],
  FAIL: ['SUCCESS', 'REVERSED'],
  CANCELLED: ['SUCCESS', 'REVERSED'],
  SUCCESS: [],
  REVERSED: [],
};

/** Attempts that block a new one for the same order (one live attempt per order, S11). */
export const LIVE_ATTEMPT_STATUSES: readonly AttemptStatus[] = [
  'PENDING',
  'UNKNOWN',
  'PROCESSING',
  'CANCELLING',
];

/** Attempts that may still change at Antom, so the sweeper keeps watching them. */
export const OPEN_ATTEMPT_STATUSES: readonly AttemptStatus[] = [...LIVE_ATTEMPT_STATUSES, 'ABANDONED'];

/** Attempts Antom has ended (a late capture or reversal may still be found for FAIL and CANCELLED). */
export const FINAL_ATTEMPT_STATUSES: readonly AttemptStatus[] = ['SUCCESS', 'FAIL', 'CANCELLED', 'REVERSED'];

/** Attempts the sweeper looks at when due: the open ones, and ended ones given a look after the end. */
export const WATCHED_ATTEMPT_STATUSES: readonly AttemptStatus[] = [
  'PENDING',
  'UNKNOWN',
  'PROCESSING',
  'CANCELLING',
  'ABANDONED',
  'CANCELLED',
  'FAIL',
];

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  OPEN: ['PAID', 'EXPIRED', 'CLOSED'],
  PAID: [],
  EXPIRED: [],
  CLOSED: [],
};

export const REFUND_TRANSITIONS: Readonly<Record<RefundStatus, readonly RefundStatus[]>> = {
  PENDING: ['PROCESSING', 'SUCCEEDED', 'FAILED', 'MANUAL'],
  PROCESSING: ['SUCCEEDED', 'FAILED', 'MANUAL'],
  MANUAL: ['SUCCEEDED'],
  SUCCEEDED: [],
  FAILED: [],
};

/** The statuses from which `to` may be reached, per the table. */
export function sourcesOf<S extends string>(table: Readonly<Record<S, readonly S[]>>, to: S): S[] {
  return (Object.keys(table) as S[]).filter((from) => table[from].includes(to));
}

/** The buyer-facing payment status (Antom's paymentStatus, S16) of an attempt state. */
export function buyerPaymentStatus(status: AttemptStatus): 'PROCESSING' | 'SUCCESS' | 'FAIL' | 'CANCELLED' {
  switch (status) {
    case 'SUCCESS':
      return 'SUCCESS';
    case 'FAIL':
      return 'FAIL';
    case 'CANCELLED':
    case 'ABANDONED':
    case 'REVERSED':
      return 'CANCELLED';
    default:
      return 'PROCESSING';
  }
}
