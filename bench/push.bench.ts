// D7.6 — push latency: from the moment the sandbox sends Antom's PAYMENT_RESULT notification
// to the moment the buyer's event stream (GET …/events, Server-Sent Events) delivers the SUCCESS status,
// on one instance and across instances (two server processes on one PostgreSQL: the stream is held on A,
// the `pay` is sent by B, so Antom notifies B — the notify URL is the sender's PUBLIC_URL).
// "Sends" is the sandbox's own record of the delivery attempt (its `at`, taken just before the POST leaves;
// whole milliseconds of the machine's clock, by which this process stamps the stream's events too).
// Where the time goes (D17.12), per payment: the server's own account of the notification (its
// `Server-Timing` answer, which the sandbox keeps: the whole request, and acting on it until its effects were
// committed), and on PostgreSQL the moment the settlement committed — this process LISTENs on the channel the
// order-event trigger NOTIFYs at commit, as each instance does — so the push splits into "sent → committed"
// (the HTTP hop, verifying, the settlement) and "committed → on the stream" (the streaming instance hearing
// the change, reading it and writing it, and this process reading it).
// Baseline, on the same payments: a tab polling /status every 2 s from a random phase, as the cashier does
// without a stream — its delay from the same notification (analytically a 1 s mean).
// Target: push p99 ≤ 100 ms. Samples run in a few concurrent lanes so the 2 s polls overlap. Each lane's
// first payments warm the processes up and are not counted (as confirm's first 20 are not): the slowest
// payments of a run were each lane's first — code not yet compiled, connections and PostgreSQL backends'
// caches not yet made (D17.12).
import pg from 'pg';
import type { OrderView } from '@paydesk/api';
import type { DeliveryAttempt } from '@paydesk/sandbox';
import { ORDER_CHANGES_CHANNEL } from '@paydesk/server';
import { epochNow } from './support/sse.ts';
import { openStatusStream, poll, POLL_MS, statusOf } from './support/buyer.ts';
import { Table } from './support/report.ts';
import { startBenchStack, type BenchStack, type Dialect, type ServerInstance } from './support/stack.ts';
import { ms, summarize, type Summary } from './support/stats.ts';

const LANES = 8;
const WARMUP_PER_LANE = 2;
const SAMPLES_PER_LANE = 15;
const TARGET_P99_MS = 100;

interface Setup {
  label: string;
  dialect: Dialect;
  instances: 1 | 2;
}

const SETUPS: Setup[] = [
  { label: 'one instance, SQLite', dialect: 'sqlite', instances: 1 },
  { label: 'one instance, PostgreSQL', dialect: 'postgres', instances: 1 },
  { label: 'across instances, PostgreSQL', dialect: 'postgres', instances: 2 },
];

/** A `Server-Timing` metric's duration (ms), NaN when absent. */
const timing = (header: string | undefined, name: string) =>
  Number(new RegExp(`(?:^|,)\\s*${name};dur=([\\d.]+)`).exec(header ?? '')?.[1] ?? NaN);

/**
 * The first delivery of this payment's PAYMENT_RESULT to `notified`: when the sandbox sent it (epoch ms), how
 * long the server took to acknowledge it as the sandbox timed it (ms), and the server's own `Server-Timing`.
 */
async function firstDelivery(
  stack: BenchStack,
  paymentId: string,
  notified: ServerInstance,
): Promise<{ sentAt: number; acknowledgedMs: number; appMs: number; applyMs: number }> {
  const answer = await stack.control<{ notifications: { url: string; attempts: DeliveryAttempt[] }[] }>(
    'GET',
    `/sandbox/api/notifications?paymentId=${paymentId}&notifyType=PAYMENT_RESULT`,
  );
  const [notification] = answer.body.notifications;
  const first = notification?.attempts[0];
  if (!notification || !first) throw new Error(`no PAYMENT_RESULT delivery recorded for ${paymentId}`);
  if (!notification.url.startsWith(notified.url))
    throw new Error(`Antom notified ${notification.url}, not ${notified.url}`);
  return {
    sentAt: Date.parse(first.at),
    acknowledgedMs: first.durationMs,
    appMs: timing(first.serverTiming, 'app'),
    applyMs: timing(first.serverTiming, 'apply'),
  };
}

/**
 * On PostgreSQL, when each order's changes committed, heard as the instances hear them (LISTEN on the
 * trigger's channel; the payload is `<application name> <order id>`), by this process's clock.
 */
