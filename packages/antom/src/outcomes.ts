// Typed outcomes (docs/antom-notes.md §6): every verified Antom answer is sorted into a small union per API,
// so a caller switches on `kind` instead of comparing result-code strings. The S/F/U letter and the code are
// always kept alongside. "Unknown" is never "failed": it means ask again (inquiry) with the same ids.
import { AntomGatewayError } from './errors.ts';
import type {
  Amount,
  AntomResult,
  CancelResponse,
  ConsultResponse,
  InquiryPaymentResponse,
  InquiryRefundResponse,
  PaymentStatus,
  PayResponse,
  RefundResponse,
  RefundStatus,
} from './types.ts';

interface Base<R> {
  status: AntomResult['resultStatus'];
  resultCode: string;
  resultMessage: string | undefined;
  /** The verified response body, as Antom sent it. */
  response: R;
}

/** F: the request failed for the reason in `error.code`; do not retry it unchanged. */
export interface Failed<R> extends Base<R> {
  kind: 'failed';
  error: AntomGatewayError;
}

/** U (other than a documented in-process code): the outcome is not known; ask again with the same ids. */
export interface Unknown<R> extends Base<R> {
  kind: 'unknown';
}

/** `pay`: U + PAYMENT_IN_PROCESS means the payment exists and waits for the buyer: show the code. */
export type PayOutcome =
  | (Base<PayResponse> & { kind: 'created'; paymentId: string })
  | (Base<PayResponse> & { kind: 'succeeded'; paymentId: string | undefined })
  | Failed<PayResponse>
  | Unknown<PayResponse>;

/**
 * A capture that Antom gave back because the payment was cancelled after the buyer paid ("for transactions
 * cancelled after successful payment, the funds will be returned to the user's account",
 * docs.antom.com/ac/easypay/cancel.md; docs/antom/reversal.md).
 */
export interface PaymentReversal {
  /** When Antom reversed it (the CANCEL transaction's time), when Antom says. */
  time: string | undefined;
  /** What went back to the buyer, when Antom says. */
  amount: Amount | undefined;
}

/**
 * `inquiryPayment`: `found` carries the payment's status, and `reversal` when a CANCELLED payment had
 * been paid first; `not_found` means the pay never landed.
 */
export type InquiryPaymentOutcome =
  | (Base<InquiryPaymentResponse> & {
      kind: 'found';
      paymentStatus: PaymentStatus;
      reversal: PaymentReversal | undefined;
    })
  | (Failed<InquiryPaymentResponse> & { notFound: boolean })
  | Unknown<InquiryPaymentResponse>;

/** `cancel`: S closes the payment (a paid one is refunded in full by Antom, docs/antom-notes.md §5.2). */
export type CancelOutcome =
  (Base<CancelResponse> & { kind: 'cancelled' }) | Failed<CancelResponse> | Unknown<CancelResponse>;

/** `refund`: synchronous methods answer `succeeded`; asynchronous ones `processing` (settled later). */
export type RefundOutcome =
  | (Base<RefundResponse> & { kind: 'succeeded'; refundId: string | undefined })
  | (Base<RefundResponse> & { kind: 'processing'; refundId: string | undefined })
  | Failed<RefundResponse>
  | Unknown<RefundResponse>;

/** `inquiryRefund`: `found` carries the refund's status. */
export type InquiryRefundOutcome =
  | (Base<InquiryRefundResponse> & { kind: 'found'; refundStatus: RefundStatus })
  | (Failed<InquiryRefundResponse> & { notFound: boolean })
  | Unknown<InquiryRefundResponse>;

/** `consult`: `ok` carries the payment options in `response.paymentOptions`. */
export type ConsultOutcome =
  (Base<ConsultResponse> & { kind: 'ok' }) | Failed<ConsultResponse> | Unknown<ConsultResponse>;

/**
 * Codes that Antom pairs with U for a payment or refund that exists and is still in progress. Each code's
 * source is in README.md ("Result codes"): PAYMENT_IN_PROCESS is Antom's pay answer for a created code;
 * REFUND_IN_PROCESS is not in any Antom table we could read, so a U refund with any other code is
 * `unknown` and settled the same way (inquiryRefund or notifyRefund), never taken as failed.
 */
export const IN_PROCESS_CODES: ReadonlySet<string> = new Set(['PAYMENT_IN_PROCESS', 'REFUND_IN_PROCESS']);

/** U codes after which resending the same request (same ids, same body) is the documented action. */
export const RETRYABLE_UNKNOWN_CODES: ReadonlySet<string> = new Set([
  'UNKNOWN_EXCEPTION',
  'REQUEST_TRAFFIC_EXCEED_LIMIT',
]);

/**
 * F codes that mean "no such payment or refund at Antom". ORDER_NOT_EXIST is in Antom's cancel table
 * ("the order does not exist", docs.antom.com/ac/ams_zh-cn/paymentc); REFUND_NOT_EXIST is kept for
 * inquiryRefund, whose table we could not read (README.md, "Result codes").
 */
export const NOT_FOUND_CODES: ReadonlySet<string> = new Set(['ORDER_NOT_EXIST', 'REFUND_NOT_EXIST']);

/**
 * F codes that say the integration itself is broken (keys, client id, contract, path), not the buyer's
 * payment: no buyer can pay until an operator fixes the configuration. Antom's cancel table spells the
 * client fault CLIENT_INVALID (docs.antom.com/ac/ams_zh-cn/paymentc); other pages and SDK demos say
 * INVALID_CLIENT, so both are here.
 */
