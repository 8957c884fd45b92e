// The e2e specs run the built cashier, as production does: build it once when dist/ is missing or older
// than its sources (the same rule as `npm start`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CASHIER = join(ROOT, 'apps/cashier');
export const CASHIER_DIST = join(CASHIER, 'dist');

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function oldest(paths: string[]): number {
  return Math.min(...paths.map((path) => (existsSync(path) ? statSync(path).mtimeMs : 0)));
}

/** Builds apps/cashier into dist/ unless every output is newer than every source. */
export function ensureCashierBuilt(): string {
  const sources = Math.max(
    ...['src', 'public', 'vite.config.ts', 'package.json'].map((name) => newest(join(CASHIER, name))),
  );
  const outputs = ['checkout.html', 'shop.html', 'admin.html', 'embed.js'].map((f) => join(CASHIER_DIST, f));
  if (oldest(outputs) > sources) return CASHIER_DIST;
  // A production build whatever the caller runs under (vitest sets NODE_ENV=test, which Vite would keep).
  const result = spawnSync('npm', ['run', 'build', '--silent', '-w', '@paydesk/cashier'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`the cashier build failed:\n${result.stdout}\n${result.stderr}`);
  return CASHIER_DIST;
}
