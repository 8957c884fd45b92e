#!/usr/bin/env node
// `npm test`: the type check, the linter, the formatter check and every test suite, in that order,
// ending with one line `N passed, N failed, N skipped` that sums them all (each check counts as one).
// Arguments after `--` go to vitest (e.g. `npm test -- apps/server`); PAYDESK_TEST_ONLY=vitest skips checks.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const args = process.argv.slice(2);
const onlyVitest = process.env.PAYDESK_TEST_ONLY === 'vitest';
const results = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];

function run(name, command, commandArgs) {
  const started = Date.now();
  console.log(`\n▶ ${name}: ${command} ${commandArgs.join(' ')}`);
  const child = spawnSync(command, commandArgs, { stdio: 'inherit', env: process.env });
  const ok = child.status === 0;
  console.log(`${ok ? '✔' : '✘'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return ok;
}

function check(name, command, commandArgs) {
  if (run(name, command, commandArgs)) results.passed += 1;
  else {
    results.failed += 1;
    failedSteps.push(name);
  }
}

if (!onlyVitest) {
  check('typecheck (node)', 'npx', ['tsc', '-p', 'tsconfig.json']);
  check('typecheck (cashier)', 'npx', ['tsc', '-p', 'apps/cashier/tsconfig.json']);
  check('lint', 'npx', ['eslint', '.', '--max-warnings=0']);
  check('format', 'npx', ['prettier', '--check', '--log-level=warn', '.']);
}

const report = '.vitest-results.json';
rmSync(report, { force: true });
const vitestOk = run('tests', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...args,
]);
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  results.passed += json.numPassedTests;
  results.failed += json.numFailedTests;
  results.skipped += json.numPendingTests + json.numTodoTests;
  // A suite that failed to load (syntax error, failing hook) has no failed test but must still count.
  const brokenSuites = json.testResults.filter(
    (suite) => suite.status === 'failed' && suite.assertionResults.every((test) => test.status !== 'failed'),
  ).length;
  results.failed += brokenSuites;
  if (!vitestOk && json.numFailedTests === 0 && brokenSuites === 0) results.failed += 1;
} catch {
  results.failed += 1;
  failedSteps.push('tests (no report)');
}

if (failedSteps.length > 0) console.log(`\nFailed checks: ${failedSteps.join(', ')}`);
console.log(`\n${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
process.exit(results.failed === 0 ? 0 : 1);
