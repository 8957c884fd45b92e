// The state machines as data (STYLE point 5). Every status change goes through `assertTransition` and a
// compare-and-set update (payment.state.ts), so a state never moves backwards, whoever asks: a route, a
// notification or the sweeper.

export type OrderStatus = 'OPEN' | 'PAID' | 'EXPIRED' | 'CLOSED';
export type AttemptStatus =
  'PENDING' | 'UNKNOWN' | 'PROCESSING' | 'CANCELLING' | 'ABANDONED' | 'SUCCESS' | 'FAIL' | 'CANCELLED';
/** MERCHANT: asked for through the Merchant API. DUPLICATE: a surplus payment given back (S10). */
export type RefundKind = 'MERCHANT' | 'DUPLICATE';
export type RefundMethod = 'REFUND' | 'CANCEL' | 'NONE';
export type RefundStatus = 'PENDING' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED' | 'MANUAL';

/**
 * Payment attempts. PENDING: intent committed, `pay` not answered yet. UNKNOWN: `pay`'s answer was lost
 * or unknown (settled by inquiry, never by resending pay). PROCESSING: the code is shown. CANCELLING:
 * we asked Antom to cancel; its answer decides. ABANDONED: the buyer left but Antom could not cancel it
 * (Indonesian methods), so it may still be paid. SUCCESS / FAIL / CANCELLED are final.
 */
export const ATTEMPT_TRANSITIONS: Readonly<Record<AttemptStatus, readonly AttemptStatus[]>> = {
  PENDING: ['PROCESSING', 'UNKNOWN', 'SUCCESS', 'FAIL', 'CANCELLING', 'CANCELLED'],
  UNKNOWN: ['PROCESSING', 'SUCCESS', 'FAIL', 'CANCELLING', 'CANCELLED'],
  // CANCELLED straight from PROCESSING: Antom closed it on its own (its expiry, the dashboard).
  PROCESSING: ['SUCCESS', 'FAIL', 'CANCELLING', 'CANCELLED'],
  CANCELLING: ['CANCELLED', 'ABANDONED', 'SUCCESS', 'FAIL'],
  ABANDONED: ['SUCCESS', 'FAIL', 'CANCELLED'],
  SUCCESS: [],
  FAIL: [],
  CANCELLED: [],
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

export const FINAL_ATTEMPT_STATUSES: readonly AttemptStatus[] = ['SUCCESS', 'FAIL', 'CANCELLED'];

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
      return 'CANCELLED';
    default:
      return 'PROCESSING';
  }
}
