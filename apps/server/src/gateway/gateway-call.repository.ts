// The gateway_calls table: the append-only log of every Antom exchange (D4.16), written beside
// the call, never inside a transaction.
import type { Insertable, Selectable } from 'kysely';
import type { Reader } from '../db/repository.ts';
import type { DB } from '../db/schema.ts';

export type GatewayCallRow = Selectable<DB['gateway_calls']>;

export async function insertGatewayCall(db: Reader, row: Insertable<DB['gateway_calls']>): Promise<void> {
  await db.insertInto('gateway_calls').values(row).execute();
}

export function listGatewayCalls(db: Reader, orderId: string): Promise<GatewayCallRow[]> {
  return db.selectFrom('gateway_calls').selectAll().where('order_id', '=', orderId).orderBy('seq').execute();
}
