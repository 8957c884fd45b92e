// Merchant API routes (docs/product.md): server to server, Bearer key, Idempotency-Key on every write.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import {
  CreateOrderBody,
  ErrorBody,
  IdempotencyKeyHeader,
  OrderIdParams,
  OrderList,
  OrderListQuery,
  OrderView,
  RefundBody,
  RefundView,
} from '@paydesk/api';
import { assertBuyerUrl } from '../http/buyer-url.ts';
import { refundView } from './order.views.ts';
import type { OrderService } from './order.service.ts';
import type { RefundService } from '../refunds/refund.service.ts';

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  410: ErrorBody,
  422: ErrorBody,
  429: ErrorBody,
};
const security = [{ merchantKey: [] }];
const merchantScope = () => 'merchant';

export const orderRoutes: FastifyPluginAsyncTypebox<{
  orders: OrderService;
  refunds: RefundService;
  authenticate: (request: FastifyRequest) => Promise<void>;
  /** http: returnUrls to loopback hosts are accepted (the development profile). */
  allowLoopbackHttp: boolean;
}> = async (app, { orders, refunds, authenticate, allowLoopbackHttp }) => {
  app.addHook('onRequest', authenticate);

  app.post(
    '/api/v1/orders',
    {
      config: { idempotencyScope: merchantScope },
      schema: {
        tags: ['Merchant API'],
        summary: 'Create an order',
        description:
          'Creates an OPEN order and returns the checkout URL and token to hand to the buyer (S4).',
        security,
        headers: IdempotencyKeyHeader,
        body: CreateOrderBody,
        response: { 201: OrderView, ...errors },
      },
    },
    async (request, reply) => {
      assertBuyerUrl('body.returnUrl', request.body.returnUrl, { allowLoopbackHttp });
      const order = await orders.create(request.body);
      return reply.status(201).send(await orders.get(order.id, { history: false }));
    },
  );

  app.get(
    '/api/v1/orders/:id',
    {
      schema: {
        tags: ['Merchant API'],
        summary: 'Get an order',
        description:
          'The order with its payments, refunds and full event history (state changes, gateway calls, notifications).',
        security,
        params: OrderIdParams,
        response: { 200: OrderView, ...errors },
      },
    },
    async (request) => orders.get(request.params.id, { history: true }),
  );

  app.get(
    '/api/v1/orders',
    {
      schema: {
        tags: ['Merchant API'],
        summary: 'List orders',
        description:
          'Newest first; filter by status, search by order id, reference or payment id; cursor pagination.',
        security,
        querystring: OrderListQuery,
        response: { 200: OrderList, ...errors },
      },
    },
    async (request) => orders.list(request.query),
  );

  app.post(
    '/api/v1/orders/:id/close',
    {
      config: { idempotencyScope: merchantScope },
      schema: {
        tags: ['Merchant API'],
        summary: 'Close an unpaid order',
        description:
          'Cancels its live payment at Antom, then closes the order. A paid order answers 409 ORDER_ALREADY_PAID.',
        security,
        headers: IdempotencyKeyHeader,
        params: OrderIdParams,
        response: { 200: OrderView, ...errors },
      },
    },
    async (request) => {
      await orders.close(request.params.id);
      return orders.get(request.params.id, { history: false });
    },
  );

  app.post(
    '/api/v1/orders/:id/refunds',
    {
      config: { idempotencyScope: merchantScope },
      schema: {
        tags: ['Merchant API'],
        summary: 'Refund a paid order',
        description:
          'Refunds `amount` (default: all that is left) of the paid payment. The total never exceeds what was paid. ' +
          'Synchronous methods answer SUCCEEDED; others PROCESSING, settled later (webhook refund.succeeded / refund.failed).',
        security,
        headers: IdempotencyKeyHeader,
        params: OrderIdParams,
        body: Type.Union([RefundBody, Type.Null()]),
        response: { 201: RefundView, ...errors },
      },
    },
    async (request, reply) => {
      const refund = await refunds.refundOrder(request.params.id, request.body ?? {}, {
        idempotencyKey: request.idempotency?.key,
      });
      return reply.status(201).send(refundView(refund));
    },
  );
};
