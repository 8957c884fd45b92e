import { defineConfig } from 'vitest/config';

// One runner for the whole tree. `unit` holds every package's and app's own tests (fast, parallel);
// `e2e` drives real Chromium against real servers, one file at a time.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/test/**/*.test.ts',
            'apps/*/test/**/*.test.{ts,tsx}',
            'scripts/test/**/*.test.mjs',
          ],
          globalSetup: ['scripts/test-postgres.setup.ts'],
          // D12.8: one worker process evaluates the server once for every file, instead of a process and
          // an evaluation per file (no test mocks a module; each builds and closes what it uses).
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // D6: fault campaigns, crash recovery, forged notifications, fuzzing, races and access
        // checks against real servers; one file at a time, as they are heavy.
        test: {
          name: 'reliability',
          include: ['reliability/**/*.test.ts'],
          globalSetup: ['scripts/test-postgres.setup.ts'],
          fileParallelism: false,
          // D12.8: one worker evaluates the server and the kit once for every file (no test mocks a
          // module or leaves global state behind; each builds and closes its own stack).
          isolate: false,
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          // D12.8: one Chromium for the lane (each spec in contexts of its own), one module evaluation.
          globalSetup: ['scripts/test-postgres.setup.ts', 'e2e/helpers/browser.setup.ts'],
          fileParallelism: false,
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
