// Issue #7 figure 9 — what a buyer downloads (issue 5 "Done when"): the gzip size of the cashier's
// JavaScript and CSS for the hosted checkout page and for embed.js, beside Adyen Web's smallest QR-capable
// import (the Drop-in free "core + one QR component", about 52 KB JS + 19 KB CSS gzip = 71 KB, measured by
// Adyen's own bundle reports; not re-measured here, as it cannot be installed offline).
// Target: under 25 KB JS + CSS each, in all.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { CASHIER_DIST, ensureCashierBuilt } from '../e2e/helpers/build.ts';
import { Table } from './support/report.ts';

const BUDGET = 25_000;
const ADYEN = { js: 52_000, css: 19_000 };

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

export async function run(): Promise<void> {
  ensureCashierBuilt();
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
