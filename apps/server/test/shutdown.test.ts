// Graceful shutdown (D14.5), on a real server process: SIGTERM while a confirm waits on a slow
// `pay` (the sandbox's latency fault). The server stops accepting at once, answers the confirm when
// Antom does, ends the buyer's event stream with a retry hint, and exits 0 — leaving no attempt PENDING
// or UNKNOWN for another instance to settle.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createSandbox, type Sandbox } from '@paydesk/sandbox';
import { BUILT_SERVER_MAIN } from '@paydesk/testkit/build';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.ts';
import {
  API_KEY,
  catalogWithTimeout,
  CLIENT_ID,
  createTestDatabase,
  DIALECTS,
  freePort,
  startStack,
  testKeys,
  waitFor,
  type TestDatabase,
} from '@paydesk/testkit';

const ROOT = resolve(import.meta.dirname, '../../..');
const PAY_DELAY_MS = 2_000;

describe.each(DIALECTS)('SIGTERM mid-confirm on %s', (dialect) => {
  let database: TestDatabase;
  let sandbox: Sandbox;
  let sandboxUrl: string;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    const { merchant, gateway } = testKeys();
    database = await createTestDatabase(dialect);
    sandbox = await createSandbox({
      clientId: CLIENT_ID,
      merchantPublicKey: merchant.publicKeyPem,
      gatewayPrivateKey: gateway.privateKeyPem,
    });
    sandboxUrl = await sandbox.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await sandbox?.close();
    await database?.drop();
  });

  it('drains: the confirm is answered, the stream ends with a retry hint, no attempt is left unknown', async () => {
    const { merchant, gateway } = testKeys();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, BUILT_SERVER_MAIN, {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: url,
        DATABASE_URL: database.url,
        ANTOM_GATEWAY_URL: sandboxUrl,
        ANTOM_CLIENT_ID: CLIENT_ID,
        ANTOM_PRIVATE_KEY: merchant.privateKeyBase64,
        ANTOM_PUBLIC_KEY: gateway.publicKeyBase64,
        ANTOM_SANDBOX: 'true',
        ANTOM_CONSULT: 'false',
        ANTOM_TIMEOUT_MS: String(PAY_DELAY_MS * 3),
        MERCHANT_API_KEY: API_KEY,
        PAYMENT_METHODS: JSON.stringify(catalogWithTimeout(300)),
        SWEEP_INTERVAL_MS: '100',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child!.once('exit', (code) => done(code)));
    await waitFor(
      async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200,
      'the server to start',
      60_000,
    );

    const created = await fetch(`${url}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        reference: 'SIGTERM-1',
        amount: { currency: 'THB', value: '150000' },
        description: 'Jasmine tea ×2',
        region: 'TH',
      }),
    });
    const order = (await created.json()) as { id: string; checkoutToken: string };
    expect(created.status).toBe(201);

    // The buyer's page holds the live stream open.
    const events = await fetch(`${url}/api/v1/checkout/${order.checkoutToken}/events`);
    const reader = events.body!.getReader();
    let streamed = '';
    const streamEnded = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return streamed;
        streamed += Buffer.from(value).toString();
      }
    })();
    await waitFor(async () => streamed.includes('event: status'), 'the first status event');

    // Antom answers pay after PAY_DELAY_MS; SIGTERM lands while the confirm waits for it.
    const faults = await fetch(`${sandboxUrl}/sandbox/api/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        seed: 1,
        rules: [{ api: 'pay', kind: 'latency', latencyMs: PAY_DELAY_MS, times: 1 }],
        notifications: {},
      }),
    });
    expect(faults.status).toBe(200);
    const confirming = fetch(`${url}/api/v1/checkout/${order.checkoutToken}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ paymentMethodType: 'PROMPTPAY', terminalType: 'WEB' }),
    });
    const check = openDatabase(database.url);
    const statuses = async () =>
      (await check.db.selectFrom('payments').select('status').where('order_id', '=', order.id).execute()).map(
        (row) => row.status,
      );
    await waitFor(async () => (await statuses()).includes('PENDING'), 'the attempt to be written');
    const signalledAt = Date.now();
    child.kill('SIGTERM');

    // It stops accepting at once: a new connection is refused (or, on a kept one, answered 503).
    await waitFor(
      async () => {
        const probe = await fetch(`${url}/healthz`, { headers: { connection: 'close' } }).then(
          (response) => response.status,
          () => 'refused' as const,
        );
        return probe === 'refused' || probe === 503;
      },
      'new requests to be turned away',
      PAY_DELAY_MS,
    );
    expect(Date.now() - signalledAt).toBeLessThan(PAY_DELAY_MS);

    // The in-flight confirm is answered with the code Antom gave.
    const confirmed = await confirming;
    expect(confirmed.status).toBe(201);
    const payment = (await confirmed.json()) as { status: string; code: { value: string } };
    expect(payment.status).toBe('PROCESSING');
    expect(payment.code.value).toBeTruthy();

    // The stream was ended with a retry hint (the browser reconnects, through the balancer, elsewhere).
    const text = await streamEnded;
    expect(text.trimEnd().endsWith('retry: 1000')).toBe(true);

    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM: draining');
    child = undefined;
    expect(await statuses()).toEqual(['PROCESSING']);
    await check.destroy();
  }, 90_000); // a child server started with tsx: seconds when quiet, far longer when every core is busy
});

// Not a database behaviour: one dialect is enough.
describe('SHUTDOWN_DELAY_MS', () => {
  it('keeps serving but says it is not ready, so a balancer takes the instance out first', async () => {
    // The delay ends when the test has seen what a balancer sees during it, not after 5 s of wall clock.
    let endDelay = () => {};
    const delays: number[] = [];
    const stack = await startStack({
      dialect: 'sqlite',
      config: { shutdownDelayMs: 5_000 },
      shutdownWait: (ms) => {
        delays.push(ms);
        return new Promise((resolve) => (endDelay = resolve));
      },
    });
    const stopping = stack.server.stop();
    for (const path of ['/readyz', '/readyz?check=database'])
      expect((await stack.call('GET', path)).status, path).toBe(503);
    expect((await stack.call('GET', '/healthz')).status).toBe(200);
    const order = await stack.createOrder();
    expect((await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}/status`)).status).toBe(200);
    expect(delays).toEqual([5_000]);
    endDelay();
    await stopping;
    await expect(fetch(`${stack.url}/healthz`)).rejects.toThrow();
    await stack.close();
  });
});
