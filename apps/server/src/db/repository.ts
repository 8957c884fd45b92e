// What every repository shares: the reader type (the database or an open transaction) and the
// compare-and-sets that every status change is written with (docs/style.md §5): `UPDATE … WHERE id = ? AND
// status = ?` (an attempt's also `AND version = ?`, D17.8), returning the row as written, or undefined when
// someone else changed it first.
import { sql, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { AttemptStatus, DB, OrderStatus, RefundStatus } from './schema.ts';
import { PAYMENT_COLUMN_LIST, PREPARED } from './prepared.ts';

/** The database, or a transaction on it: every read works on both. */
export type Reader = Kysely<DB> | Transaction<DB>;

/**
 * Tables whose rows carry a `status` and are changed by compare-and-set on it. Attempts (`payments`) are
 * compared on their version too: compareAndSetAttempt.
 */
export type StatusTable = 'orders' | 'refunds';

interface StatusOf {
  orders: OrderStatus;
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

/** What a compare-and-set on an attempt expects: the row as its writer read it. */
export type AttemptAsRead = Pick<Selectable<DB['payments']>, 'id' | 'status' | 'version'>;

/**
 * Writes `patch` to the attempt only if it is still as `read` (its status and its version: any write
 * in between, a lease or a recorded stop included, bumps the version, D17.8), adding one to the version.
 * Returns the row as it now stands, or undefined when it changed meanwhile (read again, decide again).
 */
export function compareAndSetAttempt(
  db: Reader,
  read: AttemptAsRead,
  patch: Updateable<DB['payments']>,
): Promise<Selectable<DB['payments']> | undefined> {
  return db
    .updateTable('payments')
    .set({ ...patch, version: sql<number>`version + 1` })
    .where('id', '=', read.id)
    .where('status', '=', read.status)
    .where('version', '=', read.version)
    .returningAll()
    .executeTakeFirst();
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
 * PostgreSQL only (`oneStatementWrites`): compareAndSetAttempt and, if it won, the order event
 * `{ paymentId, from, to, reason }` (as payment.state.ts records it), in one statement and so one round
 * trip; the change trigger announces the event as usual. Returns the row as written, or undefined.
 */
export async function compareAndSetAttemptWithEvent(
  db: Kysely<DB>,
  read: AttemptAsRead,
  patch: Updateable<DB['payments']> & { status: AttemptStatus },
  event: EventInStatement,
): Promise<Selectable<DB['payments']> | undefined> {
  const assignments = sql.join(
    Object.entries(patch)
      .filter(([, value]) => value !== undefined)
      .map(([column, value]) => sql`${sql.id(column)} = ${typedParameter(column, value)}`),
  );
  const { id, status: expected, version } = read;
  // Prepared (D17.13): its columns by name, never `*`.
  const result = await sql<Selectable<DB['payments']>>`${PREPARED}
    with moved as (
      update payments set ${assignments}, version = version + 1
      where id = ${id} and status = ${expected} and version = ${version} returning ${PAYMENT_COLUMN_LIST}
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
