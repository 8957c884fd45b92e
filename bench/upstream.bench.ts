// D7.8 — upstream calls: how many gateway calls (inquiryPayment and any other) Antom receives
// for one payment attempt while 100 buyer tabs poll its checkout's /status every 2 s and each hold its
// event stream, beside the same attempt watched by one tab. Both attempts are confirmed together on one
// server (SQLite, production sweeper cadence) and counted from the sandbox's request log over the same
// window after each attempt's `pay`. Buyer traffic must not reach Antom (the sweeper asks on its own
// back-off schedule): target, the same count as one tab.
import type { RequestRecord } from '@paydesk/sandbox';
import { openStatusStream, poll, POLL_MS } from './support/buyer.ts';
import { Table } from './support/report.ts';
import { startBenchStack, type BenchStack } from './support/stack.ts';
import { count, sleep } from './support/stats.ts';

const WINDOW_MS = 30_000;
const CROWD = 100;

/** Requests Antom received about this attempt (by our paymentRequestId or its paymentId), `pay` excluded. */
async function callsFor(stack: BenchStack, paymentRequestId: string, from: number, to: number) {
  const seen = new Map<number, RequestRecord>();
  const byRequestId = await stack.control<{ requests: RequestRecord[] }>(
    'GET',
    `/sandbox/api/requests?paymentRequestId=${paymentRequestId}`,
  );
  for (const record of byRequestId.body.requests) seen.set(record.seq, record);
  const paymentIds = new Set(
    [...seen.values()].map((record) => record.paymentId).filter((id) => id !== undefined),
  );
  for (const paymentId of paymentIds) {
    const byPaymentId = await stack.control<{ requests: RequestRecord[] }>(
      'GET',
      `/sandbox/api/requests?paymentId=${paymentId}`,
    );
    for (const record of byPaymentId.body.requests) seen.set(record.seq, record);
  }
  const counted = [...seen.values()].filter((record) => {
    const at = Date.parse(record.at);
    return record.api !== 'pay' && at >= from && at <= to;
  });
  const byApi = new Map<string, number>();
  for (const record of counted) byApi.set(record.api, (byApi.get(record.api) ?? 0) + 1);
  return { total: counted.length, byApi };
}

/** `tabs` tabs on one checkout, each with its stream and its 2 s poll, until `stopAt` (epoch ms). */
async function watch(stack: BenchStack, token: string, tabs: number, stopAt: number): Promise<number> {
  const server = stack.servers[0]!.url;
  const streams = await Promise.all(Array.from({ length: tabs }, () => openStatusStream(server, token)));
  const pollers = streams.map(() =>
    poll(server, token, { phaseMs: Math.random() * POLL_MS, timeoutMs: WINDOW_MS * 2 }),
  );
  await sleep(stopAt - Date.now());
  await Promise.all(pollers.map((poller) => poller.stop()));
  for (const stream of streams) stream.close();
  return pollers.reduce((sum, poller) => sum + poller.polls, 0);
}

const describe = (calls: { total: number; byApi: Map<string, number> }, polls: number) =>
  `${calls.total} (${[...calls.byApi].map(([api, n]) => `${api} ${n}`).join(', ') || 'none'}; ${count(polls)} polls)`;

export async function run(): Promise<void> {
  const table = new Table(
    `Gateway calls per payment attempt while buyers watch it (${WINDOW_MS / 1000} s, SQLite)`,
  );
  const stack = await startBenchStack({ dialect: 'sqlite' });
  try {
    const solo = await stack.createOrder();
    const crowd = await stack.createOrder();
    const soloPaidAt = Date.now();
    const soloPayment = await stack.confirm(solo.checkoutToken);
    const crowdPaidAt = Date.now();
    const crowdPayment = await stack.confirm(crowd.checkoutToken);
    const stopAt = crowdPaidAt + WINDOW_MS;
    const [soloPolls, crowdPolls] = await Promise.all([
      watch(stack, solo.checkoutToken, 1, stopAt),
      watch(stack, crowd.checkoutToken, CROWD, stopAt),
    ]);
    const one = await callsFor(stack, soloPayment.id, soloPaidAt, soloPaidAt + WINDOW_MS);
    const many = await callsFor(stack, crowdPayment.id, crowdPaidAt, crowdPaidAt + WINDOW_MS);
    table.add({
      measure: `Antom calls per attempt, ${CROWD} tabs`,
      ours: describe(many, crowdPolls),
      baseline: `1 tab: ${describe(one, soloPolls)}`,
      target: 'same count as 1 tab',
      pass: many.total <= one.total,
    });
    table.note('each tab holds the event stream and polls /status every 2 s from a random phase');
    table.note(
      `calls counted in the sandbox request log over ${WINDOW_MS / 1000} s from each attempt's confirm`,
    );
  } finally {
    await stack.close();
  }
  table.print();
}
