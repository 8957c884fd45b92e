// The notifications table's retention (D10.1): a notification of one of our orders stays as
// long as the order (it is part of its history); one that belongs to no order — refused, or verified but
// for a payment or refund we do not know — is deleted NOTIFY_REJECTED_RETENTION_DAYS after it came. Run
// by a small worker; each tick deletes a bounded number of rows, by the injected clock.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Clock } from '../domain/clock.ts';
import { deleteOrphanNotifications } from './notification.repository.ts';

export interface NotificationRetentionDeps {
  db: Kysely<DB>;
  clock: Clock;
  /** How long a notification of no order is kept (ms). */
  keepMs: number;
  /** Rows deleted per statement, and statements per tick. */
  batchSize?: number;
  batchesPerTick?: number;
}

export class NotificationRetention {
  readonly #d: Required<NotificationRetentionDeps>;

  constructor(deps: NotificationRetentionDeps) {
    this.#d = { batchSize: 1_000, batchesPerTick: 20, ...deps };
  }

  /** Deletes expired notifications of no order (at most batchSize × batchesPerTick); returns how many. */
  async pruneOnce(): Promise<number> {
    const before = this.#d.clock.now() - this.#d.keepMs;
    let deleted = 0;
    for (let batch = 0; batch < this.#d.batchesPerTick; batch += 1) {
      const n = await deleteOrphanNotifications(this.#d.db, before, this.#d.batchSize);
      deleted += n;
      if (n < this.#d.batchSize) break;
    }
    return deleted;
  }
}
