// The payment lifecycle (S9–S11, S16–S20; issue 4 points 5–11). One service used by the buyer routes,
// the notification endpoint and the sweeper alike. Rules it keeps:
//  - the attempt and its paymentRequestId are committed before `pay` is sent (STYLE point 6);
//  - one live attempt per order, held by a unique index, so fifty parallel confirms make one code;
//  - an unknown answer leaves the attempt UNKNOWN, settled by inquiry, never "failed" by guesswork;
//  - no transaction is held open across a gateway call;
//  - a success on an order that is no longer open is given back exactly once (S10).
import type { Kysely } from 'kysely';
import type { DB, OrderRow, PaymentRow } from '../db/schema.ts';
import { isUniqueViolation } from '../db/database.ts';
import { inTransaction, type Tx } from '../db/transaction.ts';
import type { Clock } from '../domain/clock.ts';
import { DomainError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { ATTEMPT_TRANSITIONS, FINAL_ATTEMPT_STATUSES } from '../domain/state-machine.ts';
import type {
  CreatePaymentResult,
  GatewayPaymentStatus,
  InquiryResult,
  PaymentGateway,
} from '../gateway/payment-gateway.ts';
import type { CatalogMethod } from '../methods/catalog.ts';
import type { MethodService } from '../methods/method.service.ts';
import { recordEvent } from '../events/order-events.ts';
import { findOrder, flagOrder, lockOrder } from '../orders/order.repository.ts';
import { insertRefundOnce } from '../refunds/refund.repository.ts';
import { findLivePayment, findPayment, insertPayment, makeOthersDue } from './payment.repository.ts';
import { orderSummary, paymentView } from '../orders/order.views.ts';
import type { Outbox } from '../webhooks/outbox.ts';
import type { StateStore } from './payment.state.ts';

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
  /** Wakes the sweeper (e.g. a duplicate to give back). */
  wake: () => void;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

/** Inquiry back-off for a code being shown: soon after it appears, then less and less often (issue 4 point 8). */
export const INQUIRY_SCHEDULE_SECONDS = [3, 5, 10, 15, 30, 60, 120, 300] as const;

/** Antom's limit on a custom `paymentExpiryTime` for QR methods, with a margin for clock skew. */
const QR_EXPIRY_LIMIT_MS = 10 * 60_000 - 15_000;
/** …and under 48 hours for bank transfers. */
const BANK_TRANSFER_EXPIRY_LIMIT_MS = 48 * 3600_000 - 60_000;

export type CancelReason = 'BUYER_CANCELLED' | 'TIMEOUT' | 'ORDER_CLOSED' | 'ORDER_PAID' | 'GATEWAY_ERROR';

/** The status an order must have for a new payment (S9), as a domain error. */
export function assertPayable(order: OrderRow, now: number): void {
  if (order.status === 'PAID') throw new DomainError('ORDER_ALREADY_PAID', 'this order is already paid');
  if (order.status === 'CLOSED')
    throw new DomainError('ORDER_CLOSED', 'this order was closed by the merchant');
  if (order.status === 'EXPIRED' || now >= order.expires_at) {
    throw new DomainError('ORDER_EXPIRED', 'the time to pay this order is over');
  }
}

export class PaymentService {
  readonly #d: PaymentServiceDeps;

  constructor(deps: PaymentServiceDeps) {
    this.#d = deps;
  }

  // ---------------------------------------------------------------- confirm (S7, S9, S11)

  /**
   * Confirm payment: returns the live attempt if there is one for the same method (a double click or a
   * second tab), refuses another method while one is live, else commits a new attempt and calls `pay`.
   */
  async confirm(
    order: OrderRow,
    input: { paymentMethodType: string; terminalType: 'WEB' | 'WAP' | 'APP'; osType?: 'IOS' | 'ANDROID' },
  ): Promise<{ payment: PaymentRow; created: boolean; antomMs?: number }> {
    const { db, clock } = this.#d;
    assertPayable(order, clock.now());
    const available = await this.#d.methods.availableFor(
      { currency: order.currency, value: order.amount },
      order.region,
    );
    const method = available.find((m) => m.type === input.paymentMethodType);

    const existing = await findLivePayment(db, order.id);
    if (existing) return { payment: this.#sameOrRefuse(existing, input.paymentMethodType), created: false };
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
      attempt = await inTransaction(db, async (tx) => {
        // Taking the order row first serialises this insert with close, expiry and settlement, which
        // also start from the order row: an order that stopped being OPEN gets no new code.
        const fresh = await lockOrder(tx, order.id, clock.now());
        if (!fresh) throw new DomainError('CHECKOUT_NOT_FOUND', 'no such checkout');
        assertPayable(fresh, clock.now());
        return this.#insertAttempt(tx, fresh, method, input);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another confirm won the race for this order's one live attempt: answer with that one.
      const winner = await findLivePayment(db, order.id);
      if (!winner)
        throw new DomainError('CONFLICT', 'the payment changed while it was being created; try again');
      return { payment: this.#sameOrRefuse(winner, input.paymentMethodType), created: false };
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
    return { payment: await this.applyCreateResult(attempt.id, result, attempt), created: true, antomMs };
  }

  #sameOrRefuse(live: PaymentRow, methodType: string): PaymentRow {
    if (live.method_type !== methodType) {
      throw new DomainError(
        'PAYMENT_IN_PROGRESS',
        `a ${live.method_type} payment is in progress; cancel it before choosing another method`,
      );
    }
    return live;
  }

  async #insertAttempt(
    tx: Tx,
    order: OrderRow,
    method: CatalogMethod,
    input: { terminalType: string },
  ): Promise<PaymentRow> {
    const now = this.#d.clock.now();
    // Antom accepts a custom expiry under 10 minutes for QR and wallet methods (PROTOCOL §3): keep our
    // deadline plus the grace inside it.
    const limit =
      method.category === 'QR'
        ? QR_EXPIRY_LIMIT_MS
        : method.category === 'BANK_TRANSFER'
          ? BANK_TRANSFER_EXPIRY_LIMIT_MS
          : Infinity;
    const gatewayCap = now + limit - this.#d.gatewayExpiryGraceMs;
    const expiresAt = Math.min(now + method.timeoutSeconds * 1000, order.expires_at, gatewayCap);
    const row = await insertPayment(tx.trx, {
      id: newId('pay', now),
      order_id: order.id,
      status: 'PENDING',
      reason: null,
      method_type: method.type,
      terminal_type: input.terminalType,
      currency: order.currency,
      amount: order.amount,
      gateway_payment_id: null,
      code_kind: null,
      code_value: null,
      deep_link: null,
      wallet_url: null,
      expires_at: expiresAt,
      gateway_expires_at: expiresAt + this.#d.gatewayExpiryGraceMs,
      created_at: now,
      updated_at: now,
      paid_at: null,
      final_at: null,
      // If this process dies before `pay` answers, the sweeper takes over after the lease (issue 6 point 5).
      next_check_at: now + this.#d.payLeaseMs,
      lease_until: null,
      cancel_reason: null,
    });
    await recordEvent(
      tx,
      this.#d.state.bus,
      order.id,
      'payment.created',
      { paymentId: row.id, method: method.type, terminalType: input.terminalType, expiresAt },
      now,
    );
    return row;
  }

  /**
   * Applies `pay`'s answer to an attempt, whatever state others moved it to meanwhile. `inserted` is the
   * PENDING row confirm committed: every write from PENDING below is a compare-and-set on that status, so
   * it stands in for the first read; if the attempt moved meanwhile, the CAS loses and it is read afresh.
   */
  async applyCreateResult(
    attemptId: string,
    result: CreatePaymentResult,
    inserted?: PaymentRow,
  ): Promise<PaymentRow> {
    const { db, clock, state } = this.#d;
    for await (const attempt of this.#rounds(
      attemptId,
      inserted?.status === 'PENDING' ? inserted : undefined,
    )) {
      const now = clock.now();
      if (result.kind === 'succeeded')
        return this.settleSuccess(attemptId, { gatewayPaymentId: result.gatewayPaymentId, paidAt: now });
      const moved = await inTransaction(db, async (tx) => {
        if (result.kind === 'created') {
          const codeFields = {
            gateway_payment_id: result.gatewayPaymentId,
            code_kind: result.code?.kind ?? null,
            code_value: result.code?.value ?? null,
            deep_link: result.deepLink,
            wallet_url: result.walletUrl,
          };
          if (attempt.status === 'PENDING' || attempt.status === 'UNKNOWN') {
            const shown = await state.moveAttempt(tx, attempt, 'PROCESSING', {
              ...codeFields,
              reason: null,
              next_check_at: now + INQUIRY_SCHEDULE_SECONDS[0] * 1000,
              check_count: 0,
            });
            // The order was paid or closed while `pay` was out: this code must not be paid, close it.
            const order = shown ? await findOrder(tx.trx, shown.order_id) : undefined;
            if (shown && order && order.status !== 'OPEN') {
              return state.moveAttempt(tx, shown, 'CANCELLING', {
                cancel_reason: order.status === 'PAID' ? 'ORDER_PAID' : 'ORDER_CLOSED',
                next_check_at: now + 2_000,
              });
            }
            return shown;
          }
          // Cancelling or settled meanwhile: keep Antom's id for the record, show no code.
          return (
            (await state.patchAttempt(tx, attempt, { gateway_payment_id: result.gatewayPaymentId })) ??
            attempt
          );
        }
        if (attempt.status !== 'PENDING') return attempt;
        if (result.kind === 'failed') {
          return state.moveAttempt(tx, attempt, 'FAIL', { reason: result.code }, { message: result.message });
        }
        // Unknown: ask Antom soon; the buyer sees "still working" meanwhile (issue 4 point 7).
        return state.moveAttempt(
          tx,
          attempt,
          'UNKNOWN',
          { reason: 'GATEWAY_PENDING', next_check_at: now + 1_000, check_count: 0 },
          { code: result.code, message: result.message },
        );
      });
      if (moved?.status === 'CANCELLING') return this.runCancel(moved);
      if (moved && result.kind === 'created' && (moved.status === 'CANCELLED' || moved.status === 'FAIL')) {
        // `pay` landed after we had closed the attempt (a cancel that found nothing): close it at Antom too.
        await this.#d.gateway.cancelPayment(moved.id, { orderId: moved.order_id, paymentId: moved.id });
      }
      if (moved) return moved;
    }
    return this.#mustFindPayment(attemptId);
  }

  // ---------------------------------------------------------------- cancel (S19, S20)

  /** Buyer cancel (S20): cancels at Antom, then the buyer may choose again. Idempotent. */
  async cancelByBuyer(order: OrderRow, paymentId: string): Promise<PaymentRow> {
    const attempt = await findPayment(this.#d.db, paymentId);
    if (!attempt || attempt.order_id !== order.id) {
      throw new DomainError('PAYMENT_NOT_FOUND', 'no such payment for this checkout');
    }
    return this.requestCancel(attempt.id, 'BUYER_CANCELLED');
  }

  /**
   * Moves a live attempt to CANCELLING (recording why) and asks Antom to cancel it. Final and abandoned
   * attempts are returned as they are.
   */
  async requestCancel(attemptId: string, reason: CancelReason): Promise<PaymentRow> {
    for await (const attempt of this.#rounds(attemptId)) {
      if (attempt.status === 'CANCELLING') return this.runCancel(attempt);
      if (!['PENDING', 'UNKNOWN', 'PROCESSING'].includes(attempt.status)) return attempt;
      const moved = await inTransaction(this.#d.db, (tx) =>
        this.#d.state.moveAttempt(tx, attempt, 'CANCELLING', {
          cancel_reason: reason,
          next_check_at: this.#d.clock.now() + 2_000,
        }),
      );
      if (moved) return this.runCancel(moved);
    }
    return this.#mustFindPayment(attemptId);
  }

  /**
   * Sends `cancel` for a CANCELLING attempt and lets Antom's answer decide (PROTOCOL §5.2, §6.4):
   * cancelled → CANCELLED; rejected → ask what happened (a buyer who just paid ends on the paid path,
   * issue 4 point 10; a method that cannot be cancelled leaves it ABANDONED but watched); unknown → the
   * sweeper sends the same cancel again.
   */
  async runCancel(attempt: PaymentRow): Promise<PaymentRow> {
    const context = { orderId: attempt.order_id, paymentId: attempt.id };
    const result = await this.#d.gateway.cancelPayment(attempt.id, context);
    const { db, clock, state } = this.#d;
    if (result.kind === 'cancelled') {
      const moved = await inTransaction(db, (tx) =>
        state.moveAttempt(tx, attempt, 'CANCELLED', { reason: attempt.cancel_reason }),
      );
      return moved ?? this.#mustFindPayment(attempt.id);
    }
    if (result.kind === 'unknown') {
      await inTransaction(db, (tx) =>
        state.patchAttempt(tx, attempt, { next_check_at: clock.now() + 2_000, lease_until: null }),
      );
      return this.#mustFindPayment(attempt.id);
    }
    const inquiry = await this.#d.gateway.inquirePayment(attempt.id, context);
    return this.applyInquiry(attempt.id, inquiry, { cancelRejected: result.code });
  }

  // ---------------------------------------------------------------- inquiry and settlement

  /**
   * Applies an inquiry answer to an attempt. Used by the sweeper's schedule, the timeout check (S19)
   * and after a rejected cancel.
   */
  async applyInquiry(
    attemptId: string,
    inquiry: InquiryResult,
    context: { cancelRejected?: string } = {},
  ): Promise<PaymentRow> {
    const attempt = await this.#mustFindPayment(attemptId);
    const { clock } = this.#d;
    const now = clock.now();
    if (inquiry.kind === 'unknown') {
      // No answer at the deadline still ends in a cancel (PROTOCOL §5.1): Antom's answer to it decides.
      if (attempt.status === 'PROCESSING' && this.#timedOut(attempt, now))
        return this.requestCancel(attempt.id, 'TIMEOUT');
      return this.#reschedule(attempt, now + 5_000);
    }
    if (inquiry.kind === 'not_found') {
      // `pay` never landed at Antom. Before the lease ends it may still be on its way (a cancel sent now
      // would find nothing and the late `pay` would open a payment nobody watches); after, it is over.
      if (now < attempt.created_at + this.#d.payLeaseMs) {
        return this.#reschedule(attempt, attempt.created_at + this.#d.payLeaseMs);
      }
      return this.#finish(
        attempt,
        attempt.status === 'CANCELLING' ? 'CANCELLED' : 'FAIL',
        attempt.cancel_reason ?? 'GATEWAY_NOT_RECEIVED',
      );
    }
    const status: GatewayPaymentStatus = inquiry.status;
    if (inquiry.gatewayPaymentId && !attempt.gateway_payment_id) {
      await inTransaction(this.#d.db, (tx) =>
        this.#d.state.patchAttempt(tx, attempt, { gateway_payment_id: inquiry.gatewayPaymentId }),
      );
    }
    if (
      inquiry.amount &&
      (inquiry.amount.currency !== attempt.currency || inquiry.amount.value !== attempt.amount)
    ) {
      // A verified answer about another amount: never settle on it; an operator must look.
      await inTransaction(this.#d.db, (tx) =>
        this.flagOrder(
          tx,
          attempt.order_id,
          `Antom reports ${inquiry.amount?.value} ${inquiry.amount?.currency} for payment ${attempt.id}`,
        ),
      );
      return this.#reschedule(attempt, now + 60_000);
    }
    switch (status) {
      case 'SUCCESS':
        if (attempt.status === 'CANCELLING' && !context.cancelRejected) return this.#reschedule(attempt, now);
        return this.settleSuccess(
          attempt.id,
          { gatewayPaymentId: inquiry.gatewayPaymentId, paidAt: inquiry.paidAt ?? now },
          { cancelRejected: context.cancelRejected !== undefined },
        );
      case 'FAIL':
        return this.settleFailure(
          attempt.id,
          this.#timedOut(attempt, now) ? 'TIMEOUT' : (inquiry.resultCode ?? 'PAYMENT_FAILED'),
        );
      case 'CANCELLED':
        return this.#finish(attempt, 'CANCELLED', attempt.cancel_reason ?? inquiry.resultCode ?? 'CANCELLED');
      case 'PROCESSING':
      case 'PENDING':
        return this.#stillProcessing(attempt, now, context.cancelRejected, status === 'PENDING');
    }
  }

  async #stillProcessing(
    attempt: PaymentRow,
    now: number,
    cancelRejected: string | undefined,
    buyerCompleted: boolean,
  ): Promise<PaymentRow> {
    const { db, state } = this.#d;
    switch (attempt.status) {
      case 'CANCELLING': {
        if (!cancelRejected) return this.#reschedule(attempt, now + 2_000);
        // Refused while the buyer has completed (Antom PENDING), or by a method that can normally be
        // cancelled: the result is near, so keep the buyer waiting and ask again rather than letting
        // them pay a second code (PROTOCOL §5.1, §5.2).
        if (buyerCompleted || this.#d.methods.find(attempt.method_type)?.cancel !== 'never') {
          return this.#reschedule(
            attempt,
            now + Math.min(2_000 * 2 ** Math.min(attempt.check_count, 5), 60_000),
          );
        }
        // Antom will not cancel it (e.g. Indonesian methods): the buyer may move on, we keep watching.
        // The sweeper's lease is released here: the next look is due at Antom's expiry, not a lease later.
        const moved = await inTransaction(db, (tx) =>
          state.moveAttempt(
            tx,
            attempt,
            'ABANDONED',
            {
              reason: attempt.cancel_reason,
              next_check_at: abandonedCheckAt(attempt.gateway_expires_at, 0, now),
              check_count: 0,
              lease_until: null,
            },
            { cancelRejected },
          ),
        );
        return moved ?? this.#mustFindPayment(attempt.id);
      }
      case 'UNKNOWN':
      case 'PENDING': {
        // The payment exists but its code never reached us (lost reply): close it; the buyer starts again
        // with a new paymentRequestId rather than a second `pay` under this one (issue 6 point 5).
        if (attempt.status === 'PENDING' && now < attempt.created_at + this.#d.payLeaseMs) {
          return this.#reschedule(attempt, attempt.created_at + this.#d.payLeaseMs);
        }
        return this.requestCancel(attempt.id, 'GATEWAY_ERROR');
      }
      case 'PROCESSING':
        if (this.#timedOut(attempt, now)) return this.requestCancel(attempt.id, 'TIMEOUT');
        return this.#reschedule(attempt, Math.min(this.#nextInquiryAt(attempt, now), attempt.expires_at));
      case 'ABANDONED':
        return this.#reschedule(
          attempt,
          abandonedCheckAt(attempt.gateway_expires_at, attempt.check_count, now),
        );
      default:
        return attempt;
    }
  }

  #timedOut(attempt: PaymentRow, now: number): boolean {
    return now >= attempt.expires_at;
  }

  #nextInquiryAt(attempt: PaymentRow, now: number): number {
    const step =
      INQUIRY_SCHEDULE_SECONDS[Math.min(attempt.check_count + 1, INQUIRY_SCHEDULE_SECONDS.length - 1)];
    return now + (step ?? 300) * 1000;
  }

  async #reschedule(attempt: PaymentRow, at: number): Promise<PaymentRow> {
    const updated = await inTransaction(this.#d.db, (tx) =>
      this.#d.state.patchAttempt(tx, attempt, {
        next_check_at: at,
        check_count: attempt.check_count + 1,
        lease_until: null,
      }),
    );
    return updated ?? this.#mustFindPayment(attempt.id);
  }

  async #finish(attempt: PaymentRow, to: 'FAIL' | 'CANCELLED', reason: string): Promise<PaymentRow> {
    // A racing cancel, notification or sweeper step may have ended it already (issue #6 point 8): then
    // there is nothing left to do, rather than an illegal CANCELLED → CANCELLED move and a 500. A live
    // attempt that cannot take this move is asked about again later, never left without a schedule.
    if (!ATTEMPT_TRANSITIONS[attempt.status].includes(to)) {
      return FINAL_ATTEMPT_STATUSES.includes(attempt.status)
        ? attempt
        : this.#reschedule(attempt, this.#d.clock.now() + 5_000);
    }
    const moved = await inTransaction(this.#d.db, (tx) =>
      this.#d.state.moveAttempt(tx, attempt, to, { reason }),
    );
    return moved ?? this.#mustFindPayment(attempt.id);
  }

  /**
   * A final failure (notification F, inquiry FAIL). Final and cancelling-by-us attempts keep their state.
   * `justRead` is the attempt as the caller read it a moment ago, with nothing decided since.
   */
  async settleFailure(attemptId: string, code: string, justRead?: PaymentRow): Promise<PaymentRow> {
    for await (const attempt of this.#rounds(attemptId, justRead)) {
      if (!['PENDING', 'UNKNOWN', 'PROCESSING', 'CANCELLING', 'ABANDONED'].includes(attempt.status))
        return attempt;
      const reason =
        attempt.status === 'CANCELLING' || attempt.status === 'ABANDONED'
          ? (attempt.cancel_reason ?? code)
          : code;
      const moved = await inTransaction(this.#d.db, (tx) =>
        this.#d.state.moveAttempt(tx, attempt, 'FAIL', { reason }),
      );
      if (moved) return moved;
    }
    return this.#mustFindPayment(attemptId);
  }

  /**
   * A captured payment. If its order is open, it pays the order (S18). If the order is already paid, or
   * no longer open, the payment is surplus and is given back exactly once (S10): a DUPLICATE refund row
   * with a stable id is written in the same transaction, and the sweeper carries it out.
   * `options.justRead` is the attempt as the caller read it a moment ago, with nothing decided since.
   */
  async settleSuccess(
    attemptId: string,
    info: { gatewayPaymentId: string | null; paidAt: number },
    options: { cancelRejected?: boolean; justRead?: PaymentRow } = {},
  ): Promise<PaymentRow> {
    const { db, state, clock } = this.#d;
    for await (const attempt of this.#rounds(attemptId, options.justRead)) {
      if (attempt.status === 'SUCCESS') return attempt;
      // While our cancel is out, Antom's answer to it decides: a paid payment it cancels is refunded by
      // Antom, so only a refused cancel may end on the paid path (issue 4 point 10).
      if (attempt.status === 'CANCELLING' && !options.cancelRejected) return attempt;
      if (attempt.status === 'FAIL' || attempt.status === 'CANCELLED') {
        // Antom keeps a cancelled payment cancelled even if a success arrives later (PROTOCOL §5.2).
        this.#d.log.warn(
          { paymentId: attempt.id, status: attempt.status },
          'success reported for a closed attempt; ignored',
        );
        return attempt;
      }
      const done = await inTransaction(db, async (tx) => {
        const now = clock.now();
        // Order row first, as confirm and close do, so two payments settling together cannot deadlock.
        // The row it returns stays as it is until this transaction ends: nobody else can change it.
        const order = await lockOrder(tx, attempt.order_id, now);
        if (!order) throw new Error(`payment ${attempt.id} has no order`);
        // An open order (held by our lock) is paid by this payment, which it keeps.
        const keeps = order.status === 'OPEN';
        const paid = await state.moveAttempt(tx, attempt, 'SUCCESS', {
          paid_at: info.paidAt,
          reason: null,
          ...(keeps ? { kept: 1 } : {}),
          ...(info.gatewayPaymentId ? { gateway_payment_id: info.gatewayPaymentId } : {}),
        });
        if (!paid) return undefined;
        if (keeps) {
          const paidOrder = await state.moveOrder(tx, order, 'PAID', {
            paid_at: info.paidAt,
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
          await this.#d.outbox.enqueue(
            tx,
            'order.paid',
            order.id,
            { order: orderSummary(paidOrder, this.#d.publicUrl), payment: paymentView(paid) },
            now,
          );
          return paid;
        }
        return this.#giveBack(tx, order, paid, now);
      });
      if (done) return done;
    }
    return this.#mustFindPayment(attemptId);
  }

  /** Writes the duplicate refund for a surplus captured payment and flags the order when Antom allows neither. */
  async #giveBack(tx: Tx, order: OrderRow, payment: PaymentRow, now: number): Promise<PaymentRow> {
    const method = this.#d.methods.find(payment.method_type);
    // Cancel where Antom allows it after payment (Antom then refunds in full), a refund otherwise; where
    // neither is known to work, cancel is still tried once before an operator is asked (PROTOCOL §10.9).
    const how = method && method.cancel !== 'paid' && method.refund !== 'none' ? 'REFUND' : 'CANCEL';
    const surplus = order.status === 'PAID' ? 'DUPLICATE' : 'LATE_PAYMENT';
    const refundId = duplicateRefundId(payment.id);
    await insertRefundOnce(tx.trx, {
      id: refundId,
      order_id: order.id,
      payment_id: payment.id,
      kind: 'DUPLICATE',
      method: how,
      status: 'PENDING',
      currency: payment.currency,
      amount: payment.amount,
      reason: surplus,
      failure_code: null,
      gateway_refund_id: null,
      created_at: now,
      updated_at: now,
      final_at: null,
      next_check_at: now,
      lease_until: null,
    });
    // The buyer is told it is on its way back; the refund service says when it is back (or an operator's).
    const reason = `${surplus}_REFUND_PENDING`;
    const updated = (await this.#d.state.patchAttempt(tx, payment, { reason })) ?? payment;
    await recordEvent(
      tx,
      this.#d.state.bus,
      order.id,
      'payment.duplicate',
      { paymentId: payment.id, refundId, method: how, reason },
      now,
    );
    tx.afterCommit(this.#d.wake);
    return updated;
  }

  async #flag(tx: Tx, order: OrderRow, why: string, now: number): Promise<void> {
    const flagged = await flagOrder(tx.trx, order.id, why, now);
    await this.#d.outbox.enqueue(
      tx,
      'order.needs_attention',
      order.id,
      { order: orderSummary(flagged, this.#d.publicUrl) },
      now,
    );
  }

  /** Flags an order for an operator (used by the refund service when a give-back fails for good). */
  async flagOrder(tx: Tx, orderId: string, why: string): Promise<void> {
    const order = await findOrder(tx.trx, orderId);
    if (order) await this.#flag(tx, order, why, this.#d.clock.now());
  }

  // ---------------------------------------------------------------- sweeper entry

  /**
   * One step for an attempt whose `next_check_at` is due (called by the sweeper under a lease):
   * PENDING past its lease is treated as unknown; UNKNOWN, PROCESSING and ABANDONED are asked about;
   * CANCELLING sends its cancel again. PROCESSING past its time gets one last inquiry, then cancel (S19).
   */
  async check(attemptId: string): Promise<PaymentRow> {
    let attempt = await this.#mustFindPayment(attemptId);
    const now = this.#d.clock.now();
    if (attempt.status === 'PENDING') {
      if (now < attempt.created_at + this.#d.payLeaseMs)
        return this.#reschedule(attempt, attempt.created_at + this.#d.payLeaseMs);
      const moved = await inTransaction(this.#d.db, (tx) =>
        this.#d.state.moveAttempt(
          tx,
          attempt,
          'UNKNOWN',
          { reason: 'GATEWAY_PENDING' },
          { cause: 'pay lease expired' },
        ),
      );
      if (!moved) return this.#mustFindPayment(attemptId);
      attempt = moved;
    }
    if (attempt.status === 'CANCELLING') return this.runCancel(attempt);
    if (!['UNKNOWN', 'PROCESSING', 'ABANDONED'].includes(attempt.status)) return attempt;
    if (attempt.status !== 'ABANDONED') {
      const order = await findOrder(this.#d.db, attempt.order_id);
      if (order && order.status !== 'OPEN') {
        return this.requestCancel(attempt.id, order.status === 'PAID' ? 'ORDER_PAID' : 'ORDER_CLOSED');
      }
    }
    const inquiry = await this.#d.gateway.inquirePayment(attempt.id, {
      orderId: attempt.order_id,
      paymentId: attempt.id,
    });
    return this.applyInquiry(attempt.id, inquiry);
  }

  /**
   * The attempt for one more compare-and-set round, five times at most: read afresh each time, except
   * that a row the caller has just read (with nothing decided since) stands in for the first read.
   */
  async *#rounds(attemptId: string, justRead?: PaymentRow): AsyncGenerator<PaymentRow> {
    if (justRead) yield justRead;
    for (let round = 0; round < 5; round += 1) yield await this.#mustFindPayment(attemptId);
  }

  async #mustFindPayment(id: string): Promise<PaymentRow> {
    const payment = await findPayment(this.#d.db, id);
    if (!payment) throw new DomainError('PAYMENT_NOT_FOUND', `no payment ${id}`);
    return payment;
  }
}

/**
 * When to next ask Antom about an ABANDONED attempt (one Antom would not cancel). It can only end by being
 * paid or by Antom's own expiry, so it is asked at that expiry (issue #6 point 2: final within Antom's
 * expiry plus one sweep), then every 5 s for a minute in case Antom's clock lags ours, and on a growing
 * back-off (30 s … 30 min) between those moments and afterwards.
 */
export function abandonedCheckAt(gatewayExpiresAt: number, checkCount: number, now: number): number {
  const backoff = now + Math.min(30_000 * 2 ** Math.min(checkCount, 6), 30 * 60_000);
  if (now < gatewayExpiresAt) return Math.min(backoff, gatewayExpiresAt);
  if (now < gatewayExpiresAt + 60_000) return Math.min(backoff, now + 5_000);
  return backoff;
}

/** The stable refundRequestId used to give back a surplus payment (S10): one per payment, ever. */
export function duplicateRefundId(paymentId: string): string {
  return `ref_D${paymentId.slice('pay_'.length)}`;
}
