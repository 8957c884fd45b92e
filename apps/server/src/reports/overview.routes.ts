// The overview in the Merchant API (D16.5): the same figures the ops console charts, and the
// orders behind each of them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { ErrorBody, OrderList, Overview, OverviewOrdersQuery } from '@paydesk/api';
import type { OverviewService } from './overview.service.ts';

const security = [{ merchantKey: [] }];
const tags = ['Reports'];

export const overviewRoutes: FastifyPluginAsyncTypebox<{
  overview: OverviewService;
  authenticate: (request: FastifyRequest) => Promise<void>;
}> = async (app, { overview, authenticate }) => {
  app.addHook('onRequest', authenticate);

  app.get(
    '/api/v1/reports/overview',
    {
      schema: {
        tags,
        summary: 'The overview of orders and money',
        description:
          'For today, the last 7 and the last 30 days (UTC+8 days, like Antom’s reports): orders placed, paid, ' +
          'expired and closed; conversion from confirm to paid per method; captured, refunded and reversed per ' +
          'currency (minor units); open reconciliation discrepancies and orders needing attention.',
        security,
        response: { 200: Overview, 401: ErrorBody },
      },
    },
    async () => overview.overview(),
  );

  app.get(
    '/api/v1/reports/overview/orders',
    {
      schema: {
        tags,
        summary: 'The orders behind one figure of the overview',
        description:
          'figure: placed, paid, expired, closed, confirmed, captured, refunded, reversed or attention.',
        security,
        querystring: OverviewOrdersQuery,
        response: { 200: OrderList, 400: ErrorBody, 401: ErrorBody },
      },
    },
    async (request) => overview.ordersBehind(request.query),
  );
};
