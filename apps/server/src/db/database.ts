// The only file that knows SQLite from PostgreSQL (docs/style.md §3). Everything else uses the portable
// Kysely builder. SQLite runs in WAL mode through better-sqlite3 on one connection (Kysely serialises
// transactions on it); PostgreSQL uses a pool, and concurrency is held by compare-and-set updates and
// unique indexes that both dialects enforce.
import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SelectQueryBuilder } from 'kysely';
import pg from 'pg';
import type { DB } from './schema.ts';
import { MIGRATIONS, ORDER_CHANGES_CHANNEL, type MigrationTypes } from './migrations.ts';
import { preparingPool } from './prepared.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  dialect: DialectName;
  /** Runs pending migrations (idempotent; safe with several instances on PostgreSQL). */
  migrate(): Promise<string[]>;
  /** True when a trivial query answers (for /readyz). */
  ping(): Promise<boolean>;
  /**
   * Adds `FOR UPDATE SKIP LOCKED` on PostgreSQL, so instances claiming work each take different rows
   * instead of queueing on the same ones; SQLite has one writer and needs nothing.
   */
  skipLocked<Q extends SelectQueryBuilder<DB, keyof DB, object>>(query: Q): Q;
  /** Signals between instances sharing the database (PostgreSQL LISTEN/NOTIFY); null on SQLite. */
  signals: Signals | null;
  /**
   * True when one statement may write several tables (PostgreSQL's data-modifying WITH): a change and
   * its event then cost one round trip instead of a transaction's four or more (D17.3). On
   * SQLite, in-process, a transaction costs no round trips.
   */
  oneStatementWrites: boolean;
  destroy(): Promise<void>;
}

/** What instances on one PostgreSQL tell each other. */
export interface Signals {
  /**
   * Hears, over a connection of its own, of every order event another instance commits (announced by the
   * database's change trigger). Reconnects after a loss: `onLost` runs when changes may start being missed,
   * `onConnect` each time the listener is (re)established, so the caller can catch up.
   */
  listenOrderChanges(
    onOrderChanged: (orderId: string) => void,
    hooks: { onConnect: () => void; onLost: () => void },
  ): Listener;
}

export interface Listener {
  close(): Promise<void>;
}

// int8 (BIGINT) columns hold millisecond timestamps and counters, all far below 2^53: read them as numbers.
pg.types.setTypeParser(20, (value) => Number(value));

/** Opens `sqlite:<path>` (or `sqlite::memory:`) or `postgres://…`. Throws for any other scheme. */
export function openDatabase(url: string, options: { poolSize?: number } = {}): Database {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length));
  if (url.startsWith('postgres://') || url.startsWith('postgresql://'))
    return openPostgres(url, options.poolSize ?? 10);
  throw new Error(`DATABASE_URL must start with sqlite: or postgres:// (got ${url.split(':')[0]}:)`);
}

/**
 * Creates the database file readable by its owner only, and takes group and other access away from one
 * an earlier version left open (D10.7: it was 0644 and held the Merchant API key). SQLite
 * gives its -wal and -shm files the database file's permissions, so they follow.
 */
function keepPrivate(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if (statSync(path).mode & 0o077) chmodSync(path, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

function openSqlite(path: string): Database {
  const file = path === ':memory:' ? ':memory:' : resolve(path);
  if (file !== ':memory:') keepPrivate(file);
  const connection = new BetterSqlite3(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  // Kysely prepares every statement anew; the server runs the same few dozen shapes over and over, so
  // each prepared statement is kept and reused (a quarter of a status poll's CPU went to `prepare`).
  const statements = new Map<string, BetterSqlite3.Statement>();
  const cached = {
    close: () => connection.close(),
    prepare(text: string): BetterSqlite3.Statement {
      let statement = statements.get(text);
      if (!statement) {
        if (statements.size >= 1_000) statements.clear();
        statement = connection.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cached }) });
  return wrap(db, { autoIncrementPrimaryKey: 'integer primary key autoincrement', dialect: 'sqlite' }, null);
}

function openPostgres(url: string, poolSize: number): Database {
  // The pool's sessions carry this instance's name: the change trigger (migration 0002) puts it in each
  // announcement, so an instance can tell its own changes from the others'.
  const instance = `paydesk-${randomUUID().slice(0, 8)}`;
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: instance });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // Statements marked PREPARED run as named prepared statements (D17.13); every other one as before.
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  return wrap(
    db,
    { autoIncrementPrimaryKey: 'bigserial primary key', dialect: 'postgres' },
    postgresSignals(url, instance),
  );
}

