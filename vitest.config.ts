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
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['scripts/test-postgres.setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
