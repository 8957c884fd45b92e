// The sandbox's state machine as data (D12.4; docs/style.md §5): which event may move a payment or
// a refund from which status to which. Every status change in the services goes through `movePayment` /
// `moveRefund`, so a rule such as "a cancelled code can no longer be paid" lives in one table, not in
// scattered `if`s, and a refused move says which status and event it was.
import { SandboxRuleError } from './errors.ts';
import type { PaymentRecord, RefundRecord, SandboxPaymentStatus, SandboxRefundStatus } from './store.ts';

/**
 * What can happen to a payment (docs/antom-notes.md §5, docs.antom.com/ac/cashierpay/cancel):
 * - `PAID` / `DECLINED`: the buyer pays or the payment fails in the wallet;
 * - `EXPIRED`: the code runs out unpaid (Antom answers FAIL + ORDER_IS_CLOSED);
 * - `CANCELLED`: the merchant cancels an unpaid code;
 * - `REVERSED`: the merchant cancels a paid payment inside the method's window; Antom gives the money
 *   back and the payment reads CANCELLED from then on (docs/antom/reversal.md).
 */
export type PaymentEvent = 'PAID' | 'DECLINED' | 'EXPIRED' | 'CANCELLED' | 'REVERSED';

/** What can happen to a refund: an asynchronous one settles, or fails at the payment method. */
export type RefundEvent = 'SETTLED' | 'FAILED';

export const PAYMENT_TRANSITIONS: Readonly<
  Record<SandboxPaymentStatus, Readonly<Partial<Record<PaymentEvent, SandboxPaymentStatus>>>>
> = Object.freeze({
  PROCESSING: { PAID: 'SUCCESS', DECLINED: 'FAIL', EXPIRED: 'FAIL', CANCELLED: 'CANCELLED' },
  SUCCESS: { REVERSED: 'CANCELLED' },
  FAIL: {},
  CANCELLED: {},
});

export const REFUND_TRANSITIONS: Readonly<
  Record<SandboxRefundStatus, Readonly<Partial<Record<RefundEvent, SandboxRefundStatus>>>>
> = Object.freeze({
  PROCESSING: { SETTLED: 'SUCCESS', FAILED: 'FAIL' },
  SUCCESS: {},
  FAIL: {},
});

/** The status `event` leads to from `from`, or undefined when the table has no such move. */
export function nextPaymentStatus(
  from: SandboxPaymentStatus,
  event: PaymentEvent,
): SandboxPaymentStatus | undefined {
  return PAYMENT_TRANSITIONS[from][event];
}

/** Why a payment in this state cannot take a buyer's action: the code the control API and wallet show. */
function notPayable(payment: PaymentRecord): SandboxRuleError {
  if (payment.status === 'SUCCESS')
    return new SandboxRuleError('PAYMENT_ALREADY_PAID', 'the payment is already paid');
  if (payment.status === 'CANCELLED') {
    return new SandboxRuleError('PAYMENT_CANCELLED', 'the payment was cancelled by the merchant');
  }
  if (payment.expired) return new SandboxRuleError('PAYMENT_EXPIRED', 'the payment code has expired');
  return new SandboxRuleError('PAYMENT_FAILED', `the payment already failed (${payment.resultCode})`);
}

/**
 * Moves a payment by `event`, applying `fields` (result code, times, amounts) with the new status.
 * Throws SandboxRuleError when the table has no such move; the record is then left as it was.
 */
export function movePayment(
  payment: PaymentRecord,
  event: PaymentEvent,
  fields: Partial<Omit<PaymentRecord, 'status'>>,
): PaymentRecord {
  const to = nextPaymentStatus(payment.status, event);
  if (to === undefined) {
    if (
      payment.status !== 'PROCESSING' &&
      (event === 'PAID' || event === 'DECLINED' || event === 'EXPIRED')
    ) {
      throw notPayable(payment);
    }
    throw new SandboxRuleError('TRANSITION_REFUSED', `a ${payment.status} payment cannot take ${event}`);
  }
  Object.assign(payment, fields, { status: to });
  return payment;
}

/** Moves a refund by `event` (same contract as movePayment). */
export function moveRefund(
  refund: RefundRecord,
  event: RefundEvent,
  fields: Partial<Omit<RefundRecord, 'status'>>,
): RefundRecord {
  const to = REFUND_TRANSITIONS[refund.status][event];
  if (to === undefined) {
    throw new SandboxRuleError('REFUND_ALREADY_FINAL', `the refund is already ${refund.status}`);
  }
  Object.assign(refund, fields, { status: to });
  return refund;
}
