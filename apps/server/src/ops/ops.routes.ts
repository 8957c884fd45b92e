// Liveness, readiness and metrics (docs/product.md "Pages"): /healthz says the process runs, /readyz that the
// database answers and migrations ran and that Antom accepts our credentials (D11), /metrics exposes
// Prometheus series. The ops console reads the same health through the Merchant API. /metrics needs a
// bearer token (Prometheus' `bearer_token`): it told anyone the business volume (D10.7).
import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ErrorBody, OpsHealth } from '@paydesk/api';
import { DomainError } from '../domain/errors.ts';
import type { GatewayHealth } from '../gateway/gateway-health.ts';
import { bearerMatches } from '../http/auth.ts';
import type { Metrics } from './metrics.ts';

export async function opsRoutes(
  app: FastifyInstance,
  deps: {
    ready: () => Promise<boolean>;
    metrics: Metrics;
    /** Digests of the tokens /metrics accepts: METRICS_TOKEN's, else the Merchant API key's. */
    metricsTokens: () => readonly string[];
    gatewayHealth: GatewayHealth;
    authenticate: (request: FastifyRequest) => Promise<void>;
  },
): Promise<void> {
  const health = async () => {
    const database = await deps.ready();
    const fault = deps.gatewayHealth.fault;
    return { database, gateway: fault ? { status: 'fault' as const, fault } : { status: 'ok' as const } };
  };
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  // Not ready while the database is down or Antom refuses our credentials: such an instance cannot take a
  // payment (a misconfigured one leaves the balancer). `?check=database` asks about the database only.
  app.get<{ Querystring: { check?: string } }>(
    '/readyz',
    { schema: { hide: true } },
    async (request, reply) => {
      const { database, gateway } = await health();
      const ok = database && (request.query.check === 'database' || gateway.status === 'ok');
      return reply.status(ok ? 200 : 503).send({
        status: ok ? 'ready' : 'not ready',
        database: database ? 'ok' : 'down',
        gateway,
      });
    },
  );
  app.get(
    '/api/v1/ops/health',
    {
      onRequest: deps.authenticate,
      schema: {
        tags: ['Merchant API'],
        summary: 'Database and Antom integration health (for the ops console)',
        security: [{ merchantKey: [] }],
        response: { 200: OpsHealth, 401: ErrorBody },
      },
    },
    async () => {
      const { database, gateway } = await health();
      return { database: database ? 'ok' : 'down', gateway };
    },
  );
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!bearerMatches(request, deps.metricsTokens())) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new DomainError('UNAUTHORIZED', 'a metrics token is required (Authorization: Bearer …)');
    }
    return reply.type('text/plain; version=0.0.4').send(await deps.metrics.render());
  });
}
