// The payments table (one row per payment attempt): reads, the insert, and the few writes that are not a
// status change. Status changes are compare-and-sets through payment.state.ts.
import { sql, type Insertable, type Kysely } from 'kysely';
import { typedParameter, type EventInStatement, type Reader } from '../db/repository.ts';
import { PAYMENT_COLUMN_LIST, PREPARED } from '../db/prepared.ts';
import type { AttemptStatus, DB, OrderStatus, PaymentRow } from '../db/schema.ts';
import { LIVE_ATTEMPT_STATUSES } from '../domain/state-machine.ts';

export function findPayment(db: Reader, id: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The order's one live attempt (a unique index allows at most one, S11). */
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

/**
 * The payments of these orders that may be notices (a capture a cancel reversed, or a captured payment
 * that does not pay its order): the order list's markers, in one query for a page of orders.
 */
export function listNoticePayments(db: Reader, orderIds: readonly string[]): Promise<PaymentRow[]> {
  if (orderIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('payments')
    .selectAll()
    .where('order_id', 'in', orderIds)
    .where((eb) =>
      eb.or([eb('status', '=', 'REVERSED'), eb.and([eb('status', '=', 'SUCCESS'), eb('kept', '=', 0)])]),
    )
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

/** Commits a new attempt; a second live attempt for the order fails on the unique index (S11). */
export function insertPayment(db: Reader, row: Insertable<DB['payments']>): Promise<PaymentRow> {
  return db.insertInto('payments').values(row).returningAll().executeTakeFirstOrThrow();
}

/**
 * PostgreSQL only (`oneStatementWrites`), confirm's look-lock-check-insert in one statement (D17
 * point 3): the order's live attempt if it has one and the order is still payable (S11: `created` false,
 * nothing written; D17.11: the caller's order may have been read long before); else takes the
 * order's row lock as lockOrder does, inserts the attempt only if the order is still OPEN and unexpired at
 * `now` (assertPayable's rule), and records its event. Undefined when there was no live attempt and the
 * order was not payable (the caller reads why). A live attempt inserted meanwhile by another confirm fails
 * this insert on the unique index, as insertPayment does.
 */
export async function insertAttemptIfPayable(
  db: Kysely<DB>,
  row: Insertable<DB['payments']>,
  event: EventInStatement & { data: string },
  now: number,
): Promise<{ payment: PaymentRow; created: boolean } | undefined> {
  const columns = Object.entries(row).filter(([, value]) => value !== undefined);
  // Prepared (D17.13): its columns by name, never `*`.
  const result = await sql<PaymentRow & { created: boolean }>`${PREPARED}
    with live as (
      select ${PAYMENT_COLUMN_LIST} from payments
      where order_id = ${row.order_id} and status in (${sql.join([...LIVE_ATTEMPT_STATUSES])})
        and exists (
          select 1 from orders where id = ${row.order_id} and status = 'OPEN' and expires_at > ${now}
        )
    ), locked as (
      update orders set updated_at = ${now}
      where id = ${row.order_id} and status = 'OPEN' and expires_at > ${now}
        and not exists (
          select 1 from payments
          where order_id = ${row.order_id} and status in (${sql.join([...LIVE_ATTEMPT_STATUSES])})
        )
      returning id
    ), attempt as (
      insert into payments (${sql.join(columns.map(([column]) => sql.id(column)))})
      select ${sql.join(columns.map(([column, value]) => typedParameter(column, value)))} from locked
      returning ${PAYMENT_COLUMN_LIST}
    ), event as (
      insert into order_events (id, order_id, type, data, created_at)
      select ${event.id}::text, attempt.order_id, ${event.type}::text, ${event.data}::text,
        ${event.createdAt}::bigint
      from attempt
    )
    select attempt.*, true as created from attempt
    union all
    select live.*, false as created from live`.execute(db);
  const found = result.rows[0];
  if (!found) return undefined;
  const { created, ...payment } = found;
  return { payment, created };
}

/**
 * Makes the order's other attempts in `statuses` due at `now` (the sweeper then looks at them at once).
 * Returns how many were touched.
 */
export async function makeOthersDue(
  db: Reader,
  orderId: string,
  exceptId: string,
  statuses: readonly AttemptStatus[],
  now: number,
): Promise<number> {
  const result = await db
    .updateTable('payments')
    .set({ next_check_at: now, version: sql<number>`version + 1` })
    .where('order_id', '=', orderId)
    .where('id', '!=', exceptId)
    .where('status', 'in', statuses)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Makes one attempt due at `now` if it is still in one of `statuses` (e.g. a PAYMENT_PENDING notice). */
export async function makeDue(
  db: Reader,
  id: string,
  statuses: readonly AttemptStatus[],
  now: number,
): Promise<void> {
  await db
    .updateTable('payments')
    .set({ next_check_at: now, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .where('status', 'in', statuses)
    .execute();
}

/** Attempts per state, for the metrics. */
export async function countPaymentsByState(db: Reader): Promise<{ status: string; n: number }[]> {
  const rows = await db
    .selectFrom('payments')
    .select(['status'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy('status')
    .execute();
  return rows.map((row) => ({ status: row.status, n: Number(row.n) }));
}

/** An attempt with its order's status, in one read: what the lifecycle decides on. */
export async function findPaymentAndOrderStatus(
  db: Reader,
  id: string,
): Promise<{ payment: PaymentRow; orderStatus: OrderStatus } | undefined> {
  const row = await db
    .selectFrom('payments')
    .innerJoin('orders', 'orders.id', 'payments.order_id')
    .selectAll('payments')
    .select('orders.status as order_status')
    .where('payments.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { order_status: orderStatus, ...payment } = row;
  return { payment, orderStatus };
}
