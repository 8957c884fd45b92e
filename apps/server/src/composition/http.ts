// Tier 3 of the composition (app.ts): what the HTTP server answers — the OpenAPI document, the shared
// hooks (errors, input guard, security headers, idempotency, CORS for the Buyer API), then the routes
// of each API and the pages.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { checkoutRoutes } from '../checkout/checkout.routes.ts';
import { installStatusFastPath, StatusFastPath } from '../checkout/status-poll.fast-path.ts';
import { createMerchantAuth, keyDigest } from '../http/auth.ts';
import { installErrorHandler } from '../http/error-handler.ts';
import { installIdempotency } from '../http/idempotency.ts';
import { installInputGuard } from '../http/input-guard.ts';
import { RateLimiter } from '../http/rate-limit.ts';
import { installSecurityHeaders } from '../http/security.ts';
import { methodRoutes } from '../methods/method.routes.ts';
import { notificationRoutes } from '../notifications/notification.routes.ts';
import { opsRoutes } from '../ops/ops.routes.ts';
import { orderRoutes } from '../orders/order.routes.ts';
import { pageRoutes } from '../pages/page.routes.ts';
import { shopRoutes } from '../shop/shop.routes.ts';
import type { Domain } from './domain.ts';
import type { Infrastructure } from './infrastructure.ts';

export async function registerHttp(infra: Infrastructure, domain: Domain): Promise<StatusFastPath> {
  const { http: app, config, clock, database, gateway, meters, metrics } = infra;

  app.addHook('onResponse', (request, reply, done) => {
    meters.http({
      method: request.method,
      route: request.routeOptions.url ?? 'unknown',
      status: String(reply.statusCode),
    });
    done();
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
  // The Buyer API may be called from the merchant's own pages (the embed), so it answers any origin; it
  // uses no cookies, only the token in the path. The header rides on the security hook's one pass.
  const security = installSecurityHeaders(app, {
    sandboxOrigin: gateway.isSandbox ? new URL(config.antom.gatewayUrl).origin : null,
    anyOriginPrefix: '/api/v1/checkout/',
  });
  installIdempotency(app, { db: database.db, clock });

  // What a cross-origin browser may send (headers, methods, how long to remember) matters only to the
  // preflight, so only the OPTIONS answer says it: every poll carries one CORS header, not four (D17).
  app.options('/api/v1/checkout/*', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('access-control-allow-headers', 'content-type, idempotency-key, last-event-id')
      .header('access-control-allow-methods', 'GET, POST, OPTIONS')
      .header('access-control-max-age', '600')
      .status(204)
      .send(),
  );

  // The demo shop calls the Merchant API in-process with a key of its own, made for this process and
  // never shown: the merchant's key is not at hand (only its digest is stored).
  const shopKey = `pk_shop_${randomBytes(24).toString('base64url')}`;
  const merchantDigests = [infra.merchantApiKey.digest, keyDigest(shopKey)];
  const metricsDigests = config.metricsToken
    ? [keyDigest(config.metricsToken)]
    : [infra.merchantApiKey.digest];
  const authenticate = createMerchantAuth(() => merchantDigests);
  await app.register(orderRoutes, {
    orders: domain.orders,
    refunds: domain.refunds,
    authenticate,
    allowLoopbackHttp: config.profile === 'development',
  });
  await app.register(methodRoutes, { methods: domain.methods, authenticate });
  const limiter = new RateLimiter(clock);
  await app.register(checkoutRoutes, {
    clock,
    checkout: domain.checkout,
    payments: domain.payments,
    limiter,
    streams: domain.streams,
    limits: config.rateLimit,
  });
  await app.register(notificationRoutes, {
    notifications: domain.notifications,
    bodyLimitBytes: config.limits.notify.bodyLimitBytes,
  });
  if (config.demoShop) {
    await app.register(shopRoutes, {
      merchantApiKey: () => shopKey,
      orderTtlSeconds: config.checkout.defaultOrderTtlSeconds,
      secureCookie: config.publicUrl.startsWith('https:'),
    });
  }
  await app.register(opsRoutes, {
    ready: () => database.ping(),
    metrics,
    metricsTokens: () => metricsDigests,
    gatewayHealth: infra.gatewayHealth,
    authenticate,
  });
  if (config.cashierDist && existsSync(config.cashierDist)) {
    await app.register(pageRoutes, { dist: config.cashierDist, demoShop: config.demoShop });
  }

  // Cached polls answered ahead of Fastify (D17.7), with the same limiter, headers and metric. Not when
  // requests are logged (debug, trace): Fastify's path logs each one.
  const fastPath = new StatusFastPath({
    checkout: domain.checkout,
    limiter,
    readsPerMinute: config.rateLimit.checkoutReadsPerMinute,
    headers: security.headersFor('/api/v1/checkout/-/status'),
    count: meters.http,
  });
  if (config.logLevel === 'debug' || config.logLevel === 'trace') fastPath.enabled = false;
  else installStatusFastPath(app.server, fastPath);
  return fastPath;
}
