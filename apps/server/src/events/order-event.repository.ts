// The order_events table: the append-only history of every order (one row per state change), which is
// also what the live streams and the cross-instance change feed follow (by its `seq`).
import type { Reader } from '../db/repository.ts';

export interface OrderEventRow {
  seq: number;
  id: string;
  order_id: string;
  type: string;
  data: string;
  created_at: number;
}

export async function insertOrderEvent(
  db: Reader,
  row: { id: string; order_id: string; type: string; data: string; created_at: number },
): Promise<void> {
  await db.insertInto('order_events').values(row).execute();
}

export function listOrderEvents(db: Reader, orderId: string): Promise<OrderEventRow[]> {
  return db.selectFrom('order_events').selectAll().where('order_id', '=', orderId).orderBy('seq').execute();
}

/** The seq of the order's newest event among `types` (0 when none). */
export async function latestEventSeq(db: Reader, orderId: string, types: readonly string[]): Promise<number> {
  const row = await db
    .selectFrom('order_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('order_id', '=', orderId)
    .where('type', 'in', types)
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** The newest seq of all (0 when the table is empty). */
export async function topEventSeq(db: Reader): Promise<number> {
  const row = await db
    .selectFrom('order_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** Per order with events of `types` after `seq`: its newest such seq. */
export async function ordersChangedSince(
  db: Reader,
  seq: number,
  types: readonly string[],
): Promise<{ orderId: string; seq: number }[]> {
  const rows = await db
    .selectFrom('order_events')
    .select('order_id')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('seq', '>', seq)
    .where('type', 'in', types)
    .groupBy('order_id')
    .execute();
  return rows.map((row) => ({ orderId: row.order_id, seq: Number(row.seq) }));
}
