// The orders table: reads, the insert, the row lock every order-changing transaction starts with, the
// refund running totals, and the operator flag. Status changes go through db/repository.ts's
// compare-and-set (payments/payment.state.ts).
import type { OrderListQuery } from '@paydesk/api';
import type { Insertable } from 'kysely';
import type { Reader } from '../db/repository.ts';
import type { DB, OrderRow, OrderStatus } from '../db/schema.ts';
import type { Tx } from '../db/transaction.ts';
import { LIVE_ATTEMPT_STATUSES } from '../domain/state-machine.ts';

/**
 * Takes the order's row lock for the rest of the transaction (PostgreSQL; SQLite runs one transaction at a
 * time anyway). Every transaction that changes an order and its payments starts here, so they queue on
 * the order in one order and cannot deadlock or interleave. Returns the row as it stands once locked
 * (no other transaction can change it until this one ends), or undefined when there is no such order.
 */
export function lockOrder(tx: Tx, orderId: string, now: number): Promise<OrderRow | undefined> {
  return tx.trx
    .updateTable('orders')
    .set({ updated_at: now })
    .where('id', '=', orderId)
    .returningAll()
    .executeTakeFirst();
}

export function findOrder(db: Reader, id: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findOrderByTokenHash(db: Reader, tokenHash: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('checkout_token_hash', '=', tokenHash).executeTakeFirst();
}

export function insertOrder(db: Reader, row: Insertable<DB['orders']>): Promise<OrderRow> {
  return db.insertInto('orders').values(row).returningAll().executeTakeFirstOrThrow();
}

/** A page of orders, newest first, after the cursor (created_at, id), filtered as the Merchant API asks. */
export function listOrders(
  db: Reader,
  query: Pick<OrderListQuery, 'status' | 'needsAttention' | 'q'>,
  after: { createdAt: number; id: string } | undefined,
  limit: number,
): Promise<OrderRow[]> {
  let q = db.selectFrom('orders').selectAll();
  if (query.status) q = q.where('status', '=', query.status as OrderStatus);
  if (query.needsAttention !== undefined) {
    q = query.needsAttention
      ? q.where('needs_attention', 'is not', null)
      : q.where('needs_attention', 'is', null);
  }
  if (query.q) {
    const term = query.q.trim();
    const byPayment = db
      .selectFrom('payments')
      .select('order_id')
      .where((eb) => eb.or([eb('id', '=', term), eb('gateway_payment_id', '=', term)]));
    q = q.where((eb) => eb.or([eb('id', '=', term), eb('reference', '=', term), eb('id', 'in', byPayment)]));
  }
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '<', after.createdAt),
        eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
      ]),
    );
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/**
 * Open orders past their time with no live attempt (D4.9): those wait for their attempt's own
 * timeout, and leaving them out keeps them from filling the batch and starving the others.
 */
export async function findExpiringOrderIds(db: Reader, now: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('orders')
    .select('id')
    .where('status', '=', 'OPEN')
    .where('expires_at', '<=', now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('payments')
            .select('payments.id')
            .whereRef('payments.order_id', '=', 'orders.id')
            .where('payments.status', 'in', LIVE_ATTEMPT_STATUSES),
        ),
      ),
    )
    .orderBy('expires_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** The refund running totals of an order, changed only if they still read `expected` (compare-and-set). */
export function setRefundTotal(
  db: Reader,
  orderId: string,
  column: 'refunded' | 'refund_reserved',
  expected: string,
  next: string,
  now: number,
): Promise<OrderRow | undefined> {
  return db
    .updateTable('orders')
    .set({ [column]: next, updated_at: now })
    .where('id', '=', orderId)
    .where(column, '=', expected)
    .returningAll()
    .executeTakeFirst();
}

/** Marks an order for an operator with the reason (kept until an operator looks). */
export function flagOrder(db: Reader, orderId: string, why: string, now: number): Promise<OrderRow> {
  return db
    .updateTable('orders')
    .set({ needs_attention: why, updated_at: now })
    .where('id', '=', orderId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Orders per status, for the metrics. */
export async function countOrdersByStatus(db: Reader): Promise<{ status: string; n: number }[]> {
  const rows = await db
    .selectFrom('orders')
    .select(['status'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy('status')
    .execute();
  return rows.map((row) => ({ status: row.status, n: Number(row.n) }));
}
