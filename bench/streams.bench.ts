// D7.7 — open streams: 10,000 concurrent event streams (GET …/events) held on ONE server
// process (SQLite), spread over 100 orders. Reports the server's resident memory (VmRSS) idle and with
// the streams open, the memory per stream, and the time to fan changes out: one order changed (its 100
// streams) and every order changed at once (all 10,000 streams). The stream clients live in this process,
// one socket each. Baselines: the idle server's RSS, and the same changes seen by a single stream on the
// idle server. Targets: ≤ 300 MB resident in all; every stream has the change of its order within 300 ms
// of that change's commit (D17.4): the time judged runs from the `order.closed` event the server recorded
// in the closing transaction (its clock is this machine's) to the last of the order's 100 streams. The time
// from the start of the 100 closes to the last of all 10,000 streams is shown beside it: it adds the
// closes' own work (100 Merchant API calls on the one event loop that also pushes), which no buyer waits on.
import type { CheckoutStatus, OrderView } from '@paydesk/api';
import { openStatusStream, statusOf } from './support/buyer.ts';
import { Table } from './support/report.ts';
import { epochNow, type EventStream } from './support/sse.ts';
import { METRICS_TOKEN, startBenchStack, type BenchStack } from './support/stack.ts';
import { count, megabytes, ms, percentile, sleep } from './support/stats.ts';

const ORDERS = 100;
const STREAMS_PER_ORDER = 100;
const OPENING_AT_ONCE = 200;
const TARGET_BYTES = 300e6;
const FAN_OUT_TIMEOUT_MS = 120_000;
/** D17.4: one change per order reaches all 10,000 streams within this (ms). */
const FAN_OUT_TARGET_MS = 300;
const LONE_PROBES = 5;
const SETTLE_MS = 3_000;

const hasPayment = (status: CheckoutStatus) => status.payment !== null;
const isClosed = (status: CheckoutStatus) => status.orderStatus === 'CLOSED';

/**
 * Runs `change` and resolves with how long after its start each stream first got a status `until` accepts
 * (ms; the last one is the fan-out time).
 */
async function fanOut(
  streams: EventStream[],
  until: (status: CheckoutStatus) => boolean,
  change: () => Promise<unknown>,
): Promise<number[] & { changedMs?: number; startedAt?: number }> {
  const started = epochNow();
  const arrivals = streams.map((stream) =>
    stream.next((event) => {
      const status = statusOf(event);
      return status !== undefined && event.receivedAt >= started && until(status);
    }, FAN_OUT_TIMEOUT_MS),
  );
  await change();
  const changedMs = epochNow() - started;
  const times: number[] & { changedMs?: number; startedAt?: number } = (await Promise.all(arrivals)).map(
    (event) => event.receivedAt - started,
  );
  times.changedMs = changedMs;
  times.startedAt = started;
  return times;
}

/**
 * When each order's close was committed (epoch ms): the `order.closed` event its transaction recorded, from
 * the order's history (GET /api/v1/orders/:id).
 */
async function closedAt(stack: BenchStack, orders: readonly OrderView[]): Promise<number[]> {
  return Promise.all(
    orders.map(async (order) => {
      const answer = await stack.merchant<OrderView>('GET', `/api/v1/orders/${order.id}`);
      const event = answer.body.events?.find((e) => e.type === 'order.closed');
      if (!event) throw new Error(`${order.id}: no order.closed event in its history`);
      return Date.parse(event.at);
    }),
  );
}

const close = (stack: BenchStack, order: OrderView) =>
  stack.merchant('POST', `/api/v1/orders/${order.id}/close`).then((answer) => {
    if (answer.status !== 200) throw new Error(`close ${order.id}: ${answer.status}`);
  });

