// The refunds table: merchant refunds and the give-back of surplus payments (S10). Status changes are
// compare-and-sets through payments/payment.state.ts; the writes here keep a status as it is.
import type { Insertable } from 'kysely';
import type { Reader } from '../db/repository.ts';
import type { DB, RefundMethod, RefundRow } from '../db/schema.ts';

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

export function insertRefund(db: Reader, row: Insertable<DB['refunds']>): Promise<RefundRow> {
  return db.insertInto('refunds').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Inserts a refund unless one with its id exists (a give-back has one stable id per payment, S10). */
export async function insertRefundOnce(db: Reader, row: Insertable<DB['refunds']>): Promise<void> {
  await db
    .insertInto('refunds')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Switches a still-PENDING refund to another method (a cancel refused outside its window → a refund). */
export function switchRefundMethod(
  db: Reader,
  id: string,
  method: RefundMethod,
  now: number,
): Promise<RefundRow | undefined> {
  return db
    .updateTable('refunds')
    .set({ method, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'PENDING')
    .returningAll()
    .executeTakeFirst();
}

/** Sets when the refund is next looked at, if its status is still the one it was read with. */
export function rescheduleRefund(
  db: Reader,
  refund: RefundRow,
  nextCheckAt: number,
): Promise<RefundRow | undefined> {
  return db
    .updateTable('refunds')
    .set({ next_check_at: nextCheckAt, check_count: refund.check_count + 1, lease_until: null })
    .where('id', '=', refund.id)
    .where('status', '=', refund.status)
    .returningAll()
    .executeTakeFirst();
}
