// Settling a captured payment (S10, S18): in one transaction that starts with the order's row lock, the
// attempt becomes SUCCESS and either pays the order (it is the one payment the order keeps) or, when the
// order is already paid or no longer open, is given back exactly once under a stable refund id. Also the
// announcements that go with a reversal, and the operator flag.
import type { OrderRow, PaymentPatch, PaymentRow } from '../db/schema.ts';
import { inTransaction, type Tx } from '../db/transaction.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Clock } from '../domain/clock.ts';
import { recordEvent } from '../events/order-events.ts';
import type { CatalogMethod } from '../methods/catalog.ts';
import { findOrder, flagOrder, lockOrder } from '../orders/order.repository.ts';
import { orderSummary, paymentView } from '../orders/order.views.ts';
import { insertRefundOnce } from '../refunds/refund.repository.ts';
import type { Outbox } from '../webhooks/outbox.ts';
import { newId } from '../domain/ids.ts';
import { makeOthersDue } from './payment.repository.ts';
import { settleKeptAtOnce } from './settlement.repository.ts';
import type { StateStore } from './payment.state.ts';

/** What a capture does to its order: pays it, or is surplus and given back (how, and why). */
export type SettlementPlan =
  { keeps: true } | { keeps: false; how: 'REFUND' | 'CANCEL'; surplus: 'DUPLICATE' | 'LATE_PAYMENT' };

/**
 * The pure rule: an open order is paid by the capture; otherwise it is surplus — a DUPLICATE when the
 * order is paid, a LATE_PAYMENT when it closed or expired — given back by cancel where Antom allows it
 * after payment (Antom then returns it in full), by refund otherwise; where neither is known to work,
 * cancel is still tried once before an operator is asked (docs/antom-notes.md §10.9).
 */
export function settlementPlan(
  order: Pick<OrderRow, 'status'>,
  method: Pick<CatalogMethod, 'cancel' | 'refund'> | undefined,
): SettlementPlan {
  if (order.status === 'OPEN') return { keeps: true };
  const how = method && method.cancel !== 'paid' && method.refund !== 'none' ? 'REFUND' : 'CANCEL';
  return { keeps: false, how, surplus: order.status === 'PAID' ? 'DUPLICATE' : 'LATE_PAYMENT' };
}

/** The stable refundRequestId used to give back a surplus payment (S10): one per payment, ever. */
export function duplicateRefundId(paymentId: string): string {
  return `ref_D${paymentId.slice('pay_'.length)}`;
}

export interface SettlementDeps {
  db: Kysely<DB>;
  clock: Clock;
  state: StateStore;
  outbox: Outbox;
  publicUrl: string;
  methodOf: (type: string) => CatalogMethod | undefined;
  /** Wakes the sweeper (a give-back to send, another live code to stop). */
  wake: () => void;
  /** PostgreSQL: a capture that pays its order is settled in one statement (D17.9). */
  oneStatementWrites?: boolean;
}

export class Settlement {
  readonly #d: SettlementDeps;

  constructor(deps: SettlementDeps) {
    this.#d = deps;
  }

