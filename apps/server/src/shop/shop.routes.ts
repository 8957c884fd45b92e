// The demo shop's own backend (S4): it lists products and, on Place order, creates the order through the
// Merchant API with the merchant key, server side — exactly what a merchant's shop backend would do.
// Mounted in development only unless DEMO_SHOP=true (D10.3): it needs no login.
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { addMinor } from '@paydesk/antom';
import type { OrderView } from '@paydesk/api';
import { ErrorBody } from '@paydesk/api';
import { DomainError } from '../domain/errors.ts';
import { SHOP_PRODUCTS, SHOP_REGIONS } from './shop.catalog.ts';

/** The buyer's session cookie: an Idempotency-Key is only ever replayed to the session that sent it. */
const SESSION_COOKIE = 'paydesk_shop';
const SESSION_PATTERN = /(?:^|;\s*)paydesk_shop=([A-Za-z0-9_-]{22})(?:;|$)/;
const sessions = new WeakMap<FastifyRequest, string>();

export const shopRoutes: FastifyPluginAsyncTypebox<{
  merchantApiKey: () => string;
  orderTtlSeconds: number;
  /** The cookie travels over TLS only (PUBLIC_URL is https). */
  secureCookie: boolean;
}> = async (app, deps) => {
  // Each caller gets a session of its own on its first shop request; the shop's idempotency scope is that
  // session, so replaying someone else's key cannot return their checkoutToken (D10.3).
  app.addHook('onRequest', (request, reply, done) => {
    let session = SESSION_PATTERN.exec(request.headers.cookie ?? '')?.[1];
    if (!session) {
      session = randomBytes(16).toString('base64url');
      const secure = deps.secureCookie ? '; Secure' : '';
      reply.header('set-cookie', `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax${secure}`);
    }
    sessions.set(request, session);
    done();
  });

  app.get(
    '/shop/api/catalog',
    { schema: { tags: ['Demo shop'], summary: 'Products and regions of the demo shop' } },
    async () => ({ regions: SHOP_REGIONS, products: SHOP_PRODUCTS }),
  );

  app.post(
    '/shop/api/orders',
    {
      config: { idempotencyScope: (request) => `shop:${sessions.get(request)}` },
      schema: {
        tags: ['Demo shop'],
        summary: 'Place an order (demo shop backend)',
        body: Type.Object(
          {
            region: Type.String({ pattern: '^[A-Z]{2}$' }),
            items: Type.Array(
              Type.Object(
                {
                  productId: Type.String({ maxLength: 64 }),
                  quantity: Type.Integer({ minimum: 1, maximum: 99 }),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 20 },
            ),
            lang: Type.Optional(Type.String({ maxLength: 10 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            orderId: Type.String(),
            checkoutUrl: Type.String(),
            checkoutToken: Type.String(),
          }),
          400: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const region = SHOP_REGIONS.find((r) => r.code === request.body.region);
      if (!region)
        throw new DomainError('VALIDATION_FAILED', 'unknown region', [
          { field: 'body.region', message: 'is not sold to' },
        ]);
      const items = request.body.items.map((line, index) => {
        const product = SHOP_PRODUCTS.find((p) => p.id === line.productId);
        const price = product?.prices[region.currency];
        if (!product || !price) {
          throw new DomainError('VALIDATION_FAILED', `unknown product ${line.productId}`, [
            { field: `body.items[${index}].productId`, message: 'is not in the catalog' },
          ]);
        }
        return { product, quantity: line.quantity, price };
      });
      const total = addMinor(...items.map((i) => (BigInt(i.price) * BigInt(i.quantity)).toString()));
      const lang = request.body.lang ?? 'en';
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/orders',
        headers: { authorization: `Bearer ${deps.merchantApiKey()}`, 'content-type': 'application/json' },
        payload: {
          reference: `SHOP-${Date.now().toString(36).toUpperCase()}`,
          amount: { currency: region.currency, value: total },
          description: items
            .map((i) => `${i.product.names[lang] ?? i.product.names.en} ×${i.quantity}`)
            .join(', ')
            .slice(0, 256),
          items: items.map((i) => ({
            name: i.product.names[lang] ?? i.product.names.en ?? i.product.id,
            quantity: i.quantity,
            unitAmount: { currency: region.currency, value: i.price },
            reference: i.product.id,
          })),
          region: region.code,
          expiresInSeconds: deps.orderTtlSeconds,
          metadata: { source: 'demo-shop' },
        },
      });
      if (response.statusCode !== 201) {
        const failure = response.json() as { error: { code: string; message: string } };
        throw new DomainError(
          'VALIDATION_FAILED',
          `the Merchant API refused the order: ${failure.error.message}`,
        );
      }
      const order = response.json() as OrderView;
      return reply
        .status(201)
        .send({ orderId: order.id, checkoutUrl: order.checkoutUrl, checkoutToken: order.checkoutToken });
    },
  );
};
