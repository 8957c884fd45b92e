// D7.9 — what a buyer downloads (D5 "Done when"): the gzip size of the cashier's
// JavaScript and CSS for the hosted checkout page and for embed.js, beside Adyen Web's smallest QR-capable
// import (the Drop-in free "core + one QR component", about 52 KB JS + 19 KB CSS gzip = 71 KB, measured by
// Adyen's own bundle reports; not re-measured here, as it cannot be installed offline).
// Target: under 25 KB JS + CSS each, in all.
// D14.3 — bytes on the wire: a first visit to /checkout/:token (the page, its scripts, styles,
// fonts, favicon and the method logos it shows) with `Accept-Encoding: br, gzip`, every response counted
// whole (status line, headers, body) as the server sends it in the production profile; then a repeat
// visit by a browser that kept what the first visit's Cache-Control allowed. Targets < 25 KB and < 3 KB.
import { mkdtempSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { generateKeyPair } from '@paydesk/antom';
import { createSandbox } from '@paydesk/sandbox';
import { loadConfig, startServer } from '@paydesk/server';
import { CASHIER_DIST, ensureCashierBuilt } from '../e2e/helpers/build.ts';
import { freePort, jsonRequest } from '../scripts/test-support.ts';
import { Table } from './support/report.ts';

const BUDGET = 25_000;
const ADYEN = { js: 52_000, css: 19_000 };
const FIRST_VISIT_TARGET = 25_000;
const REPEAT_VISIT_TARGET = 3_000;

interface Sizes {
  js: number;
  css: number;
  brotli: number;
  files: string[];
}

/** Every file a page loads: its scripts and stylesheets, and the modules those scripts import. */
function assetsOf(htmlFile: string): string[] {
  const html = readFileSync(htmlFile, 'utf8');
  const found = new Set<string>();
  const queue = [
    ...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="(?:stylesheet|modulepreload)"[^>]*href="([^"]+)"/g),
  ].map((match) => join(CASHIER_DIST, match[1]!));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (found.has(file) || !existsSync(file)) continue;
    found.add(file);
    if (file.endsWith('.js')) {
      const code = readFileSync(file, 'utf8');
      for (const match of code.matchAll(/(?:import|from)\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) {
        queue.push(join(dirname(file), match[1]!));
      }
    }
  }
  return [...found];
}

