// Orders for the Merchant API: create (S4), read with full history (D4.16), list with cursor
// pagination, and close (cancelling a live payment at Antom first).
import { amountProblems, currencyExponent } from '@paydesk/antom';
import type { CreateOrderBody, OrderEventView, OrderListQuery } from '@paydesk/api';
import type { Kysely } from 'kysely';
import type { DB, OrderRow } from '../db/schema.ts';
import type { Reader } from '../db/repository.ts';
import { inSnapshot, inTransaction } from '../db/transaction.ts';
import { iso, type Clock } from '../domain/clock.ts';
import { DomainError, type ErrorDetail } from '../domain/errors.ts';
import { hashToken, newCheckoutToken, newId } from '../domain/ids.ts';
import { recordEvent } from '../events/order-events.ts';
import type { PaymentService } from '../payments/payment.service.ts';
import type { StateStore } from '../payments/payment.state.ts';
import type { Outbox } from '../webhooks/outbox.ts';
import { listOrderEvents } from '../events/order-event.repository.ts';
import { listGatewayCalls } from '../gateway/gateway-call.repository.ts';
import { listNotifications } from '../notifications/notification.repository.ts';
import { findLivePayment, listNoticePayments, listPayments } from '../payments/payment.repository.ts';
import { listRefunds } from '../refunds/refund.repository.ts';
import { findOrder, insertOrder, listOrders } from './order.repository.ts';
import { LIVE_ATTEMPT_STATUSES } from '../domain/state-machine.ts';
import { orderSummary, orderView } from './order.views.ts';

export interface OrderServiceDeps {
  db: Kysely<DB>;
  clock: Clock;
  state: StateStore;
  payments: PaymentService;
  outbox: Outbox;
  publicUrl: string;
  defaultTtlSeconds: number;
}

interface Cursor {
  c: number;
  i: string;
}

export class OrderService {
  readonly #d: OrderServiceDeps;

  constructor(deps: OrderServiceDeps) {
    this.#d = deps;
  }

  async create(body: CreateOrderBody): Promise<OrderRow> {
    const problems: ErrorDetail[] = amountProblems(body.amount, 'amount').map((message) => ({
      field: 'amount',
      message,
    }));
    for (const [index, item] of (body.items ?? []).entries()) {
      if (item.unitAmount.currency !== body.amount.currency) {
        problems.push({
          field: `items[${index}].unitAmount.currency`,
          message: `must be ${body.amount.currency}`,
        });
      }
    }
    if (problems.length > 0) {
      const unsupported = currencyExponent(body.amount.currency) === undefined;
      throw new DomainError(
        unsupported ? 'CURRENCY_NOT_SUPPORTED' : 'AMOUNT_INVALID',
        problems.map((p) => p.message).join('; '),
        problems,
      );
    }
    const now = this.#d.clock.now();
    const token = newCheckoutToken();
    return inTransaction(this.#d.db, async (tx) => {
      const order = await insertOrder(tx.trx, {
        id: newId('ord', now),
        reference: body.reference,
        status: 'OPEN',
        currency: body.amount.currency,
        amount: body.amount.value,
        description: body.description,
        items: JSON.stringify(body.items ?? []),
        buyer: body.buyer ? JSON.stringify(body.buyer) : null,
        region: body.region ?? null,
        return_url: body.returnUrl ?? null,
        metadata: JSON.stringify(body.metadata ?? {}),
        checkout_token: token,
        checkout_token_hash: hashToken(token),
        expires_at: now + (body.expiresInSeconds ?? this.#d.defaultTtlSeconds) * 1000,
        created_at: now,
        updated_at: now,
        paid_at: null,
        final_at: null,
        paid_payment_id: null,
        needs_attention: null,
      });
      await recordEvent(
        tx,
        this.#d.state.bus,
        order.id,
        'order.created',
        { reference: order.reference, amount: body.amount },
        now,
      );
      return order;
    });
  }

  async get(id: string, options: { history: boolean }) {
    const { db, publicUrl } = this.#d;
    // One snapshot: the order's status and totals agree with the payments, refunds and history beside them
    // (read apart, an order could be OPEN beside a history that already ends at EXPIRED).
    const { order, payments, refunds, history } = await inSnapshot(db, async (trx) => {
      const order = await findOrder(trx, id);
      if (!order) throw new DomainError('ORDER_NOT_FOUND', `no order ${id}`);
      return {
        order,
        payments: await listPayments(trx, id),
        refunds: await listRefunds(trx, id),
        history: options.history ? await this.history(id, trx) : undefined,
      };
    });
    return orderView(order, payments, refunds, history, publicUrl);
  }