/** Scrapes the server's own count of open streams from /metrics (undefined if it keeps none). */
async function serverStreamCount(url: string): Promise<number | undefined> {
  const text = await (
    await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const match = /^paydesk_sse_clients(?:\{\})? (\d+)$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

export async function run(): Promise<void> {
  const total = ORDERS * STREAMS_PER_ORDER;
  const table = new Table(
    `Open event streams on one server process, SQLite (${total.toLocaleString('en-US')} streams over ${ORDERS} orders)`,
  );
  const stack = await startBenchStack({ dialect: 'sqlite' });
  const server = stack.servers[0]!;
  const streams: EventStream[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    // Baselines on the idle server: the same two changes as below, each seen by a single stream
    // (the median of a few, after as many again to warm the server up).
    const loneConfirm: number[] = [];
    const loneClose: number[] = [];
    for (let n = 0; n < 2 * LONE_PROBES; n += 1) {
      const probe = await stack.createOrder();
      const lone = [await openStatusStream(server.url, probe.checkoutToken)];
      const [confirmed] = await fanOut(lone, hasPayment, () => stack.confirm(probe.checkoutToken));
      const [closed] = await fanOut(lone, isClosed, () => close(stack, probe));
      lone[0]!.close();
      if (n < LONE_PROBES) continue;
      loneConfirm.push(confirmed!);
      loneClose.push(closed!);
    }

    const orders: OrderView[] = [];
    for (let n = 0; n < ORDERS; n += 1) orders.push(await stack.createOrder());
    await sleep(SETTLE_MS);
    const idle = server.process.residentBytes();

    // RSS is sampled throughout: the peak (garbage not yet collected included) is what a memory limit
    // meets; the settled figure, a few seconds after the streams are open, is what they hold.
    let peak = idle;
    sampler = setInterval(() => (peak = Math.max(peak, server.process.residentBytes())), 100);
    const targets = orders.flatMap((order) => Array.from({ length: STREAMS_PER_ORDER }, () => order));
    const openStarted = performance.now();
    for (let from = 0; from < targets.length; from += OPENING_AT_ONCE) {
      const batch = targets.slice(from, from + OPENING_AT_ONCE);
      streams.push(
        ...(await Promise.all(batch.map((order) => openStatusStream(server.url, order.checkoutToken)))),
      );
    }
    const openSeconds = (performance.now() - openStarted) / 1000;
    await sleep(SETTLE_MS);
    const held = server.process.residentBytes();
    const counted = await serverStreamCount(server.url);

    const firstOrder = streams.slice(0, STREAMS_PER_ORDER);
    const one = await fanOut(firstOrder, hasPayment, () => stack.confirm(orders[0]!.checkoutToken));
    const serverCpu = server.process.cpuSeconds();
    const benchCpu = process.cpuUsage();
    const all = await fanOut(streams, isClosed, () =>
      Promise.all(orders.map((order) => close(stack, order))),
    );
    const fanOutCpu = {
      server: server.process.cpuSeconds() - serverCpu,
      bench: (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(benchCpu)),
    };
    clearInterval(sampler);
    peak = Math.max(peak, held, server.process.residentBytes());
    // From each order's commit to the last of its streams (streams are grouped by order, in order).
    const committed = await closedAt(stack, orders);
    const perOrder = orders.map((_, index) => {
      const last = Math.max(...all.slice(index * STREAMS_PER_ORDER, (index + 1) * STREAMS_PER_ORDER));
      return all.startedAt! + last - committed[index]!;
    });
    const slowestOrder = Math.max(...perOrder);

    table.add({
      measure: `resident memory, ${total.toLocaleString('en-US')} streams`,
      ours: `peak ${megabytes(peak)}, held ${megabytes(held)} (${((held - idle) / total / 1024).toFixed(1)} KB/stream)`,
      baseline: `idle, 0 streams: ${megabytes(idle)}`,
      target: `≤ ${megabytes(TARGET_BYTES)}`,
      pass: peak <= TARGET_BYTES,
    });
    table.add({
      measure: `fan-out, 1 order changed (${STREAMS_PER_ORDER} streams)`,
      ours: `all in ${ms(Math.max(...one))} (the confirm answered in ${ms(one.changedMs!)})`,
      baseline: `1 stream, idle: ${ms(percentile(loneConfirm, 50))}`,
      target: '—',
    });
    table.add({
      measure: `fan-out, ${ORDERS} orders changed (${total.toLocaleString('en-US')} streams)`,
      ours: `commit → last stream of its order: slowest order ${ms(slowestOrder)}, median ${ms(percentile(perOrder, 50))}`,
      baseline: `1 stream, idle: ${ms(percentile(loneClose, 50))}`,
      target: `≤ ${ms(FAN_OUT_TARGET_MS)} (D17: 1,173 ms)`,
      pass: slowestOrder <= FAN_OUT_TARGET_MS,
    });
    table.add({
      measure: `  from the first close sent`,
      ours: `all ${total.toLocaleString('en-US')} in ${ms(Math.max(...all))} (the ${ORDERS} closes answered in ${ms(all.changedMs!)})`,
      baseline: '—',
      target: '—',
    });
    table.note(
      `${total.toLocaleString('en-US')} streams opened in ${openSeconds.toFixed(1)} s, ${OPENING_AT_ONCE} at a time (${count(total / openSeconds)}/s); the server counted ${counted ?? 'no'} open`,
    );
    table.note(
      `peak: highest RSS sampled every 0.1 s from the first open to the last fan-out; held: ${SETTLE_MS / 1000} s after the last open`,
    );
    table.note(
      'changes: confirm a payment on one order (its first status with a payment), then close all orders at once',
    );
    table.note(
      `CPU during the ${total.toLocaleString('en-US')}-stream fan-out: server ${ms(fanOutCpu.server * 1000)}, this process (the ${ORDERS} closes and the stream clients) ${ms(fanOutCpu.bench * 1000)}`,
    );
  } finally {
    clearInterval(sampler);
    for (const stream of streams) stream.close();
    await stack.close();
  }
  table.print();
}
