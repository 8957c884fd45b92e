// Taking one due row of background work (an attempt to check, a refund to send, a webhook to deliver)
// with a lease, in one statement: `UPDATE … WHERE id = (SELECT … LIMIT 1 FOR UPDATE SKIP LOCKED)`. With
// several instances on one PostgreSQL each claim takes a row nobody else holds, without waiting on the
// others (issue #7 point 1); the lease keeps it from every other instance until it runs out, so a row is
// handled once per cycle, and a process killed mid-step gives its rows back when their leases end.
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Database } from '../db/database.ts';
import type { DB } from '../db/schema.ts';

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
}

export interface Claim {
  id: string;
  status: string;
}

/**
 * Leases the most overdue free row of `table` in one of `statuses` until `leaseUntil`, or returns
 * undefined when nothing is due. `now` decides both what is due and which leases have run out.
 */
export async function claimNext(
  database: Pick<Database, 'db' | 'skipLocked'>,
  table: ClaimTable,
  statuses: readonly string[],
  now: number,
  leaseUntil: number,
): Promise<Claim | undefined> {
  // One table at a time under a common shape, its due column under the name `due`.
  const db = database.db as unknown as Kysely<Record<ClaimTable, ClaimRow>>;
  const due = DUE_COLUMN[table] as unknown as 'due';
  const next = db
    .selectFrom(table)
    .select('id')
    .where('status', 'in', statuses)
    .where(due, '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy(due)
    .limit(1);
  const locked = database.skipLocked(next as unknown as SelectQueryBuilder<DB, keyof DB, object>);
  const row = await db
    .updateTable(table)
    .set({ lease_until: leaseUntil })
    .where('id', '=', locked as unknown as typeof next)
    .returning(['id', 'status'])
    .executeTakeFirst();
  return row;
}

export interface ClaimLoop {
  database: Pick<Database, 'db' | 'skipLocked'>;
  table: ClaimTable;
  statuses: readonly string[];
  /** What is due, and which leases have run out, is decided at this time. */
  now: number;
  /** The clock for each lease, which lasts `leaseMs` from its claim. */
  clock: () => number;
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
export async function eachClaimed(loop: ClaimLoop, step: (claim: Claim) => Promise<void>): Promise<number> {
  let taken = 0;
  let ran = 0;
  const lane = async () => {
    while (taken < loop.limit) {
      taken += 1;
      const claim = await claimNext(
        loop.database,
        loop.table,
        loop.statuses,
        loop.now,
        loop.clock() + loop.leaseMs,
      );
      if (!claim) return;
      ran += 1;
      await step(claim);
    }
  };
  await Promise.all(Array.from({ length: loop.lanes }, lane));
  return ran;
}
