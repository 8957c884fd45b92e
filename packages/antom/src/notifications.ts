// Antom → merchant notifications (docs/antom-notes.md §1.3, §2.4): verify the signature over the raw body
// first, then check the client id, then parse into a typed event. The acknowledgement is a fixed body; send
// it only after the result is stored, since Antom resends anything else (0 s, 2 min, 10 min … 15 h).
import type { KeyObject } from 'node:crypto';
import { AntomNotificationError, AntomSignatureError } from './errors.ts';
import { loadPublicKey, type KeyInput } from './keys.ts';
import { formatSignatureHeader, parseSignatureHeader, signMessage, verifyMessage } from './signature.ts';
import type {
  AntomResult,
  NotificationBody,
  PaymentNotificationBody,
  RefundNotificationBody,
} from './types.ts';

/** The fixed acknowledgement body Antom expects with HTTP 200 (it needs no signature). */
export const NOTIFICATION_ACK =
  '{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}';

/** The whole HTTP answer that acknowledges a notification: status 200, JSON, the fixed body. */
export function notificationAck(): { status: 200; headers: Record<string, string>; body: string } {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
    body: NOTIFICATION_ACK,
  };
}

/** A final payment result: `succeeded` (S) or `failed` (F), with Antom's code. */
export interface PaymentResultEvent {
  type: 'PAYMENT_RESULT';
  outcome: 'succeeded' | 'failed';
  result: AntomResult;
  paymentRequestId: string;
  paymentId: string;
  paymentAmount: { currency: string; value: string };
  paymentTime: string | undefined;
  body: PaymentNotificationBody;
}

/** The buyer completed but the final result is pending: the payment is still processing. */
export interface PaymentPendingEvent {
  type: 'PAYMENT_PENDING';
  result: AntomResult;
  paymentRequestId: string;
  paymentId: string;
  paymentAmount: { currency: string; value: string };
  body: PaymentNotificationBody;
}

export interface RefundResultEvent {
  type: 'REFUND_RESULT';
  outcome: 'succeeded' | 'failed';
  result: AntomResult;
  refundRequestId: string;
  refundId: string;
  refundAmount: { currency: string; value: string };
  refundTime: string | undefined;
  body: RefundNotificationBody;
}

/**
 * A verified notification of a type this package does not interpret (e.g. `OFFLINE_PAYMENT_CODE`, which
 * Antom's notifyPayment page lists for in-store payments, or a type added later). It is Antom's signed
 * word all the same: record it and acknowledge it, or Antom resends it for a day (docs/antom-notes.md §1.3).
 */
export interface OtherNotificationEvent {
  type: 'OTHER';
  notifyType: string;
  /** The `result`, when the body carries a well-formed one. */
  result: AntomResult | undefined;
  paymentRequestId: string | undefined;
  paymentId: string | undefined;
  refundRequestId: string | undefined;
  body: Record<string, unknown>;
}

export type AntomNotification =
  PaymentResultEvent | PaymentPendingEvent | RefundResultEvent | OtherNotificationEvent;

export interface VerifyNotificationInput {
  /** The body exactly as received, before any JSON parsing. */
  rawBody: string | Uint8Array;
  /** Request headers (any case): `signature`, `request-time`, `client-id`. */
  headers: Record<string, string | string[] | undefined>;
  /**
   * The notify URL as given to Antom, or its path (`/api/v1/antom/notify`), with its query string if it
   * has one. Never a proxy-rewritten path (docs/antom-notes.md §2.4). With a query string, a signature over
   * the path with the query or over the path alone is accepted: Antom's pages do not say which it signs.
   */
  notifyPath: string;
  /** Our client id: a notification for any other client is rejected. */
  clientId: string;
  /** Antom's public key: a KeyObject (load it once), PEM, single-line base64 SPKI or `@path`. */
  antomPublicKey: KeyInput;
}

function header(headers: VerifyNotificationInput['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * Verifies and parses a notification. Throws AntomSignatureError when the signature, time or client-id
 * header is missing or wrong (nothing in the body may be trusted then), AntomNotificationError when the
 * verified body names another client or is malformed. A verified type this package does not interpret
 * comes back as an `OTHER` event, never as an error.
 */
export function verifyNotification(input: VerifyNotificationInput): AntomNotification {
  const clientId = header(input.headers, 'client-id');
  if (!clientId)
    throw new AntomSignatureError('CLIENT_ID_MISSING', 'the notification has no client-id header');
  const time = header(input.headers, 'request-time');
  const { signature } = parseSignatureHeader(header(input.headers, 'signature'));
  if (time == null || time.trim() === '') {
    throw new AntomSignatureError(
      'SIGNATURE_TIME_MISSING',
      'the notification has no request-time header, so it cannot be verified',
    );
  }
  const publicKey = loadPublicKey(input.antomPublicKey, 'Antom public key');
  const verified = notifyPathsOf(input.notifyPath).some((path) =>
    verifyMessage({ path, clientId, time, body: input.rawBody }, signature, publicKey),
  );
  if (!verified) {
    throw new AntomSignatureError(
      'SIGNATURE_INVALID',
      'the notification signature does not match its content',
    );
  }
  if (clientId !== input.clientId) {
    throw new AntomNotificationError(
      'CLIENT_ID_MISMATCH',
      `the notification is for client ${clientId}, not ours`,
    );
  }
  const text =
    typeof input.rawBody === 'string' ? input.rawBody : Buffer.from(input.rawBody).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw new AntomNotificationError('NOTIFICATION_MALFORMED', 'the notification body is not JSON', {
      cause,
    });
  }
  return parseNotification(body);
}

/**
 * The paths a notification for this notify URL may be signed over, most specific first. Requests sign
 * their URI with its query string (docs/antom-notes.md §2.2), the SDKs' webhook samples show a bare path
 * (docs/antom-notes.md §2.4, §10.7): with a query string, both are tried. Each is Antom's signature over the
 * same body, so accepting either lets nothing unsigned in. `https://shop.example/n?k=1` → [`/n?k=1`, `/n`].
 */
export function notifyPathsOf(notifyPath: string): string[] {
  let target = notifyPath;
  if (/^https?:\/\//i.test(notifyPath)) {
    const url = new URL(notifyPath);
    target = url.pathname + url.search;
  }
  const query = target.indexOf('?');
  if (query < 0) return [target];
  return [target, target.slice(0, query)];
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new AntomNotificationError('NOTIFICATION_MALFORMED', `the notification has no ${field}`);
  }
  return value;
}

