// Tier 1 of the composition (app.ts): the outside things — the database (migrated), the clock, the HTTP
// server with its logger, the metrics registry, the gateway with its audit log, the event bus, and the
// Merchant API key. Nothing here knows about orders or payments.
import { randomBytes } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppOptions } from '../app.ts';
import { ConfigError, type Config } from '../config.ts';
import { installConnectionGuard } from '../http/connection-guard.ts';
import { compileSerializer, compileValidator } from '../http/schema-compilers.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { systemClock, type Clock } from '../domain/clock.ts';
import { EventBus } from '../events/event-bus.ts';
import { AntomGateway } from '../gateway/antom.gateway.ts';
import { insertGatewayCall } from '../gateway/gateway-call.repository.ts';
import { GatewayHealth } from '../gateway/gateway-health.ts';
import type { GatewayCallLog, PaymentGateway } from '../gateway/payment-gateway.ts';
import { NOTIFY_PATH } from '../notifications/notification.routes.ts';
import { Metrics } from '../ops/metrics.ts';
import { keyDigest } from '../http/auth.ts';
import { deleteSetting, readSetting, writeSettingOnce } from '../settings/settings.repository.ts';

export interface Infrastructure {
  config: Readonly<Config>;
  clock: Clock;
  database: Database;
  http: FastifyInstance;
  metrics: Metrics;
  meters: Meters;
  gateway: PaymentGateway;
  bus: EventBus;
  /** Faults of the integration itself (bad keys, client id), seen in the gateway-call log. */
  gatewayHealth: GatewayHealth;
  merchantApiKey: MerchantApiKey;
  /** Gateway-call log writes still in flight (awaited on close). */
  pendingWrites: Set<Promise<unknown>>;
}

/**
 * The Merchant API key: only its digest is kept (D10.7); the key itself is known only when it
 * came from MERCHANT_API_KEY or was generated at this start (then shown once).
 */
export interface MerchantApiKey {
  key: string | null;
  /** Hex SHA-256 of the key: what the Merchant API compares with. */
  digest: string;
  /** True when the key was generated at this start. */
  generated: boolean;
}

/** The counters the domain and HTTP tiers bump. */
export interface Meters {
  http: (labels: { method: string; route: string; status: string }) => void;
  gatewayCalls: (labels: { api: string; result: string }) => void;
  notifications: (labels: { outcome: string }) => void;
  webhooks: (labels: { result: string }) => void;
}

export async function buildInfrastructure(
  config: Readonly<Config>,
  options: AppOptions,
): Promise<Infrastructure> {
  const clock = options.clock ?? systemClock;
  const database = openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
  await database.migrate();
  const merchantApiKey: MerchantApiKey = config.merchantApiKey
    ? { key: config.merchantApiKey, digest: keyDigest(config.merchantApiKey), generated: false }
    : await loadOrCreateApiKey(database, config.profile === 'development');
  const http = createHttpServer(config, options);
  const connections = installConnectionGuard(http, config.limits.http, config.trustProxy);
  const metrics = new Metrics();
  const meters: Meters = {
    http: metrics.counter('paydesk_http_requests_total', 'HTTP requests by route and status'),
    gatewayCalls: metrics.counter('paydesk_gateway_calls_total', 'Antom calls by API and result'),
    notifications: metrics.counter('paydesk_notifications_total', 'Antom notifications by outcome'),
    webhooks: metrics.counter('paydesk_webhook_deliveries_total', 'Webhook delivery attempts by result'),
  };
  const gaugeConnections = metrics.gauge('paydesk_http_connections', 'Open HTTP connections');
  const countRefused = metrics.counter(
    'paydesk_http_connections_refused_total',
    'Connections dropped at once because a cap was reached',
  );
  let refusedReported = 0;
  metrics.collect(async () => {
    gaugeConnections({}, connections.open);
    countRefused({}, connections.refused - refusedReported);
    refusedReported = connections.refused;
  });

  // Append-only gateway call log (D4.16), written beside the call, never inside a transaction.
  const gaugeFault = metrics.gauge(
    'paydesk_gateway_configuration_fault',
    '1 while Antom refuses our credentials or its answers do not verify (see /readyz)',
  );
  gaugeFault({}, 0);
  const gatewayHealth = new GatewayHealth((fault) => {
    gaugeFault({}, fault ? 1 : 0);
    if (fault) http.log.error({ fault }, 'Antom integration fault: payments cannot be taken');
    else http.log.info('Antom integration fault cleared');
  });
  const pendingWrites = new Set<Promise<unknown>>();
  const logCall = (log: GatewayCallLog) => {
    meters.gatewayCalls({ api: log.api, result: log.resultCode ?? (log.error ? 'ERROR' : 'NONE') });
    gatewayHealth.observe(log);
    const write = insertGatewayCall(database.db, {
      order_id: log.context?.orderId ?? null,
      payment_id: log.context?.paymentId ?? null,
      refund_id: log.context?.refundId ?? null,
      api: log.api,
      attempt: log.attempt,
      request_time: log.requestTime,
      request_body: log.requestBody,
      http_status: log.httpStatus ?? null,
      response_body: log.responseBody?.slice(0, 65_536) ?? null,
      result_status: log.resultStatus ?? null,
      result_code: log.resultCode ?? null,
      error: log.error ?? null,
      duration_ms: Math.round(log.durationMs),
      created_at: log.at,
    })
      .catch((error) => http.log.error({ err: error }, 'could not record a gateway call'))
      .finally(() => pendingWrites.delete(write));
    pendingWrites.add(write);
  };
  const gateway =
    options.gateway ??
    new AntomGateway({
      clientId: config.antom.clientId,
      privateKey: config.antom.privateKey,
      antomPublicKey: config.antom.publicKey,
      gatewayUrl: config.antom.gatewayUrl,
      keyVersion: config.antom.keyVersion,
      notifyUrl: config.publicUrl + NOTIFY_PATH,
      settlementCurrency: config.antom.settlementCurrency,
      isSandbox: config.antom.isSandbox,
      timeoutMs: config.antom.timeoutMs,
      codeDisplay: (type) =>
        config.checkout.paymentMethods.find((m) => m.type === type)?.category === 'QR' ? 'qr' : 'text',
      onCall: logCall,
    });

  return {
    config,
    clock,
    database,
    http,
    metrics,
    meters,
    gateway,
    bus: new EventBus(),
    gatewayHealth,
    merchantApiKey,
    pendingWrites,
  };
}

