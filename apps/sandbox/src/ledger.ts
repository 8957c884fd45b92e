// The money truth per payment (issue #3, control API): what the buyer paid, what came back through refunds
// and through a cancel of a paid payment, and what the merchant keeps. Integer minor-unit strings only.
import { addMinor, subtractMinor } from '@paydesk/antom';
import type { PaymentRecord, RefundRecord } from './store.ts';

export interface LedgerEntry {
  paymentId: string;
  paymentRequestId: string;
  paymentMethodType: string;
  currency: string;
  amount: string;
  status: PaymentRecord['status'];
  /** What the buyer paid ("0" if never paid). */
  captured: string;
  /** Sum of successful refunds. */
  refunded: string;
  /** What a cancel of the paid payment returned. */
  cancelled: string;
  /** Sum of refunds still processing. */
  pendingRefund: string;
  /** captured − refunded − cancelled. */
  net: string;
}

/** The ledger line of one payment given its refunds. */
export function ledgerOf(payment: PaymentRecord, refunds: readonly RefundRecord[]): LedgerEntry {
  const captured = payment.paidAt !== undefined ? payment.amount.value : '0';
  const refunded = addMinor(...refunds.filter((r) => r.status === 'SUCCESS').map((r) => r.amount.value));
  const pendingRefund = addMinor(
    ...refunds.filter((r) => r.status === 'PROCESSING').map((r) => r.amount.value),
  );
  const cancelled = payment.cancelledAmount;
  return {
    paymentId: payment.paymentId,
    paymentRequestId: payment.paymentRequestId,
    paymentMethodType: payment.paymentMethodType,
    currency: payment.amount.currency,
    amount: payment.amount.value,
    status: payment.status,
    captured,
    refunded,
    cancelled,
    pendingRefund,
    net: subtractMinor(subtractMinor(captured, refunded), cancelled),
  };
}
