// The fault campaign (D6.4 and D6.5): many checkouts with random buyer behaviour against random
// sandbox faults, optionally with the server killed (SIGKILL) and restarted at random moments, and with
// replayed and forged notifications thrown in. One seed drives it all. When the workload is done the
// faults stop (optionally every notification keeps being dropped), the run settles, and every guarantee
// is checked against the sandbox ledger: the report lists what was done and every violation found.
import type { DiscrepancyView, OrderView } from '@paydesk/api';
import {
  BEHAVIOUR_WEIGHTS,
  emptyActorStats,
  MARKETS,
  OrderActor,
  type ActorStats,
} from './buyer.behaviours.ts';
import { faultPlan, firedByKind } from './fault.plan.ts';
import { NoAnswerError } from './http.client.ts';
import {
  checkAll,
  settled,
  tightestMargin,
  type LivenessBounds,
  type Violation,
} from './invariant.checks.ts';
import {
  FORGERY_KINDS,
  HARMLESS_KINDS,
  forge,
  sendForged,
  truthfulNotifications,
  type ForgeryKind,
  type TruthfulNotification,
} from './notification.forger.ts';
import { listOrderIds, observe, readOrders, RequestCollector } from './run.observer.ts';
import { SeededRandom } from './seeded.random.ts';
import {
  CLIENT_ID,
  startReliabilityStack,
  type Dialect,
  type ReliabilityStack,
  type StackSettings,
} from './stack.harness.ts';
import { loadPrivateKey } from '@paydesk/antom';

export interface CampaignOptions {
  dialect: Dialect;
  orders: number;
  seed: number;
  /** Orders in flight at once. */
  concurrency: number;
  /** Run the server as a child process and kill it with SIGKILL at random moments (D6.5). */
  crashes: boolean;
  /** How many kills at most (crash mode). */
  maxCrashes: number;
  /** Scales the API fault probabilities (0 = none). */
  faultIntensity: number;
  /** Notification drop probability while faults are on (undefined: drawn from the seed). */
  notificationDrop?: number;
  /** After the faults stop, keep dropping every notification: liveness must not need them (D6.2). */
  dropAllNotificationsAfter: boolean;
  /** Forge and replay notifications during the run (D6.6). */
  forgeries: boolean;
  stack?: Partial<Omit<StackSettings, 'dialect' | 'mode'>>;
  log?: (line: string) => void;
}

export interface CampaignReport {
  seed: number;
  dialect: Dialect;
  mode: StackSettings['mode'];
  orders: number;
  ordersByStatus: Record<string, number>;
  attempts: number;
  attemptsByState: Record<string, number>;
  paymentsAtAntom: number;
  captured: number;
  duplicatesGivenBack: number;
  duplicatesFlagged: number;
  merchantRefunds: Record<string, number>;
  actions: ActorStats;
  apiRequests: number;
  faults: Record<string, number>;
  notificationFaults: Record<string, number>;
  notificationsForged: Record<string, number>;
  crashes: number;
  /** Kills that landed while a `pay` (or a `cancel`) was held in flight at Antom. */
  crashesAimed: { pay: number; cancel: number };
  /** Attempts whose `pay` had no recorded answer when the server came back (taken over after the pay lease). */
  attemptsRecoveredAfterCrash: number;
  /** Attempts whose `pay` was in flight when the server was killed: how they ended, and pays sent after it. */
  paysCutByCrash: { paymentRequestId: string; state: string | undefined; paysAfter: number }[];
  payRequests: number;
  payResends: number;
  /** The bound used, and the smallest margin any attempt kept to it (ms; negative = late). */
  liveness: LivenessBounds & { tightestMarginMs: number | null };
  /** Antom's report rows of the run's days that Paydesk imported and matched (D16). */
  reconciled: { days: string[]; rows: number };
  violations: Violation[];
  /** Error lines the server logged (in-process and child runs whose log level lets them through). */
  serverErrors: string[];
  /** The full record (payments, refunds, history) of orders with a violation, to see what happened. */
  evidence: OrderView[];
  durationMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How campaign stacks run the server: errors logged, and a catalog with one method Antom cannot refund. */
export const CAMPAIGN_SERVER = {
  logLevel: 'error',
  // This merchant's contract has no refunds for BNI transfers: a duplicate there cannot be given back
  // through Antom (QRIS cannot be cancelled either), so it must be flagged for an operator (S10).
  catalog: (base) => base.map((m) => (m.type === 'BANKTRANSFER_BNI' ? { ...m, refund: 'none' as const } : m)),
} satisfies Partial<StackSettings>;

/** The server's own error log is part of the evidence: a 500 or a failed sweeper step shows up there. */
export function serverErrorLog(): { lines: string[]; onLog: (text: string) => void } {
  const lines: string[] = [];
  return {
    lines,
    onLog: (text) => {
      for (const line of text.split('\n'))
        if (/"level":(50|60)/.test(line) && lines.length < 50) lines.push(line.slice(0, 4_000));
    },
  };
}

/** Runs one campaign on a fresh stack and returns its report (the stack is closed afterwards). */
export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const root = new SeededRandom(options.seed);
  const errors = serverErrorLog();
  const stack = await startReliabilityStack({
    dialect: options.dialect,
    mode: options.crashes ? 'child' : 'in-process',
    ...CAMPAIGN_SERVER,
    onLog: errors.onLog,
    ...options.stack,
  });
  try {
    const report = await campaignOn(stack, options, root, started, log);
    report.serverErrors.push(...errors.lines);
    return report;
  } finally {
    await stack.close();
  }
}

