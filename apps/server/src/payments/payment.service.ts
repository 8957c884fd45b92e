// The payment lifecycle's plumbing (S9–S11, S16–S20). Every event — `pay`'s answer, an inquiry, a cancel's
// answer, a notification, a buyer's or merchant's stop, the sweeper's due look — goes through one loop:
// load the attempt, decide (lifecycle.ts, pure), write the decision as one compare-and-set (a capture with
// its order's settlement, settlement.ts), then make the gateway call it asks for and feed the answer back.
// No transaction is held open across a gateway call (docs/style.md §5); the attempt and its paymentRequestId
// are committed before `pay` is sent (docs/style.md §6).
import type { Insertable, Kysely } from 'kysely';
import { isUniqueViolation } from '../db/database.ts';
import type { DB, OrderRow, PaymentRow } from '../db/schema.ts';
import { inTransaction, type Tx } from '../db/transaction.ts';
import type { Clock } from '../domain/clock.ts';
import { DomainError } from '../domain/errors.ts';
import { LIVE_ATTEMPT_STATUSES } from '../domain/state-machine.ts';
import { newId } from '../domain/ids.ts';
import { recordEvent } from '../events/order-events.ts';
import type { PaymentGateway } from '../gateway/payment-gateway.ts';
import type { CatalogMethod } from '../methods/catalog.ts';
import type { MethodService } from '../methods/method.service.ts';
import { findOrder, lockOrder } from '../orders/order.repository.ts';
import type { Outbox } from '../webhooks/outbox.ts';
import {
  decide,
  NOTHING,
  type Decision,
  type Effect,
  type LifecycleEvent,
  type StopReason,
} from './lifecycle.ts';
import { attemptDeadlines } from './lifecycle.schedule.ts';
import {
  findLivePayment,
  findPayment,
  findPaymentAndOrderStatus,
  insertAttemptIfPayable,
  insertPayment,
} from './payment.repository.ts';
import type { StateStore } from './payment.state.ts';
import { Settlement } from './settlement.ts';

export type { StopReason } from './lifecycle.ts';

export interface PaymentServiceDeps {
  db: Kysely<DB>;
  clock: Clock;
  state: StateStore;
  gateway: PaymentGateway;
  methods: MethodService;
  outbox: Outbox;
  publicUrl: string;
  gatewayExpiryGraceMs: number;
  /** How long a PENDING attempt may wait for `pay` before the sweeper treats the answer as lost (ms). */
  payLeaseMs: number;
  /** How long one gateway call may take (ms): an attempt whose call is out is claimed that long. */
  callLeaseMs: number;
  /** Wakes the sweeper (a give-back to send, another live code to stop). */
  wake: () => void;
  /**
   * The database writes a change and its event in one statement (PostgreSQL, db/database.ts): confirm's
   * lock-check-insert and a plain status change then cost one round trip each (D17.3).
   */
  oneStatementWrites?: boolean;
}

/** The status an order must have for a new payment (S9), as a domain error. */
export function assertPayable(order: OrderRow, now: number): void {
  if (order.status === 'PAID') throw new DomainError('ORDER_ALREADY_PAID', 'this order is already paid');
  if (order.status === 'CLOSED')
    throw new DomainError('ORDER_CLOSED', 'this order was closed by the merchant');
  if (order.status === 'EXPIRED' || now >= order.expires_at) {
    throw new DomainError('ORDER_EXPIRED', 'the time to pay this order is over');
  }
}

/** How long a stop waits for a look this process already has out (wall time, ms). */
const STOP_WAITS_FOR_LOOK_MS = 5_000;

/** How many times one event is decided again after losing a compare-and-set to a concurrent change. */
const ROUNDS = 6;

export class PaymentService {
  readonly #d: PaymentServiceDeps;
  readonly #settlement: Settlement;
  /** The looks (inquiries) this process has out, by attempt: a stop meanwhile waits for its answer. */
  readonly #looks = new Map<string, Promise<PaymentRow>>();

