#!/usr/bin/env node
// `node scripts/precompress.mjs <dir>`: writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip -9)
// beside every text file of a built folder, as a CDN would keep them (D14.3). The checkout
// server picks one by the request's Accept-Encoding and never compresses at run time. A variant that
// would not be smaller than the file is not written. Run by the cashier's `npm run build`.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.svg',
  '.json',
  '.txt',
  '.xml',
  '.map',
  '.ico',
]);

/** Every file under `dir`, skipping dot folders (Vite's .vite/ manifests are not served). */
function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

const dir = process.argv[2];
if (!dir || !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
  console.error('usage: node scripts/precompress.mjs <built folder>');
  process.exit(2);
}

let before = 0;
let after = 0;
for (const path of [...files(dir)]) {
  if (path.endsWith('.br') || path.endsWith('.gz')) continue;
  // A variant left by an earlier build of a file that changed since would be served in its place.
  rmSync(`${path}.br`, { force: true });
  rmSync(`${path}.gz`, { force: true });
  if (!COMPRESSIBLE.has(extname(path))) continue;
  const content = readFileSync(path);
  const brotli = brotliCompressSync(content, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    },
  });
  const gzip = gzipSync(content, { level: 9 });
  if (brotli.length < content.length) writeFileSync(`${path}.br`, brotli);
  if (gzip.length < content.length) writeFileSync(`${path}.gz`, gzip);
  before += content.length;
  after += Math.min(brotli.length, content.length);
}
console.log(
  `precompressed ${relative(process.cwd(), dir) || '.'}: ${(before / 1000).toFixed(1)} KB of text → ${(after / 1000).toFixed(1)} KB brotli`,
);
