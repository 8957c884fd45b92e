// Checkout server throughput and latency, each beside a baseline measured in the same run on the same
// machine (it is shared and noisy: the ratios are what to compare across runs, not the absolute numbers).
//  - the buyer's 2-second poll (GET …/status, a database read) against /healthz (no database);
//  - the checkout page data (GET …/checkout/:token) against the same baseline;
//  - confirm payment end to end (our API → Antom sandbox `pay` → commit) against a bare signed `pay`
//    sent to the same sandbox with our Antom client: the ratio is the cost of Paydesk's bookkeeping.
// Traffic goes to 127.0.0.1 only, bounded in count and time.
import { AntomClient } from '@paydesk/antom';
import { startStack, testKeys, CLIENT_ID } from '../apps/server/test/helpers/stack.ts';

const DURATION_MS = 2_500;
const CONCURRENCY = 16;

async function throughput(url: string): Promise<number> {
  const deadline = Date.now() + DURATION_MS;
  let done = 0;
  const lane = async () => {
    while (Date.now() < deadline) {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
      done += 1;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return (done * 1000) / (Date.now() - started);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export async function run(): Promise<void> {
  const stack = await startStack({
    dialect: 'sqlite',
    config: { rateLimit: { buyerWritesPerMinute: 1e6, checkoutReadsPerMinute: 1e9 } },
  });
  try {
    const order = await stack.createOrder();
    await stack.confirm(order.checkoutToken);

    const baseline = await throughput(`${stack.url}/healthz`);
    const poll = await throughput(`${stack.url}/api/v1/checkout/${order.checkoutToken}/status`);
    const page = await throughput(`${stack.url}/api/v1/checkout/${order.checkoutToken}`);

    const client = new AntomClient({
      clientId: CLIENT_ID,
      privateKey: testKeys().merchant.privateKeyPem,
      antomPublicKey: testKeys().gateway.publicKeyPem,
      gatewayUrl: stack.sandboxUrl,
      maxRetries: 0,
    });
    const barePay: number[] = [];
    const confirm: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      let started = performance.now();
      await client.pay({
        productCode: 'CASHIER_PAYMENT',
        paymentRequestId: `bench_${Date.now()}_${i}`,
        order: {
          referenceOrderId: `B-${i}`,
          orderDescription: 'bench',
          orderAmount: { currency: 'THB', value: '150000' },
        },
        paymentAmount: { currency: 'THB', value: '150000' },
        paymentMethod: { paymentMethodType: 'PROMPTPAY' },
        paymentRedirectUrl: 'https://shop.example/done',
        env: { terminalType: 'WEB' },
      });
      barePay.push(performance.now() - started);
      const next = await stack.createOrder();
      started = performance.now();
      const answer = await stack.confirm(next.checkoutToken);
      if (answer.status !== 201) throw new Error(`confirm answered ${answer.status}`);
      confirm.push(performance.now() - started);
    }

    const rows = [
      [
        'status poll (GET …/status)',
        `${poll.toFixed(0)} req/s`,
        `${baseline.toFixed(0)} req/s (/healthz)`,
        (poll / baseline).toFixed(2),
      ],
      [
        'checkout page data (GET …/checkout/:token)',
        `${page.toFixed(0)} req/s`,
        `${baseline.toFixed(0)} req/s (/healthz)`,
        (page / baseline).toFixed(2),
      ],
      [
        'confirm payment, median latency',
        `${median(confirm).toFixed(1)} ms`,
        `${median(barePay).toFixed(1)} ms (bare signed pay)`,
        (median(confirm) / median(barePay)).toFixed(2),
      ],
    ];
    console.log(
      `\nCheckout server (SQLite, ${CONCURRENCY} concurrent clients, ${DURATION_MS / 1000} s each)`,
    );
    console.log(`  ${'measure'.padEnd(44)} ${'ours'.padEnd(14)} ${'baseline'.padEnd(34)} ratio`);
    for (const [name, ours, base, ratio] of rows)
      console.log(`  ${name!.padEnd(44)} ${ours!.padEnd(14)} ${base!.padEnd(34)} ${ratio}`);
  } finally {
    await stack.close();
  }
}
