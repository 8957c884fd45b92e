// The notifications table: every notification Antom (or anyone) sent us, with how it was handled.
import type { Insertable, Selectable } from 'kysely';
import type { Reader } from '../db/repository.ts';
import type { DB } from '../db/schema.ts';

export type NotificationRow = Selectable<DB['notifications']>;

export async function insertNotification(db: Reader, row: Insertable<DB['notifications']>): Promise<void> {
  await db.insertInto('notifications').values(row).execute();
}

export function listNotifications(db: Reader, orderId: string): Promise<NotificationRow[]> {
  return db.selectFrom('notifications').selectAll().where('order_id', '=', orderId).orderBy('seq').execute();
}

/**
 * Deletes up to `limit` notifications that belong to no order (refused, or for a payment or refund we do
 * not know) received before `before` (epoch ms); returns how many. Those of an order stay with it.
 */
export async function deleteOrphanNotifications(db: Reader, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('notifications')
    .where(
      'seq',
      'in',
      db
        .selectFrom('notifications')
        .select('seq')
        .where('created_at', '<', before)
        .where('order_id', 'is', null)
        .orderBy('seq')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
