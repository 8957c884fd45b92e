// The SQL of the overview (D16.5): small reads of orders, attempts and refunds within a window;
// sums are made by the service with BigInt (amounts are minor-unit strings, never floats).
import type { Reader } from '../db/repository.ts';
import type { OrderRow } from '../db/schema.ts';

export async function orderCounts(db: Reader, start: number, end: number) {
  const count = (q: ReturnType<typeof base>) =>
    q
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst()
      .then((r) => Number(r?.n ?? 0));
  const base = () => db.selectFrom('orders');
  const [placed, paid, expired, closed] = await Promise.all([
    count(base().where('created_at', '>=', start).where('created_at', '<', end)),
    count(base().where('paid_at', '>=', start).where('paid_at', '<', end)),
    count(base().where('status', '=', 'EXPIRED').where('final_at', '>=', start).where('final_at', '<', end)),
    count(base().where('status', '=', 'CLOSED').where('final_at', '>=', start).where('final_at', '<', end)),
  ]);
  return { placed, paid, expired, closed };
}

/** Attempts confirmed within the window: their method, order, and whether they pay the order. */
export function attemptsWithin(db: Reader, start: number, end: number) {
  return db
    .selectFrom('payments')
    .select(['order_id', 'method_type', 'kept'])
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .execute();
}

export function capturesWithin(db: Reader, start: number, end: number) {
  return db
    .selectFrom('payments')
    .select(['order_id', 'currency', 'amount'])
    .where('paid_at', '>=', start)
    .where('paid_at', '<', end)
    .execute();
}

/** Money that went back: succeeded refunds and cancels, and reversed captures (D11.2 REVERSED). */
export async function givenBackWithin(db: Reader, start: number, end: number) {
  const [refunds, reversed] = await Promise.all([
    db
      .selectFrom('refunds')
      .select(['order_id', 'currency', 'amount', 'method'])
      .where('status', '=', 'SUCCEEDED')
      .where('method', 'in', ['REFUND', 'CANCEL'])
      .where('final_at', '>=', start)
      .where('final_at', '<', end)
      .execute(),
    db
      .selectFrom('payments')
      .select(['order_id', 'currency', 'amount'])
      .where('status', '=', 'REVERSED')
      .where('reversed_at', '>=', start)
      .where('reversed_at', '<', end)
      .execute(),
  ]);
  return { refunds, reversed };
}

export function orderTimesWithin(db: Reader, start: number, end: number) {
  return db
    .selectFrom('orders')
    .select(['created_at', 'paid_at'])
    .where((eb) =>
      eb.or([
        eb.and([eb('created_at', '>=', start), eb('created_at', '<', end)]),
        eb.and([eb('paid_at', '>=', start), eb('paid_at', '<', end)]),
      ]),
    )
    .execute();
}

export async function needsAttentionCount(db: Reader): Promise<number> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('needs_attention', 'is not', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Orders by id, newest first. */
export function ordersByIds(db: Reader, ids: readonly string[], limit: number): Promise<OrderRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('orders')
    .selectAll()
    .where('id', 'in', ids.slice(0, 2_000))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function orderIdsWhere(
  db: Reader,
  figure: 'placed' | 'paid' | 'expired' | 'closed' | 'attention',
  start: number,
  end: number,
): Promise<string[]> {
  let q = db.selectFrom('orders').select('id');
  if (figure === 'placed') q = q.where('created_at', '>=', start).where('created_at', '<', end);
  if (figure === 'paid') q = q.where('paid_at', '>=', start).where('paid_at', '<', end);
  if (figure === 'expired' || figure === 'closed') {
    q = q
      .where('status', '=', figure === 'expired' ? 'EXPIRED' : 'CLOSED')
      .where('final_at', '>=', start)
      .where('final_at', '<', end);
  }
  if (figure === 'attention') q = q.where('needs_attention', 'is not', null);
  return (await q.orderBy('created_at', 'desc').limit(2_000).execute()).map((r) => r.id);
}
