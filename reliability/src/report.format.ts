// The figures of a campaign, as `npm run chaos` prints them (issue #6 point 4).
import type { CampaignReport } from './campaign.engine.ts';

const list = (record: Record<string, number>) =>
  Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => `${key} ${n}`)
    .join(', ') || 'none';

const total = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

/** A plain-text summary of one campaign. */
export function formatReport(report: CampaignReport): string {
  const a = report.actions;
  const lines = [
    `campaign seed ${report.seed} on ${report.dialect} (${report.mode} server), ${(report.durationMs / 1000).toFixed(1)} s`,
    `orders               ${report.orders} (${list(report.ordersByStatus)})`,
    `buyer behaviours     ${list(a.behaviours)}`,
    `actions              ${a.confirms} confirms, ${a.scans} scans (${a.scansRefused} refused by Antom), ${a.declines} declines, ${a.buyerCancels} buyer cancels, ${a.closes} closes, ${a.refundRequests} refund requests${a.stuckIdempotencyKeys > 0 ? `, ${a.stuckIdempotencyKeys} retries refused IDEMPOTENCY_KEY_IN_USE after a crash` : ''}`,
    `payment attempts     ${report.attempts} (${list(report.attemptsByState)})`,
    `payments at Antom    ${report.paymentsAtAntom}, captured ${report.captured}, duplicates given back ${report.duplicatesGivenBack}, flagged for an operator ${report.duplicatesFlagged}`,
    `merchant refunds     ${list(report.merchantRefunds)}`,
    `Antom API requests   ${report.apiRequests} (pay ${report.payRequests}, documented pay resends ${report.payResends})`,
    `faults injected      ${total(report.faults)} (${list(report.faults)})`,
    `notification faults  ${total(report.notificationFaults)} (${list(report.notificationFaults)})`,
    `notifications forged ${total(report.notificationsForged)} (${list(report.notificationsForged)})`,
    `crashes (SIGKILL)    ${report.crashes}${report.crashes > 0 ? ` (${report.crashesAimed.pay} while a pay was in flight, ${report.crashesAimed.cancel} while a cancel was; ${report.attemptsRecoveredAfterCrash} attempts recovered with no answer to their pay)` : ''}`,
    ...(report.paysCutByCrash.length > 0
      ? [
          `pays cut by a kill   ${report.paysCutByCrash.map((c) => `${c.paymentRequestId} → ${c.state}, ${c.paysAfter} pay after the kill`).join('; ')}`,
        ]
      : []),
    `liveness bound       max(due, faults stopped + ${report.liveness.retryAfterFaultsMs} ms) + sweep ${report.liveness.sweepIntervalMs} ms + slack ${report.liveness.slackMs} ms; tightest margin ${report.liveness.tightestMarginMs === null ? 'n/a' : `${Math.round(report.liveness.tightestMarginMs)} ms`}`,
    `invariant violations ${report.violations.length}`,
  ];
  for (const v of report.violations.slice(0, 50)) {
    const where = [v.orderId, v.paymentId, v.refundId].filter(Boolean).join(' ');
    lines.push(`  - [${v.invariant}] ${where ? `${where}: ` : ''}${v.message}`);
  }
  if (report.violations.length > 50) lines.push(`  … and ${report.violations.length - 50} more`);
  lines.push(`server errors logged ${report.serverErrors.length}`);
  for (const line of report.serverErrors.slice(0, 5)) lines.push(`  ! ${line.slice(0, 1_500)}`);
  return lines.join('\n');
}
