// Issue #7 figure 5 — confirm payment: the server's own time per POST /api/v1/checkout/:token/payments,
// i.e. the request's latency minus the time spent in Antom's `pay`, with a zero-latency sandbox.
// The `pay` time is the server's own measurement: every gateway call is logged with its duration
// (gateway_calls.duration_ms, whole milliseconds) and shown in the order's history on the Merchant API,
// so each confirm is paired with the `pay` it made. Beside it, the baseline: a bare signed `pay` sent to
// the same sandbox by our AntomClient from this process, interleaved with the confirms. Each confirm gets a
// fresh order; confirms run one at a time (latency, not throughput). The sweeper runs as in production and
// asks Antom about the codes left waiting: that background work is part of what a confirm competes with.
// Target: own time p50 ≤ 3 ms, p99 ≤ 15 ms.
import type { OrderEventView, OrderView } from '@paydesk/api';
import { AntomClient } from '@paydesk/antom';
import { Table } from './support/report.ts';
import {
  benchKeys,
  CLIENT_ID,
  DIALECT_NAME,
  DIALECTS,
  startBenchStack,
  type BenchStack,
  type Dialect,
} from './support/stack.ts';
import { ms, sleep, summarize, type Summary } from './support/stats.ts';

const WARMUP = 20;
const SAMPLES = 200;
const TARGET = { p50: 3, p99: 15 };

const pair = (s: Summary) => `p50 ${ms(s.p50)} / p99 ${ms(s.p99)}`;

/** The duration the server logged for the `pay` calls of one order (retries included), ms. */
async function payTime(stack: BenchStack, orderId: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    // The call log is written beside the call, not inside the request: it may land a moment later.
    const answer = await stack.merchant<OrderView>('GET', `/api/v1/orders/${orderId}`);
    const calls = (answer.body.events ?? []).filter(
      (event: OrderEventView) => event.type === 'gateway.call' && event.data.api === 'pay',
    );
    if (calls.length > 0) return calls.reduce((sum, call) => sum + Number(call.data.durationMs), 0);
    await sleep(20);
  }
  throw new Error(`no pay call logged for ${orderId}`);
}

async function measure(dialect: Dialect) {
  const stack = await startBenchStack({ dialect });
  try {
    const { merchant, gateway } = benchKeys();
    const client = new AntomClient({
      clientId: CLIENT_ID,
      privateKey: merchant.privateKeyPem,
      antomPublicKey: gateway.publicKeyPem,
      gatewayUrl: stack.sandboxUrl,
      maxRetries: 0,
    });
    const barePay = async (n: number) => {
      const started = performance.now();
      await client.pay({
        productCode: 'CASHIER_PAYMENT',
        paymentRequestId: `bench_${dialect}_${n}_${Date.now()}`,
        order: {
          referenceOrderId: `B-${n}`,
          orderDescription: 'Jasmine tea ×2',
          orderAmount: { currency: 'THB', value: '150000' },
        },
        paymentAmount: { currency: 'THB', value: '150000' },
        paymentMethod: { paymentMethodType: 'PROMPTPAY' },
        paymentRedirectUrl: 'https://shop.example/done',
        env: { terminalType: 'WEB' },
      });
      return performance.now() - started;
    };

    const endToEnd: number[] = [];
    const bare: number[] = [];
    const orders: string[] = [];
    for (let n = 0; n < WARMUP + SAMPLES; n += 1) {
      const order = await stack.createOrder();
      const started = performance.now();
      await stack.confirm(order.checkoutToken);
      const took = performance.now() - started;
      const bareTook = await barePay(n);
      if (n < WARMUP) continue;
      endToEnd.push(took);
      bare.push(bareTook);
      orders.push(order.id);
    }
    const pay: number[] = [];
    for (const id of orders) pay.push(await payTime(stack, id));
    const own = endToEnd.map((took, i) => took - pay[i]!);
    return {
      endToEnd: summarize(endToEnd),
      pay: summarize(pay),
      bare: summarize(bare),
      own: summarize(own),
    };
  } finally {
    await stack.close();
  }
}

export async function run(): Promise<void> {
  const table = new Table(
    `Confirm payment, zero-latency sandbox (${SAMPLES} confirms one at a time after ${WARMUP} warm-up, a fresh order each)`,
  );
  for (const dialect of DIALECTS) {
    const result = await measure(dialect);
    table.add({
      measure: `own time, ${DIALECT_NAME[dialect]}`,
      ours: pair(result.own),
      baseline: `bare signed pay: ${pair(result.bare)}`,
      target: `p50 ≤ ${TARGET.p50} ms, p99 ≤ ${TARGET.p99} ms`,
      pass: result.own.p50 <= TARGET.p50 && result.own.p99 <= TARGET.p99,
    });
    table.add({
      measure: `  end to end, ${DIALECT_NAME[dialect]}`,
      ours: pair(result.endToEnd),
      baseline: `pay as the server timed it: ${pair(result.pay)}`,
      target: '—',
    });
  }
  table.note(
    "own time = each confirm's latency here minus the duration its own `pay` call logged in the server",
  );
  table.note(
    '(whole milliseconds, so each own-time sample carries ±0.5 ms); the bare pay runs from this process',
  );
  table.print();
}