  /** Every state change, gateway call and raw notification of an order, oldest first. */
  async history(orderId: string, reader: Reader = this.#d.db): Promise<OrderEventView[]> {
    const events = await listOrderEvents(reader, orderId);
    const calls = await listGatewayCalls(reader, orderId);
    const notifications = await listNotifications(reader, orderId);
    const merged: (OrderEventView & { sort: number; rank: number })[] = [
      ...events.map((e) => ({
        id: e.id,
        type: e.type,
        at: iso(e.created_at),
        data: JSON.parse(e.data),
        sort: e.created_at,
        rank: e.seq,
      })),
      ...calls.map((c) => ({
        id: `call_${c.seq}`,
        type: 'gateway.call',
        at: iso(c.created_at),
        data: {
          api: c.api,
          paymentId: c.payment_id,
          refundId: c.refund_id,
          attempt: c.attempt,
          httpStatus: c.http_status,
          resultStatus: c.result_status,
          resultCode: c.result_code,
          error: c.error,
          durationMs: c.duration_ms,
          requestTime: c.request_time,
          request: c.request_body,
          response: c.response_body,
        },
        sort: c.created_at,
        rank: c.seq,
      })),
      ...notifications.map((n) => ({
        id: `ntf_${n.seq}`,
        type: 'notification.received',
        at: iso(n.created_at),
        data: {
          notifyType: n.notify_type,
          paymentId: n.payment_id,
          refundId: n.refund_id,
          verified: n.verified === 1,
          outcome: n.outcome,
          error: n.error,
          headers: JSON.parse(n.headers),
          body: n.body,
        },
        sort: n.created_at,
        rank: n.seq,
      })),
    ];
    merged.sort((a, b) => a.sort - b.sort || a.rank - b.rank);
    return merged.map(({ id, type, at, data }) => ({ id, type, at, data }));
  }

  async list(query: OrderListQuery) {
    const { db, publicUrl } = this.#d;
    const limit = query.limit ?? 20;
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const after = cursor ? { createdAt: cursor.c, id: cursor.i } : undefined;
    const rows = await listOrders(db, query, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const notices = await listNoticePayments(
      db,
      page.map((order) => order.id),
    );
    return {
      data: page.map((order) =>
        orderSummary(
          order,
          publicUrl,
          notices.filter((p) => p.order_id === order.id),
        ),
      ),
      nextCursor: rows.length > limit && last ? encodeCursor({ c: last.created_at, i: last.id }) : null,
    };
  }

  /**
   * Closes an unpaid order. A live payment is cancelled at Antom first; if the buyer paid it meanwhile the
   * order ends PAID and closing is refused. A payment that succeeds after the close is given back (S10).
   */
  async close(id: string): Promise<OrderRow> {
    const { db, clock, state, outbox, publicUrl } = this.#d;
    for (let round = 0; round < 5; round += 1) {
      const order = await findOrder(db, id);
      if (!order) throw new DomainError('ORDER_NOT_FOUND', `no order ${id}`);
      if (order.status === 'CLOSED') return order;
      if (order.status === 'PAID')
        throw new DomainError('ORDER_ALREADY_PAID', 'the order was paid; refund it instead');
      if (order.status === 'EXPIRED') throw new DomainError('ORDER_EXPIRED', 'the order has already expired');
      const live = await findLivePayment(db, id);
      if (live) {
        // Asks Antom first: a code the buyer has just paid ends on the paid path, and the close is refused.
        const after = await this.#d.payments.stop(live.id, 'ORDER_CLOSED');
        // No final answer yet (the cancel's, or the inquiry's): the buyer may have paid, so the order
        // cannot be called closed. The sweeper keeps asking; the merchant retries the close.
        if (LIVE_ATTEMPT_STATUSES.includes(after.status)) {
          throw new DomainError(
            'CONFLICT',
            'the live payment is being cancelled at Antom; close again in a few seconds',
          );
        }
        continue;
      }
      try {
        const closed = await inTransaction(db, async (tx) => {
          // The order row first (the CAS takes its lock), then the check: a confirm that got in first has
          // committed its payment by now; one that comes later finds the order CLOSED (S9).
          const moved = await state.moveOrder(tx, order, 'CLOSED');
          if (!moved) return undefined;
          if (await findLivePayment(tx.trx, id)) throw new PaymentWentLive();
          await outbox.enqueue(
            tx,
            'order.closed',
            moved.id,
            { order: orderSummary(moved, publicUrl) },
            clock.now(),
          );
          return moved;
        });
        if (closed) return closed;
      } catch (error) {
        if (!(error instanceof PaymentWentLive)) throw error;
      }
    }
    throw new DomainError('CONFLICT', 'the order kept changing; try again');
  }
}

/** Rolls a close back: a payment went live meanwhile, and is cancelled first on the next round. */
class PaymentWentLive extends Error {}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(value: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof parsed.c === 'number' && typeof parsed.i === 'string') return { c: parsed.c, i: parsed.i };
  } catch {
    // fall through
  }
  throw new DomainError('VALIDATION_FAILED', 'cursor is not one this API returned', [
    { field: 'cursor', message: 'invalid' },
  ]);
}
