// The money truth per payment (D3.9): what the buyer paid, what came back through refunds
// and through a cancel of a paid payment (the reversal, D11), and what the merchant keeps. Integer
// minor-unit strings only.
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
  /** What a cancel of the paid payment gave back to the buyer (the reversal). */
  reversed: string;
  /** When the reversal happened (ISO-8601 UTC), or null. */
  reversedAt: string | null;
  /** The same as `reversed`, under the name earlier readers use. */
  cancelled: string;
  /** Sum of refunds still processing. */
  pendingRefund: string;
  /** captured − refunded − reversed. */
  net: string;
}

/** The ledger line of one payment given its refunds. */
export function ledgerOf(payment: PaymentRecord, refunds: readonly RefundRecord[]): LedgerEntry {
  const captured = payment.paidAt !== undefined ? payment.amount.value : '0';
  const refunded = addMinor(...refunds.filter((r) => r.status === 'SUCCESS').map((r) => r.amount.value));
  const pendingRefund = addMinor(
    ...refunds.filter((r) => r.status === 'PROCESSING').map((r) => r.amount.value),
  );
  const reversed = payment.reversedAmount;
  return {
    paymentId: payment.paymentId,
    paymentRequestId: payment.paymentRequestId,
    paymentMethodType: payment.paymentMethodType,
    currency: payment.amount.currency,
    amount: payment.amount.value,
    status: payment.status,
    captured,
    refunded,
    reversed,
    reversedAt:
      reversed !== '0' && payment.cancelledAt !== undefined
        ? new Date(payment.cancelledAt).toISOString()
        : null,
    cancelled: reversed,
    pendingRefund,
    net: subtractMinor(subtractMinor(captured, refunded), reversed),
  };
}
