// A snapshot of the business state in the database (orders, attempts, refunds, history, webhooks), to
// show that a refused request changed nothing (D6.6 and D6.7). Scheduling columns (next check,
// lease, counters, updated_at) are left out: the sweeper moves them on its own.
import type { Kysely } from 'kysely';
import type { DB } from '@paydesk/server';

export interface BusinessSnapshot {
  orders: unknown[];
  payments: unknown[];
  refunds: unknown[];
  events: number;
  outbox: number;
}

export async function businessSnapshot(db: Kysely<DB>): Promise<BusinessSnapshot> {
  const [orders, payments, refunds, events, outbox] = await Promise.all([
    db
      .selectFrom('orders')
      .select([
        'id',
        'status',
        'amount',
        'currency',
        'paid_payment_id',
        'refunded',
        'refund_reserved',
        'needs_attention',
        'final_at',
        'expires_at',
      ])
      .orderBy('id')
      .execute(),
    db
      .selectFrom('payments')
      .select([
        'id',
        'order_id',
        'status',
        'reason',
        'kept',
        'gateway_payment_id',
        'paid_at',
        'final_at',
        'cancel_reason',
      ])
      .orderBy('id')
      .execute(),
    db
      .selectFrom('refunds')
      .select(['id', 'payment_id', 'kind', 'method', 'status', 'amount', 'failure_code', 'final_at'])
      .orderBy('id')
      .execute(),
    db
      .selectFrom('order_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { orders, payments, refunds, events: Number(events.n), outbox: Number(outbox.n) };
}
