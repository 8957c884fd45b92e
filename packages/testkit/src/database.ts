// Every database test runs on every dialect (docs/style.md point 4): SQLite in a temporary folder,
// PostgreSQL as a fresh database on the server the vitest global setup started (or DATABASE_URL), named
// by PAYDESK_TEST_DATABASE_URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DIALECTS = ['sqlite', 'postgres'] as const;
export type Dialect = (typeof DIALECTS)[number];

export interface TestDatabase {
  dialect: Dialect;
  url: string;
  /** Deletes the database (the SQLite folder, or `drop database … with (force)`). */
  drop(): Promise<void>;
}

/** A fresh, empty database of `dialect`; the server migrates it when it starts. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'paydesk-sqlite-'));
    return {
      dialect,
      url: `sqlite:${join(dir, 'test.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const base = process.env.PAYDESK_TEST_DATABASE_URL;
  if (!base)
    throw new Error(
      'PAYDESK_TEST_DATABASE_URL is not set: the vitest global setup should have started PostgreSQL',
    );
  const name = `paydesk_${randomBytes(6).toString('hex')}`;
  await administer(base, `create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    dialect,
    url: url.toString(),
    drop: () => administer(base, `drop database if exists ${name} with (force)`),
  };
}

async function administer(base: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}
