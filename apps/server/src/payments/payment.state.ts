// Every status change of an attempt, an order or a refund goes through here: checked against the
// transition table, then written as a compare-and-set (`… WHERE id = ? AND status = ?`). A caller whose
// CAS loses gets `undefined` and must re-read and decide again; nothing ever moves backwards.
import type {
  AttemptStatus,
  OrderRow,
  OrderStatus,
  PaymentPatch,
  PaymentRow,
  RefundRow,
  RefundStatus,
} from '../db/schema.ts';
import type { Kysely } from 'kysely';
import { compareAndSet, compareAndSetAttempt, compareAndSetAttemptWithEvent } from '../db/repository.ts';
import type { DB } from '../db/schema.ts';
import { newId } from '../domain/ids.ts';
import type { Tx } from '../db/transaction.ts';
import type { Clock } from '../domain/clock.ts';
import {
  ATTEMPT_TRANSITIONS,
  FINAL_ATTEMPT_STATUSES,
  ORDER_TRANSITIONS,
  REFUND_TRANSITIONS,
} from '../domain/state-machine.ts';
import type { EventBus } from '../events/event-bus.ts';
import { BUYER_EVENT_TYPES, recordEvent } from '../events/order-events.ts';
import type { OrderPatch, RefundPatch } from '../db/schema.ts';

export class IllegalTransitionError extends Error {}

export class StateStore {
  readonly #clock: Clock;
  readonly #bus: EventBus;

  constructor(deps: { clock: Clock; bus: EventBus }) {
    this.#clock = deps.clock;
    this.#bus = deps.bus;
  }

  get bus(): EventBus {
    return this.#bus;
  }

  /**
   * What moving `attempt` to `to` with `patch` writes at `now`, after checking the transition table: a
   * final state needs no more looks, unless the patch asks for one (a look after the end, D11).
   */
  attemptMove(
    attempt: PaymentRow,
    to: AttemptStatus,
    patch: PaymentPatch,
    now: number,
  ): PaymentPatch & { status: AttemptStatus } {
    if (!ATTEMPT_TRANSITIONS[attempt.status].includes(to)) {
      throw new IllegalTransitionError(`payment ${attempt.id}: ${attempt.status} → ${to} is not allowed`);
    }
    const final = FINAL_ATTEMPT_STATUSES.includes(to);
    return {
      ...(final ? { final_at: now, next_check_at: null, lease_until: null } : {}),
      ...patch,
      status: to,
      updated_at: now,
    };
  }

  async moveAttempt(
    tx: Tx,
    attempt: PaymentRow,
    to: AttemptStatus,
    patch: PaymentPatch = {},
    eventData: Record<string, unknown> = {},
  ): Promise<PaymentRow | undefined> {
    const now = this.#clock.now();
    const row = await compareAndSetAttempt(tx.trx, attempt, this.attemptMove(attempt, to, patch, now));
    if (!row) return undefined;
    await recordEvent(
      tx,
      this.#bus,
      row.order_id,
      `payment.${to.toLowerCase()}`,
      {
        paymentId: row.id,
        from: attempt.status,
        to,
        reason: row.reason ?? row.cancel_reason ?? null,
        ...eventData,
      },
      now,
    );
    return row;
  }

  /**
   * moveAttempt in one statement, outside any transaction (PostgreSQL, `oneStatementWrites`): the same
   * check, compare-and-set and event (`{ paymentId, from, to, reason }`), one round trip (D17).
   */
  async moveAttemptAtOnce(
    db: Kysely<DB>,
    attempt: PaymentRow,
    to: AttemptStatus,
    patch: PaymentPatch = {},
  ): Promise<PaymentRow | undefined> {
    const now = this.#clock.now();
    const row = await compareAndSetAttemptWithEvent(db, attempt, this.attemptMove(attempt, to, patch, now), {
      id: newId('evt', now),
      type: `payment.${to.toLowerCase()}`,
      createdAt: now,
    });
    // Committed with the statement: listeners hear of it now (recordEvent's after-commit, BUYER_EVENT_TYPES).
    if (row && BUYER_EVENT_TYPES.has(`payment.${to.toLowerCase()}`)) this.#bus.publish(row.order_id);
    return row;
  }

  /**
   * Updates fields of an attempt without changing its status, only if it is still as read (status and
   * version, D17.8). One statement: inside `tx`, or on its own (a database, not a transaction) when
   * nothing goes with it.
   */
  async patchAttempt(
    tx: Tx | Kysely<DB>,
    attempt: PaymentRow,
    patch: PaymentPatch,
  ): Promise<PaymentRow | undefined> {
    return compareAndSetAttempt('trx' in tx ? tx.trx : tx, attempt, {
      ...patch,
      updated_at: this.#clock.now(),
    });
  }

  async moveOrder(
    tx: Tx,
    order: OrderRow,
    to: OrderStatus,
    patch: OrderPatch = {},
    eventData: Record<string, unknown> = {},
  ): Promise<OrderRow | undefined> {
    if (!ORDER_TRANSITIONS[order.status].includes(to)) {
      throw new IllegalTransitionError(`order ${order.id}: ${order.status} → ${to} is not allowed`);
    }
    const now = this.#clock.now();
    const row = await compareAndSet(tx.trx, 'orders', order.id, order.status, {
      ...patch,
      status: to,
      updated_at: now,
      final_at: now,
    });
    if (!row) return undefined;
    await recordEvent(
      tx,
      this.#bus,
      row.id,
      `order.${to.toLowerCase()}`,
      { from: order.status, to, ...eventData },
      now,
    );
    return row;
  }

  async moveRefund(
    tx: Tx,
    refund: RefundRow,
    to: RefundStatus,
    patch: RefundPatch = {},
    eventData: Record<string, unknown> = {},
  ): Promise<RefundRow | undefined> {
    if (!REFUND_TRANSITIONS[refund.status].includes(to)) {
      throw new IllegalTransitionError(`refund ${refund.id}: ${refund.status} → ${to} is not allowed`);
    }
    const now = this.#clock.now();
    const final = to === 'SUCCEEDED' || to === 'FAILED';
    const row = await compareAndSet(tx.trx, 'refunds', refund.id, refund.status, {
      ...patch,
      status: to,
      updated_at: now,
      ...(final ? { final_at: now, next_check_at: null, lease_until: null } : {}),
    });
    if (!row) return undefined;
    await recordEvent(
      tx,
      this.#bus,
      row.order_id,
      `refund.${to.toLowerCase()}`,
      {
        refundId: row.id,
        paymentId: row.payment_id,
        kind: row.kind,
        method: row.method,
        amount: row.amount,
        from: refund.status,
        to,
        ...eventData,
      },
      now,
    );
    return row;
  }
}