/** Strips checkout tokens from logged URLs: they are credentials (D4.17). */
export function redactUrl(url: string): string {
  return url.replace(/\/checkout\/([A-Za-z0-9_-]{6})[A-Za-z0-9_-]+/g, '/checkout/$1…');
}

function createHttpServer(config: Readonly<Config>, options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.authorization', 'req.headers.signature', 'headers.authorization'],
            serializers: {
              req: (req: { method: string; url: string; ip?: string }) => ({
                method: req.method,
                url: redactUrl(req.url),
                ip: req.ip,
              }),
            },
            ...(typeof options.logger === 'object' ? options.logger : {}),
          },
    bodyLimit: 64 * 1024,
    trustProxy: config.trustProxy,
    // The router refuses malformed and over-long URLs before any route or hook runs; they are answered
    // in the API's error shape like every other 4xx (D6.7, found by fuzzing).
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const bad = error.code === 'FST_ERR_BAD_URL';
      void reply
        .code(tooLong ? 414 : 400)
        .header('cache-control', 'no-store')
        .send({
          error: {
            code: tooLong ? 'URL_TOO_LONG' : bad ? 'MALFORMED_URL' : 'MALFORMED_REQUEST',
            message: tooLong
              ? 'a path segment is longer than 100 characters'
              : bad
                ? 'the URL path is not validly percent-encoded'
                : 'the request could not be routed',
          },
        });
    },
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(compileValidator);
  app.setSerializerCompiler(compileSerializer);
  // The API speaks JSON only: any other body is a 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');
  return app;
}

const KEY_DIGEST = 'merchant_api_key_sha256';
/** Where earlier versions kept the generated key itself (before D10.7). */
const LEGACY_KEY = 'merchant_api_key';

async function loadOrCreateApiKey(database: Database, mayGenerate: boolean): Promise<MerchantApiKey> {
  const db = database.db;
  const stored = await readSetting(db, KEY_DIGEST);
  if (stored) return { key: null, digest: stored, generated: false };
  // A key stored in plain text by an earlier version: keep its digest, drop the key.
  const legacy = await readSetting(db, LEGACY_KEY);
  if (legacy) {
    const digest = await writeSettingOnce(db, KEY_DIGEST, keyDigest(legacy));
    await deleteSetting(db, LEGACY_KEY);
    return { key: null, digest, generated: false };
  }
  // Production generates no secrets (D14.2); loadStartupConfig says so before we get here.
  if (!mayGenerate) throw new ConfigError(['MERCHANT_API_KEY is required: no key is stored in the database']);
  const key = `pk_${randomBytes(24).toString('base64url')}`;
  // Several instances may start together: the first writer's key is everyone's.
  const digest = await writeSettingOnce(db, KEY_DIGEST, keyDigest(key));
  const generated = digest === keyDigest(key);
  return { key: generated ? key : null, digest, generated };
}