function requireResult(body: Record<string, unknown>): AntomResult {
  const result = body.result as Partial<AntomResult> | undefined;
  if (
    !result ||
    typeof result.resultCode !== 'string' ||
    !['S', 'F', 'U'].includes(result.resultStatus as string)
  ) {
    throw new AntomNotificationError('NOTIFICATION_MALFORMED', 'the notification has no valid result');
  }
  return result as AntomResult;
}

// Only the shape is checked here: the body is Antom's own verified word, and rejecting it for a currency
// missing from our exponent table would make Antom resend it for 24 h. Callers compare amounts themselves.
function requireAmount(body: Record<string, unknown>, field: string): { currency: string; value: string } {
  const amount = body[field] as { currency?: unknown; value?: unknown } | undefined;
  if (
    amount == null ||
    typeof amount !== 'object' ||
    typeof amount.currency !== 'string' ||
    !/^[A-Z]{3}$/.test(amount.currency) ||
    typeof amount.value !== 'string' ||
    !/^[0-9]+$/.test(amount.value)
  ) {
    throw new AntomNotificationError(
      'NOTIFICATION_MALFORMED',
      `the notification ${field} is not {currency, value} in minor units`,
    );
  }
  return { currency: amount.currency, value: amount.value };
}

/** Parses an already verified notification body into a typed event. */
export function parseNotification(input: unknown): AntomNotification {
  if (input == null || typeof input !== 'object' || Array.isArray(input)) {
    throw new AntomNotificationError('NOTIFICATION_MALFORMED', 'the notification body is not an object');
  }
  const body = input as Record<string, unknown>;
  const notifyType = requireString(body, 'notifyType');
  switch (notifyType) {
    case 'PAYMENT_RESULT': {
      const result = requireResult(body);
      if (result.resultStatus === 'U') {
        throw new AntomNotificationError('NOTIFICATION_MALFORMED', 'a PAYMENT_RESULT must be final (S or F)');
      }
      return {
        type: 'PAYMENT_RESULT',
        outcome: result.resultStatus === 'S' ? 'succeeded' : 'failed',
        result,
        paymentRequestId: requireString(body, 'paymentRequestId'),
        paymentId: requireString(body, 'paymentId'),
        paymentAmount: requireAmount(body, 'paymentAmount'),
        paymentTime: typeof body.paymentTime === 'string' ? body.paymentTime : undefined,
        body: body as unknown as PaymentNotificationBody,
      };
    }
    case 'PAYMENT_PENDING':
      return {
        type: 'PAYMENT_PENDING',
        result: requireResult(body),
        paymentRequestId: requireString(body, 'paymentRequestId'),
        paymentId: requireString(body, 'paymentId'),
        paymentAmount: requireAmount(body, 'paymentAmount'),
        body: body as unknown as PaymentNotificationBody,
      };
    case 'REFUND_RESULT': {
      const result = requireResult(body);
      const refundStatus =
        body.refundStatus ??
        (result.resultStatus === 'S' ? 'SUCCESS' : result.resultStatus === 'F' ? 'FAIL' : undefined);
      if (refundStatus !== 'SUCCESS' && refundStatus !== 'FAIL') {
        throw new AntomNotificationError(
          'NOTIFICATION_MALFORMED',
          'a REFUND_RESULT needs refundStatus SUCCESS or FAIL',
        );
      }
      return {
        type: 'REFUND_RESULT',
        outcome: refundStatus === 'SUCCESS' ? 'succeeded' : 'failed',
        result,
        refundRequestId: requireString(body, 'refundRequestId'),
        refundId: requireString(body, 'refundId'),
        refundAmount: requireAmount(body, 'refundAmount'),
        refundTime: typeof body.refundTime === 'string' ? body.refundTime : undefined,
        body: body as unknown as RefundNotificationBody,
      };
    }
    default:
      return {
        type: 'OTHER',
        notifyType,
        result: wellFormedResult(body),
        paymentRequestId: optionalString(body, 'paymentRequestId'),
        paymentId: optionalString(body, 'paymentId'),
        refundRequestId: optionalString(body, 'refundRequestId'),
        body,
      };
  }
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function wellFormedResult(body: Record<string, unknown>): AntomResult | undefined {
  try {
    return requireResult(body);
  } catch {
    return undefined;
  }
}

/**
 * Signs a notification the way Antom does (for gateways and simulators): returns the headers to send
 * with `body` to a notify URL whose path is `notifyPath`.
 */
export function signNotification(input: {
  body: string;
  notifyPath: string;
  clientId: string;
  requestTime: string;
  privateKey: KeyObject;
  keyVersion?: string;
}): Record<string, string> {
  const signature = signMessage(
    { path: input.notifyPath, clientId: input.clientId, time: input.requestTime, body: input.body },
    input.privateKey,
  );
  return {
    'content-type': 'application/json; charset=UTF-8',
    'client-id': input.clientId,
    'request-time': input.requestTime,
    signature: formatSignatureHeader(signature, input.keyVersion),
  };
}

export type { NotificationBody };
