// The closed set of errors the client throws (after stripe-node's Error.ts): one base class, a subclass
// per cause, and one factory. Business results (S/F/U) are returned as typed outcomes, not thrown; a
// failed result becomes an AntomGatewayError only when the caller asks for it (`outcome.error`).
import type { AntomResult } from './types.ts';

export type AntomErrorType = 'transport' | 'timeout' | 'signature' | 'gateway' | 'config' | 'notification';

/** Base of every error this package throws. `type` tells the cause without `instanceof`. */
export class AntomError extends Error {
  readonly type: AntomErrorType;
  readonly code: string;

  constructor(type: AntomErrorType, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.type = type;
    this.code = code;
  }

  /**
   * The one factory: build the right subclass from what went wrong. Gateway results become
   * AntomGatewayError carrying Antom's result code and status.
   */
  static from(
    input:
      | { type: 'gateway'; result: AntomResult }
      | { type: 'transport'; message: string; httpStatus?: number; cause?: unknown }
      | { type: 'timeout'; timeoutMs: number }
      | { type: 'signature' | 'config' | 'notification'; code: string; message: string; cause?: unknown },
  ): AntomError {
    switch (input.type) {
      case 'gateway':
        return new AntomGatewayError(input.result);
      case 'transport':
        return new AntomTransportError(input.message, input.httpStatus, { cause: input.cause });
      case 'timeout':
        return new AntomTimeoutError(input.timeoutMs);
      case 'signature':
        return new AntomSignatureError(input.code, input.message, { cause: input.cause });
      case 'config':
        return new AntomConfigError(input.code, input.message, { cause: input.cause });
      case 'notification':
        return new AntomNotificationError(input.code, input.message, { cause: input.cause });
    }
  }
}

/**
 * No verified answer came back: connection refused or dropped, a non-200 HTTP status, an unreadable body.
 * The request may or may not have been processed, so for `pay`/`cancel`/`refund` the outcome is unknown.
 */
export class AntomTransportError extends AntomError {
  readonly httpStatus: number | undefined;
  constructor(
    message: string,
    httpStatus?: number,
    options?: { cause?: unknown; timeout?: boolean; code?: string },
  ) {
    const code =
      options?.code ?? (options?.timeout ? 'TIMEOUT' : httpStatus ? `HTTP_${httpStatus}` : 'NETWORK_ERROR');
    super(options?.timeout ? 'timeout' : 'transport', code, message, options);
    this.httpStatus = httpStatus;
  }
}

/** The call did not finish within its timeout (milliseconds). Outcome unknown, like any transport error. */
export class AntomTimeoutError extends AntomTransportError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`no answer from Antom within ${timeoutMs} ms`, undefined, { timeout: true });
    this.timeoutMs = timeoutMs;
  }
}

/** A response or notification whose signature is missing, malformed or wrong. Never trust its body. */
export class AntomSignatureError extends AntomError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('signature', code, message, options);
  }
}

/** Antom answered (verified) with `resultStatus: F`: the request failed for the reason in `code`. */
export class AntomGatewayError extends AntomError {
  readonly result: AntomResult;
  readonly resultStatus: AntomResult['resultStatus'];
  constructor(result: AntomResult) {
    super('gateway', result.resultCode, `${result.resultCode}: ${result.resultMessage ?? 'no message'}`);
    this.result = result;
    this.resultStatus = result.resultStatus;
  }
}

/** Bad configuration or input detected before anything was sent (a key that will not load, a number scalar). */
export class AntomConfigError extends AntomError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('config', code, message, options);
  }
}

/** A notification that verified but cannot be accepted: wrong client id, unknown type, malformed body. */
export class AntomNotificationError extends AntomError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('notification', code, message, options);
  }
}

/** True when the error leaves a write's outcome unknown (ask again with inquiry, never assume failure). */
export function isOutcomeUnknown(error: unknown): boolean {
  return error instanceof AntomTransportError || error instanceof AntomSignatureError;
}
