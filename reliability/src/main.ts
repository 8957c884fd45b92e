// `npm run chaos -- --orders N --seed S [--dialect sqlite|postgres] [--crashes]`: a long fault campaign
// (D6.4), printing its figures and every invariant violation. Exit code 1 when any was found.
// PostgreSQL comes from DATABASE_URL, or a throwaway embedded server started here.
import { parseArgs } from 'node:util';
import { setup, teardown } from '../../scripts/test-postgres.setup.ts';
import { runCampaign } from './campaign.engine.ts';
import { formatReport } from './report.format.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '200' },
    seed: { type: 'string' },
    dialect: { type: 'string', default: 'sqlite' },
    crashes: { type: 'boolean', default: false },
    'max-crashes': { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    intensity: { type: 'string', default: '1' },
    'notification-drop': { type: 'string' },
    'drop-all-after': { type: 'boolean', default: true },
    'no-forgeries': { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(
    'npm run chaos -- --orders N --seed S [--dialect sqlite|postgres] [--crashes] [--max-crashes K]\n' +
      '                 [--concurrency C] [--intensity X] [--notification-drop P] [--no-forgeries] [--json report.json]',
  );
  process.exit(0);
}
const dialect = values.dialect;
if (dialect !== 'sqlite' && dialect !== 'postgres') {
  console.error('--dialect must be sqlite or postgres');
  process.exit(2);
}
const orders = Number(values.orders);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!Number.isInteger(orders) || orders < 1 || !Number.isInteger(seed) || seed < 0) {
  console.error('--orders must be a positive integer and --seed a non-negative integer');
  process.exit(2);
}

if (dialect === 'postgres') await setup();
try {
  const report = await runCampaign({
    dialect,
    orders,
    seed,
    concurrency: Number(values.concurrency),
    crashes: values.crashes,
    maxCrashes: values['max-crashes'] ? Number(values['max-crashes']) : Math.max(3, Math.ceil(orders / 20)),
    faultIntensity: Number(values.intensity),
    ...(values['notification-drop'] !== undefined
      ? { notificationDrop: Number(values['notification-drop']) }
      : {}),
    dropAllNotificationsAfter: values['drop-all-after'],
    forgeries: !values['no-forgeries'],
    stack: {
      sweepIntervalMs: 500,
      antomTimeoutMs: 1_500,
      methodTimeoutSeconds: 12,
      gatewayExpiryGraceSeconds: 2,
    },
    log: (line) => console.log(`· ${line}`),
  });
  console.log(formatReport(report));
  if (values.json) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(values.json, JSON.stringify(report, null, 2));
  }
  process.exitCode = report.violations.length === 0 ? 0 : 1;
} finally {
  if (dialect === 'postgres') await teardown();
}
