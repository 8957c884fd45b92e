// Status routing (S16, S18–S20): which screen the buyer sees is decided from what the server says
// (order status, the payment's status and reason) and nothing else (S17). The only local input is the
// id of a finished payment the buyer has already acknowledged ("Pay again").
import type { CheckoutStatus, OrderStatus } from '@paydesk/api';

export type Screen =
  /** choose a method and confirm */
  | 'methods'
  /** the code is shown: waiting for the buyer to pay (S7) */
  | 'paying'
  /** PROCESSING without a code yet (GATEWAY_PENDING): "still working…" */
  | 'working'
  /** the buyer's cancel is being carried out at the gateway (S20) */
  | 'cancelling'
  /** SUCCESS (S18) */
  | 'success'
  /** SUCCESS, but given back because the order was already paid or closed (S10) */
  | 'refunded'
  /** captured at the gateway and then reversed by a cancel (D11): "charged and reversed" */
  | 'reversed'
  /** FAIL, or CANCELLED by the system: failure and Pay again (S16) */
  | 'failed'
  /** the code timed out (S19): "Timed out" and Refresh */
  | 'timeout'
  /** the order is paid (by an earlier payment): nothing to pay (S9) */
  | 'paid'
  | 'expired'
  | 'closed';

export type LivePayment = NonNullable<CheckoutStatus['payment']>;

/**
 * A payment captured after its order was paid (`DUPLICATE_…`) or closed (`LATE_PAYMENT_…`) is given back
 * (S10): `…_REFUND_PENDING` while on its way, `…_REFUNDED` once Antom has it, `…_REFUND_MANUAL` when the
 * merchant must do it by hand.
 */
export function surplusOf(reason: string | null | undefined): { late: boolean; manual: boolean } | null {
  const match = /^(DUPLICATE|LATE_PAYMENT)_REFUND(ED|_PENDING|_MANUAL)$/.exec(reason ?? '');
  return match ? { late: match[1] === 'LATE_PAYMENT', manual: match[2] === '_MANUAL' } : null;
}

export interface RouteInput {
  orderStatus: OrderStatus;
  payment: LivePayment | null;
  /** A final payment the buyer dismissed with "Pay again" / "Choose another method". */
  dismissedId?: string | null;
  /** True once the order's deadline has passed on the server clock. */
  orderTimeOver?: boolean;
  /**
   * Whether this page saw the payment waiting (or started it). A success it never saw is an order
   * that was already paid when the buyer came (back): the plain "already paid", not the success flow.
   */
  sawPaymentLive?: boolean;
}

/** The screen for a status, routing on `payment.status` only (S16), with its reason for the details. */
export function screenFor(input: RouteInput): Screen {
  const { orderStatus, dismissedId, orderTimeOver } = input;
  let p = input.payment;
  if (p && p.status !== 'PROCESSING' && p.status !== 'SUCCESS' && p.id === dismissedId) p = null;
  if (p?.status === 'SUCCESS') {
    if (surplusOf(p.reason)) return 'refunded';
    return input.sawPaymentLive === false ? 'paid' : 'success';
  }
  if (p?.reason === 'CHARGE_REVERSED') return 'reversed';
  if (orderStatus === 'PAID') return 'paid';
  if (orderStatus === 'EXPIRED') return 'expired';
  if (orderStatus === 'CLOSED') return 'closed';
  if (p?.status === 'PROCESSING') {
    if (p.reason === 'TIMEOUT') return 'timeout';
    if (p.reason === 'BUYER_CANCELLED') return 'cancelling';
    return p.hasCode ? 'paying' : 'working';
  }
  if (p?.reason === 'TIMEOUT') return 'timeout';
  if (orderTimeOver) return 'expired';
  if (p?.status === 'FAIL') return 'failed';
  if (p?.status === 'CANCELLED' && p.reason !== 'BUYER_CANCELLED') return 'failed';
  return 'methods';
}

/** True while a payment attempt is still open at the gateway: Confirm stays disabled (S11). */
export function isLive(screen: Screen): boolean {
  return screen === 'paying' || screen === 'working' || screen === 'cancelling';
}

/** True when the timed-out payment is final, so Refresh may start a new one (S19). */
export function canRefresh(payment: LivePayment | null): boolean {
  return payment !== null && payment.status !== 'PROCESSING';
}
