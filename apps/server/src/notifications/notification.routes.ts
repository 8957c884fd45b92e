// POST /api/v1/antom/notify — the body is taken raw (as bytes) because the signature covers the exact
// bytes Antom sent; it is parsed only after verification. Antom's notifications are a few KB (the largest,
// notifyPayment with every optional field filled, is under 10 KB), so a body over NOTIFY_BODY_LIMIT_BYTES
// (32 KB by default) is refused with 413 before it is read (D10.1: 250 KB junk bodies).
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { NotificationService } from './notification.service.ts';

export const NOTIFY_PATH = '/api/v1/antom/notify';

export async function notificationRoutes(
  app: FastifyInstance,
  deps: { notifications: NotificationService; bodyLimitBytes: number },
): Promise<void> {
  // Encapsulated: these parsers apply to this plugin's route only.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: deps.bodyLimitBytes },
    (_request, body, done) => done(null, body),
  );

  app.post(NOTIFY_PATH, { schema: { hide: true } }, async (request, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const answer = await deps.notifications.handle(raw, request.headers, request.ip);
    if (answer.retryAfterSeconds) reply.header('retry-after', String(answer.retryAfterSeconds));
    // Where the time went, as confirm's answer says it (the sandbox's delivery log shows it; Antom ignores
    // it): the whole request, and acting on the notification (its effects committed) before it was kept.
    if (answer.appliedMs !== undefined) {
      reply.header(
        'server-timing',
        `app;dur=${reply.elapsedTime.toFixed(2)}, apply;dur=${answer.appliedMs.toFixed(2)};desc="effects committed"`,
      );
    }
    return reply.status(answer.status).type(answer.contentType).send(answer.body);
  });
}
