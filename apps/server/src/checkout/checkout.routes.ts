// Buyer API (docs/product.md): the unguessable checkout token is the only credential. Reads come from our
// database (S17). Throttles are keyed so that failures lock out nothing else (D10.6: 20 bad
// look-ups from a proxy's address once answered every buyer behind it 429): a checkout's reads and writes
// are limited per token, and unknown tokens count in a bucket of their own per client address, which
// turns only further unknown tokens into 429. Guessing stays hopeless (256-bit tokens, D4.17).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import {
  CheckoutParams,
  CheckoutPaymentParams,
  CheckoutStatus,
  CheckoutView,
  CreatePaymentBody,
  CreatePaymentResponse,
  ErrorBody,
  IdempotencyKeyHeader,
} from '@paydesk/api';
import type { OrderRow } from '../db/schema.ts';
import { iso, type Clock } from '../domain/clock.ts';
import { DomainError } from '../domain/errors.ts';
import { hashToken } from '../domain/ids.ts';
import type { RateLimiter } from '../http/rate-limit.ts';
import type { PaymentService } from '../payments/payment.service.ts';
import { pickLanguage, type CheckoutService } from './checkout.service.ts';
import type { CheckoutStreams } from './checkout.events.ts';

/** Sends text that is already the answer's JSON: Fastify sends such a string as it is. */
function sendJson(reply: FastifyReply, json: string): void {
  void reply.type('application/json; charset=utf-8').send(json);
}

/** The rate limiter's key for a checkout's reads or writes (shared with the poll's fast path). */
export function limitKey(tokenHash: string, kind: 'read' | 'write'): string {
  return `${kind}:${tokenHash.slice(0, 24)}`;
}

/** The status poll's route, as Fastify names it (its metric label). */
export const STATUS_ROUTE = '/api/v1/checkout/:token/status';

const errors = {
  400: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  410: ErrorBody,
  422: ErrorBody,
  429: ErrorBody,
};

export interface CheckoutRouteDeps {
  clock: Clock;
  checkout: CheckoutService;
  payments: PaymentService;
  limiter: RateLimiter;
  streams: CheckoutStreams;
  limits: { buyerWritesPerMinute: number; checkoutReadsPerMinute: number; notFoundPerMinute: number };
}

