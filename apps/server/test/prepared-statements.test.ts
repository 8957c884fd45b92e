// Named prepared statements on PostgreSQL (D17.13): a statement marked PREPARED is parsed once per
// connection and its plan kept; nothing else is named; a connection names at most
// MAX_NAMED_PER_CONNECTION; and a marked statement keeps working when a newer instance's migration adds a
// column mid-flight (its columns are named, never `*` — a `*` would fail, and then its connection is
// dropped so the next use prepares afresh). PAYMENT_COLUMNS is checked against the migrated table on both
// dialects.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '@paydesk/testkit';
import { openDatabase, type Database } from '../src/db/database.ts';
import {
  MAX_NAMED_PER_CONNECTION,
  PAYMENT_COLUMN_LIST,
  PREPARED,
  statementName,
} from '../src/db/prepared.ts';
import { PAYMENT_COLUMNS } from '../src/db/schema.ts';

describe('prepared statements on PostgreSQL', () => {
  let target: TestDatabase;
  let database: Database;
  /** An administrator's connection of its own: DDL, as a newer instance's migration would run it. */
  let admin: pg.Client;

  beforeAll(async () => {
    target = await createTestDatabase('postgres');
    // One connection: every statement below runs on the same session, whose prepared statements it lists.
    database = openDatabase(target.url, { poolSize: 1 });
    admin = new pg.Client({ connectionString: target.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await database?.destroy();
    await target?.drop();
  });

  const db = () => database.db;
  const preparedHere = async () =>
    (
      await sql<{
        name: string;
        statement: string;
      }>`select name, statement from pg_prepared_statements`.execute(db())
    ).rows;

  it('parses a marked statement once per connection under a name made from its text, and names nothing else', async () => {
    const marked = (n: number) => sql<{ n: number }>`${PREPARED}select ${n}::int as n`.execute(db());
    expect((await marked(1)).rows).toEqual([{ n: 1 }]);
    expect((await marked(2)).rows).toEqual([{ n: 2 }]);
    await sql`select ${3}::int as n`.execute(db());
    await db().selectFrom('orders').select('id').limit(1).execute();
    const listed = await preparedHere();
    expect(listed).toHaveLength(1);
    expect(listed[0]!.statement).toBe('/* prepared */ select $1::int as n');
    expect(listed[0]!.name).toBe(statementName('/* prepared */ select $1::int as n'));
  });

  it(`names at most ${MAX_NAMED_PER_CONNECTION} statements on a connection; the rest still run, unnamed`, async () => {
    const before = (await preparedHere()).length;
    for (let n = 0; n < MAX_NAMED_PER_CONNECTION + 5; n += 1) {
      const answer = await sql<{ n: number }>`${PREPARED}select ${n}::int + ${sql.lit(n)} as n`.execute(db());
      expect(answer.rows).toEqual([{ n: 2 * n }]);
    }
    expect(before).toBeLessThan(MAX_NAMED_PER_CONNECTION);
    expect(await preparedHere()).toHaveLength(MAX_NAMED_PER_CONNECTION);
  });

  it('keeps a marked statement working when a migration adds a column meanwhile; a `*` would fail once and be prepared afresh', async () => {
    // This connection is full (the test above): a fresh database handle for a fresh connection.
    const fresh = openDatabase(target.url, { poolSize: 1 });
    try {
      const named = () =>
        sql`${PREPARED}select ${PAYMENT_COLUMN_LIST} from payments where id = ${'none'}`.execute(fresh.db);
      const star = () => sql`${PREPARED}select * from payments where id = ${'none'}`.execute(fresh.db);
      await named();
      await star();
      await admin.query('alter table payments add column added_by_a_newer_instance text');
      // Columns by name: the plan is made again, its result unchanged.
      expect((await named()).rows).toEqual([]);
      // `*`: PostgreSQL refuses the cached plan (what PAYMENT_COLUMN_LIST avoids) …
      await expect(star()).rejects.toMatchObject({ code: '0A000' });
      // … and the connection it was prepared on is not pooled again: the next use prepares it afresh.
      expect((await star()).rows).toEqual([]);
      expect((await named()).rows).toEqual([]);
    } finally {
      await admin.query('alter table payments drop column if exists added_by_a_newer_instance');
      await fresh.destroy();
    }
  });
});

describe.each(DIALECTS)('PAYMENT_COLUMNS on %s', (dialect) => {
  let target: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    target = await createTestDatabase(dialect);
    database = openDatabase(target.url);
  });
  afterAll(async () => {
    await database?.destroy();
    await target?.drop();
  });

  it('names every column of the migrated payments table, and no other', async () => {
    const columns =
      dialect === 'postgres'
        ? await sql<{ name: string }>`select column_name as name from information_schema.columns
            where table_schema = current_schema() and table_name = 'payments'`.execute(database.db)
        : await sql<{ name: string }>`select name from pragma_table_info('payments')`.execute(database.db);
    expect(columns.rows.map((row) => row.name).sort()).toEqual([...PAYMENT_COLUMNS].sort());
  });
});
