// The Antom client: signs each request over the exact bytes it sends, verifies each response against
// Antom's public key (failing closed), and sorts answers into typed outcomes. It retries only calls whose
// idempotency key makes a resend harmless (same ids, byte-identical body), with backoff and jitter.
import type { KeyObject } from 'node:crypto';
import { AntomConfigError, AntomError, AntomSignatureError, AntomTransportError } from './errors.ts';
import { loadPrivateKey, loadPublicKey, type KeyInput } from './keys.ts';
import {
  cancelOutcome,
  consultOutcome,
  inquiryPaymentOutcome,
  inquiryRefundOutcome,
  payOutcome,
  refundOutcome,
  RETRYABLE_UNKNOWN_CODES,
  type CancelOutcome,
  type ConsultOutcome,
  type InquiryPaymentOutcome,
  type InquiryRefundOutcome,
  type PayOutcome,
  type RefundOutcome,
} from './outcomes.ts';
import { apiPath } from './paths.ts';
import { assertSignedMessage, formatSignatureHeader, signMessageAsync } from './signature.ts';
import { fetchTransport, type HttpResponse, type HttpTransport } from './transport.ts';
import type { AntomApi, AntomRequests, AntomResponses, AntomResult } from './types.ts';

export interface AntomClientOptions {
  /** Antom client id; `SANDBOX_…` ids call the `/ams/sandbox/api` paths. */
  clientId: string;
  /** The merchant private key: PEM, single-line base64 PKCS#8, `@path`, or a KeyObject. */
  privateKey: KeyInput;
  /** Antom's public key: PEM, single-line base64 SPKI, `@path`, or a KeyObject. */
  antomPublicKey: KeyInput;
  /** Gateway origin, e.g. `https://open-sea-global.alipay.com` (no path). */
  gatewayUrl: string;
  /** `keyVersion` in the signature header (default `1`, as the SDKs send). */
  keyVersion?: string;
  /** Per-attempt timeout in milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Extra attempts after the first for retry-safe failures (default 2, at most 10). */
  maxRetries?: number;
  /** Backoff before retry n (1-based) is up to `backoffMs · 2^(n-1)` with jitter, capped at 8 s (default 300). */
  backoffMs?: number;
  /** `request-time` format: epoch milliseconds (Java/Go SDKs, default) or ISO-8601 (Python/.NET SDKs). */
  requestTimeFormat?: 'epoch-ms' | 'iso';
  /** The HTTP client (default: Node's fetch). */
  transport?: HttpTransport;
  /** Clock in epoch milliseconds, for `request-time` and durations (default `Date.now`). */
  now?: () => number;
  /** Jitter source in [0, 1) (default `Math.random`). */
  random?: () => number;
  /** Waits between retries (default a timer); tests inject one that records and returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Called after every HTTP exchange (including retries), e.g. to keep an audit log. Must not throw. */
  onCall?: (record: AntomCallRecord) => void;
}

/** One HTTP exchange with Antom, for audit logs. Bodies are the exact strings sent and received. */
export interface AntomCallRecord {
  api: AntomApi;
  path: string;
  attempt: number;
  requestTime: string;
  requestBody: string;
  httpStatus: number | undefined;
  responseBody: string | undefined;
  result: AntomResult | undefined;
  error: AntomError | undefined;
  durationMs: number;
}

/** Per-call overrides of the client's timeout and retry count, and a caller's abort signal. */
export interface CallOptions {
  /** Per-attempt timeout in milliseconds. */
  timeoutMs?: number;
  /** Retries after the first attempt, 0 to 10. */
  maxRetries?: number;
  /** Aborting ends the call with an AntomTransportError, without retrying. */
  signal?: AbortSignal;
  /**
   * Receives each HTTP exchange of this call, after the client's own `onCall`: a caller can tie the
   * records to its own context (an order, a payment) without threading it through async storage.
   */
  onCall?: (record: AntomCallRecord) => void;
}

const BACKOFF_CAP_MS = 8_000;
/** The most retries a client or a call may ask for: retries must stay bounded. */
export const MAX_RETRIES_LIMIT = 10;