/** Runs a campaign on a stack the caller started (and will close); `options.crashes` needs a child stack. */
export function runCampaignOn(stack: ReliabilityStack, options: CampaignOptions): Promise<CampaignReport> {
  return campaignOn(stack, options, new SeededRandom(options.seed), Date.now(), options.log ?? (() => {}));
}

async function campaignOn(
  stack: ReliabilityStack,
  options: CampaignOptions,
  root: SeededRandom,
  started: number,
  log: (line: string) => void,
): Promise<CampaignReport> {
  const settings = stack.settings;
  const violations: Violation[] = [];
  const stats = emptyActorStats();
  const collector = new RequestCollector(stack.antom, 'pay');
  collector.start();

  const plan = faultPlan(root.fork('faults'), {
    intensity: options.faultIntensity,
    antomTimeoutMs: settings.antomTimeoutMs,
    notificationDrop: options.notificationDrop,
    slowCalls: options.crashes,
  });
  const put = await stack.antom.call('PUT', '/sandbox/api/faults', plan);
  if (put.status !== 200) throw new Error(`the sandbox refused the fault plan: ${JSON.stringify(put.body)}`);
  log(`faults: ${plan.rules.length} rules, notifications ${JSON.stringify(plan.notifications)}`);

  // ---- crashes: the first aimed at a `pay` in flight (between the call and its commit), the second at a
  // `cancel` in flight (a sweeper or buyer step cut in half), the rest at random moments.
  let workloadDone = false;
  const crashesAimed = { pay: 0, cancel: 0 };
  const cutPays: { id: string; seq: number }[] = [];
  const crashRng = root.fork('crashes');
  /** The `api` requests held in flight at Antom right now (waits up to `withinMs`). */
  const inFlight = async (
    api: 'pay' | 'cancel',
    withinMs: number,
  ): Promise<{ id: string; seq: number }[]> => {
    const deadline = Date.now() + withinMs;
    while (!workloadDone && Date.now() < deadline) {
      const requests = (await stack.antom.call('GET', `/sandbox/api/requests?api=${api}`)).body.requests as {
        resultStatus?: string;
        httpStatus: number | null;
        fault?: string;
        paymentRequestId?: string;
        seq: number;
      }[];
      // Arrived, held by a latency fault, not answered yet: the server is waiting on it right now.
      const held = requests.filter(
        (r) => r.resultStatus === undefined && r.httpStatus === 200 && r.fault?.includes('latency'),
      );
      if (held.length > 0) return held.map((r) => ({ id: r.paymentRequestId ?? '?', seq: r.seq }));
      await sleep(40);
    }
    return [];
  };
  // The kills the report is judged on (the aimed `pay` and `cancel`) happen during the workload whatever
  // the machine's speed: the workload is not done until they have (crash-recovery's `crashes >= 2` failed
  // when a loaded machine made the first restart outlast the orders).
  const plannedCrashes = options.crashes ? Math.min(2, options.maxCrashes) : 0;
  let crashLoopEnded = !options.crashes;
  const crashesPending = () => !crashLoopEnded && stack.crashes < plannedCrashes;
  const crashLoop = (async () => {
    if (!options.crashes) return;
    const plan: ('pay' | 'cancel' | 'random')[] = ['pay', 'cancel'];
    while (!workloadDone && stack.crashes < options.maxCrashes) {
      const aim = plan.shift() ?? 'random';
      await sleep(crashRng.int(1_000, aim === 'random' ? 6_000 : 2_000));
      // The kill aimed at a `pay` waits for one however long that takes (the workload goes on until the
      // planned kills happened, below); one aimed at a `cancel` falls back to a random moment after 10 s.
      const held =
        aim === 'random' ? [] : await inFlight(aim, aim === 'pay' ? Number.POSITIVE_INFINITY : 10_000);
      const hit = held.length > 0;
      if (workloadDone) break;
      const cut = await stack.crash(held.map((h) => h.id));
      if (hit) crashesAimed[aim as 'pay' | 'cancel'] += 1;
      if (aim === 'pay') cutPays.push(...held.filter((h) => !cut || cut.includes(h.id)));
      log(`crash ${stack.crashes} (${hit ? `while ${aim} was in flight` : 'random moment'})`);
      await sleep(crashRng.int(100, 1_000));
      await stack.restart();
    }
  })().finally(() => {
    crashLoopEnded = true;
  });

  // ---- forged and replayed notifications
  const forged: Record<string, number> = {};
  const forgeRng = root.fork('forgeries');
  const forgerDeps = {
    clientId: CLIENT_ID,
    gatewayKey: stack.gatewayKey,
    otherKey: loadPrivateKey(stack.keys.merchant.privateKeyPem),
  };
  let truths: TruthfulNotification[] = [];
  const forgeOnce = async () => {
    if (truths.length === 0 || forgeRng.chance(0.2)) {
      truths = truthfulNotifications((await stack.antom.call('GET', '/sandbox/api/notifications')).body);
    }
    if (truths.length === 0) return;
    const kind: ForgeryKind = forgeRng.pick(FORGERY_KINDS);
    const truth = forgeRng.pick(truths);
    const request = forge(kind, truth, forgeRng, forgerDeps);
    let answer;
    try {
      answer = await sendForged(stack.serverUrl, truth.path, request);
    } catch {
      return; // the server was down (crash mode): nothing was delivered
    }
    forged[kind] = (forged[kind] ?? 0) + 1;
    const acked = answer.status === 200;
    if (
      answer.status >= 500 ||
      (acked && !HARMLESS_KINDS.has(kind)) ||
      (!acked && HARMLESS_KINDS.has(kind))
    ) {
      violations.push({
        invariant: 'api',
        message: `forged notification (${kind}) answered ${answer.status} ${answer.text.slice(0, 200)}`,
      });
    }
  };
  const forgeLoop = (async () => {
    if (!options.forgeries) return;
    while (!workloadDone) {
      await sleep(forgeRng.int(100, 400));
      await forgeOnce().catch((error) => log(`forgery failed: ${String(error)}`));
    }
  })();

  // ---- the workload: orders with random buyer behaviour
  const deps = {
    merchant: stack.merchant,
    buyer: stack.buyer,
    antom: stack.antom,
    stats,
    violations,
    methodTimeoutMs: settings.methodTimeoutSeconds * 1000,
    graceMs: settings.gatewayExpiryGraceSeconds * 1000,
  };
  let nextOrder = 0;
  let finished = 0;
  const workers = Array.from({ length: Math.min(options.concurrency, options.orders) }, async () => {
    while (nextOrder < options.orders || crashesPending()) {
      const index = nextOrder++;
      const rng = root.fork(`order-${index}`);
      const actor = new OrderActor(deps, rng);
      try {
        if (await actor.create(rng.pick(MARKETS), `REL-${options.seed}-${index}`))
          await actor.run(rng.weighted(BEHAVIOUR_WEIGHTS));
      } catch (error) {
        if (error instanceof NoAnswerError) log(`order ${index}: ${error.message}`);
        else
          violations.push({
            invariant: 'api',
            message: `order ${index}: ${(error as Error).stack ?? String(error)}`,
          });
      }
      finished += 1;
      if (finished % 25 === 0) log(`${finished}/${options.orders} orders done`);
    }
  });
  await Promise.all(workers);
  workloadDone = true;
  await forgeLoop;
  await crashLoop;
  if (!stack.up) await stack.restart();

  // ---- faults stop; the run settles without them (and, if asked, without any notification)
  const described = (await stack.antom.call('GET', '/sandbox/api/faults')).body;
  const faults = firedByKind(described);
  if (options.dropAllNotificationsAfter)
    await stack.antom.call('PUT', '/sandbox/api/faults', { seed: 1, notifications: { drop: 1 } });
  else await stack.antom.call('DELETE', '/sandbox/api/faults');
  const faultsStoppedAt = Date.now();
  log(`workload done in ${Math.round((faultsStoppedAt - started) / 1000)} s; settling`);

  const bounds: LivenessBounds = {
    faultsStoppedAt,
    sweepIntervalMs: settings.sweepIntervalMs,
    // The server retries an unanswered inquiry after 5 s and a cancel after 2 s (payment.service.ts); after
    // a crash, what the killed process had claimed waits for its sweeper lease to run out.
    retryAfterFaultsMs: options.crashes ? Math.max(5_000, stack.sweepLeaseMs) : 5_000,
    slackMs: 2_000,
    payLeaseMs: stack.payLeaseMs,
  };
  const settleDeadline =
    faultsStoppedAt +
    Math.max(
      settings.methodTimeoutSeconds * 1000 + settings.gatewayExpiryGraceSeconds * 1000,
      stack.payLeaseMs,
    ) +
    bounds.retryAfterFaultsMs +
    bounds.sweepIntervalMs +
    bounds.slackMs +
    // Refunds retry on their own back-off (2 s, 5 s, 15 s …) after unknown answers.
    20_000;
  for (;;) {
    const orders = await readOrders(stack.merchant, await listOrderIds(stack.merchant));
    if (settled(orders) || Date.now() > settleDeadline) break;
    await sleep(500);
  }
  const payRequests = await collector.stop();
  const observation = await observe(stack.merchant, stack.antom, payRequests);
  violations.push(...checkAll(observation, bounds));
  const reconciled = await reconcileRun(stack, started);
  violations.push(...reconciled.violations);

  // ---- figures
  const notifications = (await stack.antom.call('GET', '/sandbox/api/notifications')).body.notifications as {
    attempts: { fault?: string }[];
  }[];
  const notificationFaults: Record<string, number> = {};
  for (const n of notifications)
    for (const attempt of n.attempts)
      for (const label of (attempt.fault ?? '').split(',').map((s) => s.trim().split(' ')[0]))
        if (label) notificationFaults[label] = (notificationFaults[label] ?? 0) + 1;
  const count = <T>(items: T[], key: (item: T) => string) =>
    items.reduce<Record<string, number>>(
      (acc, item) => ((acc[key(item)] = (acc[key(item)] ?? 0) + 1), acc),
      {},
    );
  const attempts = observation.orders.flatMap((o) => o.payments);
  const refunds = observation.orders.flatMap((o) => o.refunds);
  const byId = new Map<string, number>();
  for (const r of payRequests)
    if (r.paymentRequestId) byId.set(r.paymentRequestId, (byId.get(r.paymentRequestId) ?? 0) + 1);
  const allRequests = (await stack.antom.call('GET', '/sandbox/api/requests')).body.requests as {
    seq: number;
  }[];
  return {
    reconciled: { days: reconciled.days, rows: reconciled.rows },
    seed: options.seed,
    dialect: options.dialect,
    mode: settings.mode,
    orders: observation.orders.length,
    ordersByStatus: count(observation.orders, (o) => o.status),
    attempts: attempts.length,
    attemptsByState: count(attempts, (p) => p.state),
    paymentsAtAntom: observation.ledger.length,
    captured: observation.ledger.filter((l) => l.captured !== '0').length,
    duplicatesGivenBack: refunds.filter((r) => r.kind === 'DUPLICATE' && r.status === 'SUCCEEDED').length,
    duplicatesFlagged: refunds.filter((r) => r.kind === 'DUPLICATE' && r.status === 'MANUAL').length,
    merchantRefunds: count(
      refunds.filter((r) => r.kind === 'MERCHANT'),
      (r) => r.status,
    ),
    actions: stats,
    apiRequests: allRequests[0]?.seq ?? 0,
    faults,
    notificationFaults,
    notificationsForged: forged,
    crashes: stack.crashes,
    crashesAimed,
    paysCutByCrash: cutPays.map((cut) => ({
      paymentRequestId: cut.id,
      state: attempts.find((p) => p.id === cut.id)?.state,
      paysAfter: payRequests.filter((r) => r.paymentRequestId === cut.id && r.seq > cut.seq).length,
    })),
    attemptsRecoveredAfterCrash: observation.orders
      .flatMap((o) => o.events ?? [])
      .filter(
        (e) => e.type === 'payment.unknown' && (e.data as { cause?: string }).cause === 'pay lease expired',
      ).length,
    payRequests: payRequests.length,
    payResends: [...byId.values()].reduce((n, sent) => n + sent - 1, 0),
    liveness: { ...bounds, tightestMarginMs: tightestMargin(observation, bounds) },
    violations,
    serverErrors: [],
    evidence: observation.orders.filter((o) => violations.some((v) => v.orderId === o.id)).slice(0, 20),
    durationMs: Date.now() - started,
  };
}