  constructor(deps: PaymentServiceDeps) {
    this.#d = deps;
    this.#settlement = new Settlement({
      db: deps.db,
      clock: deps.clock,
      state: deps.state,
      outbox: deps.outbox,
      publicUrl: deps.publicUrl,
      methodOf: (type) => deps.methods.find(type),
      wake: deps.wake,
      oneStatementWrites: deps.oneStatementWrites,
    });
  }

  // ---------------------------------------------------------------- the buyer and the merchant

  /**
   * Confirm payment (S7, S9, S11): returns the live attempt if there is one for the same method (a double
   * click or a second tab), refuses another method while one is live, else commits a new attempt and
   * calls `pay`. `antomMs` is how long `pay` took (for Server-Timing). `fresh` false: `order` was read
   * earlier and its status may be old (D17.11).
   */
  async confirm(
    known: OrderRow,
    input: { paymentMethodType: string; terminalType: 'WEB' | 'WAP' | 'APP'; osType?: 'IOS' | 'ANDROID' },
    fresh = true,
  ): Promise<{ payment: PaymentRow; created: boolean; antomMs?: number }> {
    const { db, clock } = this.#d;
    // An order read earlier is used as it is only where the one-statement insert checks its status
    // itself and answers a live attempt only for an order still payable (S9, S11); any other answer is
    // given from the order read again, so every refusal is the one a fresh read gives.
    let order = known;
    if (fresh) assertPayable(order, clock.now());
    else if (!this.#d.oneStatementWrites) order = await this.#payableOrder(known.id);
    const available = await this.#d.methods.availableFor(
      { currency: order.currency, value: order.amount },
      order.region,
    );
    const method = available.find((m) => m.type === input.paymentMethodType);
    // Where one statement may write several tables, it also finds a live attempt (S11); else it is
    // looked for first. A method no longer offered still gets its live attempt back.
    if (!method || !this.#d.oneStatementWrites) {
      if (order === known && !fresh) order = await this.#payableOrder(known.id);
      const existing = await findLivePayment(db, order.id);
      if (existing) return { payment: sameOrRefuse(existing, input.paymentMethodType), created: false };
    }
    if (!method) {
      throw new DomainError(
        'PAYMENT_METHOD_UNAVAILABLE',
        `${input.paymentMethodType} is not offered for this order`,
        [
          {
            field: 'paymentMethodType',
            message: `one of: ${available.map((m) => m.type).join(', ') || 'none'}`,
          },
        ],
      );
    }

    let attempt: PaymentRow;
    try {
      const committed = await this.#commitAttempt(order, method, input.terminalType);
      if (!committed.created)
        return { payment: sameOrRefuse(committed.payment, input.paymentMethodType), created: false };
      attempt = committed.payment;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another confirm won the race for this order's one live attempt: answer with that one.
      const winner = await findLivePayment(db, order.id);
      if (!winner)
        throw new DomainError('CONFLICT', 'the payment changed while it was being created; try again');
      return { payment: sameOrRefuse(winner, input.paymentMethodType), created: false };
    }

    const sent = performance.now();
    const result = await this.#d.gateway.createPayment(
      {
        paymentRequestId: attempt.id,
        orderReference: order.reference,
        orderDescription: order.description,
        amount: { currency: order.currency, value: order.amount },
        items: JSON.parse(order.items),
        buyer: order.buyer ? JSON.parse(order.buyer) : null,
        paymentMethodType: method.type,
        terminalType: input.terminalType,
        ...(input.osType ? { osType: input.osType } : {}),
        userRegion: order.region,
        expiresAt: attempt.gateway_expires_at,
        redirectUrl: `${this.#d.publicUrl}/checkout/${order.checkout_token}/result`,
      },
      { orderId: order.id, paymentId: attempt.id },
    );
    const antomMs = performance.now() - sent;
    // Decided on the attempt as inserted, its order OPEN (the insert required it), without reading again
    // (D17.8): whatever changed meanwhile wrote the attempt and bumped its version — a stop, a lease, or
    // an order paid by another code (settlement makes this one due) — so the compare-and-set loses and the
    // event is decided again on a fresh read. The order cannot close or expire while this code is live.
    const payment = await this.#handle(
      attempt.id,
      { type: 'pay_answered', result },
      { payment: attempt, orderStatus: 'OPEN' },
    );
    return { payment, created: true, antomMs };
  }

  /** Buyer cancel (S20): stops the code (asking Antom first), then the buyer may choose again. Idempotent. */
  async cancelByBuyer(order: OrderRow, paymentId: string): Promise<PaymentRow> {
    const attempt = await findPayment(this.#d.db, paymentId);
    if (!attempt || attempt.order_id !== order.id) {
      throw new DomainError('PAYMENT_NOT_FOUND', 'no such payment for this checkout');
    }
    return this.stop(attempt.id, 'BUYER_CANCELLED');
  }

  /**
   * Stops a live code (buyer, merchant close): asks Antom first, then cancels what is still unpaid. When a
   * look is already out, the stop is only recorded and that look's answer sends the cancel (D11.1); if the
   * look is this process's own, the stop waits for it, so the caller gets the outcome rather than "still
   * working" (a look out in another instance leaves the attempt live: close answers "try again").
   */
  async stop(attemptId: string, reason: StopReason): Promise<PaymentRow> {
    const after = await this.#handle(attemptId, { type: 'stop_requested', reason });
    const look = this.#looks.get(attemptId);
    if (!look || !LIVE_ATTEMPT_STATUSES.includes(after.status)) return after;
    // Bounded: a look that retries against a slow Antom must not hold the merchant's request open.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      look.catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAITS_FOR_LOOK_MS))),
    ]);
    clearTimeout(timer);
    // That look may have been decided on a read taken before the stop was written, and left the code open:
    // then the stop asks now itself (or, if a look is out again, stays recorded).
    const settled = await this.#mustFind(attemptId);
    return settled.status === 'PROCESSING'
      ? this.#handle(attemptId, { type: 'stop_requested', reason })
      : settled;
  }

  // ---------------------------------------------------------------- Antom and the clock

  /**
   * A verified payment notification (PAYMENT_RESULT, PAYMENT_PENDING). `justRead`: the attempt with its
   * order's status as the caller has just read them (findPaymentAndOrderStatus), to decide on without
   * reading again.
   */
  notified(
    attemptId: string,
    event: Extract<LifecycleEvent, { type: 'notified' }>,
    justRead?: { payment: PaymentRow; orderStatus: OrderRow['status'] },
  ): Promise<PaymentRow> {
    return this.#handle(attemptId, event, justRead);
  }

  /** One step for an attempt whose next look is due (the sweeper, under a lease). */
  check(attemptId: string): Promise<PaymentRow> {
    return this.#handle(attemptId, { type: 'due' });
  }

  /** Flags an order for an operator (used by the refund service when a give-back fails for good). */
  flagOrder(tx: Tx, orderId: string, why: string): Promise<void> {
    return this.#settlement.flag(tx, orderId, why);
  }

  // ---------------------------------------------------------------- the loop

  /**
   * Decides `event` for the attempt and writes the decision; a write that loses to a concurrent change is
   * decided again on the row as it now stands. Then runs the gateway call the decision asks for and
   * handles its answer the same way. Returns the attempt as it stands at the end.
   */
  async #handle(
    attemptId: string,
    event: LifecycleEvent,
    justRead?: { payment: PaymentRow; orderStatus: OrderRow['status'] },
  ): Promise<PaymentRow> {
    const { clock } = this.#d;
    let loaded = justRead;
    for (let round = 0; round < ROUNDS; round += 1) {
      loaded ??= await this.#load(attemptId);
      const { payment, orderStatus } = loaded;
      const method = this.#d.methods.find(payment.method_type);
      const decision = decide(payment, event, {
        now: clock.now(),
        orderStatus,
        cancelRule: method?.cancel,
        payLeaseMs: this.#d.payLeaseMs,
        callLeaseMs: this.#d.callLeaseMs,
      });
      if (decision === NOTHING) return payment;
      const written = await this.#write(payment, decision);
      if (!written) {
        loaded = undefined;
        continue;
      }
      if (!decision.effect) return written;
      return this.#run(written, decision.effect);
    }
    return this.#mustFind(attemptId);
  }

  /**
   * Commits a new attempt for `order` with its event, if the order is still payable (S9): the order row
   * first, which serialises this insert with close, expiry and settlement, which also start from it, so an
   * order that stopped being OPEN gets no new code. One statement where the database allows it, which
   * answers with the order's live attempt instead (`created` false) if it has one.
   */
  async #commitAttempt(
    order: OrderRow,
    method: CatalogMethod,
    terminalType: string,
  ): Promise<{ payment: PaymentRow; created: boolean }> {
    const { db, clock } = this.#d;
    if (!this.#d.oneStatementWrites) {
      const payment = await inTransaction(db, async (tx) => {
        const fresh = await lockOrder(tx, order.id, clock.now());
        if (!fresh) throw new DomainError('CHECKOUT_NOT_FOUND', 'no such checkout');
        assertPayable(fresh, clock.now());
        const { row, event } = this.#newAttempt(fresh, method, terminalType);
        const inserted = await insertPayment(tx.trx, row);
        await recordEvent(tx, this.#d.state.bus, order.id, event.type, event.data, event.createdAt);
        return inserted;
      });
      return { payment, created: true };
    }
    const now = clock.now();
    const { row, event } = this.#newAttempt(order, method, terminalType);
    const inserted = await insertAttemptIfPayable(
      db,
      row,
      { id: newId('evt', now), type: event.type, data: JSON.stringify(event.data), createdAt: now },
      now,
    );
    if (inserted) {
      if (inserted.created) this.#d.state.bus.publish(order.id);
      return inserted;
    }
    // Not payable any more: say why, as the locked read would have.
    await this.#payableOrder(order.id);
    throw new DomainError('CONFLICT', 'the order changed while the payment was being created; try again');
  }

  /** The order read now, if it is still payable (S9); else the domain error that says why. */
  async #payableOrder(orderId: string): Promise<OrderRow> {
    const order = await findOrder(this.#d.db, orderId);
    if (!order) throw new DomainError('CHECKOUT_NOT_FOUND', 'no such checkout');
    assertPayable(order, this.#d.clock.now());
    return order;
  }

  /** Writes a decision as one compare-and-set on the attempt's status; undefined when it lost. */
  #write(payment: PaymentRow, decision: Decision): Promise<PaymentRow | undefined> {
    const { db, state } = this.#d;
    if (decision.to === 'SUCCESS') return this.#settlement.settle(payment, decision.patch, decision.flag);
    if (decision.to === 'REVERSED') return this.#settlement.reverse(payment, decision.patch, decision.flag);
    // A single compare-and-set needs no transaction around it; with its event, one statement where the
    // database allows it (D17.3). A flag goes with its webhook, in a transaction.
    if (!decision.flag && !decision.to) return state.patchAttempt(db, payment, decision.patch);
    if (!decision.flag && decision.to && this.#d.oneStatementWrites)
      return state.moveAttemptAtOnce(db, payment, decision.to, decision.patch);
    return inTransaction(db, async (tx) => {
      const row = decision.to
        ? await state.moveAttempt(tx, payment, decision.to, decision.patch)
        : await state.patchAttempt(tx, payment, decision.patch);
      if (row && decision.flag) await this.#settlement.flag(tx, row.order_id, decision.flag);
      return row;
    });
  }

  /**
   * Makes the gateway call a written decision asks for, and handles its answer — decided on the attempt as
   * it stands when the answer arrives, not as it was sent: a stop recorded meanwhile is then acted on at
   * once (D11.1), and evidence of a capture that came in meanwhile is seen.
   */
  async #run(payment: PaymentRow, effect: Effect): Promise<PaymentRow> {
    const { gateway } = this.#d;
    const context = { orderId: payment.order_id, paymentId: payment.id };
    switch (effect.kind) {
      case 'inquire': {
        const askedAt = this.#d.clock.now();
        const look = gateway.inquirePayment(payment.id, context).then((result) =>
          this.#handle(payment.id, {
            type: 'inquiry_answered',
            result,
            cancelRefused: effect.cancelRefused,
            askedAt,
          }),
        );
        this.#looks.set(payment.id, look);
        try {
          return await look;
        } finally {
          if (this.#looks.get(payment.id) === look) this.#looks.delete(payment.id);
        }
      }
      case 'cancel': {
        const result = await gateway.cancelPayment(payment.id, context);
        return this.#handle(payment.id, { type: 'cancel_answered', result });
      }
      case 'cancel_late_code':
        // Nobody was shown this code; Antom's answer changes nothing for us.
        await gateway.cancelPayment(payment.id, context);
        return payment;
    }
  }

  async #load(attemptId: string): Promise<{ payment: PaymentRow; orderStatus: OrderRow['status'] }> {
    const found = await findPaymentAndOrderStatus(this.#d.db, attemptId);
    if (!found) throw new DomainError('PAYMENT_NOT_FOUND', `no payment ${attemptId}`);
    return found;
  }

  async #mustFind(id: string): Promise<PaymentRow> {
    const payment = await findPayment(this.#d.db, id);
    if (!payment) throw new DomainError('PAYMENT_NOT_FOUND', `no payment ${id}`);
    return payment;
  }

  /** A new PENDING attempt of `order` for `method`, and its `payment.created` event. */
  #newAttempt(
    order: OrderRow,
    method: CatalogMethod,
    terminalType: string,
  ): {
    row: Insertable<DB['payments']>;
    event: { type: string; data: Record<string, unknown>; createdAt: number };
  } {
    const now = this.#d.clock.now();
    const { expiresAt, gatewayExpiresAt } = attemptDeadlines({
      now,
      category: method.category,
      timeoutSeconds: method.timeoutSeconds,
      orderExpiresAt: order.expires_at,
      graceMs: this.#d.gatewayExpiryGraceMs,
    });
    const row = {
      id: newId('pay', now),
      order_id: order.id,
      status: 'PENDING' as const,
      reason: null,
      method_type: method.type,
      terminal_type: terminalType,
      currency: order.currency,
      amount: order.amount,
      gateway_payment_id: null,
      code_kind: null,
      code_value: null,
      deep_link: null,
      wallet_url: null,
      expires_at: expiresAt,
      gateway_expires_at: gatewayExpiresAt,
      created_at: now,
      updated_at: now,
      paid_at: null,
      final_at: null,
      // If this process dies before `pay` answers, the sweeper takes over after the lease (D6.5).
      next_check_at: now + this.#d.payLeaseMs,
      lease_until: null,
      cancel_reason: null,
    };
    return {
      row,
      event: {
        type: 'payment.created',
        data: { paymentId: row.id, method: method.type, terminalType, expiresAt },
        createdAt: now,
      },
    };
  }
}

function sameOrRefuse(live: PaymentRow, methodType: string): PaymentRow {
  if (live.method_type !== methodType) {
    throw new DomainError(
      'PAYMENT_IN_PROGRESS',
      `a ${live.method_type} payment is in progress; cancel it before choosing another method`,
    );
  }
  return live;
}
