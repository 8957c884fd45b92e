// D6.5: the campaign again, with the server a child process killed with SIGKILL — once while
// a `pay` is held in flight at Antom (between the call and its commit), once while a `cancel` is (a step
// cut in half), then at a random moment — and restarted. After recovery every guarantee holds, and no
// second `pay` went out for an attempt whose first reply was lost (checked in the sandbox request log).
import { describe, it } from 'vitest';
import { runCampaign } from '../src/campaign.engine.ts';
import { formatReport } from '../src/report.format.ts';
import { DIALECTS } from '../src/stack.harness.ts';

const SEEDS = { sqlite: 5_150, postgres: 5_151 } as const;

// The two dialects run side by side (D12.8): each is a minute or more of waiting on leases, timers and
// restarts with little CPU, and each has its own server process, sandbox and database.
describe('crash recovery', () => {
  it.concurrent.for(DIALECTS)(
    'on %s: recovers from SIGKILL mid-pay, mid-cancel and at random, with one pay per attempt',
    async (dialect, { expect }) => {
      const report = await runCampaign({
        dialect,
        orders: 12,
        seed: SEEDS[dialect],
        concurrency: 6,
        crashes: true,
        maxCrashes: 3,
        faultIntensity: 0.5,
        dropAllNotificationsAfter: true,
        forgeries: false,
        stack: { methodTimeoutSeconds: 10, antomTimeoutMs: 1_000, gatewayExpiryGraceSeconds: 1 },
      });
      console.log(formatReport(report));
      expect(report.violations).toEqual([]);
      expect(report.crashes).toBeGreaterThanOrEqual(2);
      expect(report.crashesAimed.pay).toBeGreaterThanOrEqual(1);
      // The attempts whose pay was cut off by the kill ended, and no pay went out for them afterwards.
      expect(report.paysCutByCrash.length).toBeGreaterThanOrEqual(1);
      for (const cut of report.paysCutByCrash) {
        expect(['SUCCESS', 'FAIL', 'CANCELLED']).toContain(cut.state);
        expect(cut.paysAfter).toBe(0);
      }
    },
  );
});
