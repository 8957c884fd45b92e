// The payment-method catalog for the ops console (Merchant API key): display names, and what Antom allows
// after a payment (cancel, refund, and whether a refund is back at once), so the console can tell an
// operator what a refund does for the buyer before it is sent (D11).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { ErrorBody, MerchantPaymentMethodList } from '@paydesk/api';
import type { MethodService } from './method.service.ts';

export const methodRoutes: FastifyPluginAsyncTypebox<{
  methods: MethodService;
  authenticate: (request: FastifyRequest) => Promise<void>;
}> = async (app, { methods, authenticate }) => {
  app.get(
    '/api/v1/payment-methods',
    {
      onRequest: authenticate,
      schema: {
        tags: ['Merchant API'],
        summary: 'List the payment-method catalog',
        description:
          'Every configured method with its English name, category, whether it is a digital wallet (Antom refunds ' +
          'wallets at once, other methods asynchronously), and its cancel and refund rules.',
        security: [{ merchantKey: [] }],
        response: { 200: MerchantPaymentMethodList, 401: ErrorBody },
      },
    },
    async () => ({
      data: methods.all().map((method) => ({
        type: method.type,
        name: method.names.en ?? method.type,
        category: method.category,
        wallet: method.wallet === true,
        cancel: method.cancel,
        refund: method.refund,
      })),
    }),
  );
};
