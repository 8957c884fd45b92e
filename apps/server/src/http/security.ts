// Security headers on every answer (D4.17, D10.7). API answers are never cached;
// every other answer — the cashier's pages, the ops console, the API reference at /docs — carries a CSP
// that allows only our own scripts, and frame protection: the ops console and /docs may not be framed at
// all, the buyer's pages only by themselves (the embed is a script on the merchant's page, not a frame).
import type { FastifyInstance } from 'fastify';

export function installSecurityHeaders(
  app: FastifyInstance,
  options: { sandboxOrigin: string | null; anyOriginPrefix: string },
): void {
  const { anyOriginPrefix } = options;
  // Images may come from any https origin: Antom sends image-only payment codes and wallet logos from
  // its own hosts (global.alipay.com, cdn.marmot-cloud.com in its samples, more by region —
  // docs/antom-notes.md), and MERCHANT_LOGO_URL may be the merchant's CDN. An image cannot run script;
  // scripts, styles and connections stay 'self'. The development sandbox serves its images over http.
  const imgSources = [
    "'self'",
    'data:',
    'https:',
    ...(options.sandboxOrigin ? [options.sandboxOrigin] : []),
  ].join(' ');
  const pages = `default-src 'self'; img-src ${imgSources}; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'`;
  const admin = pages.replace("frame-ancestors 'self'", "frame-ancestors 'none'");
  // Swagger UI loads only its own files, sets inline styles, and reads /docs/json.
  const docs = `default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;
  // A callback hook, not an async one: it runs on every answer, and a promise each time costs.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    const url = request.url;
    if (url.startsWith('/api/') || url.startsWith('/shop/api/')) {
      reply.header('cache-control', 'no-store');
      if (url.startsWith(anyOriginPrefix)) reply.header('access-control-allow-origin', '*');
    } else if (url.startsWith('/docs')) {
      reply.header('content-security-policy', docs);
      reply.header('x-frame-options', 'DENY');
    } else if (url.startsWith('/admin')) {
      reply.header('content-security-policy', admin);
      reply.header('x-frame-options', 'DENY');
    } else {
      reply.header('content-security-policy', pages);
      reply.header('x-frame-options', 'SAMEORIGIN');
    }
    done(null, payload);
  });
}
