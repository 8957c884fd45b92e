// One unit of work: a database transaction plus the things to do only once it has committed (push to
// live listeners, wake a worker). Nothing slow, and never a gateway call, happens inside (docs/style.md §5).
import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

export interface Tx {
  trx: Transaction<DB>;
  /** Runs `fn` after the commit succeeds (not at all on rollback). */
  afterCommit(fn: () => void): void;
}

export async function inTransaction<T>(db: Kysely<DB>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const after: (() => void)[] = [];
  const result = await db.transaction().execute((trx) => fn({ trx, afterCommit: (cb) => after.push(cb) }));
  for (const cb of after) {
    try {
      cb();
    } catch {
      // after-commit work is best effort: live push and wake-ups have pollers behind them
    }
  }
  return result;
}

/**
 * Reads that must agree with each other (an order and its refunds, say) from one snapshot: separate
 * statements on a pool can each see a different commit, and a view built from them would show seven
 * refunds succeeded beside a refunded total of six. PostgreSQL: REPEATABLE READ; SQLite: one transaction.
 */
export function inSnapshot<T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').execute(fn);
}
