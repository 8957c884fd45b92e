// Reads of orders, payments and refunds shared by the services. Writes of status go through payment.state.ts.
import type { Kysely } from 'kysely';
import type { DB, OrderRow, PaymentRow, RefundRow } from '../db/schema.ts';
import type { Tx } from '../db/transaction.ts';
import { LIVE_ATTEMPT_STATUSES } from '../domain/state-machine.ts';

export type Reader = Kysely<DB>;

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

export function findPayment(db: Reader, id: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findLivePayment(db: Reader, orderId: string): Promise<PaymentRow | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('status', 'in', LIVE_ATTEMPT_STATUSES)
    .executeTakeFirst();
}

export function listPayments(db: Reader, orderId: string): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function findRefund(db: Reader, id: string): Promise<RefundRow | undefined> {
  return db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listRefunds(db: Reader, orderId: string): Promise<RefundRow[]> {
  return db
    .selectFrom('refunds')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * The payment a buyer should see: the live attempt, else the one that ended last (so a duplicate paid
 * after the order was paid shows its refund notice), else none.
 */
export async function currentPayment(db: Reader, orderId: string): Promise<PaymentRow | undefined> {
  const live = await findLivePayment(db, orderId);
  if (live) return live;
  return db
    .selectFrom('payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy((eb) => eb.fn.coalesce('final_at', 'updated_at'), 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