/**
 * D16: Antom's books and ours agree after the run. The sandbox's transaction report of every Antom
 * day the run touched (UTC+8) is imported through the Merchant API, in order (a payment near midnight may
 * sit in the next day's report), and every discrepancy still open afterwards is a violation.
 */
async function reconcileRun(
  stack: ReliabilityStack,
  startedAt: number,
): Promise<{ violations: Violation[]; days: string[]; rows: number }> {
  const days: string[] = [];
  let rows = 0;
  for (let at = startedAt; ; at += 3_600_000) {
    const day = antomDay(Math.min(at, Date.now()));
    if (!days.includes(day)) days.push(day);
    if (at >= Date.now()) break;
  }
  for (const day of days) {
    const reports = await stack.antom.call('GET', `/sandbox/api/reports/${day}`);
    const file = (reports.body?.files as { kind: string; name: string; content: string }[] | undefined)?.find(
      (f) => f.kind === 'TRANSACTIONS',
    );
    const fail = (message: string) => ({
      violations: [{ invariant: 'reconciliation' as const, message }],
      days,
      rows,
    });
    if (!file) return fail(`the sandbox has no report for ${day}`);
    const imported = await stack.merchant.call('POST', '/api/v1/reconciliation/reports', {
      name: file.name,
      content: file.content,
    });
    if (imported.status !== 200 && imported.status !== 201)
      return fail(`importing ${file.name}: ${imported.status}`);
    rows += Number(imported.body?.file?.rows ?? 0);
  }
  const out: Violation[] = [];
  for (const day of days) {
    const view = await stack.merchant.call('GET', `/api/v1/reconciliation/days/${day}`);
    for (const d of (view.body?.discrepancies ?? []) as DiscrepancyView[]) {
      if (d.status !== 'OPEN') continue;
      out.push({
        invariant: 'reconciliation',
        ...(d.orderId ? { orderId: d.orderId } : {}),
        ...(d.paymentId ? { paymentId: d.paymentId } : {}),
        ...(d.refundId ? { refundId: d.refundId } : {}),
        message: `${day} ${d.kind} ${d.transactionType} ${d.requestId}: ${d.reason}`,
      });
    }
  }
  return { violations: out, days, rows };
}

/** Antom's day (UTC+8) of an instant, YYYY-MM-DD. */
function antomDay(at: number): string {
  return new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
}