async function listenForCommits(databaseUrl: string) {
  const heard = new Map<string, number[]>();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  client.on('notification', (message) => {
    const at = epochNow();
    const orderId = message.payload?.split(' ')[1];
    if (!orderId) return;
    const times = heard.get(orderId) ?? [];
    times.push(at);
    heard.set(orderId, times);
  });
  await client.query(`listen ${ORDER_CHANGES_CHANNEL}`);
  return {
    /** The first commit of `orderId`'s changes heard at or after `from` (epoch ms), if any. */
    firstAfter: (orderId: string, from: number) => heard.get(orderId)?.find((at) => at >= from),
    close: () => client.end(),
  };
}

/** One payment: stream on `streamer`, confirm on `notified`, the wallet pays; both delays from the notification. */
async function sample(
  stack: BenchStack,
  streamer: ServerInstance,
  notified: ServerInstance,
  commits: Awaited<ReturnType<typeof listenForCommits>> | undefined,
) {
  const order: OrderView = await stack.createOrder(notified);
  const payment = await stack.confirm(order.checkoutToken, notified);
  const stream = await openStatusStream(streamer.url, order.checkoutToken);
  const poller = poll(streamer.url, order.checkoutToken, {
    phaseMs: Math.random() * POLL_MS,
    timeoutMs: 4 * POLL_MS,
    until: (status) => status.payment?.status === 'SUCCESS',
  });
  try {
    const paymentId = await stack.payCode(payment.code!.value);
    const pushed = await stream.next((event) => statusOf(event)?.payment?.status === 'SUCCESS', 15_000);
    const polled = await poller.seen;
    const delivery = await firstDelivery(stack, paymentId, notified);
    const { sentAt } = delivery;
    // `at` is whole milliseconds: a commit heard within the same millisecond counts.
    const committed = commits?.firstAfter(order.id, sentAt);
    return {
      push: pushed.receivedAt - sentAt,
      poll: polled - sentAt,
      ...delivery,
      toCommit: committed === undefined ? NaN : committed - sentAt,
      fromCommit: committed === undefined ? NaN : pushed.receivedAt - committed,
    };
  } finally {
    // Already awaited on success; after a failure its own error (if any) is not the one to report.
    await poller.stop().catch(() => {});
    stream.close();
  }
}

export async function run(): Promise<void> {
  const table = new Table(
    `Push latency, Antom notification sent → SUCCESS on the buyer's event stream (${LANES * SAMPLES_PER_LANE} payments each, ${LANES} at a time, after ${LANES * WARMUP_PER_LANE} to warm up)`,
  );
  for (const setup of SETUPS) {
    const stack = await startBenchStack({ dialect: setup.dialect, instances: setup.instances });
    const commits = setup.dialect === 'postgres' ? await listenForCommits(stack.databaseUrl) : undefined;
    try {
      const streamer = stack.servers[0]!;
      const notified = stack.servers[setup.instances - 1]!;
      const samples: Awaited<ReturnType<typeof sample>>[] = [];
      const warmUp: number[] = [];
      await Promise.all(
        Array.from({ length: LANES }, async () => {
          for (let n = 0; n < WARMUP_PER_LANE + SAMPLES_PER_LANE; n += 1) {
            const result = await sample(stack, streamer, notified, commits);
            if (n >= WARMUP_PER_LANE) samples.push(result);
            else warmUp.push(result.push);
          }
        }),
      );
      const of = (key: keyof (typeof samples)[number]) => summarize(samples.map((one) => one[key]));
      const pair = (summary: Summary) => `p50 ${ms(summary.p50)} / p99 ${ms(summary.p99)}`;
      const ours = of('push');
      const baseline = of('poll');
      table.add({
        measure: setup.label,
        ours: pair(ours),
        baseline: `2 s poll: mean ${ms(baseline.mean)} / p99 ${ms(baseline.p99)}`,
        target: `p99 ≤ ${TARGET_P99_MS} ms`,
        pass: ours.p99 <= TARGET_P99_MS,
      });
      table.note(
        `${setup.label}: the acknowledgement as the sandbox timed it ${pair(of('acknowledgedMs'))}; the server's own time on it ${pair(of('appMs'))}, of which acting on it until committed ${pair(of('applyMs'))}`,
      );
      table.note(
        `${setup.label}: the ${warmUp.length} warm-up payments (not counted), each lane's first: push p50 ${ms(summarize(warmUp).p50)}, slowest ${ms(summarize(warmUp).max)}`,
      );
      if (commits)
        table.note(
          `${setup.label}: sent → committed (heard by LISTEN) ${pair(of('toCommit'))}; committed → on the stream ${pair(of('fromCommit'))}`,
        );
    } finally {
      await commits?.close();
      await stack.close();
    }
  }
  table.note(
    `p99 of ${LANES * SAMPLES_PER_LANE} payments is their second slowest; across instances: stream on A, \`pay\` sent by B with B as notify URL (checked on every delivery)`,
  );
  table.note('the poll baseline is measured on the same payments, from a random phase (expected mean 1 s)');
  table.print();
}
