// Named prepared statements on PostgreSQL, for the few statements on a buyer's path that are worth it
// (D17.13). Kysely sends every statement unnamed, so PostgreSQL parses and plans it on each call: for
// confirm's one-statement insert that was 0.7 ms of its 1.2 ms on the server, and for the status change
// after `pay` 0.4 of 0.6 ms (its log, `log_min_duration_statement=0`, p50). A statement whose text starts with
// PREPARED is sent under a name made from its text, so each pooled connection parses it once and reuses
// its plan. SQLite needs none of this: database.ts already keeps its prepared statements by text.
//
// Two things keep this safe:
// - Bounded: only marked statements are named (a few texts: their column lists vary with the patch), and
//   at most MAX_NAMED_PER_CONNECTION per connection; past that a marked statement runs unnamed.
// - A marked statement names its columns instead of `*` (PAYMENT_COLUMNS): PostgreSQL re-plans a prepared
//   statement after a migration, but refuses one whose result columns changed ("cached plan must not change
//   result type"), which `*` would after a newer instance's migration added a column during a rolling
//   deploy. Should a named statement still fail that way, its connection is closed rather than pooled
//   again, so the next use prepares it afresh.
import { createHash } from 'node:crypto';
import { sql, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { PAYMENT_COLUMNS } from './schema.ts';

const MARK = '/* prepared */ ';
/** The mark a statement's text starts with to be prepared: `sql\`${PREPARED}with … \``. */
export const PREPARED = sql.raw(MARK);
/** `payments`' columns by name, for a prepared statement's select list or `returning` (never `*`). */
export const PAYMENT_COLUMN_LIST = sql.join(PAYMENT_COLUMNS.map((column) => sql.id(column)));

export const MAX_NAMED_PER_CONNECTION = 64;

/** PostgreSQL's SQLSTATE for "cached plan must not change result type" (and other unsupported features). */
const PLAN_RESULT_CHANGED = '0A000';

/** The statement's name: the same text gets the same name on every connection and instance. */
export function statementName(text: string): string {
  return `paydesk_${createHash('sha1').update(text).digest('hex').slice(0, 32)}`;
}

/**
 * `pool` for Kysely's PostgresDialect: marked statements run as named prepared statements, every other one
 * exactly as before.
 */
export function preparingPool(pool: pg.Pool): PostgresPool {
  const named = new WeakMap<pg.PoolClient, Set<string>>();
  return {
    async connect() {
      const client = await pool.connect();
      // What this connection has prepared (pg keeps the statements themselves; this only counts them).
      const prepared = named.get(client) ?? new Set<string>();
      named.set(client, prepared);
      let broken = false;
      const query = async (text: string, values: unknown[]) => {
        if (!text.startsWith(MARK)) return client.query(text, values);
        const name = statementName(text);
        if (!prepared.has(name) && prepared.size >= MAX_NAMED_PER_CONNECTION)
          return client.query(text, values);
        prepared.add(name);
        try {
          return await client.query({ name, text, values });
        } catch (error) {
          if ((error as { code?: string }).code === PLAN_RESULT_CHANGED) broken = true;
          throw error;
        }
      };
      const wrapped = {
        // A cursor (Kysely's streaming, not configured here) would go to the client untouched.
        query: (text: unknown, values?: readonly unknown[]) =>
          typeof text === 'string' ? query(text, [...(values ?? [])]) : client.query(text as never),
        release(destroy?: boolean) {
          client.release(destroy || broken);
        },
      };
      return wrapped as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}
