// Every reason a buyer can see, as words (issue 11: "RISK_REJECT" once reached a failure screen). The server
// puts its own reasons (contract of issue 11) and Antom's payment result codes in a payment's `reason`; each
// known one has its sentence, an unknown result code the generic one. The page never prints the code itself.
import type { MessageKey } from './messages.ts';

/** Paydesk's own reasons, as the server sends them (apps/server/src/orders/order.views.ts, issue 11). */
export const SERVER_REASONS = [
  'TIMEOUT',
  'BUYER_CANCELLED',
  'ORDER_CLOSED',
  'ORDER_PAID',
  'GATEWAY_ERROR',
  'GATEWAY_PENDING',
  'GATEWAY_NOT_RECEIVED',
  'GATEWAY_UNAVAILABLE',
  'CHARGE_REVERSED',
  'DUPLICATE_REFUND_PENDING',
  'DUPLICATE_REFUNDED',
  'DUPLICATE_REFUND_MANUAL',
  'LATE_PAYMENT_REFUND_PENDING',
  'LATE_PAYMENT_REFUNDED',
  'LATE_PAYMENT_REFUND_MANUAL',
] as const;

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

/** Antom result codes this table knows by name (the test walks them in every language). */
export const KNOWN_RESULT_CODES = Object.keys(BY_REASON).filter(
  (code) => !(SERVER_REASONS as readonly string[]).includes(code),
);

/** The words for a payment's reason: its own sentence, else the generic one; null when there is none. */
export function reasonKey(reason: string | null | undefined): MessageKey | null {
  if (!reason) return null;
  return BY_REASON[reason] ?? 'reasonDeclined';
}
