// The buyer and operator pages, built by apps/cashier into its dist/ folder: each route answers the HTML
// entry for its page; the files themselves (scripts, styles, logos, embed.js) are served statically.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

const PAGES: Record<string, string> = {
  '/': 'shop.html',
  '/checkout/:token': 'checkout.html',
  '/checkout/:token/result': 'checkout.html',
  '/checkout/:token/pay': 'checkout.html',
  '/admin': 'admin.html',
};

export async function pageRoutes(app: FastifyInstance, deps: { dist: string }): Promise<void> {
  for (const [path, file] of Object.entries(PAGES)) {
    let html: string | undefined;
    app.get(path, { schema: { hide: true } }, async (_request, reply) => {
      html ??= readFileSync(join(deps.dist, file), 'utf8');
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    });
  }

  // The embed is imported from the merchant's own pages, on another origin; module scripts are fetched
  // in CORS mode, so this one file answers any origin (it holds no secret; the token is the credential).
  let embed: string | undefined;
  app.get('/embed.js', { schema: { hide: true } }, async (_request, reply) => {
    embed ??= readFileSync(join(deps.dist, 'embed.js'), 'utf8');
    return reply
      .type('text/javascript; charset=utf-8')
      .header('access-control-allow-origin', '*')
      .header('cache-control', 'no-cache')
      .send(embed);
  });

  // The embed's on-demand chunks (other languages, the save tools; D15), imported by embed.js from
  // the merchant's origin in CORS mode like embed.js itself. Content-hashed names, so cached for good.
  const chunks = new Map<string, string>();
  app.get<{ Params: { chunk: string } }>(
    '/embed-:chunk',
    { schema: { hide: true } },
    async (request, reply) => {
      const name = `embed-${request.params.chunk}`;
      if (!/^embed-[\w-]+\.js$/.test(name)) return reply.callNotFound();
      let body = chunks.get(name);
      if (body === undefined) {
        try {
          body = readFileSync(join(deps.dist, name), 'utf8');
        } catch {
          return reply.callNotFound();
        }
        chunks.set(name, body);
      }
      return reply
        .type('text/javascript; charset=utf-8')
        .header('access-control-allow-origin', '*')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(body);
    },
  );
}