export const checkoutRoutes: FastifyPluginAsyncTypebox<CheckoutRouteDeps> = async (app, deps) => {
  const { checkout, payments, limiter, limits, clock } = deps;

  /**
   * Resolves the token (to its order, or with `find`), limiting the checkout and throttling guessers. The
   * token is hashed once: the look-up and the limiter's key both use that hash.
   */
  async function load<T = OrderRow>(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    kind: 'read' | 'write',
    find: (tokenHash: string) => Promise<T> = (hash) => checkout.orderByTokenHash(hash) as Promise<T>,
  ): Promise<T> {
    const tokenHash = hashToken(token);
    let found: T;
    try {
      found = await find(tokenHash);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'CHECKOUT_NOT_FOUND')
        limiter.hit(`nf:${request.ip}`, limits.notFoundPerMinute, reply);
      throw error;
    }
    limit(request, reply, tokenHash, kind);
    return found;
  }

  /** Counts a read or a write of the checkout whose token hashes to `tokenHash` (429 past its limit). */
  function limit(request: FastifyRequest, reply: FastifyReply, tokenHash: string, kind: 'read' | 'write') {
    if (kind === 'read') limiter.hit(limitKey(tokenHash, kind), limits.checkoutReadsPerMinute, reply);
    else limiter.hit(limitKey(tokenHash, kind), limits.buyerWritesPerMinute, reply);
  }

  const tokenScope = (request: FastifyRequest) =>
    `checkout:${hashToken((request.params as { token: string }).token)}`;

  app.get(
    '/api/v1/checkout/:token',
    {
      schema: {
        tags: ['Buyer API'],
        summary: 'Get a checkout',
        description:
          'Order summary, status, expiry with the server clock, the payment methods for this amount, currency and region (S5, S6), and the live payment if any.',
        params: CheckoutParams,
        querystring: Type.Object({ lang: Type.Optional(Type.String({ maxLength: 10 })) }),
        response: { 200: CheckoutView, ...errors },
      },
    },
    async (request, reply) => {
      const order = await load(request, reply, request.params.token, 'read');
      return checkout.view(order, pickLanguage(request.query.lang, request.headers['accept-language']));
    },
  );

  app.post(
    '/api/v1/checkout/:token/payments',
    {
      config: { idempotencyScope: tokenScope },
      schema: {
        tags: ['Buyer API'],
        summary: 'Confirm payment',
        description:
          'Checks the order first (S9: paid → 409 ORDER_ALREADY_PAID, expired/closed → 410), then creates the payment and returns its code. ' +
          'While a payment is live, the same method gets that payment back (200) and another method gets 409 PAYMENT_IN_PROGRESS (S11).',
        headers: IdempotencyKeyHeader,
        params: CheckoutParams,
        body: CreatePaymentBody,
        response: { 200: CreatePaymentResponse, 201: CreatePaymentResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { order, fresh } = await load(request, reply, request.params.token, 'write', (hash) =>
        checkout.knownOrderByTokenHash(hash),
      );
      const { payment, created, antomMs } = await payments.confirm(order, request.body, fresh);
      // Where the time went (shown by browsers' developer tools): ours, and waiting on Antom's `pay`.
      if (antomMs !== undefined) {
        reply.header(
          'server-timing',
          `app;dur=${reply.elapsedTime.toFixed(2)}, antom;dur=${antomMs.toFixed(2)};desc="Antom pay"`,
        );
      }
      return reply
        .status(created ? 201 : 200)
        .send({ ...checkout.payment(payment), serverTime: iso(clock.now()) });
    },
  );

  app.get(
    STATUS_ROUTE,
    {
      schema: {
        tags: ['Buyer API'],
        summary: 'Poll the status',
        description:
          'The cheap 2-second poll target (S15): order status, the current payment status and reason, server time.',
        params: CheckoutParams,
        response: { 200: CheckoutStatus, ...errors },
      },
    },
    (request, reply) => {
      // Already JSON (prepared by the status cache, D17.2): a string sent with a JSON content
      // type is not serialized again; its shape is the schema's (checkout.test.ts checks it). A cache hit
      // is answered at once, with no promise and no closure made; a miss reads the database.
      const tokenHash = hashToken(request.params.token);
      const cached = checkout.cachedStatusJson(tokenHash);
      if (cached === undefined)
        return load(request, reply, request.params.token, 'read', () =>
          checkout.statusJsonByTokenHash(tokenHash),
        ).then((json) => sendJson(reply, json));
      limit(request, reply, tokenHash, 'read');
      sendJson(reply, cached);
    },
  );

  app.get(
    '/api/v1/checkout/:token/events',
    {
      schema: {
        tags: ['Buyer API'],
        summary: 'Live status (Server-Sent Events)',
        description:
          'Sends the status (same shape as /status) after each change, with event ids; resumes after Last-Event-ID; heartbeat comments every 15 s. ' +
          'A stream ends with a `retry` hint after SSE_MAX_LIFETIME_SECONDS (the browser reconnects) and once the checkout is settled; ' +
          "a reconnect that has seen a settled checkout's last event gets 204 (stop). 429 TOO_MANY_STREAMS past a cap per address, per checkout or in all: poll /status instead.",
        params: CheckoutParams,
        response: { 204: Type.Null(), 404: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const order = await load(request, reply, request.params.token, 'read');
      await deps.streams.open(request, reply, order);
    },
  );

  app.post(
    '/api/v1/checkout/:token/payments/:paymentId/cancel',
    {
      config: { idempotencyScope: tokenScope },
      schema: {
        tags: ['Buyer API'],
        summary: 'Cancel a payment',
        description:
          'Buyer cancel (S20): cancels at Antom; then the buyer may choose a method again. If the buyer had just paid, the answer is the paid payment.',
        headers: IdempotencyKeyHeader,
        params: CheckoutPaymentParams,
        response: { 200: CreatePaymentResponse, ...errors },
      },
    },
    async (request, reply) => {
      const order = await load(request, reply, request.params.token, 'write');
      const payment = await payments.cancelByBuyer(order, request.params.paymentId);
      return reply.status(200).send({ ...checkout.payment(payment), serverTime: iso(clock.now()) });
    },
  );
};
