// PostgreSQL only (`oneStatementWrites`): the settlement of a capture that pays its order, in one
// data-modifying statement inside the transaction that holds the order's row lock (D17.9). The same writes
// as the step-by-step path in settlement.ts — the attempt's compare-and-set and its event, the order PAID
// and its event, the order's other live codes made due, the `order.paid` webhook — in one round trip
// instead of six, so the order's lock is held for a fraction of the time.
import { sql, type Insertable, type Transaction } from 'kysely';
import { typedParameter, type AttemptAsRead, type EventInStatement } from '../db/repository.ts';
import { PAYMENT_COLUMN_LIST, PREPARED } from '../db/prepared.ts';
import type { AttemptStatus, DB, PaymentPatch, PaymentRow } from '../db/schema.ts';

export interface KeptSettlement {
  /** The attempt as read; written only if it is still so (status and version, D17.8). */
  attempt: AttemptAsRead & { order_id: string };
  /** The attempt's full patch (StateStore.attemptMove to SUCCESS). */
  patch: PaymentPatch & { status: AttemptStatus };
  paymentEvent: EventInStatement & { data: string };
  /** The order's patch to PAID (as StateStore.moveOrder writes it); applied only while it is OPEN. */
  order: { paid_at: number | null; paid_payment_id: string; updated_at: number; final_at: number };
  orderEvent: EventInStatement & { data: string };
  /** The order's other attempts in these statuses are made due at `now` (makeOthersDue). */
  othersDue: { statuses: readonly AttemptStatus[]; now: number };
  /** The `order.paid` webhook's outbox row, if webhooks are on. */
  webhook: Insertable<DB['outbox']> | undefined;
}

/**
 * Writes a kept settlement in one statement. Undefined when the attempt changed since it was read
 * (nothing written); else the attempt as written, whether the order moved to PAID (false only if it was
 * not OPEN: the caller holds its lock, so that is a bug), and how many other attempts were made due.
 */
export async function settleKeptAtOnce(
  trx: Transaction<DB>,
  s: KeptSettlement,
): Promise<{ paid: PaymentRow; orderPaid: boolean; othersDue: number } | undefined> {
  const assignments = sql.join(
    Object.entries(s.patch)
      .filter(([, value]) => value !== undefined)
      .map(([column, value]) => sql`${sql.id(column)} = ${typedParameter(column, value)}`),
  );
  const event = (e: EventInStatement & { data: string }, from: string) =>
    sql`select ${e.id}::text, ${s.attempt.order_id}::text, ${e.type}::text, ${e.data}::text,
      ${e.createdAt}::bigint from ${sql.table(from)}`;
  const webhook = s.webhook;
  const webhookColumns = webhook ? Object.entries(webhook).filter(([, value]) => value !== undefined) : [];
  // The events in one insert, the attempt's first: their sequence numbers keep the order they had.
  // Prepared (D17.13): its columns by name, never `*`.
  const result = await sql<PaymentRow & { order_paid: number; others_due: number }>`${PREPARED}
    with paid as (
      update payments set ${assignments}, version = version + 1
      where id = ${s.attempt.id} and status = ${s.attempt.status} and version = ${s.attempt.version}
      returning ${PAYMENT_COLUMN_LIST}
    ), paid_order as (
      update orders set status = 'PAID', paid_at = ${s.order.paid_at}::bigint,
        paid_payment_id = ${s.order.paid_payment_id}, updated_at = ${s.order.updated_at}::bigint,
        final_at = ${s.order.final_at}::bigint
      where id = ${s.attempt.order_id} and status = 'OPEN' and exists (select 1 from paid)
      returning id
    ), events as (
      insert into order_events (id, order_id, type, data, created_at)
      ${event(s.paymentEvent, 'paid')}
      union all
      ${event(s.orderEvent, 'paid_order')}
    ), others as (
      update payments set next_check_at = ${s.othersDue.now}::bigint, version = version + 1
      where order_id = ${s.attempt.order_id} and id <> ${s.attempt.id}
        and status in (${sql.join([...s.othersDue.statuses])}) and exists (select 1 from paid_order)
      returning id
    )${
      webhook
        ? sql`, webhook as (
      insert into outbox (${sql.join(webhookColumns.map(([column]) => sql.id(column)))})
      select ${sql.join(webhookColumns.map(([column, value]) => outboxParameter(column, value)))}
      from paid_order
    )`
        : sql``
    }
    select paid.*, (select count(*) from paid_order)::int as order_paid,
      (select count(*) from others)::int as others_due
    from paid`.execute(trx);
  const row = result.rows[0];
  if (!row) return undefined;
  const { order_paid: orderPaid, others_due: othersDue, ...paid } = row;
  return { paid, orderPaid: Number(orderPaid) > 0, othersDue: Number(othersDue) };
}

/** The outbox's integer columns (times), typed for PostgreSQL in a SELECT list; the rest are text. */
function outboxParameter(column: string, value: unknown) {
  return ['next_attempt_at', 'lease_until', 'created_at', 'delivered_at', 'attempts'].includes(column)
    ? sql`${value}::bigint`
    : sql`${value}::text`;
}
