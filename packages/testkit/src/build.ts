// The server-side build the child-process tests run (D12.8): `tsc -b tsconfig.build.json`, incremental, so
// an up-to-date tree costs a few hundred milliseconds. A child server started from built JavaScript costs
// about a CPU-second to start, from the TypeScript sources through tsx about three: the crash, abuse and
// multi-instance campaigns start dozens. Each lane's global setup calls this before any test runs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Builds every server-side package and app into its dist/ (skipping what is up to date). */
export function buildServerSide(): void {
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (tsc.status !== 0) throw new Error(`tsc -b failed:\n${tsc.stdout}\n${tsc.stderr}`);
}

/** `node` arguments that run the built checkout server, as `npm run serve` resolves its packages. */
export const BUILT_SERVER_MAIN = ['--conditions=paydesk-dist', 'apps/server/dist/main.js'];
