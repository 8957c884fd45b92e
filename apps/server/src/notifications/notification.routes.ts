// POST /api/v1/antom/notify — the body is taken raw (as bytes) because the signature covers the exact
// bytes Antom sent; it is parsed only after verification.
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { NotificationService } from './notification.service.ts';

export const NOTIFY_PATH = '/api/v1/antom/notify';

export async function notificationRoutes(
  app: FastifyInstance,
  deps: { notifications: NotificationService },
): Promise<void> {
  // Encapsulated: these parsers apply to this plugin's route only.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 256 * 1024 }, (_request, body, done) =>
    done(null, body),
  );

  app.post(NOTIFY_PATH, { schema: { hide: true } }, async (request, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const answer = await deps.notifications.handle(raw, request.headers);
    return reply.status(answer.status).type(answer.contentType).send(answer.body);
  });
}
