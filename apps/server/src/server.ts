// Listening, logging and graceful shutdown (STYLE point 1): the only place that binds a port.
import { buildApp, type AppOptions, type PaydeskApp } from './app.ts';
import type { Config } from './config.ts';

export interface RunningServer {
  paydesk: PaydeskApp;
  url: string;
  stop(): Promise<void>;
}

/** Builds the app, listens on config.port (0 = any free port), starts the workers. */
export async function startServer(
  config: Readonly<Config>,
  options: AppOptions = {},
): Promise<RunningServer> {
  const paydesk = await buildApp(config, options);
  const address = await paydesk.app.listen({ port: config.port, host: config.host });
  paydesk.startWorkers();
  const port = new URL(address).port;
  return {
    paydesk,
    url: `http://127.0.0.1:${port}`,
    stop: () => paydesk.close(),
  };
}

/** Stops cleanly on SIGINT/SIGTERM: in-flight requests finish, workers stop, the database closes. */
export function stopOnSignals(stop: () => Promise<void>, log: (message: string) => void = console.log): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    stop()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
