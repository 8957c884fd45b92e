// Security headers on every answer (issue 4 point 17). API answers are never cached; pages get a CSP
// that allows only our own scripts and styles (the cashier's QR is drawn as inline SVG, so no image host).
import type { FastifyInstance } from 'fastify';

export function installSecurityHeaders(
  app: FastifyInstance,
  options: { sandboxOrigin: string | null },
): void {
  const imgSources = ["'self'", 'data:', ...(options.sandboxOrigin ? [options.sandboxOrigin] : [])].join(' ');
  // A callback hook, not an async one: it runs on every answer, and a promise each time costs.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    const url = request.url;
    if (url.startsWith('/api/') || url.startsWith('/shop/api/')) {
      reply.header('cache-control', 'no-store');
    } else if (!url.startsWith('/docs')) {
      reply.header(
        'content-security-policy',
        `default-src 'self'; img-src ${imgSources}; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'`,
      );
    }
    if (url.startsWith('/admin')) reply.header('x-frame-options', 'DENY');
    done(null, payload);
  });
}
