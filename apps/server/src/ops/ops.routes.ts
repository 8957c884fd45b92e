// Liveness, readiness and metrics (PRODUCT.md "Pages"): /healthz says the process runs, /readyz that the
// database answers and migrations ran, /metrics exposes Prometheus series.
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.ts';

export async function opsRoutes(
  app: FastifyInstance,
  deps: { ready: () => Promise<boolean>; metrics: Metrics },
): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const ok = await deps.ready();
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready' });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type('text/plain; version=0.0.4').send(await deps.metrics.render());
  });
}
