// The built cashier served as a CDN would serve it (D14.3): every file is read once at start,
// with the brotli and gzip variants the build made beside it (scripts/precompress.mjs), and answered from
// memory. The variant follows Accept-Encoding; content-hashed files (those Vite's manifests list) are
// cached for a year as immutable; everything else is revalidated with a strong ETag, so a repeat visit
// costs a 304. Nothing is compressed at run time.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type Encoding = 'br' | 'gzip' | 'identity';

export interface StaticFile {
  /** URL path, e.g. `/assets/checkout-DlAn84Tf.js`. */
  path: string;
  type: string;
  cacheControl: string;
  /** Strong validator of the content (the same for every variant; see etagOf). */
  tag: string;
  variants: Partial<Record<Encoding, Buffer>> & { identity: Buffer };
}

/** A content-hashed name never gets other content: cache it for a year, never ask again. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** HTML and embed.js keep their names across releases: always revalidate (a 304 when unchanged). */
export const REVALIDATE = 'no-cache';
/** Files copied as they are (method logos, favicon): a day, then revalidate. */
export const SHORT = 'public, max-age=86400';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** Every file of a built folder (not the .br/.gz variants, not dot folders), keyed by URL path. */
export function loadStaticFiles(dist: string): Map<string, StaticFile> {
  const hashed = hashedFiles(dist);
  const files = new Map<string, StaticFile>();
  for (const file of walk(dist)) {
    const name = relative(dist, file).split(sep).join('/');
    const identity = readFileSync(file);
    const variants: StaticFile['variants'] = { identity };
    for (const [encoding, suffix] of [
      ['br', '.br'],
      ['gzip', '.gz'],
    ] as const) {
      if (existsSync(file + suffix)) variants[encoding] = readFileSync(file + suffix);
    }
    const path = `/${name}`;
    files.set(path, {
      path,
      type: TYPES[extname(name)] ?? 'application/octet-stream',
      // The embed's on-demand chunks are named by content too (embed-<name>-<hash>.js, vite.config.ts).
      cacheControl:
        hashed.has(name) || /^embed-[\w-]+-[\w-]{8}\.js$/.test(name)
          ? IMMUTABLE
          : name.endsWith('.html') || name === 'embed.js'
            ? REVALIDATE
            : SHORT,
      tag: createHash('sha256').update(identity).digest('base64url').slice(0, 16),
      variants,
    });
  }
  return files;
}

/** The variant to send for an Accept-Encoding header: brotli, else gzip, else the file itself. */
export function chooseEncoding(header: string | undefined, file: StaticFile): Encoding {
  const accepted = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [token = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(token.trim(), q ? Number(q.slice(2)) || 0 : 1);
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (file.variants.br && ok('br')) return 'br';
  if (file.variants.gzip && ok('gzip')) return 'gzip';
  return 'identity';
}

/** Each variant is a representation of its own (RFC 9110 §8.8.3): its ETag says which. */
export function etagOf(file: StaticFile, encoding: Encoding): string {
  return encoding === 'identity' ? `"${file.tag}"` : `"${file.tag}-${encoding}"`;
}

/** Answers a GET or HEAD for `file`: the variant, or a 304 when the browser already holds this content. */
export function sendStatic(request: FastifyRequest, reply: FastifyReply, file: StaticFile): FastifyReply {
  const encoding = chooseEncoding(request.headers['accept-encoding'], file);
  const body = file.variants[encoding]!;
  reply.header('cache-control', file.cacheControl).header('etag', etagOf(file, encoding));
  if (file.variants.br || file.variants.gzip) reply.header('vary', 'Accept-Encoding');
  // Any variant of the same content satisfies If-None-Match (weak comparison, RFC 9110 §13.1.2).
  const held = request.headers['if-none-match'];
  if (held && (held.trim() === '*' || held.includes(`"${file.tag}`))) return reply.code(304).send();
  if (encoding !== 'identity') reply.header('content-encoding', encoding);
  return reply.type(file.type).send(body);
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (!entry.name.endsWith('.br') && !entry.name.endsWith('.gz')) yield path;
  }
}

interface ManifestChunk {
  file?: string;
  css?: string[];
  assets?: string[];
  imports?: string[];
  dynamicImports?: string[];
}

/** Vite's manifests of the build (one per page build), merged: chunk key → what it emitted. */
export function readManifests(dist: string): Map<string, ManifestChunk> {
  const chunks = new Map<string, ManifestChunk>();
  const folder = join(dist, '.vite');
  if (!existsSync(folder)) return chunks;
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.json'))) {
    const manifest = JSON.parse(readFileSync(join(folder, name), 'utf8')) as Record<string, ManifestChunk>;
    for (const [key, chunk] of Object.entries(manifest)) chunks.set(key, chunk);
  }
  return chunks;
}

/** Every file a manifest entry (e.g. `shop.html`) loads: its script, styles, assets and imports, deep. */
export function filesOfEntry(chunks: Map<string, ManifestChunk>, entry: string): Set<string> {
  const files = new Set<string>();
  const queue = [entry];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const key = queue.pop()!;
    const chunk = chunks.get(key);
    if (!chunk || seen.has(key)) continue;
    seen.add(key);
    for (const file of [chunk.file, ...(chunk.css ?? []), ...(chunk.assets ?? [])]) if (file) files.add(file);
    queue.push(...(chunk.imports ?? []), ...(chunk.dynamicImports ?? []));
  }
  return files;
}

/** The files Vite named by their content: every file its manifests list. */
function hashedFiles(dist: string): Set<string> {
  const hashed = new Set<string>();
  for (const chunk of readManifests(dist).values()) {
    for (const file of [chunk.file, ...(chunk.css ?? []), ...(chunk.assets ?? [])])
      if (file) hashed.add(file);
  }
  return hashed;
}
