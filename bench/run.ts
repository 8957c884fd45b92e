// `npm run bench`: runs every bench/*.bench.ts module in name order. Each exports
// `async function run(): Promise<void>` that prints its own lines (and sets process.exitCode on failure).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const here = import.meta.dirname;
const only = process.argv[2];

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
  await module.run();
  console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
