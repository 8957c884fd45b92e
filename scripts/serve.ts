// `npm run serve`: Paydesk from the build (`npm run build`): JavaScript only, no TypeScript and no tsx at
// run time, the cashier served precompressed from apps/cashier/dist. The profile comes from NODE_ENV:
// `NODE_ENV=production npm run serve` is how production (and the container) runs it. Compiled to
// dist/serve.js; the packages are found through their `paydesk-dist` export condition.
import { join, resolve } from 'node:path';
import { runLauncher } from './launch.ts';

const root = resolve(import.meta.dirname, '..');
await runLauncher({ root, cashierDist: join(root, 'apps/cashier/dist'), requireCashier: true });
