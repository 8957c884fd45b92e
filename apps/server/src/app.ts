// buildApp(config) assembles the checkout server (STYLE point 1): infrastructure (database, gateway,
// workers), then the domain services, then the routes. It does not listen; server.ts does. Tests build
// the app and call inject() or listen on an ephemeral port.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { systemClock, type Clock } from './domain/clock.ts';
import { ChangeFeed } from './events/change-feed.ts';
import { EventBus } from './events/event-bus.ts';
import { CheckoutStreams } from './checkout/checkout.events.ts';
import { StatusCache } from './checkout/status.cache.ts';
import { AntomGateway } from './gateway/antom.gateway.ts';
import type { GatewayCallLog, PaymentGateway } from './gateway/payment-gateway.ts';
import { installErrorHandler } from './http/error-handler.ts';
import { createMerchantAuth } from './http/auth.ts';
import { installIdempotency } from './http/idempotency.ts';
import { installInputGuard } from './http/input-guard.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { installSecurityHeaders } from './http/security.ts';
import { MethodService } from './methods/method.service.ts';
import { CheckoutService } from './checkout/checkout.service.ts';
import { checkoutRoutes } from './checkout/checkout.routes.ts';
import { NotificationService } from './notifications/notification.service.ts';
import { notificationRoutes, NOTIFY_PATH } from './notifications/notification.routes.ts';
import { OrderService } from './orders/order.service.ts';
import { orderRoutes } from './orders/order.routes.ts';
import { Metrics } from './ops/metrics.ts';
import { opsRoutes } from './ops/ops.routes.ts';
import { pageRoutes } from './pages/page.routes.ts';
import { PaymentService } from './payments/payment.service.ts';
import { StateStore } from './payments/payment.state.ts';
import { RefundService } from './refunds/refund.service.ts';
import { shopRoutes } from './shop/shop.routes.ts';
import { Sweeper } from './sweeper/sweeper.ts';
import { Worker } from './sweeper/worker.ts';
import { Outbox } from './webhooks/outbox.ts';
import { WebhookDeliverer } from './webhooks/webhook.deliverer.ts';

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
  merchantApiKey: string;
  /** True when the key was generated at this start (so the launcher may print it). */
  merchantApiKeyGenerated: boolean;
  gateway: PaymentGateway;
  services: {
    orders: OrderService;
    payments: PaymentService;
    refunds: RefundService;
    checkout: CheckoutService;
    notifications: NotificationService;
    methods: MethodService;
  };
  sweeper: Sweeper;
  deliverer: WebhookDeliverer | undefined;
  metrics: Metrics;
  /** Starts the background workers (sweeper, webhook delivery). */
  startWorkers(): void;
  /** Stops workers, finishes pending writes, closes the server and the database. */
  close(): Promise<void>;
}

/** Strips checkout tokens from logged URLs: they are credentials (issue 4 point 17). */
export function redactUrl(url: string): string {
  return url.replace(/\/checkout\/([A-Za-z0-9_-]{6})[A-Za-z0-9_-]+/g, '/checkout/$1…');
}

function validatorFactory() {
  const strict = addFormats.default(
    new Ajv({
      allErrors: true,
      coerceTypes: false,
      useDefaults: true,
      removeAdditional: false,
      strict: false,
    }),
  );
  const coercing = addFormats.default(
    new Ajv({
      allErrors: true,
      coerceTypes: 'array',
      useDefaults: true,
      removeAdditional: false,
      strict: false,
    }),
  );
  // Query strings and params arrive as text; bodies and headers must already have the right JSON types.
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    (httpPart === 'querystring' || httpPart === 'params' ? coercing : strict).compile(schema);
}

async function loadOrCreateApiKey(database: Database): Promise<{ key: string; generated: boolean }> {
  const stored = await database.db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'merchant_api_key')
    .executeTakeFirst();
  if (stored) return { key: stored.value, generated: false };
  const key = `pk_${randomBytes(24).toString('base64url')}`;
  await database.db
    .insertInto('settings')
    .values({ key: 'merchant_api_key', value: key })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const winner = await database.db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'merchant_api_key')
    .executeTakeFirstOrThrow();
  return { key: winner.value, generated: winner.value === key };
}

