// Every reason a buyer can see, as words (D11: "RISK_REJECT" once reached a failure screen). The server
// puts its own reasons (contract of D11) and Antom's payment result codes in a payment's `reason`; each
// known one has its sentence, an unknown result code the generic one. The page never prints the code itself.
import type { MessageKey } from './messages.ts';

const BY_REASON: Record<string, MessageKey> = {
  TIMEOUT: 'reasonTimeout',
  BUYER_CANCELLED: 'reasonBuyerCancelled',
  ORDER_CLOSED: 'reasonOrderClosed',
  ORDER_PAID: 'reasonOrderPaid',
  GATEWAY_ERROR: 'reasonGateway',
  GATEWAY_PENDING: 'reasonPending',
  GATEWAY_NOT_RECEIVED: 'reasonNotReceived',
  GATEWAY_UNAVAILABLE: 'reasonUnavailable',
  CHARGE_REVERSED: 'reversedBody',
  DUPLICATE_REFUND_PENDING: 'refundedDup',
  DUPLICATE_REFUNDED: 'refundedDup',
  DUPLICATE_REFUND_MANUAL: 'refundedManual',
  LATE_PAYMENT_REFUND_PENDING: 'refundedLate',
  LATE_PAYMENT_REFUNDED: 'refundedLate',
  LATE_PAYMENT_REFUND_MANUAL: 'refundedManual',
  // Antom's payment result codes on a failed payment (pay, inquiryPayment and notifyPayment result tables).
  USER_BALANCE_NOT_ENOUGH: 'reasonBalance',
  RISK_REJECT: 'reasonRisk',
  USER_PAYMENT_VERIFICATION_FAILED: 'reasonRisk',
  PAYMENT_AMOUNT_EXCEED_LIMIT: 'reasonLimit',
  USER_AMOUNT_EXCEED_LIMIT: 'reasonLimit',
  PAYMENT_COUNT_EXCEED_LIMIT: 'reasonLimit',
  USER_KYC_NOT_QUALIFIED: 'reasonKyc',
  USER_STATUS_ABNORMAL: 'reasonAccount',
  USER_NOT_EXIST: 'reasonAccount',
  ORDER_IS_CLOSED: 'reasonClosed',
  ORDER_IS_EXPIRED: 'reasonTimeout',
  PAYMENT_FAILED: 'reasonDeclined',
};

/** Every reason and result code this table knows by name (the test walks them in every language). */
export function knownReasons(): string[] {
  return Object.keys(BY_REASON);
}

/** The words for a payment's reason: its own sentence, else the generic one; null when there is none. */
export function reasonKey(reason: string | null | undefined): MessageKey | null {
  if (!reason) return null;
  return BY_REASON[reason] ?? 'reasonDeclined';
}
