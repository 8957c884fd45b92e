// Reconciliation in the Merchant API (D16.2, D16.4): upload a report obtained by hand, read the
// days and one day with its totals and discrepancies, resolve a discrepancy with a note, fetch now.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import {
  DayList,
  DayParams,
  DayView,
  DiscrepancyParams,
  DiscrepancyView,
  ErrorBody,
  IdempotencyKeyHeader,
  ImportReportBody,
  ImportReportResult,
  ResolveBody,
} from '@paydesk/api';
import type { ReconciliationService } from './reconciliation.service.ts';
import type { ReportFetcher } from './report.fetcher.ts';

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
  422: ErrorBody,
};
const security = [{ merchantKey: [] }];
const tags = ['Reconciliation'];
// Every Merchant API write takes an Idempotency-Key (docs/product.md "HTTP contract (v1)").
const merchantScope = () => 'merchant';

export const reconciliationRoutes: FastifyPluginAsyncTypebox<{
  reconciliation: ReconciliationService;
  fetcher: ReportFetcher | undefined;
  authenticate: (request: FastifyRequest) => Promise<void>;
}> = async (app, { reconciliation, fetcher, authenticate }) => {
  app.addHook('onRequest', authenticate);

  app.post(
    '/api/v1/reconciliation/reports',
    {
      // A month of transactions fits; the API's usual 64 KiB does not.
      bodyLimit: 10 * 1024 * 1024,
      config: { idempotencyScope: merchantScope },
      schema: {
        tags,
        summary: 'Import an Antom report obtained by hand',
        description:
          'A Transaction details, Settlement details or Settlement summary report under its Antom file name. ' +
          'Imported once by name and hash (the same file again answers DUPLICATE); a malformed file is refused ' +
          'with 422 REPORT_MALFORMED naming the line and reason, and nothing is imported.',
        security,
        headers: IdempotencyKeyHeader,
        body: ImportReportBody,
        response: { 200: ImportReportResult, 201: ImportReportResult, ...errors },
      },
    },
    async (request, reply) => {
      const result = await reconciliation.importFile(request.body.name, request.body.content, 'UPLOAD');
      return reply.status(result.status === 'IMPORTED' ? 201 : 200).send(result);
    },
  );

  app.get(
    '/api/v1/reconciliation/days',
    {
      schema: {
        tags,
        summary: 'Reconciliation days',
        description: 'Newest first: the state of each day’s report, its totals and open discrepancies.',
        security,
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 31 })) },
          { additionalProperties: false },
        ),
        response: { 200: DayList, ...errors },
      },
    },
    async (request) => ({ data: await reconciliation.listDays(request.query.limit ?? 31) }),
  );

  app.get(
    '/api/v1/reconciliation/days/:date',
    {
      schema: {
        tags,
        summary: 'One reconciliation day',
        description:
          'Totals per currency from Antom’s report (captured, reversed, refunded, net, fees, settlement), its ' +
          'files and settlement batches, and every discrepancy with both sides’ data.',
        security,
        params: DayParams,
        response: { 200: DayView, ...errors },
      },
    },
    async (request) => reconciliation.day(request.params.date),
  );

  app.post(
    '/api/v1/reconciliation/discrepancies/:id/resolve',
    {
      config: { idempotencyScope: merchantScope },
      schema: {
        tags,
        summary: 'Resolve a discrepancy',
        description: 'An operator closes an open discrepancy with a note; a resolved one answers 409.',
        security,
        headers: IdempotencyKeyHeader,
        params: DiscrepancyParams,
        body: ResolveBody,
        response: { 200: DiscrepancyView, ...errors },
      },
    },
    async (request) => reconciliation.resolve(request.params.id, request.body.note),
  );

  app.post(
    '/api/v1/reconciliation/fetch',
    {
      schema: {
        tags,
        summary: 'Fetch due reports now',
        description: 'Runs the scheduled SFTP fetch at once; 409 when no SFTP server is configured.',
        security,
        response: {
          200: Type.Object({
            days: Type.Array(
              Type.Object({
                day: Type.String(),
                status: Type.String(),
                files: Type.Array(Type.Object({ name: Type.String(), status: Type.String() })),
                error: Type.Optional(Type.String()),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (_request, reply) => {
      if (!fetcher) {
        return reply
          .status(409)
          .send({ error: { code: 'CONFLICT', message: 'no SFTP server is configured (ANTOM_SFTP_HOST)' } });
      }
      return { days: await fetcher.fetchOnce() };
    },
  );
};
