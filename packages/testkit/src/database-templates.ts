// The run's migrated databases, made once by the vitest global setup (D12.8): `createTestDatabase` copies
// them (`create database … template`, a file copy for SQLite) instead of migrating each test's database.
// Made from the current migrations on every run, so a new migration is in every test's database at once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '@paydesk/server';
import { TEMPLATE_ENV } from './database.ts';

/** Migrates a template of each dialect and names them in the environment (inherited by the lanes). */
export async function prepareDatabaseTemplates(postgresUrl: string): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'paydesk-sqlite-template-')), 'template.db');
  await migrated(`sqlite:${file}`);
  process.env[TEMPLATE_ENV.sqlite] = file;

  const name = `paydesk_template_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  // Closed before any copy: PostgreSQL copies a template only while nobody is connected to it.
  await migrated(url.toString());
  process.env[TEMPLATE_ENV.postgres] = name;
}

async function migrated(url: string): Promise<void> {
  const database = openDatabase(url, { poolSize: 1 });
  try {
    await database.migrate();
  } finally {
    await database.destroy();
  }
}
