// Three builds into one dist/ (read by apps/server/src/pages/page.routes.ts), so that each page of the
// buyer's path is one script and one stylesheet with nothing shared (fewer requests, better gzip):
//  - default: checkout.html (/checkout/…), plus public/ (method logos, favicon);
//  - `--mode pages`: shop.html (/) and admin.html (/admin);
//  - `--mode embed`: embed.js, one self-contained ES module (styles inlined as constructable sheets) that
//    a merchant imports from its own pages, plus embed-*.js chunks it fetches on demand (other languages).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const here = import.meta.dirname;
const dist = resolve(here, 'dist');

const shared: UserConfig = {
  // Preact's automatic JSX runtime, compiled by Vite's own transformer (no plugin needed).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  logLevel: 'warn',
};

/**
 * The favicon rides inside each page as a data: URL: on a first visit it would otherwise be a request of
 * its own, half a kilobyte of it headers (D14.3, bench/size.bench.ts). favicon.svg stays in
 * public/ for anything that asks for it by name.
 */
const inlineFavicon: Plugin = {
  name: 'paydesk-inline-favicon',
  transformIndexHtml(html) {
    // Only what a data: URL in a double-quoted attribute needs escaped, so that it stays short.
    const svg = readFileSync(resolve(here, 'public/favicon.svg'), 'utf8')
      .trim()
      .replace(/\s+/g, ' ')
      .replace(/"/g, "'")
      .replace(/[%#<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    return html.replace('href="/favicon.svg"', `href="data:image/svg+xml,${svg}"`);
  },
};

const pages = (names: string[], first: boolean): UserConfig => ({
  ...shared,
  plugins: [inlineFavicon],
  root: resolve(here, 'src'),
  publicDir: first ? resolve(here, 'public') : false,
  build: {
    outDir: dist,
    emptyOutDir: first,
    target: 'es2022',
    // Every browser we serve supports modulepreload; the polyfill would be dead weight.
    modulePreload: { polyfill: false },
    // Lists the content-hashed files: the server serves exactly those as immutable (D14.3).
    manifest: `.vite/manifest-${names.join('-')}.json`,
    rolldownOptions: {
      input: Object.fromEntries(names.map((name) => [name, resolve(here, `src/${name}.html`)])),
    },
  },
});

export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'pages') return pages(['shop', 'admin'], false);
  if (mode !== 'embed') return pages(['checkout'], true);
  return {
    ...shared,
    root: here,
    publicDir: false,
    resolve: {
      alias: [
        {
          find: /^\.\/text-code-loader\.ts$/,
          replacement: resolve(here, 'src/checkout/text-code-loader.embed.ts'),
        },
      ],
    },
    build: {
      outDir: dist,
      emptyOutDir: false,
      target: 'es2022',
      lib: { entry: resolve(here, 'src/embed.ts'), formats: ['es'], fileName: () => 'embed.js' },
      // Library builds keep whitespace and annotation comments by default; this one ships to browsers as
      // is, so it is minified and keeps only licence comments.
      // Languages other than English and the save/reminder tools are chunks loaded on demand, named
      // embed-… so the server can answer them to any origin as it does embed.js (page.routes.ts).
      rolldownOptions: {
        output: {
          minify: true,
          comments: { legal: true, annotation: false, jsdoc: false },
          chunkFileNames: 'embed-[name]-[hash].js',
        },
      },
    },
  };
});
