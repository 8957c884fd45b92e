// The reports part of the sandbox in one piece (D16): the publisher, its control routes and the SFTP
// server, so the sandbox's app.ts only creates it, registers its routes, and closes it.
import type { FastifyInstance } from 'fastify';
import type { SandboxStore } from '../store.ts';
import { ReportPublisher } from './report.publisher.ts';
import { reportRoutes } from './report.routes.ts';
import { createSftpServer, type SftpServer } from './sftp.server.ts';

export interface ReportOptions {
  /** The merchant's id at Antom, the first folder under `/v1/settlements` (default `2188400000000001`). */
  customerId?: string;
  /** The acquirer named in every row (default `Antom`). */
  acquirer?: string;
  /** How long after the end of day T (UTC+8) its reports appear (ms, default two hours). */
  publishAfterMs?: number;
}

export interface SftpListenOptions {
  port?: number;
  host?: string;
  username?: string;
  /** OpenSSH public keys allowed to sign in. */
  authorizedKeys?: readonly string[];
  password?: string;
  /** The host key (OpenSSH or PEM private key); generated when absent. */
  hostKey?: string;
}

/** What tests and the launcher use: the publisher, and the SFTP server once it listens. */
export interface SandboxReports {
  readonly publisher: ReportPublisher;
  readonly sftp: SftpServer | undefined;
  /** Starts the SFTP server (default 127.0.0.1, any port, user `paydesk`); resolves to its port. */
  listenSftp(options?: SftpListenOptions): Promise<number>;
}

export function createReports(
  deps: { store: SandboxStore; now: () => number; onError: (error: unknown) => void },
  options: ReportOptions = {},
) {
  const publisher = new ReportPublisher({
    store: deps.store,
    now: deps.now,
    context: { customerId: options.customerId ?? '2188400000000001', acquirer: options.acquirer ?? 'Antom' },
    ...(options.publishAfterMs !== undefined ? { publishAfterMs: options.publishAfterMs } : {}),
  });
  let sftp: { server: SftpServer; username: string } | undefined;
  const api: SandboxReports = {
    publisher,
    get sftp() {
      return sftp?.server;
    },
    async listenSftp(listen = {}) {
      if (sftp) throw new Error('the SFTP server already listens');
      const username = listen.username ?? 'paydesk';
      const server = createSftpServer({
        publisher,
        username,
        ...(listen.authorizedKeys ? { authorizedKeys: listen.authorizedKeys } : {}),
        ...(listen.password ? { password: listen.password } : {}),
        ...(listen.hostKey ? { hostKey: listen.hostKey } : {}),
        onError: deps.onError,
      });
      const port = await server.listen({ port: listen.port ?? 0, host: listen.host ?? '127.0.0.1' });
      sftp = { server, username };
      return port;
    },
  };
  return {
    api,
    routes: (app: FastifyInstance) => reportRoutes(app, { publisher, now: deps.now, sftp: () => sftp }),
    clear: () => publisher.clear(),
    close: async () => {
      await sftp?.server.close();
    },
  };
}
