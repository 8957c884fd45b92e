// What every repository shares: the reader type (the database or an open transaction) and the one
// compare-and-set that every status change is written with (docs/style.md §5): `UPDATE … WHERE id = ? AND
// status = ?`, returning the row as written, or undefined when someone else changed it first.
import { sql, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
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

/** The columns of ours that hold integers (millisecond times, counters); every other one holds text. */
const BIGINT_COLUMNS = new Set([
  'expires_at',
  'gateway_expires_at',
  'created_at',
  'updated_at',
  'paid_at',
  'final_at',
  'next_check_at',
  'lease_until',
  'reversed_at',
  'check_count',
  'kept',
]);

/** `value` as a parameter of the column's type (PostgreSQL cannot tell a bare parameter's type in a SELECT list). */
export function typedParameter(column: string, value: unknown) {
  return BIGINT_COLUMNS.has(column) ? sql`${value}::bigint` : sql`${value}::text`;
}

/** An order event written in the same statement as the change it records. */
export interface EventInStatement {
  id: string;
  type: string;
  createdAt: number;
}

/**
 * PostgreSQL only (`oneStatementWrites`): compareAndSet on `payments` and, if it won, the order event
 * `{ paymentId, from, to, reason }` (as payment.state.ts records it), in one statement and so one round
 * trip; the change trigger announces the event as usual. Returns the row as written, or undefined.
 */
export async function compareAndSetAttemptWithEvent(
  db: Kysely<DB>,
  id: string,
  expected: AttemptStatus,
  patch: Updateable<DB['payments']> & { status: AttemptStatus },
  event: EventInStatement,
): Promise<Selectable<DB['payments']> | undefined> {
  const assignments = sql.join(
    Object.entries(patch)
      .filter(([, value]) => value !== undefined)
      .map(([column, value]) => sql`${sql.id(column)} = ${typedParameter(column, value)}`),
  );
  const result = await sql<Selectable<DB['payments']>>`
    with moved as (
      update payments set ${assignments} where id = ${id} and status = ${expected} returning *
    ), event as (
      insert into order_events (id, order_id, type, data, created_at)
      select ${event.id}::text, moved.order_id, ${event.type}::text,
        json_build_object('paymentId', moved.id, 'from', ${expected}::text, 'to', moved.status,
          'reason', coalesce(moved.reason, moved.cancel_reason))::text,
        ${event.createdAt}::bigint
      from moved
    )
    select * from moved`.execute(db);
  return result.rows[0];
}
