// Every database test runs on every dialect (docs/style.md point 4): SQLite in a temporary folder,
// PostgreSQL as a fresh database on the server the vitest global setup started (or DATABASE_URL), named
// by PAYDESK_TEST_DATABASE_URL. A fresh database is a copy of one migrated once per run (D12.8,
// database-templates.ts) unless the test asks for an empty one: migrating each cost about 150 ms of
// PostgreSQL's CPU, and a run makes a few hundred.
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
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

/** The run's migrated templates (set by scripts/test-postgres.setup.ts; unset, every database is empty). */
export const TEMPLATE_ENV = {
  postgres: 'PAYDESK_TEST_DATABASE_TEMPLATE',
  sqlite: 'PAYDESK_TEST_SQLITE_TEMPLATE',
} as const;

/**
 * A fresh database of `dialect`: migrated to the latest schema (a copy of the run's template), or with
 * `empty: true` empty — the server migrates what is missing when it starts, either way.
 */
export async function createTestDatabase(
  dialect: Dialect,
  options: { empty?: boolean } = {},
): Promise<TestDatabase> {
  const template = options.empty ? undefined : process.env[TEMPLATE_ENV[dialect]];
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'paydesk-sqlite-'));
    if (template) {
      copyFileSync(template, join(dir, 'test.db'));
      chmodSync(join(dir, 'test.db'), 0o600);
    }
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
  await administer(base, `create database ${name}${template ? ` template ${template}` : ''}`);
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
