// Liveness, readiness and metrics (PRODUCT.md "Pages"): /healthz says the process runs, /readyz that the
// database answers and migrations ran, /metrics exposes Prometheus series. /metrics needs a bearer token
// (Prometheus' `bearer_token`): it told anyone the business volume (issue 10 finding 7).
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../domain/errors.ts';
import { bearerMatches } from '../http/auth.ts';
import type { Metrics } from './metrics.ts';

export async function opsRoutes(
  app: FastifyInstance,
  deps: {
    ready: () => Promise<boolean>;
    metrics: Metrics;
    /** Digests of the tokens /metrics accepts: METRICS_TOKEN's, else the Merchant API key's. */
    metricsTokens: () => readonly string[];
  },
): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const ok = await deps.ready();
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready' });
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!bearerMatches(request, deps.metricsTokens())) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new DomainError('UNAUTHORIZED', 'a metrics token is required (Authorization: Bearer …)');
    }
    return reply.type('text/plain; version=0.0.4').send(await deps.metrics.render());
  });
}