/** A typed Antom client: one method per API, each returning a typed outcome or throwing an AntomError. */
export class AntomClient {
  readonly clientId: string;
  readonly gatewayUrl: string;
  readonly #privateKey: KeyObject;
  readonly #antomPublicKey: KeyObject;
  readonly #options: Required<Omit<AntomClientOptions, 'onCall' | 'privateKey' | 'antomPublicKey'>> &
    Pick<AntomClientOptions, 'onCall'>;

  constructor(options: AntomClientOptions) {
    if (!options.clientId) throw new AntomConfigError('CLIENT_ID_MISSING', 'clientId is required');
    let gateway: URL;
    try {
      gateway = new URL(options.gatewayUrl);
    } catch (cause) {
      throw new AntomConfigError('GATEWAY_URL_INVALID', `gatewayUrl ${options.gatewayUrl} is not a URL`, {
        cause,
      });
    }
    if (gateway.protocol !== 'https:' && gateway.protocol !== 'http:') {
      throw new AntomConfigError(
        'GATEWAY_URL_INVALID',
        `gatewayUrl ${options.gatewayUrl} is not an http(s) URL`,
      );
    }
    checkCallOptions(options, 'client options');
    if (options.backoffMs !== undefined && !(Number.isFinite(options.backoffMs) && options.backoffMs >= 0)) {
      throw new AntomConfigError('OPTION_INVALID', 'backoffMs must be a non-negative number of milliseconds');
    }
    this.clientId = options.clientId;
    this.gatewayUrl = gateway.origin;
    this.#privateKey = loadPrivateKey(options.privateKey, 'merchant private key');
    this.#antomPublicKey = loadPublicKey(options.antomPublicKey, 'Antom public key');
    this.#options = {
      clientId: options.clientId,
      gatewayUrl: this.gatewayUrl,
      keyVersion: options.keyVersion ?? '1',
      timeoutMs: options.timeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? 2,
      backoffMs: options.backoffMs ?? 300,
      requestTimeFormat: options.requestTimeFormat ?? 'epoch-ms',
      transport: options.transport ?? fetchTransport,
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      onCall: options.onCall,
    };
  }

  /** Lists payment methods for an amount, terminal and region (docs/antom-notes.md §5.5). */
  async consult(request: AntomRequests['consult'], options?: CallOptions): Promise<ConsultOutcome> {
    return consultOutcome(await this.send('consult', request, options));
  }

  /**
   * Creates a payment (docs/antom-notes.md §3–4). Resent only with the same `paymentRequestId` and identical
   * body, so Antom's idempotency guarantees at most one payment. Throws AntomTransportError /
   * AntomTimeoutError (outcome unknown) or AntomSignatureError (answer not trusted).
   */
  async pay(request: AntomRequests['pay'], options?: CallOptions): Promise<PayOutcome> {
    if (!request.paymentRequestId)
      throw new AntomConfigError('PARAM_MISSING', 'pay needs a paymentRequestId');
    return payOutcome(await this.send('pay', request, options));
  }

  /** Asks for a payment's status by `paymentId` or `paymentRequestId` (docs/antom-notes.md §5.1). */
  async inquiryPayment(
    request: AntomRequests['inquiryPayment'],
    options?: CallOptions,
  ): Promise<InquiryPaymentOutcome> {
    if (!request.paymentId && !request.paymentRequestId) {
      throw new AntomConfigError('PARAM_MISSING', 'inquiryPayment needs a paymentId or a paymentRequestId');
    }
    return inquiryPaymentOutcome(await this.send('inquiryPayment', request, options));
  }

  /** Cancels a payment; a paid one is refunded in full by Antom (docs/antom-notes.md §5.2). */
  async cancel(request: AntomRequests['cancel'], options?: CallOptions): Promise<CancelOutcome> {
    if (!request.paymentId && !request.paymentRequestId) {
      throw new AntomConfigError('PARAM_MISSING', 'cancel needs a paymentId or a paymentRequestId');
    }
    return cancelOutcome(await this.send('cancel', request, options));
  }

  /**
   * Refunds all or part of a payment; resent only with the same `refundRequestId` (docs/antom-notes.md §5.3).
   */
  async refund(request: AntomRequests['refund'], options?: CallOptions): Promise<RefundOutcome> {
    if (!request.refundRequestId || !request.paymentId) {
      throw new AntomConfigError('PARAM_MISSING', 'refund needs a refundRequestId and a paymentId');
    }
    return refundOutcome(await this.send('refund', request, options));
  }

  /** Asks for a refund's status by `refundRequestId` or `refundId` (docs/antom-notes.md §5.4). */
  async inquiryRefund(
    request: AntomRequests['inquiryRefund'],
    options?: CallOptions,
  ): Promise<InquiryRefundOutcome> {
    if (!request.refundId && !request.refundRequestId) {
      throw new AntomConfigError('PARAM_MISSING', 'inquiryRefund needs a refundId or a refundRequestId');
    }
    return inquiryRefundOutcome(await this.send('inquiryRefund', request, options));
  }

  /** The longest a call can take with every retry and backoff, in milliseconds. */
  maxCallDurationMs(options?: CallOptions): number {
    const retries = options?.maxRetries ?? this.#options.maxRetries;
    const timeout = options?.timeoutMs ?? this.#options.timeoutMs;
    let total = timeout * (retries + 1);
    for (let n = 1; n <= retries; n += 1) total += this.#backoffCeiling(n, true);
    return total;
  }

  /**
   * Signs, sends and verifies one API call, retrying where safe; returns the verified response body.
   * The body is serialised once: every attempt sends (and signs) the same bytes.
   */
  async send<A extends AntomApi>(
    api: A,
    request: AntomRequests[A],
    options: CallOptions = {},
  ): Promise<AntomResponses[A]> {
    checkCallOptions(options, `${api} options`);
    assertStringScalars(request, api);
    const path = apiPath(api, this.clientId);
    const body = JSON.stringify(request);
    const bytes = Buffer.from(body, 'utf8');
    const maxRetries = options.maxRetries ?? this.#options.maxRetries;
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs;

    for (let attempt = 1; ; attempt += 1) {
      const requestTime = this.#requestTime();
      // Signed on the thread pool: the caller's event loop keeps serving while the RSA operation runs.
      const signature = await signMessageAsync(
        { path, clientId: this.clientId, time: requestTime, body: bytes },
        this.#privateKey,
      );
      const headers = {
        'content-type': 'application/json; charset=UTF-8',
        'client-id': this.clientId,
        'request-time': requestTime,
        signature: formatSignatureHeader(signature, this.#options.keyVersion),
      };
      const started = this.#options.now();
      const record: AntomCallRecord = {
        api,
        path,
        attempt,
        requestTime,
        requestBody: body,
        httpStatus: undefined,
        responseBody: undefined,
        result: undefined,
        error: undefined,
        durationMs: 0,
      };
      const canRetry = attempt <= maxRetries;
      let retryReason: 'transport' | 'busy' | undefined;
      try {
        const http = await this.#options.transport.post(this.gatewayUrl + path, headers, bytes, {
          timeoutMs,
          signal: options.signal,
        });
        record.httpStatus = http.status;
        record.responseBody = http.body.toString('utf8');
        const response = this.#verify(path, http) as AntomResponses[A];
        record.result = response.result;
        if (
          response.result.resultStatus === 'U' &&
          RETRYABLE_UNKNOWN_CODES.has(response.result.resultCode) &&
          canRetry
        ) {
          retryReason = response.result.resultCode === 'REQUEST_TRAFFIC_EXCEED_LIMIT' ? 'busy' : 'transport';
        } else {
          return response;
        }
      } catch (error) {
        const antomError =
          error instanceof AntomError
            ? error
            : new AntomTransportError(String(error), undefined, { cause: error });
        record.error = antomError;
        if (!canRetry || !isRetryableTransport(antomError) || options.signal?.aborted) throw antomError;
        retryReason =
          antomError instanceof AntomTransportError && antomError.httpStatus === 429 ? 'busy' : 'transport';
      } finally {
        record.durationMs = this.#options.now() - started;
        for (const hook of [this.#options.onCall, options.onCall]) {
          try {
            hook?.(record);
          } catch {
            // An audit hook must not turn a verified answer into an error (or hide the real one).
          }
        }
      }
      await this.#options.sleep(this.#backoff(attempt, retryReason === 'busy'));
    }
  }

  #requestTime(): string {
    const now = this.#options.now();
    return this.#options.requestTimeFormat === 'iso'
      ? new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')
      : String(now);
  }

  /** Exponential ceiling for the sleep after attempt n; rate-limit answers (429, U …LIMIT) wait twice as long. */
  #backoffCeiling(attempt: number, busy: boolean): number {
    return Math.min(BACKOFF_CAP_MS, this.#options.backoffMs * 2 ** (attempt - 1) * (busy ? 2 : 1));
  }

  /** "Equal jitter": half the ceiling, plus a random part of the other half, so retries never stampede. */
  #backoff(attempt: number, busy: boolean): number {
    const ceiling = this.#backoffCeiling(attempt, busy);
    return Math.round(ceiling / 2 + (this.#options.random() * ceiling) / 2);
  }

  /** Fails closed: non-200, missing headers, a bad signature or a body without `result` all throw. */
  #verify(path: string, http: HttpResponse): { result: AntomResult } {
    if (http.status !== 200) {
      throw new AntomTransportError(`Antom answered HTTP ${http.status}`, http.status);
    }
    const responseClientId = http.headers['client-id'];
    if (responseClientId !== undefined && responseClientId !== this.clientId) {
      throw new AntomSignatureError(
        'CLIENT_ID_MISMATCH',
        `the response is for client ${responseClientId}, not ours`,
      );
    }
    assertSignedMessage(
      { path, clientId: this.clientId, time: http.headers['response-time'], body: http.body },
      http.headers['signature'],
      this.#antomPublicKey,
      'response',
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(http.body.toString('utf8'));
    } catch (cause) {
      throw new AntomTransportError('Antom answered a body that is not JSON', 200, {
        cause,
        code: 'RESPONSE_MALFORMED',
      });
    }
    const result = (parsed as { result?: Partial<AntomResult> } | null)?.result;
    if (
      !result ||
      typeof result.resultCode !== 'string' ||
      !['S', 'F', 'U'].includes(result.resultStatus as string)
    ) {
      throw new AntomTransportError('Antom answered without a valid result object', 200, {
        code: 'RESPONSE_MALFORMED',
      });
    }
    return parsed as { result: AntomResult };
  }
}

