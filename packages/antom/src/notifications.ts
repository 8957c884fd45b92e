// Antom → merchant notifications (PROTOCOL §1.3, §2.4): verify the signature over the raw body first,
// then check the client id, then parse into a typed event. The acknowledgement is a fixed body; send it
// only after the result is stored, since Antom resends anything else (0 s, 2 min, 10 min … 15 h).
import type { KeyObject } from 'node:crypto';
import { AntomNotificationError, AntomSignatureError } from './errors.ts';
import { loadPublicKey, type KeyInput } from './keys.ts';
import { assertSignedMessage, formatSignatureHeader, signMessage } from './signature.ts';
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

export type AntomNotification = PaymentResultEvent | PaymentPendingEvent | RefundResultEvent;

export interface VerifyNotificationInput {
  /** The body exactly as received, before any JSON parsing. */
  rawBody: string | Uint8Array;
  /** Request headers (any case): `signature`, `request-time`, `client-id`. */
  headers: Record<string, string | string[] | undefined>;
  /**
   * The path part of the notify URL as Antom calls it, e.g. `/api/v1/antom/notify` (a full URL is
   * accepted and reduced to its path and query). Never a proxy-rewritten path (PROTOCOL §2.4).
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
 * verified body is not a notification we understand or names another client.
 */
export function verifyNotification(input: VerifyNotificationInput): AntomNotification {
  const clientId = header(input.headers, 'client-id');
  if (!clientId)
    throw new AntomSignatureError('CLIENT_ID_MISSING', 'the notification has no client-id header');
  assertSignedMessage(
    {
      path: notifyPathOf(input.notifyPath),
      clientId,
      time: header(input.headers, 'request-time'),
      body: input.rawBody,
    },
    header(input.headers, 'signature'),
    loadPublicKey(input.antomPublicKey, 'Antom public key'),
    'notification',
  );
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

/** `https://shop.example/antom/notify` → `/antom/notify`; a bare path is used as given. */
function notifyPathOf(notifyPath: string): string {
  if (!/^https?:\/\//i.test(notifyPath)) return notifyPath;
  const url = new URL(notifyPath);
  return url.pathname + url.search;
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
  const result = requireResult(body);
  switch (notifyType) {
    case 'PAYMENT_RESULT': {
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
        result,
        paymentRequestId: requireString(body, 'paymentRequestId'),
        paymentId: requireString(body, 'paymentId'),
        paymentAmount: requireAmount(body, 'paymentAmount'),
        body: body as unknown as PaymentNotificationBody,
      };
    case 'REFUND_RESULT': {
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
      throw new AntomNotificationError(
        'NOTIFICATION_TYPE_UNKNOWN',
        `notifyType ${notifyType} is not handled`,
      );
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
