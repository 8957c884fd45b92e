// The figures of a campaign, as `npm run chaos` prints them (D6.4), and those of a run on
// several instances (D7.2).
import type { CampaignReport } from './campaign.engine.ts';
import type { ClusterFigures } from './cluster.checks.ts';
import type { Violation } from './invariant.checks.ts';

const list = (record: Record<string, number>) =>
  Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => `${key} ${n}`)
    .join(', ') || 'none';

const total = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

const byInstance = (record: Record<string, number>) =>
  Object.entries(record)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([instance, n]) => `#${instance} ${n}`)
    .join(', ') || 'none';

function violationLines(violations: readonly Violation[]): string[] {
  const lines = violations.slice(0, 50).map((v) => {
    const where = [v.orderId, v.paymentId, v.refundId].filter(Boolean).join(' ');
    return `  - [${v.invariant}] ${where ? `${where}: ` : ''}${v.message}`;
  });
  if (violations.length > 50) lines.push(`  … and ${violations.length - 50} more`);
  return lines;
}

/**
 * A plain-text summary of the multi-instance figures and checks; `evidence` tells what happened to the
 * attempt of a violation (cluster.checks.ts `clusterEvidence`).
 */
export function formatClusterReport(
  figures: ClusterFigures,
  violations: readonly Violation[],
  evidence: (violation: Violation) => string[] = () => [],
): string {
  const { notifications: n, cancels, handlers } = figures;
  return [
    `requests served      ${byInstance(figures.servedByInstance)}`,
    `Antom calls made     ${byInstance(figures.antomCallsByInstance)}`,
    `notifications        ${n.total} acknowledged (${byInstance(n.byInstance)}); ${n.elsewhere} on another instance than the one that sent the pay`,
    `kills (SIGKILL)      ${figures.kills.map((k) => `#${k.instance} at +${(k.atMs / 1000).toFixed(1)} s holding ${k.holding.join(', ') || 'no Antom call'}`).join('; ') || 'none'}`,
    `cancels per attempt  ${
      Object.entries(cancels.cancelsPerAttempt)
        .map(([cancels, attempts]) => `${attempts} attempts × ${cancels}`)
        .join(', ') || 'none'
    }; resends: ${list(cancels.resends)}`,
    `sweeper calls        ${byInstance(handlers.sweeperCallsByInstance)}; ${handlers.handoffs} steps handed to another instance; inquiries per attempt max ${handlers.inquiriesPerAttempt.max}, mean ${handlers.inquiriesPerAttempt.mean.toFixed(1)}`,
    `cluster violations   ${violations.length}`,
    ...violations.slice(0, 10).flatMap((v, i) => [
      ...violationLines([v]),
      // Once per attempt: its story is the same for each of its violations.
      ...(violations.findIndex((w) => w.paymentId === v.paymentId && w.refundId === v.refundId) === i
        ? evidence(v).map((line) => `      ${line}`)
        : []),
    ]),
    ...(violations.length > 10 ? [`  … and ${violations.length - 10} more`] : []),
  ].join('\n');
}

/** A plain-text summary of one campaign. */
export function formatReport(report: CampaignReport): string {
  const a = report.actions;
  const lines = [
    `campaign seed ${report.seed} on ${report.dialect} (${report.mode} server), ${(report.durationMs / 1000).toFixed(1)} s`,
    `orders               ${report.orders} (${list(report.ordersByStatus)})`,
    `buyer behaviours     ${list(a.behaviours)}`,
    `actions              ${a.confirms} confirms, ${a.scans} scans (${a.scansRefused} refused by Antom), ${a.declines} declines, ${a.buyerCancels} buyer cancels, ${a.closes} closes, ${a.refundRequests} refund requests${a.stuckIdempotencyKeys > 0 ? `, ${a.stuckIdempotencyKeys} retries refused IDEMPOTENCY_KEY_IN_USE after a crash` : ''}${a.stopsAfterPayAccepted > 0 ? `, ${a.stopsAfterPayAccepted} stops after a payment not refused (Antom's answers faulted)` : ''}`,
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
    `reconciliation       ${report.reconciled.rows} rows of Antom's report (${report.reconciled.days.join(', ')}) imported and matched`,
    `invariant violations ${report.violations.length}`,
  ];
  lines.push(...violationLines(report.violations));
  lines.push(`server errors logged ${report.serverErrors.length}`);
  for (const line of report.serverErrors.slice(0, 5)) lines.push(`  ! ${line.slice(0, 1_500)}`);
  return lines.join('\n');
}
