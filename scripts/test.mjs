#!/usr/bin/env node
// `npm test`: the type checks, the linter, the formatter check and every test suite, ending with one line
// `N passed, N failed, N skipped` that sums them all (each check counts as one).
//
// Two cores go further when nothing waits in line (D12.8): the three vitest projects run as
// three lanes at once (each with two workers that evaluate the code once for all their files, see
// vitest.config.ts) and the checks run beside them at a lower priority, filling the time the lanes
// spend waiting on browsers, sockets and timers. Each lane's output is printed whole when it ends.
// Arguments after `--` go to one plain vitest run instead (e.g. `npm test -- apps/server`);
// PAYDESK_TEST_ONLY=vitest skips the checks.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const onlyVitest = process.env.PAYDESK_TEST_ONLY === 'vitest';
const results = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];
const started = Date.now();
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);

/** Runs a command with its output kept; resolves to { ok, output, took }. */
function runQuiet(command, commandArgs, options = {}) {
  const begun = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: ROOT, env: options.env ?? process.env });
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('close', (code) =>
      resolve({ ok: code === 0, output: Buffer.concat(chunks).toString('utf8'), took: seconds(begun) }),
    );
  });
}

/** Adds a vitest JSON report to the totals; a missing or broken report is a failure. */
function count(report, name) {
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    results.passed += json.numPassedTests;
    results.failed += json.numFailedTests;
    results.skipped += json.numPendingTests + json.numTodoTests;
    // A suite that failed to load (syntax error, failing hook) has no failed test but must still count.
    const brokenSuites = json.testResults.filter(
      (suite) =>
        suite.status === 'failed' && suite.assertionResults.every((test) => test.status !== 'failed'),
    ).length;
    results.failed += brokenSuites;
    return json.numFailedTests === 0 && brokenSuites === 0;
  } catch {
    results.failed += 1;
    failedSteps.push(`${name} (no report)`);
    return false;
  }
}

const vitestArgs = (report) => [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
];

if (args.length > 0) {
  // One plain run, output live, for a developer narrowing down.
  const report = join(ROOT, '.vitest-results.json');
  rmSync(report, { force: true });
  const child = spawnSync('npx', [...vitestArgs(report), ...args], { cwd: ROOT, stdio: 'inherit' });
  if (count(report, 'tests') && child.status !== 0) results.failed += 1;
} else {
  const reports = join(ROOT, '.vitest-results');
  rmSync(reports, { recursive: true, force: true });
  mkdirSync(reports, { recursive: true });

  // The build is made once, before the lanes (the e2e specs run the built cashier and production build, the
  // child-process servers of every lane the built server side; each lane's setup then finds it up to date), and
  // one PostgreSQL serves the three lanes (each test still makes its own database in it).
  const { ensureBuilt } = await import('../e2e/helpers/production.ts');
  const { setup, teardown } = await import('./test-postgres.setup.ts');
  ensureBuilt();
  await setup();
  const env = { ...process.env };

  const lanes = ['unit', 'reliability', 'e2e'].map((project) => {
    const report = join(reports, `${project}.json`);
    console.log(`▶ tests (${project}): vitest --project ${project}`);
    return runQuiet('npx', [...vitestArgs(report), '--project', project], { env }).then((run) => {
      process.stdout.write(`\n${'─'.repeat(30)} ${project} ${'─'.repeat(30)}\n${run.output}`);
      const ok = count(report, `tests (${project})`) && run.ok;
      console.log(`${ok ? '✔' : '✘'} tests (${project}) (${run.took} s)`);
      if (!ok && !failedSteps.includes(`tests (${project})`)) failedSteps.push(`tests (${project})`);
    });
  });

  // The checks keep what they learnt between runs (D12.8): each cache is keyed on the files' contents and
  // the tool's settings, so a run re-checks only what changed and reports the same findings as a cold one.
  const cache = join(ROOT, 'node_modules/.cache/paydesk');
  const checks = onlyVitest
    ? []
    : [
        [
          'typecheck (node)',
          'npx',
          [
            'tsc',
            '-p',
            'tsconfig.json',
            '--incremental',
            '--tsBuildInfoFile',
            join(cache, 'node.tsbuildinfo'),
          ],
        ],
        [
          'typecheck (cashier)',
          'npx',
          [
            'tsc',
            '-p',
            'apps/cashier/tsconfig.json',
            '--incremental',
            '--tsBuildInfoFile',
            join(cache, 'cashier.tsbuildinfo'),
          ],
        ],
        [
          'lint',
          'npx',
          [
            'eslint',
            '.',
            '--max-warnings=0',
            '--cache',
            '--cache-strategy',
            'content',
            '--cache-location',
            join(cache, 'eslint'),
          ],
        ],
        [
          'format',
          'npx',
          [
            'prettier',
            '--check',
            '--log-level=warn',
            '--cache',
            '--cache-strategy',
            'content',
            '--cache-location',
            join(cache, 'prettier'),
            '.',
          ],
        ],
        // Every S-id, D-id, docs/antom-notes.md § and docs/style.md § a comment cites exists in docs/.
        ['citations', 'node', ['scripts/check-citations.mjs']],
      ];
  // Checks one after another at a low priority: the lanes come first.
  const checking = (async () => {
    for (const [name, tool, toolArgs] of checks) {
      const run = await runQuiet('nice', ['-n', '10', tool, ...toolArgs]);
      console.log(`${run.ok ? '✔' : '✘'} ${name} (${run.took} s)${run.ok ? '' : `\n${run.output}`}`);
      if (run.ok) results.passed += 1;
      else {
        results.failed += 1;
        failedSteps.push(name);
      }
    }
  })();

  await Promise.all([...lanes, checking]);
  await teardown();
}

if (failedSteps.length > 0) console.log(`\nFailed: ${failedSteps.join(', ')}`);
console.log(`\nnpm test took ${seconds(started)} s`);
console.log(`\n${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
process.exit(results.failed === 0 ? 0 : 1);