  /**
   * Moves `attempt` to SUCCESS with `patch` and settles it against its order, in one transaction. Returns
   * the attempt as written, or undefined when it moved meanwhile (the caller reads again and decides).
   */
  async settle(attempt: PaymentRow, patch: PaymentPatch, flag?: string): Promise<PaymentRow | undefined> {
    const { db, clock, state, outbox, publicUrl } = this.#d;
    return inTransaction(db, async (tx) => {
      const now = clock.now();
      // Order row first, as confirm and close do, so two payments settling together cannot deadlock.
      // The row it returns stays as it is until this transaction ends: nobody else can change it.
      const order = await lockOrder(tx, attempt.order_id, now);
      if (!order) throw new Error(`payment ${attempt.id} has no order`);
      const plan = settlementPlan(order, this.#d.methodOf(attempt.method_type));
      if (plan.keeps && !flag && this.#d.oneStatementWrites)
        return this.#keepAtOnce(tx, attempt, order, patch);
      const paid = await state.moveAttempt(tx, attempt, 'SUCCESS', {
        ...patch,
        ...(plan.keeps ? { kept: 1 } : {}),
      });
      if (!paid) return undefined;
      if (flag) await this.flag(tx, order.id, flag);
      if (!plan.keeps) return this.#giveBack(tx, order, paid, plan, now);
      const paidOrder = await state.moveOrder(tx, order, 'PAID', {
        paid_at: paid.paid_at,
        paid_payment_id: paid.id,
      });
      // Under our lock nobody else can have moved the order; if it did, roll everything back.
      if (!paidOrder) throw new Error(`order ${order.id} changed under its lock`);
      // Another code may still be live (a buyer who left a non-cancellable one and then paid it):
      // close it now so it cannot be paid as well; the sweeper does it at once.
      const others = await makeOthersDue(
        tx.trx,
        order.id,
        paid.id,
        ['PENDING', 'UNKNOWN', 'PROCESSING'],
        now,
      );
      if (others > 0) tx.afterCommit(this.#d.wake);
      await outbox.enqueue(
        tx,
        'order.paid',
        order.id,
        { order: orderSummary(paidOrder, publicUrl), payment: paymentView(paid) },
        now,
      );
      return paid;
    });
  }

  /**
   * The kept path of `settle` in one statement under the order's lock (PostgreSQL, D17.9): the same
   * writes, events and webhook. The webhook's payload is built from the rows as they will be written: the
   * attempt's compare-and-set checks its version, so it writes over exactly the row read, and nobody else
   * can change the locked order.
   */
  async #keepAtOnce(
    tx: Tx,
    attempt: PaymentRow,
    order: OrderRow,
    patch: PaymentPatch,
  ): Promise<PaymentRow | undefined> {
    const { clock, state, outbox, publicUrl } = this.#d;
    const now = clock.now();
    const set = state.attemptMove(attempt, 'SUCCESS', { ...patch, kept: 1 }, now);
    const paid = { ...attempt, ...set, version: attempt.version + 1 } as PaymentRow;
    const paidOrder: OrderRow = {
      ...order,
      status: 'PAID',
      paid_at: paid.paid_at,
      paid_payment_id: paid.id,
      updated_at: now,
      final_at: now,
    };
    const written = await settleKeptAtOnce(tx.trx, {
      attempt,
      patch: set,
      paymentEvent: {
        id: newId('evt', now),
        type: 'payment.success',
        createdAt: now,
        data: JSON.stringify({
          paymentId: paid.id,
          from: attempt.status,
          to: 'SUCCESS',
          reason: paid.reason ?? paid.cancel_reason ?? null,
        }),
      },
      order: { paid_at: paid.paid_at, paid_payment_id: paid.id, updated_at: now, final_at: now },
      orderEvent: {
        id: newId('evt', now),
        type: 'order.paid',
        createdAt: now,
        data: JSON.stringify({ from: order.status, to: 'PAID' }),
      },
      othersDue: { statuses: ['PENDING', 'UNKNOWN', 'PROCESSING'], now },
      webhook: outbox.prepare(
        tx,
        'order.paid',
        order.id,
        { order: orderSummary(paidOrder, publicUrl), payment: paymentView(paid) },
        now,
      ),
    });
    if (!written) return undefined;
    // Under our lock nobody else can have moved the order; if it did, roll everything back.
    if (!written.orderPaid) throw new Error(`order ${order.id} changed under its lock`);
    if (written.othersDue > 0) tx.afterCommit(this.#d.wake);
    state.bus.changed(tx, order.id);
    return written.paid;
  }

  /** Moves `attempt` to REVERSED and announces it to the merchant (webhook) and the buyer (stream). */
  async reverse(attempt: PaymentRow, patch: PaymentPatch, flag?: string): Promise<PaymentRow | undefined> {
    const { db, clock, state, outbox, publicUrl } = this.#d;
    return inTransaction(db, async (tx) => {
      const row = await state.moveAttempt(tx, attempt, 'REVERSED', patch);
      if (!row) return undefined;
      if (flag) await this.flag(tx, row.order_id, flag);
      const order = await findOrder(tx.trx, row.order_id);
      if (order) {
        await outbox.enqueue(
          tx,
          'payment.reversed',
          order.id,
          { order: orderSummary(order, publicUrl), payment: paymentView(row) },
          clock.now(),
        );
      }
      return row;
    });
  }

  /** Flags an order for an operator with the reason, and tells the merchant (webhook). */
  async flag(tx: Tx, orderId: string, why: string): Promise<void> {
    const now = this.#d.clock.now();
    const flagged = await flagOrder(tx.trx, orderId, why, now);
    await this.#d.outbox.enqueue(
      tx,
      'order.needs_attention',
      orderId,
      { order: orderSummary(flagged, this.#d.publicUrl) },
      now,
    );
  }

  /** Writes the give-back of a surplus captured payment (the sweeper carries it out, refund.service.ts). */
  async #giveBack(
    tx: Tx,
    order: OrderRow,
    payment: PaymentRow,
    plan: Extract<SettlementPlan, { keeps: false }>,
    now: number,
  ): Promise<PaymentRow> {
    const refundId = duplicateRefundId(payment.id);
    await insertRefundOnce(tx.trx, {
      id: refundId,
      order_id: order.id,
      payment_id: payment.id,
      kind: 'DUPLICATE',
      method: plan.how,
      status: 'PENDING',
      currency: payment.currency,
      amount: payment.amount,
      reason: plan.surplus,
      failure_code: null,
      gateway_refund_id: null,
      created_at: now,
      updated_at: now,
      final_at: null,
      next_check_at: now,
      lease_until: null,
    });
    // The buyer is told it is on its way back; the refund service says when it is back (or an operator's).
    const reason = `${plan.surplus}_REFUND_PENDING`;
    const updated = (await this.#d.state.patchAttempt(tx, payment, { reason })) ?? payment;
    await recordEvent(
      tx,
      this.#d.state.bus,
      order.id,
      'payment.duplicate',
      { paymentId: payment.id, refundId, method: plan.how, reason },
      now,
    );
    tx.afterCommit(this.#d.wake);
    return updated;
  }
}
