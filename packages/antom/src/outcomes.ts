// Typed outcomes (PROTOCOL §6): every verified Antom answer is sorted into a small union per API, so a
// caller switches on `kind` instead of comparing result-code strings. The S/F/U letter and the code are
// always kept alongside. "Unknown" is never "failed": it means ask again (inquiry) with the same ids.
import { AntomGatewayError } from './errors.ts';
import type {
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

/** `inquiryPayment`: `found` carries the payment's status; `not_found` means the pay never landed. */
export type InquiryPaymentOutcome =
  | (Base<InquiryPaymentResponse> & { kind: 'found'; paymentStatus: PaymentStatus })
  | (Failed<InquiryPaymentResponse> & { notFound: boolean })
  | Unknown<InquiryPaymentResponse>;

/** `cancel`: S closes the payment (a paid one is refunded in full by Antom, PROTOCOL §5.2). */
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

/** Codes that Antom pairs with U for a payment or refund that exists and is still in progress. */
export const IN_PROCESS_CODES: ReadonlySet<string> = new Set(['PAYMENT_IN_PROCESS', 'REFUND_IN_PROCESS']);

/** U codes after which resending the same request (same ids, same body) is the documented action. */
export const RETRYABLE_UNKNOWN_CODES: ReadonlySet<string> = new Set([
  'UNKNOWN_EXCEPTION',
  'REQUEST_TRAFFIC_EXCEED_LIMIT',
]);

/** F codes that mean "no such payment or refund at Antom". */
export const NOT_FOUND_CODES: ReadonlySet<string> = new Set(['ORDER_NOT_EXIST', 'REFUND_NOT_EXIST']);

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
  if (b.status === 'S' && response.paymentStatus)
    return { ...b, kind: 'found', paymentStatus: response.paymentStatus };
  if (b.status === 'F') return { ...failed(response), notFound: NOT_FOUND_CODES.has(b.resultCode) };
  return { ...b, kind: 'unknown' };
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
  if (IN_PROCESS_CODES.has(b.resultCode)) return { ...b, kind: 'processing', refundId: response.refundId };
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
