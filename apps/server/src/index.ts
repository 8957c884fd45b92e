// @paydesk/server — the checkout server as a library: build it, configure it, run it.
export { buildApp, redactUrl, type AppOptions, type PaydeskApp } from './app.ts';
export {
  loadConfig,
  ConfigError,
  embeddedSandboxWanted,
  profileOf,
  type Config,
  type DeepPartial,
  type Profile,
} from './config.ts';
export { loadStartupConfig, storedMerchantApiKey } from './startup-config.ts';
export { startServer, stopOnSignals, type RunningServer, type StartOptions } from './server.ts';
export { DEFAULT_CATALOG, type CatalogMethod } from './methods/catalog.ts';
export { signWebhook } from './webhooks/webhook.deliverer.ts';
export { ManualClock, systemClock, type Clock } from './domain/clock.ts';
// What test harnesses outside the server read (reliability's database snapshots and invariant checks, the
// test kit's migrated templates): the schema's types and its migrations, the state machines as data, and
// the path Antom notifies.
export type { DB } from './db/schema.ts';
export { openDatabase, type Database } from './db/database.ts';
export {
  ATTEMPT_TRANSITIONS,
  FINAL_ATTEMPT_STATUSES,
  ORDER_TRANSITIONS,
  REFUND_TRANSITIONS,
  type AttemptStatus,
  type OrderStatus,
  type RefundStatus,
} from './domain/state-machine.ts';
export { NOTIFY_PATH } from './notifications/notification.routes.ts';
export { ORDER_CHANGES_CHANNEL } from './db/migrations.ts';