function checkCallOptions(options: { timeoutMs?: number; maxRetries?: number }, what: string): void {
  const { timeoutMs, maxRetries } = options;
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new AntomConfigError(
      'OPTION_INVALID',
      `${what}: timeoutMs must be a positive number of milliseconds`,
    );
  }
  if (
    maxRetries !== undefined &&
    !(Number.isInteger(maxRetries) && maxRetries >= 0 && maxRetries <= MAX_RETRIES_LIMIT)
  ) {
    throw new AntomConfigError(
      'OPTION_INVALID',
      `${what}: maxRetries must be an integer from 0 to ${MAX_RETRIES_LIMIT}`,
    );
  }
}

function isRetryableTransport(error: AntomError): boolean {
  if (!(error instanceof AntomTransportError)) return false; // signature and config errors never retry
  const status = error.httpStatus;
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/**
 * Antom wants every scalar as a JSON string (docs/antom-notes.md §3); a number or boolean is a caller bug.
 */
export function assertStringScalars(value: unknown, path: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertStringScalars(item, `${path}[${index}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) assertStringScalars(item, `${path}.${key}`);
    }
  } else if (typeof value !== 'string') {
    const got = value === null ? 'null' : typeof value;
    throw new AntomConfigError('NON_STRING_SCALAR', `${path} must be sent as a string (got ${got})`);
  }
}
