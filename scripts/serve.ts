// `npm run serve`: Paydesk from the build (`npm run build`): JavaScript only, no TypeScript and no tsx at
// run time, the cashier served precompressed from apps/cashier/dist. The profile comes from NODE_ENV:
// `NODE_ENV=production npm run serve` is how production (and the container) runs it. Compiled to
// dist/serve.js; the packages are found through their `paydesk-dist` export condition.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runLauncher } from './launch.ts';

const root = resolve(import.meta.dirname, '..');
const cashierDist = join(root, 'apps/cashier/dist');

if (!existsSync(join(cashierDist, 'checkout.html'))) {
  console.error(`Paydesk cannot start: the cashier is not built (${cashierDist}); run npm run build`);
  process.exit(2);
}
await runLauncher({ root, cashierDist });
