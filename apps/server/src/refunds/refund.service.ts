// Refunds (D4.13) and the giving back of duplicate payments (S10). A merchant refund first
// reserves its amount on the order with a compare-and-set, so parallel refunds can never together exceed
// what was paid; then it calls Antom with a refundRequestId that never changes, so a resend after a
// timeout cannot refund twice. Asynchronous refunds settle through REFUND_RESULT or inquiryRefund.
import { createHash } from 'node:crypto';
import { addMinor, amountProblems, compareMinor, subtractMinor } from '@paydesk/antom';
import type { Money } from '@paydesk/api';
import type { Kysely } from 'kysely';
import type { DB, OrderRow, RefundRow } from '../db/schema.ts';
import { inTransaction, type Tx } from '../db/transaction.ts';
import type { Clock } from '../domain/clock.ts';
import { DomainError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import type { PaymentGateway } from '../gateway/payment-gateway.ts';
import type { MethodService } from '../methods/method.service.ts';
import { recordEvent } from '../events/order-events.ts';
import { findOrder, setRefundTotal } from '../orders/order.repository.ts';
import { findPayment } from '../payments/payment.repository.ts';
import { findRefund, insertRefund, rescheduleRefund, switchRefundMethod } from './refund.repository.ts';
import { orderSummary, paymentView, refundView } from '../orders/order.views.ts';
import type { PaymentService } from '../payments/payment.service.ts';
import type { StateStore } from '../payments/payment.state.ts';
import type { Outbox } from '../webhooks/outbox.ts';

export interface RefundServiceDeps {
  db: Kysely<DB>;
  clock: Clock;
  state: StateStore;
  gateway: PaymentGateway;
  methods: MethodService;
  outbox: Outbox;
  payments: PaymentService;
  publicUrl: string;
}

/** The refund id a merchant's Idempotency-Key stands for on an order: stable, at most 64 characters. */
export function keyedRefundId(orderId: string, key: string): string {
  return `ref_K${createHash('sha256').update(`${orderId}\n${key}`).digest('hex').slice(0, 32)}`;
}

const REFUND_RETRY_MS = [2_000, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000];

export class RefundService {
  readonly #d: RefundServiceDeps;

  constructor(deps: RefundServiceDeps) {
    this.#d = deps;
  }

  /** Refunds all that is left (default) or `amount` of an order's paid payment. */
  async refundOrder(
    orderId: string,
    input: { amount?: Money; reason?: string },
    options: { idempotencyKey?: string } = {},
  ): Promise<RefundRow> {
    const { db, clock } = this.#d;
    // With an Idempotency-Key the refund's id (its refundRequestId) comes from the key, so a retry after a
    // crash finds the refund the first request made instead of reserving the amount a second time.
    const keyedId = options.idempotencyKey ? keyedRefundId(orderId, options.idempotencyKey) : undefined;
    if (keyedId) {
      const existing = await findRefund(db, keyedId);
      if (existing) return this.execute(existing.id);
    }
    const order = await findOrder(db, orderId);
    if (!order) throw new DomainError('ORDER_NOT_FOUND', `no order ${orderId}`);
    if (order.status !== 'PAID' || !order.paid_payment_id) {
      throw new DomainError(
        'ORDER_NOT_PAID',
        `order ${orderId} is ${order.status}; only a paid order can be refunded`,
      );
    }
    const payment = await findPayment(db, order.paid_payment_id);
    if (!payment?.gateway_payment_id)
      throw new DomainError('CONFLICT', 'the paid payment has no Antom payment id yet');
    const method = this.#d.methods.find(payment.method_type);
    if (method?.refund === 'none') {
      throw new DomainError(
        'REFUND_NOT_SUPPORTED',
        `${payment.method_type} payments cannot be refunded through Antom`,
      );
    }
    if (input.amount) {
      if (input.amount.currency !== order.currency) {
        throw new DomainError('CURRENCY_MISMATCH', `the order is in ${order.currency}`, [
          { field: 'amount.currency', message: `must be ${order.currency}` },
        ]);
      }
      const problems = amountProblems(input.amount, 'amount');
      if (problems.length > 0) {
        throw new DomainError(
          'AMOUNT_INVALID',
          problems.join('; '),
          problems.map((message) => ({ field: 'amount', message })),
        );
      }
    }

    const refund = await inTransaction(db, async (tx) => {
      for (let round = 0; round < 20; round += 1) {
        const fresh = (await findOrder(tx.trx, orderId)) as OrderRow;
        const remaining = subtractMinor(fresh.amount, fresh.refund_reserved);
        const amount = input.amount?.value ?? remaining;
        if (compareMinor(remaining, '0') <= 0) {
          throw new DomainError('REFUND_AMOUNT_EXCEEDS_PAID', 'this order has already been refunded in full');
        }
        if (compareMinor(amount, remaining) > 0) {
          throw new DomainError(
            'REFUND_AMOUNT_EXCEEDS_PAID',
            `at most ${remaining} (minor units) is left to refund`,
            [{ field: 'amount.value', message: `must be at most ${remaining}` }],
          );
        }
        if (method?.refund === 'full' && (amount !== fresh.amount || fresh.refund_reserved !== '0')) {
          throw new DomainError('REFUND_NOT_SUPPORTED', `${payment.method_type} allows only one full refund`);
        }
        const reserved = await setRefundTotal(
          tx.trx,
          orderId,
          'refund_reserved',
          fresh.refund_reserved,
          addMinor(fresh.refund_reserved, amount),
          clock.now(),
        );
        if (!reserved) continue; // another refund reserved first: read again
        const now = clock.now();
        const row = await insertRefund(tx.trx, {
          id: keyedId ?? newId('ref', now),
          order_id: orderId,
          payment_id: payment.id,
          kind: 'MERCHANT',
          method: 'REFUND',
          status: 'PENDING',
          currency: order.currency,
          amount,
          reason: input.reason ?? null,
          failure_code: null,
          gateway_refund_id: null,
          created_at: now,
          updated_at: now,
          final_at: null,
          // A backstop: if this process dies before Antom answers, the sweeper resends the same refund.
          next_check_at: now + 30_000,
          lease_until: null,
        });
        await recordEvent(
          tx,
          this.#d.state.bus,
          orderId,
          'refund.requested',
          { refundId: row.id, amount, reason: row.reason },
          now,
        );
        return row;
      }
      throw new DomainError('CONFLICT', 'too many refunds at once on this order; try again');
    });
    return this.execute(refund.id);
  }

  /** Carries a PENDING refund to Antom, or asks about a PROCESSING one. Used by routes and the sweeper. */
  async execute(refundId: string): Promise<RefundRow> {
    const refund = await findRefund(this.#d.db, refundId);
    if (!refund) throw new DomainError('CONFLICT', `no refund ${refundId}`);
    if (refund.status === 'PENDING') return this.#send(refund);
    if (refund.status === 'PROCESSING') return this.#ask(refund);
    return refund;
  }

  async #send(refund: RefundRow): Promise<RefundRow> {
    const payment = await findPayment(this.#d.db, refund.payment_id);
    if (!payment) throw new Error(`refund ${refund.id} has no payment`);
    const context = { orderId: refund.order_id, paymentId: payment.id, refundId: refund.id };
    if (refund.method === 'CANCEL') {
      const result = await this.#d.gateway.cancelPayment(payment.id, context);
      if (result.kind === 'cancelled') return this.#succeed(refund, null);
      if (result.kind === 'unknown') return this.#reschedule(refund);
      // Outside the cancel window: fall back to a refund if the method has one, else an operator must act.
      const method = this.#d.methods.find(payment.method_type);
      if (method && method.refund !== 'none') {
        const switched = await switchRefundMethod(this.#d.db, refund.id, 'REFUND', this.#d.clock.now());
        return switched ? this.#send(switched) : this.#mustFind(refund.id);
      }
      return this.#fail(refund, result.code);
    }
    if (!payment.gateway_payment_id) return this.#reschedule(refund);
    const result = await this.#d.gateway.refund(
      {
        refundRequestId: refund.id,
        gatewayPaymentId: payment.gateway_payment_id,
        amount: { currency: refund.currency, value: refund.amount },
        reason: refund.reason,
      },
      context,
    );
    switch (result.kind) {
      case 'succeeded':
        return this.#succeed(refund, result.gatewayRefundId);
      case 'processing': {
        // The sweeper's lease (if it sent this) ends with this step: the inquiry is due in 5 s, not
        // once a 60 s lease runs out (a REFUND_RESULT that never comes must not delay it, D6).
        const moved = await inTransaction(this.#d.db, (tx) =>
          this.#d.state.moveRefund(tx, refund, 'PROCESSING', {
            gateway_refund_id: result.gatewayRefundId,
            next_check_at: this.#d.clock.now() + 5_000,
            check_count: 0,
            lease_until: null,
          }),
        );
        return moved ?? this.#mustFind(refund.id);
      }
      case 'rejected':
        return this.#fail(refund, result.code);
      case 'unknown':
        return this.#reschedule(refund);
    }
  }

  async #ask(refund: RefundRow): Promise<RefundRow> {
    const result = await this.#d.gateway.inquireRefund(refund.id, {
      orderId: refund.order_id,
      paymentId: refund.payment_id,
      refundId: refund.id,
    });
    if (result.kind === 'found' && result.status === 'SUCCESS')
      return this.#succeed(refund, result.gatewayRefundId);
    if (result.kind === 'found' && result.status === 'FAIL')
      return this.#fail(refund, result.resultCode ?? 'REFUND_FAILED');
    return this.#reschedule(refund);
  }

  /** A REFUND_RESULT notification, already verified. Idempotent: a final refund stays as it is. */
  async applyNotification(
    refund: RefundRow,
    succeeded: boolean,
    code: string,
    gatewayRefundId: string,
  ): Promise<RefundRow> {
    // The refund's own answer may move it (PENDING → PROCESSING) between our read and our compare-and-set:
    // then the result is applied to the row as it is now, never dropped (found by the CI campaign).
    let current = refund;
    for (let round = 0; round < 5; round += 1) {
      if (current.status !== 'PENDING' && current.status !== 'PROCESSING') return current;
      current = succeeded ? await this.#succeed(current, gatewayRefundId) : await this.#fail(current, code);
    }
    return current;
  }

  async #succeed(refund: RefundRow, gatewayRefundId: string | null): Promise<RefundRow> {
    const { db, clock, state, outbox, publicUrl } = this.#d;
    const row = await inTransaction(db, async (tx) => {
      const now = clock.now();
      const done = await state.moveRefund(
        tx,
        refund,
        'SUCCEEDED',
        gatewayRefundId ? { gateway_refund_id: gatewayRefundId } : {},
      );
      if (!done) return undefined;
      const order =
        refund.kind === 'MERCHANT'
          ? await this.#adjustOrder(tx, refund, 'refunded', +1)
          : await findOrder(tx.trx, refund.order_id);
      if (!order) throw new Error(`refund ${refund.id} has no order`);
      const payment =
        refund.kind === 'DUPLICATE'
          ? await this.#tellBuyer(tx, refund, 'REFUNDED', 'payment.duplicate_refunded')
          : await findPayment(tx.trx, refund.payment_id);
      const data = {
        order: orderSummary(order, publicUrl),
        refund: refundView(done),
        ...(payment ? { payment: paymentView(payment) } : {}),
      };
      await outbox.enqueue(
        tx,
        refund.kind === 'MERCHANT' ? 'refund.succeeded' : 'payment.duplicate_refunded',
        order.id,
        data,
        now,
      );
      return done;
    });
    return row ?? this.#mustFind(refund.id);
  }

  async #fail(refund: RefundRow, code: string): Promise<RefundRow> {
    const { db, clock, state, outbox, publicUrl } = this.#d;
    const row = await inTransaction(db, async (tx) => {
      const now = clock.now();
      if (refund.kind === 'DUPLICATE') {
        // Antom will not give it back: an operator must (never silently dropped, S10).
        const manual = await state.moveRefund(tx, refund, 'MANUAL', { failure_code: code });
        if (manual) {
          await this.#tellBuyer(tx, refund, 'REFUND_MANUAL', 'payment.duplicate_manual');
          await this.#d.payments.flagOrder(
            tx,
            refund.order_id,
            `${refund.reason === 'LATE_PAYMENT' ? 'a payment after the order closed' : 'a duplicate payment'} (${refund.payment_id}) could not be given back through Antom (${code}): refund the buyer by hand`,
          );
        }
        return manual;
      }
      const failed = await state.moveRefund(tx, refund, 'FAILED', { failure_code: code });
      if (!failed) return undefined;
      const order = await this.#adjustOrder(tx, refund, 'refund_reserved', -1);
      await outbox.enqueue(
        tx,
        'refund.failed',
        order.id,
        { order: orderSummary(order, publicUrl), refund: refundView(failed) },
        now,
      );
      return failed;
    });
    return row ?? this.#mustFind(refund.id);
  }

  /**
   * Tells the buyer (through the payment's reason and the live stream) where the give-back of a surplus
   * payment stands: `DUPLICATE_REFUNDED`, `LATE_PAYMENT_REFUND_MANUAL`, …
   */
  async #tellBuyer(tx: Tx, refund: RefundRow, outcome: 'REFUNDED' | 'REFUND_MANUAL', event: string) {
    let payment = await findPayment(tx.trx, refund.payment_id);
    if (!payment) return undefined;
    const reason = `${refund.reason === 'LATE_PAYMENT' ? 'LATE_PAYMENT' : 'DUPLICATE'}_${outcome}`;
    // The compare-and-set also loses to a write that left the status alone (a look's lease, D17.8): the
    // reason is then written on the row as it now stands.
    let updated = await this.#d.state.patchAttempt(tx, payment, { reason });
    for (let round = 0; !updated && round < 3; round += 1) {
      const again = await findPayment(tx.trx, refund.payment_id);
      if (!again || again.status !== payment.status) break;
      payment = again;
      updated = await this.#d.state.patchAttempt(tx, payment, { reason });
    }
    updated ??= payment;
    await recordEvent(
      tx,
      this.#d.state.bus,
      refund.order_id,
      event,
      { paymentId: payment.id, refundId: refund.id, reason },
      this.#d.clock.now(),
    );
    return updated;
  }

  /** Adds (+1) or releases (−1) a refund's amount on the order's running totals, by compare-and-set. */
  async #adjustOrder(
    tx: Tx,
    refund: RefundRow,
    column: 'refunded' | 'refund_reserved',
    sign: 1 | -1,
  ): Promise<OrderRow> {
    for (let round = 0; round < 20; round += 1) {
      const order = (await findOrder(tx.trx, refund.order_id)) as OrderRow;
      const next =
        sign > 0 ? addMinor(order[column], refund.amount) : subtractMinor(order[column], refund.amount);
      const updated = await setRefundTotal(
        tx.trx,
        order.id,
        column,
        order[column],
        next,
        this.#d.clock.now(),
      );
      if (updated) return updated;
    }
    throw new DomainError('CONFLICT', 'the order changed too often; the sweeper will retry');
  }

  async #reschedule(refund: RefundRow): Promise<RefundRow> {
    const delay = REFUND_RETRY_MS[Math.min(refund.check_count, REFUND_RETRY_MS.length - 1)] ?? 300_000;
    const updated = await rescheduleRefund(this.#d.db, refund, this.#d.clock.now() + delay);
    return updated ?? this.#mustFind(refund.id);
  }

  async #mustFind(id: string): Promise<RefundRow> {
    const refund = await findRefund(this.#d.db, id);
    if (!refund) throw new Error(`refund ${id} vanished`);
    return refund;
  }
}
