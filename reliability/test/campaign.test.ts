// D6.1–D6.4: a short seeded fault campaign on each dialect — random buyers (pay, decline,
// cancel, abandon, double-click, two tabs, old codes, paying at expiry, merchant close and refunds)
// against random sandbox faults and forged notifications; then, with every notification dropped, the run
// must settle in time and agree with Antom's ledger payment by payment. `npm run chaos` runs long ones.
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../src/campaign.engine.ts';
import { formatReport } from '../src/report.format.ts';
import { DIALECTS } from '../src/stack.harness.ts';

const SEEDS = { sqlite: 20_261_125, postgres: 20_261_126 } as const;

describe.each(DIALECTS)('fault campaign on %s', (dialect) => {
  it('keeps every guarantee through faults, forgeries and dropped notifications, against the ledger', async () => {
    const report = await runCampaign({
      dialect,
      orders: 24,
      seed: SEEDS[dialect],
      concurrency: 10,
      crashes: false,
      maxCrashes: 0,
      faultIntensity: 1.5,
      notificationDrop: 0.5,
      dropAllNotificationsAfter: true,
      forgeries: true,
    });
    // The figures go to the test output: a failure shows what was done and what broke.
    console.log(formatReport(report));
    expect(report.violations).toEqual([]);
    // The campaign did what it claims: faults fired, forgeries were refused, money moved and came back.
    expect(report.orders).toBe(24);
    expect(Object.values(report.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
    expect(Object.values(report.notificationsForged).reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    expect(report.notificationFaults.drop).toBeGreaterThan(0);
    expect(report.captured).toBeGreaterThan(5);
    expect(report.ordersByStatus.PAID).toBeGreaterThan(3);
    expect(report.attempts).toBeGreaterThan(report.orders);
    // Antom's report of the run's days was imported and every row matched (D16).
    expect(report.reconciled.rows).toBeGreaterThanOrEqual(report.captured);
  });
});
