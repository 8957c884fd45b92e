#!/usr/bin/env node
// `npm pack` / `npm publish` of @paydesk/antom (D14.7). In the monorepo `exports` points at the
// TypeScript sources; a published package must point at the build. npm applies `publishConfig` only to its
// own settings, not to `exports`, `types` or `bin`, so `prepack` writes the published manifest (those
// fields from `publishConfig`, no workspace condition, no scripts) and `postpack` puts the repository's
// back. npm tars the package.json on disk, after prepack.
//   node scripts/publish-manifest.mjs prepare | restore
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = join(import.meta.dirname, '..');
const manifest = join(here, 'package.json');
const kept = join(here, '.package.repo.json');

function restore() {
  if (existsSync(kept)) renameSync(kept, manifest);
}

const mode = process.argv[2];
if (mode === 'restore') {
  restore();
} else if (mode === 'prepare') {
  restore(); // a pack that was interrupted left the published manifest in place
  const repo = JSON.parse(readFileSync(manifest, 'utf8'));
  const { publishConfig = {}, scripts: _scripts, ...rest } = repo;
  const { exports, types, bin, ...settings } = publishConfig;
  if (!exports || !types) throw new Error('publishConfig.exports and publishConfig.types are required');
  writeFileSync(kept, readFileSync(manifest));
  const published = { ...rest, exports, types, ...(bin ? { bin } : {}), publishConfig: settings };
  writeFileSync(manifest, `${JSON.stringify(published, null, 2)}\n`);
} else {
  console.error('usage: node scripts/publish-manifest.mjs prepare | restore');
  process.exit(2);
}
