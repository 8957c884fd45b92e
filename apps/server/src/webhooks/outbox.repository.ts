// The outbox table: merchant webhook events, written in the transaction of the change they report and
// delivered afterwards (webhook.deliverer.ts claims them through sweeper/claim.repository.ts).
import type { Insertable, Updateable } from 'kysely';
import type { Reader } from '../db/repository.ts';
import type { DB } from '../db/schema.ts';

export async function insertOutboxEvent(db: Reader, row: Insertable<DB['outbox']>): Promise<void> {
  await db.insertInto('outbox').values(row).execute();
}

/** Records a delivery attempt's outcome on the event (its lease ends with it). */
export async function updateOutboxEvent(
  db: Reader,
  id: string,
  patch: Updateable<DB['outbox']>,
): Promise<void> {
  await db.updateTable('outbox').set(patch).where('id', '=', id).execute();
}
