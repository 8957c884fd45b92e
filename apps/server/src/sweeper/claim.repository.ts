// Taking one due row of background work (an attempt to check, a refund to send, a webhook to deliver)
// with a lease, in one statement: `UPDATE … WHERE id = (SELECT … LIMIT 1 FOR UPDATE SKIP LOCKED)`. With
// several instances on one PostgreSQL each claim takes a row nobody else holds, without waiting on the
// others (D7.1); the lease keeps it from every other instance until it runs out, so a row is
// handled once per cycle, and a process killed mid-step gives its rows back when their leases end.
import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../db/database.ts';
import type { DB } from '../db/schema.ts';
import type { Clock } from '../domain/clock.ts';

/** The tables whose rows are claimed, by the column that says when a row is next due. */
const DUE_COLUMN = {
  payments: 'next_check_at',
  refunds: 'next_check_at',
  outbox: 'next_attempt_at',
} as const;
export type ClaimTable = keyof typeof DUE_COLUMN;

/** The columns every claimable table shares, under one name for the due time. */
interface ClaimRow {
  id: string;
  status: string;
  lease_until: number | null;
  due: number;
  /** Attempts only (D17.8). */
  version?: number;
}

/**
 * Leases the most overdue free row of `table` in one of `statuses` until `leaseUntil`, and returns it as
 * it now stands, or undefined when nothing is due. `now` decides both what is due and which leases have
 * run out.
 */
export async function claimNext<T extends ClaimTable>(
  database: Pick<Database, 'db' | 'skipLocked'>,
  table: T,
  statuses: readonly string[],
  now: number,
  leaseUntil: number,
): Promise<Selectable<DB[T]> | undefined> {
  // One table at a time under a common shape, its due column under the name `due`.
  const db = database.db as unknown as Kysely<Record<ClaimTable, ClaimRow>>;
  const due = DUE_COLUMN[table] as unknown as 'due';
  const next = db
    .selectFrom(table as ClaimTable)
    .select('id')
    .where('status', 'in', statuses)
    .where(due, '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy(due)
    .limit(1);
  const locked = database.skipLocked(next as unknown as SelectQueryBuilder<DB, keyof DB, object>);
  // An attempt's every write bumps its version (D17.8): a decision read before this lease then loses its
  // compare-and-set instead of overwriting the lease.
  const row = await db
    .updateTable(table as ClaimTable)
    .set(
      table === 'payments'
        ? { lease_until: leaseUntil, version: sql<number>`version + 1` }
        : { lease_until: leaseUntil },
    )
    .where('id', '=', locked as unknown as typeof next)
    .returningAll()
    .executeTakeFirst();
  return row as Selectable<DB[T]> | undefined;
}

export interface ClaimLoop<T extends ClaimTable> {
  database: Pick<Database, 'db' | 'skipLocked'>;
  table: T;
  statuses: readonly string[];
  /** What is due is decided when the loop starts; each lease lasts `leaseMs` from its own claim. */
  clock: Clock;
  leaseMs: number;
  /** Steps running at once. */
  lanes: number;
  /** Rows taken in all. */
  limit: number;
}

/**
 * Runs `step` for due rows, `lanes` at once and `limit` in all. Each lane claims its next row just
 * before running it, so the lease covers one step, never a queue of them. Returns how many ran.
 */
export async function eachClaimed<T extends ClaimTable>(
  loop: ClaimLoop<T>,
  step: (row: Selectable<DB[T]>) => Promise<void>,
): Promise<number> {
  const { database, table, statuses, clock, leaseMs } = loop;
  const now = clock.now();
  let taken = 0;
  let ran = 0;
  const lane = async () => {
    while (taken < loop.limit) {
      taken += 1;
      const row = await claimNext(database, table, statuses, now, clock.now() + leaseMs);
      if (!row) return;
      ran += 1;
      await step(row);
    }
  };
  await Promise.all(Array.from({ length: loop.lanes }, lane));
  return ran;
}
