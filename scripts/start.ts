// `npm start`: the whole product on one machine, offline — the checkout server (API, cashier, demo shop,
// ops console, docs) with an embedded SQLite database, and, unless ANTOM_GATEWAY_URL points at a real
// Antom, the embedded sandbox gateway with development keys kept in ./data. Data survives restarts. It
// runs the TypeScript sources through tsx and rebuilds the cashier when its sources changed; `npm run
// serve` runs the same launcher from the build instead (scripts/serve.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runLauncher } from './launch.ts';

const root = resolve(import.meta.dirname, '..');
const cashierDir = join(root, 'apps/cashier');
const cashierDist = join(cashierDir, 'dist');

/** Newest modification time under a folder (ms), to rebuild the cashier only when its sources changed. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function buildCashierIfStale(): void {
  if (!existsSync(join(cashierDir, 'package.json')) || !existsSync(join(cashierDir, 'vite.config.ts')))
    return;
  const sources = Math.max(
    newest(join(cashierDir, 'src')),
    newest(join(cashierDir, 'public')),
    newest(join(cashierDir, 'vite.config.ts')),
  );
  if (existsSync(join(cashierDist, 'checkout.html')) && newest(cashierDist) >= sources) return;
  console.log('Building the cashier pages…');
  const result = spawnSync('npm', ['run', 'build', '--silent', '-w', '@paydesk/cashier'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('the cashier build failed');
}

buildCashierIfStale();
await runLauncher({ root, cashierDist: existsSync(cashierDist) ? cashierDist : null });
