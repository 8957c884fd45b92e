// D17.5 — the whole journey under load: a few hundred buyers at once, each placing an order
// through the Merchant API, opening the checkout's event stream, confirming PromptPay, paying the code at
// the sandbox (zero latency) and waiting for SUCCESS on the stream. On SQLite with one server process, and
// on PostgreSQL with three sharing one database, where each buyer's order, stream and confirm go to three
// different instances (Antom notifies the confirming one; the push reaches the stream across instances).
// Reported: completed checkouts per second, p50/p99 of each step, and where the time goes (each process's
// CPU per completed checkout). Baseline: the same journey for one buyer alone, a few times, before the
// crowd. Target: zero errors, every buyer sees SUCCESS on its stream.
import type { CheckoutStatus } from '@paydesk/api';
import { openStatusStream, statusOf } from './support/buyer.ts';
import { Table } from './support/report.ts';
import { startBenchStack, type BenchStack, type Dialect } from './support/stack.ts';
import { ms, percentile, summarize } from './support/stats.ts';
import { epochNow } from './support/sse.ts';

const BUYERS = 300;
const LONE = 4;
const SUCCESS_TIMEOUT_MS = 60_000;

interface Setup {
  label: string;
  dialect: Dialect;
  instances: 1 | 3;
}

const SETUPS: Setup[] = [
  { label: 'SQLite, 1 instance', dialect: 'sqlite', instances: 1 },
  { label: 'PostgreSQL, 3 instances', dialect: 'postgres', instances: 3 },
];

const STEPS = ['order', 'stream', 'confirm', 'pay', 'push', 'journey'] as const;
type Step = (typeof STEPS)[number];

const STEP_NAMES: Record<Step, string> = {
  order: 'order (Merchant API)',
  stream: 'open the stream (first status)',
  confirm: 'confirm (code shown)',
  pay: 'wallet pays (sandbox)',
  push: 'pay sent → SUCCESS on stream',
  journey: 'whole journey',
};

const succeeded = (status: CheckoutStatus | undefined) =>
  status?.orderStatus === 'PAID' && status.payment?.status === 'SUCCESS';

/** One buyer's journey (the n-th); the time of each step, ms. */
async function journey(stack: BenchStack, n: number): Promise<Record<Step, number>> {
  const { servers } = stack;
  const at = (offset: number) => servers[(n + offset) % servers.length]!;
  const started = epochNow();
  const order = await stack.createOrder(at(0));
  const ordered = epochNow();
  const stream = await openStatusStream(at(1).url, order.checkoutToken);
  try {
    const streaming = epochNow();
    const payment = await stack.confirm(order.checkoutToken, at(2));
    const confirmed = epochNow();
    const paid = stack.payCode(payment.code!.value);
    const success = stream.next((event) => succeeded(statusOf(event)), SUCCESS_TIMEOUT_MS);
    await paid;
    const walletDone = epochNow();
    const seen = (await success).receivedAt;
    return {
      order: ordered - started,
      stream: streaming - ordered,
      confirm: confirmed - streaming,
      pay: walletDone - confirmed,
      push: seen - confirmed,
      journey: seen - started,
    };
  } finally {
    stream.close();
  }
}

async function measure(setup: Setup) {
  const stack = await startBenchStack({ dialect: setup.dialect, instances: setup.instances });
  try {
    const lone: Record<Step, number>[] = [];
    for (let n = 0; n < LONE * 2; n += 1) {
      const times = await journey(stack, n);
      if (n >= LONE) lone.push(times); // the first few warm every instance up
    }
    const cpuBefore = stack.servers.map((server) => server.process.cpuSeconds());
    const sandboxBefore = stack.sandbox.cpuSeconds();
    const benchCpu = process.cpuUsage();
    const started = epochNow();
    const errors: string[] = [];
    const crowd: Record<Step, number>[] = [];
    let lastSuccess = started;
    await Promise.all(
      Array.from({ length: BUYERS }, async (_, n) => {
        try {
          crowd.push(await journey(stack, n));
          lastSuccess = Math.max(lastSuccess, epochNow());
        } catch (error) {
          errors.push(error instanceof Error ? error.message : String(error));
        }
      }),
    );
    const seconds = (lastSuccess - started) / 1000;
    const serverCpu = stack.servers.map((server, index) => server.process.cpuSeconds() - cpuBefore[index]!);
    const sandboxCpu = stack.sandbox.cpuSeconds() - sandboxBefore;
    const { user, system } = process.cpuUsage(benchCpu);
    return { lone, crowd, errors, seconds, serverCpu, sandboxCpu, benchCpu: (user + system) / 1e6 };
  } finally {
    await stack.close();
  }
}

export async function run(): Promise<void> {
  const table = new Table(
    `Whole journey, ${BUYERS} buyers at once: order → stream → confirm → the wallet pays → SUCCESS on the stream (sandbox at zero latency)`,
  );
  for (const setup of SETUPS) {
    const result = await measure(setup);
    const completed = result.crowd.length;
    const of = (samples: Record<Step, number>[], step: Step) => samples.map((times) => times[step]);
    table.add({
      measure: `checkouts, ${setup.label}`,
      ours: `${completed}/${BUYERS} in ${result.seconds.toFixed(1)} s = ${(completed / result.seconds).toFixed(1)} checkouts/s, ${result.errors.length} errors`,
      baseline: `1 buyer alone: journey p50 ${ms(percentile(of(result.lone, 'journey'), 50))}`,
      target: '0 errors, every buyer sees SUCCESS',
      pass: result.errors.length === 0 && completed === BUYERS,
    });
    for (const step of STEPS) {
      const crowd = summarize(of(result.crowd, step));
      table.add({
        measure: `  ${STEP_NAMES[step]}`,
        ours: `p50 ${ms(crowd.p50)} / p99 ${ms(crowd.p99)}`,
        baseline: `alone: p50 ${ms(percentile(of(result.lone, step), 50))}`,
        target: '—',
      });
    }
    const perCheckout = (seconds: number) => ms((seconds * 1000) / Math.max(1, completed));
    table.note(
      `${setup.label}: CPU per completed checkout — server${result.serverCpu.length > 1 ? 's' : ''} ${result.serverCpu.map(perCheckout).join(' + ')}, the sandbox ${perCheckout(result.sandboxCpu)}, this process (buyers' HTTP and streams) ${perCheckout(result.benchCpu)}`,
    );
    if (result.errors.length > 0)
      table.note(`${setup.label}: first errors: ${[...new Set(result.errors)].slice(0, 3).join(' | ')}`);
  }
  table.note(
    'PostgreSQL: buyer n orders on instance n, streams from n+1 and confirms on n+2 (mod 3): Antom notifies the confirming instance, the push crosses to the stream’s',
  );
  table.note(
    'every step is timed from this process; the push is from the wallet’s pay being sent to SUCCESS arriving on the stream',
  );
  table.print();
}
