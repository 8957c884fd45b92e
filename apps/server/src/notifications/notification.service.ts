// Antom notifications (D4.12): the signature is checked over the raw body before anything in
// it is read; then the client id, our paymentRequestId, the amount and the currency. Handling is
// idempotent (replays and reorders never move a state backwards), every raw notification is kept, and
// the fixed acknowledgement is sent only after the result is committed. A refused notification costs a
// bounded record at most (D10.1): see notification.guard.ts.
import { createHash } from 'node:crypto';
import { compareMinor } from '@paydesk/antom';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Clock } from '../domain/clock.ts';
import type { GatewayNotification, PaymentGateway } from '../gateway/payment-gateway.ts';
import { findPayment, findPaymentAndOrderStatus } from '../payments/payment.repository.ts';
import { findRefund } from '../refunds/refund.repository.ts';
import type { RejectionGuard } from './notification.guard.ts';
import { insertNotification } from './notification.repository.ts';
import type { PaymentService } from '../payments/payment.service.ts';
import type { RefundService } from '../refunds/refund.service.ts';

export interface NotificationAnswer {
  status: number;
  body: string;
  contentType: 'application/json';
  /** With a 429: when the sender may try again. */
  retryAfterSeconds?: number;
  /** A verified notification: how long acting on it took (ms), before it was kept — for Server-Timing. */
  appliedMs?: number;
}

export type NotificationOutcome =
  | 'APPLIED'
  | 'DUPLICATE'
  | 'REJECTED_SIGNATURE'
  | 'REJECTED_CLIENT'
  | 'REJECTED_MALFORMED'
  | 'UNKNOWN_PAYMENT'
  | 'UNKNOWN_REFUND'
  | 'MISMATCH'
  /** Verified, of a type we do not act on: kept and acknowledged, so Antom stops resending it. */
  | 'RECORDED';

const KEPT_HEADERS = ['client-id', 'request-time', 'signature', 'content-type', 'user-agent'];
/** How much of a refused notification is kept: each header's first characters, the body's first bytes. */
const REFUSED_HEADER_CHARS = 256;
const REFUSED_BODY_BYTES = 256;

function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

export interface NotificationServiceDeps {
  db: Kysely<DB>;
  clock: Clock;
  gateway: PaymentGateway;
  payments: PaymentService;
  refunds: RefundService;
  /** Decides whether a refused notification is recorded, or its sender throttled (none: always recorded). */
  rejections?: RejectionGuard;
  onOutcome?: (outcome: NotificationOutcome) => void;
}

interface Handled {
  outcome: NotificationOutcome;
  error?: string;
  orderId?: string;
  paymentId?: string;
  refundId?: string;
}

export class NotificationService {
  readonly #d: NotificationServiceDeps;

  constructor(deps: NotificationServiceDeps) {
    this.#d = deps;
  }

