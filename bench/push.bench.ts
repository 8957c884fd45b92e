// D7.6 — push latency: from the moment the sandbox sends Antom's PAYMENT_RESULT notification
// to the moment the buyer's event stream (GET …/events, Server-Sent Events) delivers the SUCCESS status,
// on one instance and across instances (two server processes on one PostgreSQL: the stream is held on A,
// the `pay` is sent by B, so Antom notifies B — the notify URL is the sender's PUBLIC_URL).
// "Sends" is the sandbox's own record of the delivery attempt (its `at`, taken just before the POST leaves;
// whole milliseconds on this process's clock, where the stream's events are stamped too).
// Baseline, on the same payments: a tab polling /status every 2 s from a random phase, as the cashier does
// without a stream — its delay from the same notification (analytically a 1 s mean).
// Target: push p99 ≤ 100 ms. Samples run in a few concurrent lanes so the 2 s polls overlap.
import type { OrderView } from '@paydesk/api';
import type { DeliveryAttempt } from '@paydesk/sandbox';
import { openStatusStream, poll, POLL_MS, statusOf } from './support/buyer.ts';
import { Table } from './support/report.ts';
import { startBenchStack, type BenchStack, type Dialect, type ServerInstance } from './support/stack.ts';
import { ms, summarize } from './support/stats.ts';

const LANES = 8;
const SAMPLES_PER_LANE = 10;
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

/**
 * The first delivery of this payment's PAYMENT_RESULT to `notified`: when the sandbox sent it (epoch ms) and
 * how long the server took to acknowledge it (ms).
 */
async function firstDelivery(
  stack: BenchStack,
  paymentId: string,
  notified: ServerInstance,
): Promise<{ sentAt: number; acknowledgedMs: number }> {
  const answer = await stack.control<{ notifications: { url: string; attempts: DeliveryAttempt[] }[] }>(
    'GET',
    `/sandbox/api/notifications?paymentId=${paymentId}&notifyType=PAYMENT_RESULT`,
  );
  const [notification] = answer.body.notifications;
  const first = notification?.attempts[0];
  if (!notification || !first) throw new Error(`no PAYMENT_RESULT delivery recorded for ${paymentId}`);
  if (!notification.url.startsWith(notified.url))
    throw new Error(`Antom notified ${notification.url}, not ${notified.url}`);
  return { sentAt: Date.parse(first.at), acknowledgedMs: first.durationMs };
}

/** One payment: stream on `streamer`, confirm on `notified`, the wallet pays; both delays from the notification. */
async function sample(stack: BenchStack, streamer: ServerInstance, notified: ServerInstance) {
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
    const { sentAt, acknowledgedMs } = await firstDelivery(stack, paymentId, notified);
    return { push: pushed.receivedAt - sentAt, poll: polled - sentAt, acknowledgedMs };
  } finally {
    // Already awaited on success; after a failure its own error (if any) is not the one to report.
    await poller.stop().catch(() => {});
    stream.close();
  }
}

export async function run(): Promise<void> {
  const table = new Table(
    `Push latency, Antom notification sent → SUCCESS on the buyer's event stream (${LANES * SAMPLES_PER_LANE} payments each, ${LANES} at a time)`,
  );
  for (const setup of SETUPS) {
    const stack = await startBenchStack({ dialect: setup.dialect, instances: setup.instances });
    try {
      const streamer = stack.servers[0]!;
      const notified = stack.servers[setup.instances - 1]!;
      const push: number[] = [];
      const polled: number[] = [];
      const acknowledged: number[] = [];
      await Promise.all(
        Array.from({ length: LANES }, async () => {
          for (let n = 0; n < SAMPLES_PER_LANE; n += 1) {
            const result = await sample(stack, streamer, notified);
            push.push(result.push);
            polled.push(result.poll);
            acknowledged.push(result.acknowledgedMs);
          }
        }),
      );
      const ours = summarize(push);
      const baseline = summarize(polled);
      table.add({
        measure: setup.label,
        ours: `p50 ${ms(ours.p50)} / p99 ${ms(ours.p99)}`,
        baseline: `2 s poll: mean ${ms(baseline.mean)} / p99 ${ms(baseline.p99)}`,
        target: `p99 ≤ ${TARGET_P99_MS} ms`,
        pass: ours.p99 <= TARGET_P99_MS,
      });
      const ack = summarize(acknowledged);
      table.note(
        `${setup.label}: the server acknowledged Antom's notification in p50 ${ms(ack.p50)} / p99 ${ms(ack.p99)}`,
      );
    } finally {
      await stack.close();
    }
  }
  table.note(
    `p99 of ${LANES * SAMPLES_PER_LANE} payments is their slowest one; across instances: stream on A, \`pay\` sent by B with B as notify URL (checked on every delivery)`,
  );
  table.note('the poll baseline is measured on the same payments, from a random phase (expected mean 1 s)');
  table.print();
}
