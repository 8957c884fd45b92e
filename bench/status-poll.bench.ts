// Issue #7 figure 4 — the buyer's 2-second poll, GET /api/v1/checkout/:token/status, under load: requests
// per second and p99 latency, beside a bare Fastify route that answers a constant JSON of the same shape.
// Both run in their own child process and are driven by the same load generator (autocannon, keep-alive,
// fixed concurrency), one after the other, so the ratio is the cost of the token look-up, the database
// read, the rate limiter and the response schema. The bare route is measured again before each dialect to
// keep the pair close in time on this noisy machine. Target: ≥ 0.7× the bare route on SQLite, ≥ 0.5× on
// PostgreSQL. The polled order has a payment waiting (PROCESSING), the state buyers poll in.
import { NodeChild } from './support/child.ts';
import { drive, type LoadOptions, type LoadResult } from './support/load.ts';
import { Table } from './support/report.ts';
import { DIALECT_NAME, DIALECTS, startBenchStack, type Dialect } from './support/stack.ts';
import { count, ms } from './support/stats.ts';
import { freePort } from '../scripts/test-support.ts';

const LOAD: LoadOptions = { connections: 16, warmupSeconds: 2, durationSeconds: 5 };
const TARGET: Record<Dialect, number> = { sqlite: 0.7, postgres: 0.5 };

const describe = (result: LoadResult) =>
  `${count(result.requestsPerSecond)} req/s, p50 ${ms(result.p50Ms)} / p99 ${ms(result.p99Ms)}`;

export async function run(): Promise<void> {
  const table = new Table(
    `Status poll under load (${LOAD.connections} keep-alive connections, ${LOAD.warmupSeconds} s warm-up + ${LOAD.durationSeconds} s each)`,
  );
  const port = await freePort();
  const bare = await NodeChild.start({
    name: 'bare-fastify',
    script: 'bench/support/bare.server.ts',
    env: { PORT: String(port) },
    readyUrl: `http://127.0.0.1:${port}/status`,
  });
  try {
    for (const dialect of DIALECTS) {
      const stack = await startBenchStack({ dialect });
      try {
        const order = await stack.createOrder();
        await stack.confirm(order.checkoutToken);
        const baseline = await drive(`http://127.0.0.1:${port}/status`, LOAD);
        const ours = await drive(
          `${stack.servers[0]!.url}/api/v1/checkout/${order.checkoutToken}/status`,
          LOAD,
        );
        const ratio = ours.requestsPerSecond / baseline.requestsPerSecond;
        table.add({
          measure: `GET …/status, ${DIALECT_NAME[dialect]}`,
          ours: `${describe(ours)} (${ratio.toFixed(2)}×)`,
          baseline: `bare Fastify: ${describe(baseline)}`,
          target: `≥ ${TARGET[dialect].toFixed(1)}× req/s`,
          pass: ratio >= TARGET[dialect],
        });
      } finally {
        await stack.close();
      }
    }
  } finally {
    await bare.stop();
  }
  table.note(
    'the server and the bare route each run in their own process; latencies are over every response measured',
  );
  table.print();
}
