// Reconciliation and the overview as one module (D16): services, the scheduled SFTP fetch (a worker
// with a bounded step, `fetcher.fetchOnce()`), the open-discrepancy gauge and the routes. app.ts builds it
// with one call, so the composition stays a list of tiers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { DB } from '../db/schema.ts';
import type { Clock } from '../domain/clock.ts';
import type { Metrics } from '../ops/metrics.ts';
import { OverviewService } from '../reports/overview.service.ts';
import { overviewRoutes } from '../reports/overview.routes.ts';
import { Worker } from '../sweeper/worker.ts';
import type { Outbox } from '../webhooks/outbox.ts';
import { reconciliationRoutes } from './reconciliation.routes.ts';
import { ReconciliationService } from './reconciliation.service.ts';
import { ReportFetcher } from './report.fetcher.ts';

export interface ReconciliationModuleDeps {
  db: Kysely<DB>;
  clock: Clock;
  outbox: Outbox;
  config: Readonly<Config>;
  metrics: Metrics;
  authenticate: (request: FastifyRequest) => Promise<void>;
  onError: (error: unknown) => void;
}

export interface ReconciliationModule {
  service: ReconciliationService;
  /** Undefined without an SFTP server (ANTOM_SFTP_HOST): reports then arrive by upload only. */
  fetcher: ReportFetcher | undefined;
  overview: OverviewService;
  start(): void;
  stop(): Promise<void>;
}

export async function registerReconciliation(
  app: FastifyInstance,
  deps: ReconciliationModuleDeps,
): Promise<ReconciliationModule> {
  const { db, clock, outbox, config, metrics } = deps;
  const settings = config.reconciliation;
  const service = new ReconciliationService({ db, clock, outbox });
  const fetcher = settings.sftp
    ? new ReportFetcher({
        settings: settings.sftp,
        clock,
        service,
        publishAfterMinutes: settings.publishAfterMinutes,
        catchUpDays: settings.catchUpDays,
      })
    : undefined;
  const worker = fetcher
    ? new Worker(() => fetcher.fetchOnce(), settings.intervalMs, deps.onError)
    : undefined;
  const overview = new OverviewService({
    db,
    clock,
    publicUrl: config.publicUrl,
    openDiscrepancies: () => service.openCount(),
  });
  const gauge = metrics.gauge(
    'paydesk_reconciliation_open_discrepancies',
    'Reconciliation discrepancies with Antom’s reports not resolved yet',
  );
  metrics.collect(async () => gauge({}, await service.openCount()));
  await app.register(reconciliationRoutes, {
    reconciliation: service,
    fetcher,
    authenticate: deps.authenticate,
  });
  await app.register(overviewRoutes, { overview, authenticate: deps.authenticate });
  return {
    service,
    fetcher,
    overview,
    start: () => worker?.start(),
    stop: async () => worker?.stop(),
  };
}
