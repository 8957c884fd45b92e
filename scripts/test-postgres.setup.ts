// Vitest global setup: every database test runs on SQLite and on PostgreSQL (docs/style.md §4).
// PostgreSQL comes from DATABASE_URL when set, otherwise from a throwaway embedded server started here
// once per run and shared by the test files through PAYDESK_TEST_DATABASE_URL (each test makes its own DB).
// It also migrates the run's template databases once (D12.8), which every test's database is copied from.
import { prepareDatabaseTemplates } from '@paydesk/testkit';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

let stop: (() => Promise<void>) | undefined;

export async function setup(): Promise<void> {
  if (process.env.PAYDESK_TEST_DATABASE_URL) return;
  if (process.env.DATABASE_URL?.startsWith('postgres')) {
    process.env.PAYDESK_TEST_DATABASE_URL = process.env.DATABASE_URL;
    await prepareDatabaseTemplates(process.env.DATABASE_URL);
    return;
  }
  // Tests never need durability (fsync off), nor background upkeep of databases that live a few seconds
  // (no autovacuum, whose workers visit each of a run's hundreds of databases), nor the WAL a replica would
  // need (wal_level minimal), nor JIT compilation of queries on tiny tables.
  const server = await startEmbeddedPostgres(
    'paydesk-pg',
    [
      ...['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=600'],
      ...['autovacuum=off', 'jit=off', 'wal_level=minimal', 'max_wal_senders=0'],
    ].flatMap((setting) => ['-c', setting]),
    'trust',
  );
  process.env.PAYDESK_TEST_DATABASE_URL = server.url;
  stop = server.stop;
  await prepareDatabaseTemplates(server.url);
}

export async function teardown(): Promise<void> {
  await stop?.();
  stop = undefined;
}
