// The built cashier served as a CDN would serve it (D14.3): brotli or gzip made at build time
// and chosen by Accept-Encoding, content-hashed files immutable for a year, pages and embed.js
// revalidated with ETags, and without the demo shop neither its page nor the files only it loads.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageRoutes } from '../src/pages/page.routes.ts';
import { chooseEncoding, IMMUTABLE, REVALIDATE, SHORT, type StaticFile } from '../src/pages/static-files.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
let dist: string;
const script = `export const greeting = ${JSON.stringify('hello '.repeat(400))};\n`;

/** A small build shaped like apps/cashier/dist: three pages, hashed chunks, a shared chunk, public files. */
function writeBuild(dir: string): void {
  const files: Record<string, string> = {
    'checkout.html': `<!doctype html><script type="module" src="/assets/checkout-AAAAAAAA.js"></script>${' '.repeat(300)}`,
    'shop.html': '<!doctype html><script type="module" src="/assets/shop-BBBBBBBB.js"></script>',
    'admin.html': '<!doctype html><script type="module" src="/assets/admin-CCCCCCCC.js"></script>',
    'assets/checkout-AAAAAAAA.js': script,
    'assets/checkout-DDDDDDDD.css': `body { color: black; }\n${'.a { margin: 0 }\n'.repeat(50)}`,
    'assets/shop-BBBBBBBB.js': script,
    'assets/admin-CCCCCCCC.js': script,
    'assets/icons-EEEEEEEE.js': script,
    'assets/methods/promptpay.svg': `<svg xmlns="http://www.w3.org/2000/svg">${'<rect/>'.repeat(40)}</svg>`,
    'favicon.svg': '<svg/>',
    'embed.js': script,
    '.vite/manifest-checkout.json': JSON.stringify({
      'checkout.html': { file: 'assets/checkout-AAAAAAAA.js', css: ['assets/checkout-DDDDDDDD.css'] },
    }),
    '.vite/manifest-shop-admin.json': JSON.stringify({
      '_icons-EEEEEEEE.js': { file: 'assets/icons-EEEEEEEE.js' },
      'shop.html': { file: 'assets/shop-BBBBBBBB.js', imports: ['_icons-EEEEEEEE.js'] },
      'admin.html': { file: 'assets/admin-CCCCCCCC.js', imports: ['_icons-EEEEEEEE.js'] },
    }),
  };
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  execFileSync(process.execPath, [join(ROOT, 'scripts/precompress.mjs'), dir], { stdio: 'pipe' });
}

async function pages(demoShop: boolean): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(pageRoutes, { dist, demoShop });
  return app;
}

beforeAll(() => {
  dist = mkdtempSync(join(tmpdir(), 'paydesk-dist-'));
  writeBuild(dist);
});
afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe('the built cashier, served', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await pages(true);
  });
  afterAll(() => app.close());

  it('sends the brotli variant to a browser that takes it, gzip to one that takes only gzip', async () => {
    const br = await app.inject({
      url: '/assets/checkout-AAAAAAAA.js',
      headers: { 'accept-encoding': 'br, gzip' },
    });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);
    expect(br.rawPayload.length).toBeLessThan(script.length / 10);

    const gzip = await app.inject({
      url: '/assets/checkout-AAAAAAAA.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).toString()).toBe(script);

    const refused = await app.inject({
      url: '/assets/checkout-AAAAAAAA.js',
      headers: { 'accept-encoding': 'br;q=0, gzip;q=0.5' },
    });
    expect(refused.headers['content-encoding']).toBe('gzip');
    const plain = await app.inject({
      url: '/assets/checkout-AAAAAAAA.js',
      headers: { 'accept-encoding': '' },
    });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
    // Each variant has an ETag of its own (a cache must not swap one for the other).
    expect(new Set([br.headers.etag, gzip.headers.etag, plain.headers.etag]).size).toBe(3);
  });

  it('caches content-hashed files for a year as immutable, public files for a day', async () => {
    for (const url of [
      '/assets/checkout-AAAAAAAA.js',
      '/assets/checkout-DDDDDDDD.css',
      '/assets/icons-EEEEEEEE.js',
    ]) {
      expect((await app.inject({ url })).headers['cache-control'], url).toBe(IMMUTABLE);
    }
    expect(IMMUTABLE).toBe('public, max-age=31536000, immutable');
    for (const url of ['/assets/methods/promptpay.svg', '/favicon.svg']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['cache-control'], url).toBe(SHORT);
      expect(response.headers['content-type']).toBe('image/svg+xml');
    }
  });

  it('revalidates pages and embed.js: the same ETag back is a 304 with no body', async () => {
    for (const url of ['/checkout/tok_abc', '/checkout/tok_abc/result', '/admin', '/', '/embed.js']) {
      const first = await app.inject({ url, headers: { 'accept-encoding': 'br, gzip' } });
      expect(first.statusCode, url).toBe(200);
      expect(first.headers['cache-control'], url).toBe(REVALIDATE);
      const etag = String(first.headers.etag);
      expect(etag).toMatch(/^"[\w-]{16}-br"$/);
      const again = await app.inject({
        url,
        headers: { 'accept-encoding': 'br, gzip', 'if-none-match': etag },
      });
      expect(again.statusCode, url).toBe(304);
      expect(again.rawPayload.length).toBe(0);
      expect(again.headers.etag).toBe(etag);
      // A browser holding the gzip variant of the same content also gets its 304.
      const other = await app.inject({
        url,
        headers: { 'accept-encoding': 'br', 'if-none-match': etag.replace('-br', '-gzip') },
      });
      expect(other.statusCode).toBe(304);
    }
    const changed = await app.inject({ url: '/admin', headers: { 'if-none-match': '"stale"' } });
    expect(changed.statusCode).toBe(200);
  });

  it('answers HEAD with the headers only, embed.js to any origin, and no file the build has not got', async () => {
    const head = await app.inject({
      method: 'HEAD',
      url: '/assets/checkout-DDDDDDDD.css',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(head.rawPayload.length).toBe(0);
    expect((await app.inject({ url: '/embed.js' })).headers['access-control-allow-origin']).toBe('*');
    for (const url of [
      '/assets/nothing.js',
      '/checkout.html',
      '/.vite/manifest-checkout.json',
      '/embed.js.br',
    ]) {
      expect((await app.inject({ url })).statusCode, url).toBe(404);
    }
  });
});

describe('without the demo shop (production)', () => {
  it('serves neither its page nor the files only it loads; the files other pages share stay', async () => {
    const app = await pages(false);
    expect((await app.inject({ url: '/' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/assets/shop-BBBBBBBB.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/assets/icons-EEEEEEEE.js' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/admin' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/checkout/tok_abc' })).statusCode).toBe(200);
    await app.close();
  });
});

describe('chooseEncoding', () => {
  const both: StaticFile = {
    path: '/x.js',
    type: 'text/javascript',
    cacheControl: IMMUTABLE,
    tag: 'tag',
    variants: { identity: Buffer.from('x'), br: Buffer.from('b'), gzip: Buffer.from('g') },
  };
  it.each([
    ['br, gzip', 'br'],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip', 'gzip'],
    ['GZIP;q=1', 'gzip'],
    ['br;q=0', 'identity'],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['identity', 'identity'],
    [undefined, 'identity'],
  ])('Accept-Encoding %j → %s', (header, expected) => {
    expect(chooseEncoding(header, both)).toBe(expected);
  });
});
