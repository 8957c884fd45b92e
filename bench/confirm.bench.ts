// D7.5 — confirm payment: the server's own time per POST /api/v1/checkout/:token/payments,
// i.e. the request's latency minus the time spent in Antom's `pay`, with a zero-latency sandbox.
// Both come from the server itself: the confirm answer's `Server-Timing` header gives its time on the
// request (`app`) and its wait on `pay` (`antom`), to the microsecond. Beside it, the baseline: a bare signed `pay` sent to
// the same sandbox by our AntomClient from this process, interleaved with the confirms. Each confirm gets a
// fresh order; confirms run one at a time (latency, not throughput). The sweeper runs as in production and
// asks Antom about the codes left waiting: that background work is part of what a confirm competes with.
// Target: own time p50 ≤ 3 ms, p99 ≤ 15 ms.
//
// The judged confirm comes, as in the cashier, after the buyer's page has read its checkout (GET, not
// timed): the instance then knows the order and confirm does not read it again (D17.11). Interleaved with
// them, as many confirms of orders nobody read first show the cold path.
//
// On PostgreSQL a confirm of a read checkout makes two round trips in turn (the attempt inserted in one
// statement, its status change after `pay` in one statement, decided on the attempt as inserted: D17.8);
// a cold one reads the token's order first;
// each wakes another process. Beside the confirms, one `select 1` round trip from this process is timed,
// interleaved, to show what those three cost on the machine as loaded as it is.
import pg from 'pg';
import { AntomClient } from '@paydesk/antom';
import { Table } from './support/report.ts';
import {
  benchKeys,
  CLIENT_ID,
  DIALECT_NAME,
  DIALECTS,
  startBenchStack,
  type Dialect,
} from './support/stack.ts';
import { ms, summarize, type Summary } from './support/stats.ts';

const WARMUP = 20;
const SAMPLES = 200;
const TARGET = { p50: 3, p99: 15 };

const pair = (s: Summary) => `p50 ${ms(s.p50)} / p99 ${ms(s.p99)}`;

/** The duration the server logged for the `pay` calls of one order (retries included), ms. */
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

    // One PostgreSQL round trip, timed from here beside each confirm (PostgreSQL only).
    const probe = dialect === 'postgres' ? new pg.Client({ connectionString: stack.databaseUrl }) : undefined;
    await probe?.connect();
    const roundTrip = async () => {
      if (!probe) return NaN;
      const started = performance.now();
      await probe.query('select 1');
      return performance.now() - started;
    };
    const trips: number[] = [];
    const endToEnd: number[] = [];
    const bare: number[] = [];
    const own: number[] = [];
    const cold: number[] = [];
    const pay: number[] = [];
    try {
      for (let n = 0; n < 2 * (WARMUP + SAMPLES); n += 1) {
        const order = await stack.createOrder();
        const read = n % 2 === 0;
        if (read) await stack.readCheckout(order.checkoutToken);
        const started = performance.now();
        const timing = await stack.confirmTimed(order.checkoutToken);
        const took = performance.now() - started;
        const bareTook = await barePay(n);
        const trip = await roundTrip();
        if (n < 2 * WARMUP) continue;
        if (!read) {
          cold.push(timing.app - timing.antom);
          continue;
        }
        trips.push(trip);
        endToEnd.push(took);
        bare.push(bareTook);
        own.push(timing.app - timing.antom);
        pay.push(timing.antom);
      }
    } finally {
      await probe?.end();
    }
    return {
      roundTrip: probe ? summarize(trips) : undefined,
      endToEnd: summarize(endToEnd),
      pay: summarize(pay),
      bare: summarize(bare),
      own: summarize(own),
      cold: summarize(cold),
    };
  } finally {
    await stack.close();
  }
}

export async function run(): Promise<void> {
  const table = new Table(
    `Confirm payment, zero-latency sandbox (${SAMPLES} confirms one at a time after ${WARMUP} warm-up, a fresh order each, its checkout read first; as many interleaved without)`,
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
      measure: `  own time, checkout not read first, ${DIALECT_NAME[dialect]}`,
      ours: pair(result.cold),
      baseline: '—',
      target: '—',
    });
    table.add({
      measure: `  end to end, ${DIALECT_NAME[dialect]}`,
      ours: pair(result.endToEnd),
      baseline: `pay as the server timed it: ${pair(result.pay)}`,
      target: '—',
    });
    if (result.roundTrip)
      table.add({
        measure: `  one round trip, ${DIALECT_NAME[dialect]}`,
        ours: `select 1: ${pair(result.roundTrip)}`,
        baseline: '—',
        target: '—',
      });
  }
  table.note(
    'own time = the server’s time on the request minus its wait on Antom’s `pay`, both from its Server-Timing header',
  );
  table.note(
    'end to end adds this process’s HTTP client and the loopback; the bare pay runs from this process',
  );
  table.print();
}
