// Listening, logging and graceful shutdown (docs/style.md §1): the only place that binds a port.
import { buildApp, type AppOptions, type PaydeskApp } from './app.ts';
import type { Config } from './config.ts';

export interface RunningServer {
  paydesk: PaydeskApp;
  url: string;
  /**
   * Drains (D14.5): after SHUTDOWN_DELAY_MS of answering /readyz with 503, stops accepting,
   * lets in-flight requests and the sweeper's current step finish, ends the event streams with a retry
   * hint, then closes the database.
   */
  stop(): Promise<void>;
}

export interface StartOptions extends AppOptions {
  /**
   * False: no background worker starts (sweeper, webhook delivery, retention, change feed); a test runs
   * their passes itself on a manual clock (docs/style.md point 11). Default true.
   */
  startWorkers?: boolean;
  /** How `stop()` waits out SHUTDOWN_DELAY_MS (default a timer; a test ends the wait when it chooses). */
  shutdownWait?: (ms: number) => Promise<void>;
}

/** Builds the app, listens on config.port (0 = any free port), starts the workers. */
export async function startServer(
  config: Readonly<Config>,
  options: StartOptions = {},
): Promise<RunningServer> {
  const paydesk = await buildApp(config, options);
  // While draining, every answer closes its connection: Node's server.close() reaps only the connections
  // idle at that moment, and one that falls idle later would hold the process for the keep-alive timeout.
  // During SHUTDOWN_DELAY_MS the instance still serves but tells the balancer it is not ready.
  let draining = false;
  let leaving = false;
  paydesk.app.addHook('onRequest', (request, reply, done) => {
    if (leaving && request.routeOptions.url === '/readyz') {
      void reply.code(503).header('cache-control', 'no-store').send({ status: 'draining' });
      return;
    }
    done();
  });
  paydesk.app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });
  const address = await paydesk.app.listen({ port: config.port, host: config.host });
  if (options.startWorkers !== false) paydesk.startWorkers();
  const port = new URL(address).port;
  let stopping: Promise<void> | undefined;
  return {
    paydesk,
    url: `http://127.0.0.1:${port}`,
    // Drains once: a second stop (a signal, then the test's or launcher's own) waits for the first.
    stop: () =>
      (stopping ??= (async () => {
        draining = true;
        leaving = true;
        // Draining answers carry `connection: close` (the hook above): polls take Fastify's path.
        paydesk.statusFastPath.enabled = false;
        if (config.shutdownDelayMs > 0)
          await (options.shutdownWait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))))(
            config.shutdownDelayMs,
          );
        await paydesk.close();
      })()),
  };
}

/**
 * Drains on SIGTERM (what `docker stop` and orchestrators send) and SIGINT: `stop` runs once; the process
 * exits 0 when it resolves, 1 if it fails or takes longer than `timeoutMs`. A second SIGINT (Ctrl-C
 * again) exits at once.
 */
export function stopOnSignals(
  stop: () => Promise<void>,
  options: { timeoutMs?: number; log?: (message: string) => void } = {},
): void {
  const log = options.log ?? console.log;
  const timeoutMs = options.timeoutMs ?? 30_000;
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      if (signal === 'SIGINT') process.exit(1);
      return;
    }
    stopping = true;
    log(`${signal}: draining (in-flight requests finish, up to ${Math.round(timeoutMs / 1000)} s)`);
    const force = setTimeout(() => {
      log(`still draining after ${Math.round(timeoutMs / 1000)} s: exiting`);
      process.exit(1);
    }, timeoutMs);
    force.unref();
    stop().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log(`stop failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
