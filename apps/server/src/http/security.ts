// Security headers on every answer (D4.17, D10.7). API answers are never cached;
// every other answer — the cashier's pages, the ops console, the API reference at /docs — carries a CSP
// that allows only our own scripts, and frame protection: the ops console and /docs may not be framed at
// all, the buyer's pages only by themselves (the embed is a script on the merchant's page, not a frame).
import type { FastifyInstance } from 'fastify';

/** Header names and values in the order they are set (names in lower case, as Fastify keeps them). */
export type HeaderList = readonly (readonly [string, string])[];

/**
 * Adds the security headers to every answer; returns the list for a URL, for an answer written outside
 * Fastify's lifecycle (the status poll's fast path, D17.7), which must carry the same.
 */
export function installSecurityHeaders(
  app: FastifyInstance,
  options: { sandboxOrigin: string | null; anyOriginPrefix: string },
): { headersFor: (url: string) => HeaderList } {
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
  const common: [string, string][] = [
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'no-referrer'],
    ['cross-origin-opener-policy', 'same-origin'],
  ];
  const api: HeaderList = [...common, ['cache-control', 'no-store']];
  const anyOriginApi: HeaderList = [...api, ['access-control-allow-origin', '*']];
  const docsPage: HeaderList = [...common, ['content-security-policy', docs], ['x-frame-options', 'DENY']];
  const adminPage: HeaderList = [...common, ['content-security-policy', admin], ['x-frame-options', 'DENY']];
  const page: HeaderList = [...common, ['content-security-policy', pages], ['x-frame-options', 'SAMEORIGIN']];
  const headersFor = (url: string): HeaderList =>
    url.startsWith('/api/') || url.startsWith('/shop/api/')
      ? url.startsWith(anyOriginPrefix)
        ? anyOriginApi
        : api
      : url.startsWith('/docs')
        ? docsPage
        : url.startsWith('/admin')
          ? adminPage
          : page;
  // A callback hook, not an async one: it runs on every answer, and a promise each time costs.
  app.addHook('onSend', (request, reply, payload, done) => {
    for (const [name, value] of headersFor(request.url)) reply.header(name, value);
    done(null, payload);
  });
  return { headersFor };
}
