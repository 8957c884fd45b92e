// buildApp(config) assembles the checkout server (docs/style.md §1) in three tiers, read top to bottom:
// infrastructure (database, clock, HTTP server, metrics, gateway), then the domain (services, streams,
// workers), then HTTP (hooks and routes). It does not listen; server.ts does. Tests build the app and
// call inject() or listen on an ephemeral port.
import type { FastifyInstance } from 'fastify';
import type { StatusFastPath } from './checkout/status-poll.fast-path.ts';
import type { Config } from './config.ts';
import { buildDomain, type Domain } from './composition/domain.ts';
import { buildInfrastructure } from './composition/infrastructure.ts';
import { registerHttp } from './composition/http.ts';
import type { Database } from './db/database.ts';
import type { Clock } from './domain/clock.ts';
import type { PaymentGateway } from './gateway/payment-gateway.ts';
import { createMerchantAuth } from './http/auth.ts';
import type { Metrics } from './ops/metrics.ts';
import { registerReconciliation, type ReconciliationModule } from './reconciliation/reconciliation.module.ts';

export { redactUrl } from './composition/infrastructure.ts';

export interface AppOptions {
  clock?: Clock;
  /** Replace the Antom gateway (another QR gateway, or a test double where no real one can run). */
  gateway?: PaymentGateway;
  /** Fastify logger options; false for silence. */
  logger?: boolean | object;
}

export interface PaydeskApp {
  app: FastifyInstance;
  config: Readonly<Config>;
  database: Database;
  /**
   * The Merchant API key, when known: from MERCHANT_API_KEY, or generated at this start (shown once, then
   * only its digest is kept). Null when it was generated at an earlier start.
   */
  merchantApiKey: string | null;
  /** True when the key was generated at this start (so the launcher may print it, once). */
  merchantApiKeyGenerated: boolean;
  gateway: PaymentGateway;
  services: Pick<Domain, 'orders' | 'payments' | 'refunds' | 'checkout' | 'notifications' | 'methods'>;
  sweeper: Domain['sweeper'];
  deliverer: Domain['deliverer'];
  /** Deletes notifications of no order after their retention (tests call pruneOnce). */
  retention: Domain['retention'];
  /** D16: report import and matching, the scheduled SFTP fetch, the overview. */
  reconciliation: ReconciliationModule;
  metrics: Metrics;
  /** Answers cached status polls ahead of Fastify (D17.7); off while draining. */
  statusFastPath: StatusFastPath;
  /** Starts the background workers (sweeper, webhook delivery, change feed). */
  startWorkers(): void;
  /** Stops workers, finishes pending writes, closes the server and the database. */
  close(): Promise<void>;
}

export async function buildApp(config: Readonly<Config>, options: AppOptions = {}): Promise<PaydeskApp> {
  const infra = await buildInfrastructure(config, options);
  const domain = buildDomain(infra);
  const statusFastPath = await registerHttp(infra, domain);
  const reconciliation = await registerReconciliation(infra.http, {
    db: infra.database.db,
    clock: infra.clock,
    outbox: domain.outbox,
    config,
    metrics: infra.metrics,
    authenticate: createMerchantAuth(() => [infra.merchantApiKey.digest]),
    onError: (error) => infra.http.log.error({ err: error }, 'report fetch failed'),
  });

  let closed = false;
  return {
    app: infra.http,
    config,
    database: infra.database,
    merchantApiKey: infra.merchantApiKey.key,
    merchantApiKeyGenerated: infra.merchantApiKey.generated,
    gateway: infra.gateway,
    services: domain,
    sweeper: domain.sweeper,
    deliverer: domain.deliverer,
    retention: domain.retention,
    reconciliation,
    metrics: infra.metrics,
    statusFastPath,
    startWorkers: () => {
      domain.startWorkers();
      reconciliation.start();
    },
    async close() {
      if (closed) return;
      closed = true;
      // Fastify answers requests on open connections with 503 from here on; so does every poll.
      statusFastPath.enabled = false;
      // Stop accepting first (requests on open connections get a 503), then let in-flight requests and
      // the workers' current steps finish while the streams end with a retry hint (D14.5).
      const closing = infra.http.close();
      await Promise.all([reconciliation.stop(), domain.stop()]);
      await closing;
      await Promise.allSettled([...infra.pendingWrites]);
      await infra.database.destroy();
    },
  };
}
