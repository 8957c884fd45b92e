// Domain errors carry a stable code and no HTTP (docs/style.md §7); http/error-handler.ts maps codes to
// statuses.

export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'ORDER_NOT_FOUND'
  | 'CHECKOUT_NOT_FOUND'
  | 'PAYMENT_NOT_FOUND'
  | 'ORDER_ALREADY_PAID'
  | 'ORDER_EXPIRED'
  | 'ORDER_CLOSED'
  | 'ORDER_NOT_PAID'
  | 'ORDER_NOT_OPEN'
  | 'PAYMENT_IN_PROGRESS'
  | 'PAYMENT_NOT_CANCELLABLE'
  | 'PAYMENT_METHOD_UNAVAILABLE'
  | 'CURRENCY_NOT_SUPPORTED'
  | 'AMOUNT_INVALID'
  | 'CURRENCY_MISMATCH'
  | 'REFUND_AMOUNT_EXCEEDS_PAID'
  | 'REFUND_NOT_SUPPORTED'
  | 'REFUND_REJECTED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_KEY_IN_USE'
  | 'RATE_LIMITED'
  | 'TOO_MANY_STREAMS'
  | 'URL_NOT_ALLOWED'
  | 'CONFLICT'
  | 'GATEWAY_UNAVAILABLE'
  | 'REPORT_MALFORMED'
  | 'DISCREPANCY_NOT_FOUND';

export interface ErrorDetail {
  field: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details: ErrorDetail[] | undefined;
  constructor(code: DomainErrorCode, message: string, details?: ErrorDetail[]) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}
