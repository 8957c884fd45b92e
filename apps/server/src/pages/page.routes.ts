// The buyer and operator pages, built by apps/cashier into its dist/ folder: each route answers the HTML
// entry of its page, and every other built file (scripts, styles, logos, embed.js) is served at its own
// path, precompressed and cached as static-files.ts says. Without the demo shop (production), neither
// its page nor the files only it loads are served (D10.3).
import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { filesOfEntry, loadStaticFiles, readManifests, sendStatic } from './static-files.ts';

const PAGES: Record<string, string> = {
  '/': 'shop.html',
  '/checkout/:token': 'checkout.html',
  '/checkout/:token/result': 'checkout.html',
  '/checkout/:token/pay': 'checkout.html',
  '/admin': 'admin.html',
};
const SHOP_PAGE = 'shop.html';

/**
 * Scripts, styles and logos are not documents: browsers apply a page's CSP and opener policy to documents
 * only, and on each of them those headers cost a quarter of a kilobyte of the first visit (D14 point
 * 3). A policy that runs nothing stays, for an SVG opened on its own. Runs after the shared hooks.
 */
function subresourceHeaders(
  _request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: null, payload: unknown) => void,
): void {
  reply.removeHeader('cross-origin-opener-policy');
  reply.header('content-security-policy', "default-src 'none'");
  done(null, payload);
}

export async function pageRoutes(
  app: FastifyInstance,
  deps: { dist: string; demoShop: boolean },
): Promise<void> {
  const files = loadStaticFiles(deps.dist);
  const withheld = new Set<string>();
  if (!deps.demoShop) {
    const chunks = readManifests(deps.dist);
    const kept = new Set(
      Object.values(PAGES)
        .filter((page) => page !== SHOP_PAGE)
        .flatMap((page) => [...filesOfEntry(chunks, page)]),
    );
    withheld.add(`/${SHOP_PAGE}`);
    for (const file of filesOfEntry(chunks, SHOP_PAGE)) if (!kept.has(file)) withheld.add(`/${file}`);
  }

  for (const [path, page] of Object.entries(PAGES)) {
    const file = files.get(`/${page}`);
    if (!file || withheld.has(file.path)) continue;
    app.get(path, { schema: { hide: true } }, (request, reply) => sendStatic(request, reply, file));
  }

  for (const file of files.values()) {
    if (file.path.endsWith('.html') || withheld.has(file.path)) continue;
    // The embed is imported from the merchant's own pages, on another origin; module scripts are fetched
    // in CORS mode, so embed.js and the chunks it loads on demand (other languages, the save tools; D15)
    // answer any origin (they hold no secret; the token is the credential).
    const crossOrigin = file.path === '/embed.js' || /^\/embed-[\w-]+\.js$/.test(file.path);
    app.get(file.path, { schema: { hide: true }, onSend: subresourceHeaders }, (request, reply) => {
      if (crossOrigin) reply.header('access-control-allow-origin', '*');
      return sendStatic(request, reply, file);
    });
  }
}