function postgresSignals(url: string, instance: string): Signals {
  return {
    listenOrderChanges(onOrderChanged, { onConnect, onLost }) {
      let client: pg.Client | undefined;
      let closed = false;
      let retry: NodeJS.Timeout | undefined;
      const connect = async () => {
        if (closed) return;
        const next = new pg.Client({ connectionString: url, application_name: `${instance}-listen` });
        const lost = () => {
          if (client !== next) return;
          client = undefined;
          onLost();
          next.removeAllListeners('notification');
          void next.end().catch(() => {});
          if (!closed) retry = setTimeout(() => void connect(), 1_000);
        };
        next.on('error', lost);
        next.on('end', lost);
        next.on('notification', (message) => {
          if (message.channel !== ORDER_CHANGES_CHANNEL || !message.payload) return;
          const [from, orderId] = message.payload.split(' ');
          // This instance's own changes were published after their commit already.
          if (from !== instance && orderId) onOrderChanged(orderId);
        });
        client = next;
        try {
          await next.connect();
          await next.query(`LISTEN ${pg.escapeIdentifier(ORDER_CHANGES_CHANNEL)}`);
          if (closed) return void (await next.end().catch(() => {}));
          onConnect();
        } catch {
          lost();
        }
      };
      void connect();
      return {
        async close() {
          closed = true;
          clearTimeout(retry);
          const current = client;
          client = undefined;
          await current?.end().catch(() => {});
        },
      };
    },
  };
}

function wrap(db: Kysely<DB>, types: MigrationTypes, signals: Signals | null): Database {
  const { dialect } = types;
  return {
    db,
    dialect,
    signals,
    oneStatementWrites: dialect === 'postgres',
    skipLocked: (query) =>
      dialect === 'postgres' ? (query.forUpdate().skipLocked() as typeof query) : query,
    migrate: () => migrate(db, types),
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    destroy: () => db.destroy(),
  };
}

/** Numbered migrations shared by both dialects, each in its own transaction, recorded in `migrations`. */
async function migrate(db: Kysely<DB>, types: MigrationTypes): Promise<string[]> {
  const { dialect } = types;
  const anyDb = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  // `create table if not exists` is not safe against itself on PostgreSQL (two instances starting together
  // on an empty database collide on the catalog): it runs under the same advisory lock as the steps.
  await anyDb.transaction().execute(async (trx) => {
    if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(7411001)`.execute(trx);
    await sql`create table if not exists paydesk_migrations (name text primary key, applied_at bigint not null)`.execute(
      trx,
    );
  });
  const applied: string[] = [];
  for (const [name, up] of MIGRATIONS) {
    await anyDb.transaction().execute(async (trx) => {
      // On PostgreSQL, a transaction-scoped advisory lock keeps two starting instances from racing.
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(7411001)`.execute(trx);
      const done = await sql<{
        name: string;
      }>`select name from paydesk_migrations where name = ${name}`.execute(trx);
      if (done.rows.length > 0) return;
      await up(trx, types);
      await sql`insert into paydesk_migrations (name, applied_at) values (${name}, ${Date.now()})`.execute(
        trx,
      );
      applied.push(name);
    });
  }
  return applied;
}

/** True for a unique-constraint violation on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