function measure(files: string[]): Sizes {
  const sizes: Sizes = { js: 0, css: 0, brotli: 0, files };
  for (const file of files) {
    const content = readFileSync(file);
    const gzip = gzipSync(content, { level: 9 }).length;
    if (file.endsWith('.css')) sizes.css += gzip;
    else sizes.js += gzip;
    sizes.brotli += brotliCompressSync(content).length;
  }
  return sizes;
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

/** One response as it crossed the wire. */
interface Fetched {
  path: string;
  status: number;
  bytes: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET over a connection of its own; `bytes` is everything the server sent (status line, headers, body). */
function get(base: string, path: string, headers: Record<string, string> = {}): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, {
      agent: false,
      headers: { 'accept-encoding': 'br, gzip', connection: 'keep-alive', ...headers },
    });
    req.on('response', (res) => {
      const socket = res.socket;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const bytes = socket.bytesRead;
        socket.destroy();
        resolve({
          path,
          status: res.statusCode ?? 0,
          bytes,
          headers: res.headers,
          body: Buffer.concat(chunks),
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function decoded(file: Fetched): string {
  const encoding = file.headers['content-encoding'];
  return (
    encoding === 'br'
      ? brotliDecompressSync(file.body)
      : encoding === 'gzip'
        ? gunzipSync(file.body)
        : file.body
  ).toString('utf8');
}

/** What the first visit loads, found as a browser finds it: the page's tags, then the scripts' imports and the styles' url()s, then the method logos the Buyer API lists. */
async function firstVisit(base: string, token: string): Promise<Fetched[]> {
  const fetched: Fetched[] = [];
  const queue = [`/checkout/${token}`];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const file = await get(base, path);
    fetched.push(file);
    const text = decoded(file);
    const refs = [
      ...text.matchAll(/<script[^>]*\ssrc="([^"]+)"/g),
      ...text.matchAll(/<link[^>]*\shref="([^"]+)"/g),
      ...text.matchAll(/(?:import|from)\s*["'](\.{0,2}\/[^"']+\.js)["']/g),
      ...text.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g),
    ]
      .map((match) => match[1]!)
      .filter((ref) => !ref.startsWith('data:') && !/^[a-z]+:\/\//.test(ref));
    for (const ref of refs) queue.push(new URL(ref, `http://x${path}`).pathname);
  }
  const view = await jsonRequest(base, 'GET', `/api/v1/checkout/${token}`);
  for (const method of view.body.paymentMethods as { logoUrl: string }[]) {
    const logo = new URL(method.logoUrl, base);
    if (logo.origin !== base || seen.has(logo.pathname)) continue;
    seen.add(logo.pathname);
    fetched.push(await get(base, logo.pathname));
  }
  return fetched;
}

/** The same visit again, by a browser that kept each file as its Cache-Control allows (within a day). */
async function repeatVisit(base: string, first: Fetched[]): Promise<Fetched[]> {
  const again: Fetched[] = [];
  for (const file of first) {
    const maxAge = /max-age=(\d+)/.exec(String(file.headers['cache-control'] ?? ''))?.[1];
    const fresh =
      maxAge !== undefined &&
      Number(maxAge) >= 86_400 &&
      !/no-cache|no-store/.test(String(file.headers['cache-control']));
    if (fresh) continue;
    const etag = file.headers.etag;
    again.push(await get(base, file.path, typeof etag === 'string' ? { 'if-none-match': etag } : {}));
  }
  return again;
}

/** The production profile's server with the built cashier, Antom being the sandbox in this process. */
async function measureWire(): Promise<{ first: Fetched[]; repeat: Fetched[]; api: number }> {
  const merchant = generateKeyPair();
  const gateway = generateKeyPair();
  const sandbox = await createSandbox({
    clientId: 'SANDBOX_SIZE_BENCH',
    merchantPublicKey: merchant.publicKeyPem,
    gatewayPrivateKey: gateway.privateKeyPem,
  });
  const sandboxUrl = await sandbox.listen({ port: 0, host: '127.0.0.1' });
  const dir = mkdtempSync(join(tmpdir(), 'paydesk-size-'));
  const port = await freePort();
  const apiKey = 'size_bench_key_0123456789abcdef';
  const server = await startServer(
    loadConfig(
      { NODE_ENV: 'production' },
      {
        port,
        host: '127.0.0.1',
        publicUrl: 'https://pay.example.com',
        databaseUrl: `sqlite:${join(dir, 'paydesk.db')}`,
        merchantApiKey: apiKey,
        logLevel: 'silent',
        cashierDist: CASHIER_DIST,
        antom: {
          gatewayUrl: sandboxUrl,
          clientId: 'SANDBOX_SIZE_BENCH',
          privateKey: merchant.privateKeyPem,
          publicKey: gateway.publicKeyPem,
        },
      },
    ),
    { logger: false },
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    const order = await jsonRequest(
      base,
      'POST',
      '/api/v1/orders',
      {
        reference: 'SIZE-1',
        amount: { currency: 'THB', value: '118000' },
        description: 'Jasmine tea ×2, Wildflower honey ×1',
        region: 'TH',
      },
      { authorization: `Bearer ${apiKey}` },
    );
    const token = order.body.checkoutToken as string;
    const first = await firstVisit(base, token);
    const repeat = await repeatVisit(base, first);
    const api = (await get(base, `/api/v1/checkout/${token}`)).bytes;
    return { first, repeat, api };
  } finally {
    await server.stop();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  ensureCashierBuilt();
  const wire = await measureWire();
  const sum = (files: Fetched[]) => files.reduce((total, file) => total + file.bytes, 0);
  const wireTable = new Table('Checkout page on the wire (Accept-Encoding: br, gzip; 1 KB = 1000 bytes)');
  wireTable.add({
    measure: 'first visit to /checkout/:token',
    ours: `${kb(sum(wire.first))} in ${wire.first.length} responses (${(sum(wire.first) / (ADYEN.js + ADYEN.css)).toFixed(2)}×)`,
    baseline: `Adyen Web QR, published: ~${kb(ADYEN.js + ADYEN.css)} (gzip JS + CSS alone)`,
    target: `< ${kb(FIRST_VISIT_TARGET)}`,
    pass: sum(wire.first) < FIRST_VISIT_TARGET,
  });
  wireTable.add({
    measure: 'repeat visit (within a day)',
    ours: `${kb(sum(wire.repeat))} in ${wire.repeat.length} response${wire.repeat.length === 1 ? '' : 's'} (${wire.repeat.map((f) => f.status).join(', ')})`,
    baseline: `first visit: ${kb(sum(wire.first))}`,
    target: `< ${kb(REPEAT_VISIT_TARGET)}`,
    pass: sum(wire.repeat) < REPEAT_VISIT_TARGET,
  });
  for (const file of wire.first) {
    wireTable.note(
      `${file.path.replace(/\/checkout\/[\w-]+/, '/checkout/:token')}: ${file.bytes} B (${file.headers['content-encoding'] ?? 'identity'}, ${file.headers['cache-control']})`,
    );
  }
  wireTable.note(
    `not counted: the Buyer API's first GET /api/v1/checkout/:token, ${wire.api} B of JSON; TLS framing (about 1–2 % more)`,
  );
  wireTable.print();

  const rows: [string, Sizes][] = [
    ['checkout page (/checkout/:token)', measure(assetsOf(join(CASHIER_DIST, 'checkout.html')))],
    ['embed.js (one ES module, CSS inside)', measure([join(CASHIER_DIST, 'embed.js')])],
  ];
  const adyen = ADYEN.js + ADYEN.css;
  const table = new Table('Cashier download size (gzip -9, 1 KB = 1000 bytes)');
  for (const [name, s] of rows) {
    const total = s.js + s.css;
    table.add({
      measure: name,
      ours: `${kb(total)} = JS ${kb(s.js)} + CSS ${kb(s.css)} (${(total / adyen).toFixed(2)}×; brotli ${kb(s.brotli)})`,
      baseline: `Adyen Web QR, published: ~${kb(adyen)} = JS ${kb(ADYEN.js)} + CSS ${kb(ADYEN.css)}`,
      target: `< ${kb(BUDGET)} JS+CSS`,
      pass: total < BUDGET,
    });
  }
  for (const [name, s] of rows)
    table.note(`${name}: ${s.files.map((f) => f.slice(CASHIER_DIST.length + 1)).join(', ')}`);
  table.note("Adyen's figure is from its own bundle reports (it cannot be installed offline), not this run");
  table.print();
}