export async function buildApp(config: Readonly<Config>, options: AppOptions = {}): Promise<PaydeskApp> {
  const clock = options.clock ?? systemClock;
  const database = openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
  await database.migrate();
  const db = database.db;
  const apiKey = config.merchantApiKey
    ? { key: config.merchantApiKey, generated: false }
    : await loadOrCreateApiKey(database);

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
    // in the API's error shape like every other 4xx (issue #6 point 7, found by fuzzing).
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
  app.setValidatorCompiler(validatorFactory());
  // The API speaks JSON only: any other body is a 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');

  const metrics = new Metrics();
  const countHttp = metrics.counter('paydesk_http_requests_total', 'HTTP requests by route and status');
  const countGateway = metrics.counter('paydesk_gateway_calls_total', 'Antom calls by API and result');
  const countNotifications = metrics.counter('paydesk_notifications_total', 'Antom notifications by outcome');
  const countWebhooks = metrics.counter(
    'paydesk_webhook_deliveries_total',
    'Webhook delivery attempts by result',
  );
  const gaugeStatus = metrics.gauge('paydesk_payments', 'Payment attempts by state');
  const gaugeOrders = metrics.gauge('paydesk_orders', 'Orders by status');
  const gaugeSse = metrics.gauge('paydesk_sse_clients', 'Open live-status streams');
  app.addHook('onResponse', (request, reply, done) => {
    countHttp({
      method: request.method,
      route: request.routeOptions.url ?? 'unknown',
      status: String(reply.statusCode),
    });
    done();
  });

  // Append-only gateway call log (issue 4 point 16), written beside the call, never inside a transaction.
  const pendingWrites = new Set<Promise<unknown>>();
  const logCall = (log: GatewayCallLog) => {
    countGateway({ api: log.api, result: log.resultCode ?? (log.error ? 'ERROR' : 'NONE') });
    const write = db
      .insertInto('gateway_calls')
      .values({
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
      .execute()
      .catch((error) => app.log.error({ err: error }, 'could not record a gateway call'))
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
  const payLeaseMs = (gateway instanceof AntomGateway ? gateway.maxPayDurationMs() : 30_000) + 2_000;
  // A sweeper step makes at most three gateway calls (inquiry, cancel, inquiry); its claim lasts that
  // long, derived from the configured timeout rather than fixed, so a crash mid-step delays recovery
  // only as long as the step could have taken (issue #6 point 5).
  const sweepLeaseMs = (gateway instanceof AntomGateway ? gateway.maxCallDurationMs() : 20_000) * 3 + 2_000;

  const bus = new EventBus();
  const state = new StateStore({ clock, bus });
  let webhookWorker: Worker | undefined;
  // eslint-disable-next-line prefer-const -- assigned after the services that wake it are built
  let sweeperWorker: Worker | undefined;
  const outbox = new Outbox({ enabled: config.webhook !== null, wake: () => webhookWorker?.wake() });
  const methods = new MethodService({
    catalog: config.checkout.paymentMethods,
    gateway,
    useConsult: config.checkout.useConsult,
    clock,
  });
  const payments = new PaymentService({
    db,
    clock,
    state,
    gateway,
    methods,
    outbox,
    publicUrl: config.publicUrl,
    gatewayExpiryGraceMs: config.checkout.gatewayExpiryGraceSeconds * 1000,
    payLeaseMs,
    wake: () => sweeperWorker?.wake(),
    log: app.log,
  });
  const refunds = new RefundService({
    db,
    clock,
    state,
    gateway,
    methods,
    outbox,
    payments,
    publicUrl: config.publicUrl,
  });
  const orders = new OrderService({
    db,
    clock,
    state,
    payments,
    outbox,
    publicUrl: config.publicUrl,
    defaultTtlSeconds: config.checkout.defaultOrderTtlSeconds,
  });
  // Several instances on one PostgreSQL: changes made on one reach the others' streams and caches.
  const feed = database.signals
    ? new ChangeFeed({ db, signals: database.signals, bus, clock, log: app.log })
    : undefined;
  const statusCache = new StatusCache({
    ttlMs: 60_000,
    maxEntries: 50_000,
    heardSince: feed ? () => feed.heardSince() : () => 0,
  });
  bus.subscribeAll((orderId) => statusCache.invalidate(orderId));
  const checkout = new CheckoutService({
    statusCache,
    db,
    clock,
    methods,
    merchantName: config.merchantName,
    branding: config.branding,
    presentation: config.checkout.presentation,
    isSandbox: gateway.isSandbox,
    successRedirectSeconds: config.checkout.successRedirectSeconds,
  });
  const streams = new CheckoutStreams({
    db,
    bus,
    checkout,
    heartbeatMs: config.sseHeartbeatMs,
    log: app.log,
  });
  const notifications = new NotificationService({
    db,
    clock,
    gateway,
    payments,
    refunds,
    onOutcome: (outcome) => countNotifications({ outcome }),
  });
  const sweeper = new Sweeper({
    database,
    clock,
    payments,
    refunds,
    state,
    outbox,
    publicUrl: config.publicUrl,
    batchSize: 100,
    leaseMs: sweepLeaseMs,
    log: app.log,
  });
  sweeperWorker = new Worker(
    () => sweeper.sweepOnce(),
    config.sweeper.intervalMs,
    (error) => app.log.error({ err: error }, 'sweeper tick failed'),
  );
  const deliverer = config.webhook
    ? new WebhookDeliverer({
        database,
        clock,
        url: config.webhook.url,
        secret: config.webhook.secret,
        timeoutMs: 10_000,
        onResult: (ok) => countWebhooks({ result: ok ? 'delivered' : 'failed' }),
      })
    : undefined;
  if (deliverer) {
    webhookWorker = new Worker(
      () => deliverer.deliverOnce(),
      config.webhooks.intervalMs,
      (error) => app.log.error({ err: error }, 'webhook tick failed'),
    );
  }

  metrics.collect(async () => {
    const byState = await db
      .selectFrom('payments')
      .select(['status'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .groupBy('status')
      .execute();
    for (const row of byState) gaugeStatus({ state: row.status }, Number(row.n));
    const byOrder = await db
      .selectFrom('orders')
      .select(['status'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .groupBy('status')
      .execute();
    for (const row of byOrder) gaugeOrders({ status: row.status }, Number(row.n));
    gaugeSse({}, streams.count);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Paydesk API',
        version: '1.0.0',
        description:
          'The Merchant API (server to server, Bearer key), the Buyer API (checkout token), and the demo shop. ' +
          'Money is `{ currency, value }` with `value` an integer string in minor units. Errors are `{ error: { code, message } }`.',
      },
      components: {
        securitySchemes: { merchantKey: { type: 'http', scheme: 'bearer', description: 'MERCHANT_API_KEY' } },
      },
      tags: [
        { name: 'Merchant API', description: 'Orders, closing and refunds — from your backend' },
        {
          name: 'Buyer API',
          description: 'What the cashier pages call — the checkout token is the credential',
        },
        { name: 'Demo shop', description: 'The demo storefront backend' },
      ],
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
  });

  installErrorHandler(app);
  installInputGuard(app);
  installSecurityHeaders(app, {
    sandboxOrigin: gateway.isSandbox ? new URL(config.antom.gatewayUrl).origin : null,
  });
  installIdempotency(app, { db, clock });

  // The Buyer API may be called from the merchant's own pages (the embed), so it answers any origin;
  // it uses no cookies, only the token in the path.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.url.startsWith('/api/v1/checkout/')) {
      reply.header('access-control-allow-origin', '*');
      reply.header('access-control-allow-headers', 'content-type, idempotency-key, last-event-id');
      reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
      reply.header('access-control-max-age', '600');
    }
    done();
  });
  app.options('/api/v1/checkout/*', { schema: { hide: true } }, async (_request, reply) =>
    reply.status(204).send(),
  );

  const limiter = new RateLimiter(clock);
  await app.register(orderRoutes, { orders, refunds, authenticate: createMerchantAuth(apiKey.key) });
  await app.register(checkoutRoutes, {
    clock,
    checkout,
    payments,
    limiter,
    streams,
    limits: config.rateLimit,
  });
  await app.register(notificationRoutes, { notifications });
  await app.register(shopRoutes, {
    merchantApiKey: () => apiKey.key,
    orderTtlSeconds: config.checkout.defaultOrderTtlSeconds,
  });
  await app.register(opsRoutes, { ready: () => database.ping(), metrics });
  if (config.cashierDist && existsSync(config.cashierDist)) {
    await app.register(fastifyStatic, {
      root: config.cashierDist,
      prefix: '/',
      index: false,
      wildcard: true,
      serve: true,
    });
    await app.register(pageRoutes, { dist: config.cashierDist });
  }

  let closed = false;
  return {
    app,
    config,
    database,
    merchantApiKey: apiKey.key,
    merchantApiKeyGenerated: apiKey.generated,
    gateway,
    services: { orders, payments, refunds, checkout, notifications, methods },
    sweeper,
    deliverer,
    metrics,
    startWorkers() {
      feed?.start();
      if (config.sweeper.enabled) sweeperWorker?.start();
      webhookWorker?.start();
    },
    async close() {
      if (closed) return;
      closed = true;
      await sweeperWorker?.stop();
      await webhookWorker?.stop();
      streams.stop();
      await feed?.stop();
      await app.close();
      await Promise.allSettled([...pendingWrites]);
      await database.destroy();
    },
  };
}
