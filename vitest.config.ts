import { defineConfig } from 'vitest/config';

// One runner for the whole tree. `unit` holds every package's and app's own tests;
// `e2e` drives real Chromium against real servers.
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
          globalSetup: ['scripts/test-postgres.setup.ts', 'scripts/test-build.setup.ts'],
          // D12.8: two worker processes, each evaluating the server once for all its files, instead of a
          // process and an evaluation per file (no test mocks a module; each builds and closes what it uses).
          maxWorkers: 2,
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // D6: fault campaigns, crash recovery, forged notifications, fuzzing, races and access
        // checks against real servers.
        test: {
          name: 'reliability',
          include: ['reliability/**/*.test.ts'],
          globalSetup: ['scripts/test-postgres.setup.ts', 'scripts/test-build.setup.ts'],
          // D12.8: two files at a time (most of their time is spent waiting on timers, sockets and child
          // processes), each worker evaluating the server and the kit once for all its files (no test
          // mocks a module or leaves global state behind; each builds and closes its own stack).
          maxWorkers: 2,
          isolate: false,
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          // D12.8: one Chromium and one build for the lane (each spec in contexts of its own), two specs at
          // a time (mostly waiting on the browser and the cashier's timers), one module evaluation per worker.
          globalSetup: ['scripts/test-postgres.setup.ts', 'e2e/helpers/lane.setup.ts'],
          maxWorkers: 2,
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
