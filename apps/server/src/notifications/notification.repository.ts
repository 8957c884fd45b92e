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