  /** Handles one notification; `from` is the sender's address (for the throttle on refused ones). */
  async handle(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
    from = '',
  ): Promise<NotificationAnswer> {
    const verified = this.#d.gateway.verifyNotification(rawBody, headers);
    if (!verified.ok) {
      const outcome: NotificationOutcome =
        verified.code === 'SIGNATURE'
          ? 'REJECTED_SIGNATURE'
          : verified.code === 'CLIENT'
            ? 'REJECTED_CLIENT'
            : 'REJECTED_MALFORMED';
      this.#d.onOutcome?.(outcome);
      const verdict = this.#d.rejections?.refused(from) ?? { record: true };
      if ('retryAfterSeconds' in verdict) {
        return {
          status: 429,
          body: errorBody('RATE_LIMITED', 'too many refused notifications from this address'),
          contentType: 'application/json',
          retryAfterSeconds: verdict.retryAfterSeconds,
        };
      }
      if (verdict.record) await this.#keepRefused(rawBody, headers, outcome, verified.reason);
      return {
        status: verified.code === 'MALFORMED' ? 400 : 401,
        body: errorBody('NOTIFICATION_REJECTED', verified.reason),
        contentType: 'application/json',
      };
    }
    const notification = verified.notification;
    const started = performance.now();
    const result: Handled =
      notification.type === 'payment'
        ? await this.#payment(notification)
        : notification.type === 'refund'
          ? await this.#refund(notification)
          : await this.#other(notification);
    const appliedMs = performance.now() - started;
    await this.#keep(rawBody, headers, {
      verified: true,
      outcome: result.outcome,
      error: result.error ?? null,
      orderId: result.orderId ?? null,
      paymentId: result.paymentId ?? null,
      refundId: result.refundId ?? null,
      notifyType:
        notification.type === 'other'
          ? notification.notifyType.slice(0, 64)
          : notification.type === 'refund'
            ? 'REFUND_RESULT'
            : notification.final
              ? 'PAYMENT_RESULT'
              : 'PAYMENT_PENDING',
    });
    if (result.outcome === 'APPLIED' || result.outcome === 'DUPLICATE' || result.outcome === 'RECORDED') {
      return { status: 200, body: verified.ack, contentType: 'application/json', appliedMs };
    }
    const status = result.outcome === 'MISMATCH' ? 400 : 404;
    return {
      status,
      body: errorBody(result.outcome, result.error ?? result.outcome),
      contentType: 'application/json',
      appliedMs,
    };
  }

  async #payment(n: Extract<GatewayNotification, { type: 'payment' }>) {
    // Read with its order's status, so the lifecycle decides on this read (one round trip, D17).
    const found = await findPaymentAndOrderStatus(this.#d.db, n.paymentRequestId);
    if (!found) return { outcome: 'UNKNOWN_PAYMENT' as const, error: `no payment ${n.paymentRequestId}` };
    const attempt = found.payment;
    const ids = { orderId: attempt.order_id, paymentId: attempt.id };
    if (n.amount.currency !== attempt.currency || compareMinor(n.amount.value, attempt.amount) !== 0) {
      return {
        ...ids,
        outcome: 'MISMATCH' as const,
        error: `amount ${n.amount.value} ${n.amount.currency} is not the payment's`,
      };
    }
    if (attempt.gateway_payment_id && attempt.gateway_payment_id !== n.gatewayPaymentId) {
      return {
        ...ids,
        outcome: 'MISMATCH' as const,
        error: 'paymentId is not the one Antom gave for this payment',
      };
    }
    // The lifecycle decides (payments/lifecycle.ts): a success is settled, kept as evidence while our
    // cancel is out, or checked against a reversal; never dropped (D11).
    const after = await this.#d.payments.notified(
      attempt.id,
      {
        type: 'notified',
        outcome: !n.final ? 'PENDING' : n.succeeded ? 'SUCCESS' : 'FAIL',
        resultCode: n.resultCode,
        gatewayPaymentId: n.gatewayPaymentId,
        paidAt: n.paidAt,
      },
      found,
    );
    const changed = after.status !== attempt.status || after.paid_at !== attempt.paid_at || !n.final;
    return { ...ids, outcome: changed ? ('APPLIED' as const) : ('DUPLICATE' as const) };
  }

  async #other(n: Extract<GatewayNotification, { type: 'other' }>): Promise<Handled> {
    const attempt = n.paymentRequestId ? await findPayment(this.#d.db, n.paymentRequestId) : undefined;
    const refund = n.refundRequestId ? await findRefund(this.#d.db, n.refundRequestId) : undefined;
    return {
      outcome: 'RECORDED',
      orderId: attempt?.order_id ?? refund?.order_id,
      paymentId: attempt?.id ?? refund?.payment_id,
      refundId: refund?.id,
    };
  }

  async #refund(n: Extract<GatewayNotification, { type: 'refund' }>) {
    const refund = await findRefund(this.#d.db, n.refundRequestId);
    if (!refund) return { outcome: 'UNKNOWN_REFUND' as const, error: `no refund ${n.refundRequestId}` };
    const ids = { orderId: refund.order_id, paymentId: refund.payment_id, refundId: refund.id };
    if (n.amount.currency !== refund.currency || compareMinor(n.amount.value, refund.amount) !== 0) {
      return {
        ...ids,
        outcome: 'MISMATCH' as const,
        error: `amount ${n.amount.value} ${n.amount.currency} is not the refund's`,
      };
    }
    const after = await this.#d.refunds.applyNotification(
      refund,
      n.succeeded,
      n.resultCode,
      n.gatewayRefundId,
    );
    return {
      ...ids,
      outcome: after.status === refund.status ? ('DUPLICATE' as const) : ('APPLIED' as const),
    };
  }

  async #keep(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
    fields: {
      verified: boolean;
      outcome: NotificationOutcome;
      error: string | null;
      orderId?: string | null;
      paymentId?: string | null;
      refundId?: string | null;
      notifyType?: string | null;
    },
  ): Promise<void> {
    this.#d.onOutcome?.(fields.outcome);
    const kept: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = headers[name];
      if (value !== undefined) kept[name] = String(Array.isArray(value) ? value[0] : value).slice(0, 2048);
    }
    await insertNotification(this.#d.db, {
      order_id: fields.orderId ?? null,
      payment_id: fields.paymentId ?? null,
      refund_id: fields.refundId ?? null,
      notify_type: fields.notifyType ?? null,
      headers: JSON.stringify(kept),
      // Kept as text; a NUL byte (only ever in garbage) cannot be stored by PostgreSQL, so it is
      // replaced, rather than turning a refused notification into a 500 (found by fuzzing, D6).
      body: rawBody.toString('utf8').slice(0, 65_536).replaceAll('\u0000', '\ufffd'),
      body_bytes: rawBody.length,
      body_sha256: createHash('sha256').update(rawBody).digest('hex'),
      verified: fields.verified ? 1 : 0,
      outcome: fields.outcome,
      error: fields.error,
      created_at: this.#d.clock.now(),
    });
  }

  /** A bounded record of a refused notification: headers, size, hash and the first bytes, not the body. */
  async #keepRefused(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
    outcome: NotificationOutcome,
    error: string,
  ): Promise<void> {
    const kept: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = headers[name];
      if (value !== undefined)
        kept[name] = String(Array.isArray(value) ? value[0] : value).slice(0, REFUSED_HEADER_CHARS);
    }
    await insertNotification(this.#d.db, {
      order_id: null,
      payment_id: null,
      refund_id: null,
      notify_type: null,
      headers: JSON.stringify(kept),
      body: rawBody.subarray(0, REFUSED_BODY_BYTES).toString('utf8').replaceAll('\u0000', '\ufffd'),
      body_bytes: rawBody.length,
      body_sha256: createHash('sha256').update(rawBody).digest('hex'),
      verified: 0,
      outcome,
      error: error.slice(0, 256),
      created_at: this.#d.clock.now(),
    });
  }
}