export const INTEGRATION_FAULT_CODES: ReadonlySet<string> = new Set([
  'INVALID_SIGNATURE',
  'KEY_NOT_FOUND',
  'ACCESS_DENIED',
  'INVALID_CLIENT',
  'CLIENT_INVALID',
  'INVALID_CLIENT_STATUS',
  'INVALID_MERCHANT_STATUS',
  'INVALID_API',
  'NO_INTERFACE_DEF',
  'METHOD_NOT_SUPPORTED',
  'MEDIA_TYPE_NOT_ACCEPTABLE',
  'MERCHANT_NOT_REGISTERED',
  'INVALID_CONTRACT',
]);

/** True when a verified F answer means our configuration is broken rather than this one payment. */
export function isIntegrationFault(resultCode: string): boolean {
  return INTEGRATION_FAULT_CODES.has(resultCode);
}

function base<R extends { result: AntomResult }>(response: R): Base<R> {
  return {
    status: response.result.resultStatus,
    resultCode: response.result.resultCode,
    resultMessage: response.result.resultMessage,
    response,
  };
}

function failed<R extends { result: AntomResult }>(response: R): Failed<R> {
  return { ...base(response), kind: 'failed', error: new AntomGatewayError(response.result) };
}

/** Sorts a verified `pay` answer: created (show the code) / succeeded / failed / unknown. */
export function payOutcome(response: PayResponse): PayOutcome {
  const b = base(response);
  if (b.status === 'S') return { ...b, kind: 'succeeded', paymentId: response.paymentId };
  if (b.status === 'F') return failed(response);
  if (b.resultCode === 'PAYMENT_IN_PROCESS' && response.paymentId) {
    return { ...b, kind: 'created', paymentId: response.paymentId };
  }
  return { ...b, kind: 'unknown' };
}

/** Sorts a verified `inquiryPayment` answer: found (with paymentStatus) / failed (notFound?) / unknown. */
export function inquiryPaymentOutcome(response: InquiryPaymentResponse): InquiryPaymentOutcome {
  const b = base(response);
  if (b.status === 'S' && response.paymentStatus) {
    return { ...b, kind: 'found', paymentStatus: response.paymentStatus, reversal: reversalOf(response) };
  }
  if (b.status === 'F') return { ...failed(response), notFound: NOT_FOUND_CODES.has(b.resultCode) };
  return { ...b, kind: 'unknown' };
}

/**
 * Whether a CANCELLED payment had been captured: Antom lists the cancel among the payment's follow-up
 * `transactions` (type CANCEL, with the amount that went back), or still gives the capture's
 * `paymentTime`. A cancel of an unpaid code moves no money and shows neither.
 */
function reversalOf(response: InquiryPaymentResponse): PaymentReversal | undefined {
  if (response.paymentStatus !== 'CANCELLED') return undefined;
  const cancel = response.transactions?.find(
    (transaction) =>
      transaction.transactionType === 'CANCEL' &&
      transaction.transactionStatus === 'SUCCESS' &&
      (transaction.transactionAmount === undefined || /^0*[1-9]/.test(transaction.transactionAmount.value)),
  );
  if (cancel)
    return { time: cancel.transactionTime, amount: cancel.transactionAmount ?? response.paymentAmount };
  if (response.paymentTime) return { time: undefined, amount: response.paymentAmount };
  return undefined;
}

/** Sorts a verified `cancel` answer: cancelled / failed / unknown. */
export function cancelOutcome(response: CancelResponse): CancelOutcome {
  const b = base(response);
  if (b.status === 'S') return { ...b, kind: 'cancelled' };
  if (b.status === 'F') return failed(response);
  return { ...b, kind: 'unknown' };
}

/** Sorts a verified `refund` answer: succeeded / processing / failed / unknown. */
export function refundOutcome(response: RefundResponse): RefundOutcome {
  const b = base(response);
  if (b.status === 'S') return { ...b, kind: 'succeeded', refundId: response.refundId };
  if (b.status === 'F') return failed(response);
  // Only the refund's own in-process code: a U PAYMENT_IN_PROCESS here would be about the payment (not paid
  // yet, Antom's refund tables: "wait; do not refund a failed payment"), and no refund exists then.
  if (b.resultCode === 'REFUND_IN_PROCESS') return { ...b, kind: 'processing', refundId: response.refundId };
  return { ...b, kind: 'unknown' };
}

/** Sorts a verified `inquiryRefund` answer: found (with refundStatus) / failed (notFound?) / unknown. */
export function inquiryRefundOutcome(response: InquiryRefundResponse): InquiryRefundOutcome {
  const b = base(response);
  if (b.status === 'S' && response.refundStatus)
    return { ...b, kind: 'found', refundStatus: response.refundStatus };
  if (b.status === 'F') return { ...failed(response), notFound: NOT_FOUND_CODES.has(b.resultCode) };
  return { ...b, kind: 'unknown' };
}

/** Sorts a verified `consult` answer: ok / failed / unknown. */
export function consultOutcome(response: ConsultResponse): ConsultOutcome {
  const b = base(response);
  if (b.status === 'S') return { ...b, kind: 'ok' };
  if (b.status === 'F') return failed(response);
  return { ...b, kind: 'unknown' };
}
