// What every repository shares: the reader type (the database or an open transaction) and the one
// compare-and-set that every status change is written with (STYLE point 5): `UPDATE … WHERE id = ? AND
// status = ?`, returning the row as written, or undefined when someone else changed it first.
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { AttemptStatus, DB, OrderStatus, RefundStatus } from './schema.ts';

/** The database, or a transaction on it: every read works on both. */
export type Reader = Kysely<DB> | Transaction<DB>;

/** Tables whose rows carry a `status` and are changed by compare-and-set. */
export type StatusTable = 'orders' | 'payments' | 'refunds';

interface StatusOf {
  orders: OrderStatus;
  payments: AttemptStatus;
  refunds: RefundStatus;
}

/**
 * Writes `patch` to row `id` of `table` only if its status is still `expected`. Returns the row as it now
 * stands, or undefined when the row moved meanwhile (the caller reads again and decides again).
 */
export function compareAndSet<T extends StatusTable>(
  db: Reader,
  table: T,
  id: string,
  expected: StatusOf[T],
  patch: Updateable<DB[T]>,
): Promise<Selectable<DB[T]> | undefined> {
  // One table at a time under the shape they share (id, status); Kysely cannot narrow a table union.
  const loose = db as unknown as Kysely<Record<StatusTable, { id: string; status: string }>>;
  return loose
    .updateTable(table as StatusTable)
    .set(patch as { status?: string })
    .where('id', '=', id)
    .where('status', '=', expected as string)
    .returningAll()
    .executeTakeFirst() as Promise<Selectable<DB[T]> | undefined>;
}
