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
export { startServer, stopOnSignals, type RunningServer } from './server.ts';
export { DEFAULT_CATALOG, type CatalogMethod } from './methods/catalog.ts';
export { signWebhook } from './webhooks/webhook.deliverer.ts';
export { ManualClock, systemClock, type Clock } from './domain/clock.ts';
