// Operations and security (D4.1–D4.3, D4.14–D4.17): configuration, health, metrics, OpenAPI, security
// headers, rate limits, live push, webhooks, no secrets in logs, data kept across restarts.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { signWebhook } from '../src/webhooks/webhook.deliverer.ts';
import {
  API_KEY,
  CLIENT_ID,
  createTestDatabase,
  DIALECTS,
  startReceiver,
  startStack,
  testKeys,
  waitFor,
  WEBHOOK_SECRET,
  type Receiver,
  type Stack,
} from '@paydesk/testkit';

describe('configuration (D4.1)', () => {
  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        ANTOM_GATEWAY_URL: 'ftp://antom',
        ANTOM_PRIVATE_KEY: 'not a key',
        CHECKOUT_PRESENTATION: 'popup',
        MERCHANT_WEBHOOK_URL: 'https://shop.example/hooks',
        MERCHANT_API_KEY: 'short',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'PORT',
      'DATABASE_URL',
      'ANTOM_GATEWAY_URL',
      'ANTOM_CLIENT_ID',
      'ANTOM_PRIVATE_KEY',
      'ANTOM_PUBLIC_KEY',
      'CHECKOUT_PRESENTATION',
      'MERCHANT_WEBHOOK_SECRET',
      'MERCHANT_API_KEY',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('accepts keys as PEM, single-line base64 and @path, and applies the documented defaults', () => {
    const keys = testKeys();
    const config = loadConfig({
      ANTOM_GATEWAY_URL: 'https://open-sea-global.alipay.com',
      ANTOM_CLIENT_ID: 'SANDBOX_X',
      ANTOM_PRIVATE_KEY: keys.merchant.privateKeyBase64,
      ANTOM_PUBLIC_KEY: keys.gateway.publicKeyPem,
    });
    expect(config).toMatchObject({
      port: 3000,
      publicUrl: 'http://localhost:3000',
      databaseUrl: 'sqlite:./data/paydesk.db',
    });
    expect(config.checkout.presentation).toBe('overlay');
    expect(Object.isFrozen(config.checkout)).toBe(true);
  });
});

// On the kit's manual clock, with the deliverer run by hand: the back-off is read off the clock, so a
// loaded machine cannot make a retry early or late (it failed on PostgreSQL under load when it waited).
describe.each(DIALECTS)('webhook delivery on %s', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dialect, clock: 'manual', workers: 'manual', receiver: true });
  });
  afterAll(() => stack?.close());

  it('delivers webhooks signed with HMAC, retrying with back-off after a failure', async () => {
    const receiver = stack.receiver!;
    receiver.status = 500;
    const order = await stack.createOrder();
    const confirm = await stack.confirm(order.checkoutToken);
    await stack.scan(confirm.body.code.value);
    await waitFor(() => stack.merchant('GET', `/api/v1/orders/${order.id}`), 'the order to be PAID', {
      until: (answer) => answer.body.status === 'PAID',
    });
    const deliveries = () =>
      receiver.received.filter((r) => r.json?.type === 'order.paid' && r.json.data.order.id === order.id);
    const row = () =>
      stack.server.paydesk.database.db
        .selectFrom('outbox')
        .selectAll()
        .where('order_id', '=', order.id)
        .where('type', '=', 'order.paid')
        .executeTakeFirstOrThrow();

    await stack.deliverOnce();
    expect(deliveries()).toHaveLength(1);
    expect(await row()).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      next_attempt_at: stack.clock.now() + 10_000,
    });
    // Not before its back-off (10 s after the first failure).
    receiver.status = 200;
    stack.advance(9_999);
    await stack.deliverOnce();
    expect(deliveries()).toHaveLength(1);
    stack.advance(1);
    await stack.deliverOnce();
    expect(deliveries()).toHaveLength(2);

    expect(new Set(deliveries().map((d) => d.json.id)).size).toBe(1);
    for (const delivery of deliveries()) {
      const header = String(delivery.headers['paydesk-signature']);
      const t = Number(/t=(\d+)/.exec(header)![1]);
      expect(header).toBe(signWebhook(WEBHOOK_SECRET, t, delivery.body));
    }
    expect(await row()).toMatchObject({ status: 'DELIVERED', attempts: 2 });
  });
});

describe.each(DIALECTS)('operations on %s', (dialect) => {
  let stack: Stack;
  let receiver: Receiver;
  const logLines: string[] = [];
  beforeAll(async () => {
    receiver = await startReceiver();
    stack = await startStack({
      dialect,
      config: {
        webhook: { url: receiver.url, secret: 'whsec_ops_0123456789abcdef' },
        sseHeartbeatMs: 200,
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  it('answers /healthz, /readyz and /metrics', async () => {
    expect((await stack.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await stack.call('GET', '/readyz')).body).toEqual({
      status: 'ready',
      database: 'ok',
      gateway: { status: 'ok' },
    });
    expect((await stack.call('GET', '/metrics')).status).toBe(401);
    const metrics = await stack.call('GET', '/metrics', undefined, { authorization: `Bearer ${API_KEY}` });
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.body).toContain('paydesk_http_requests_total');
    expect(metrics.body).toMatch(/paydesk_orders\{status="OPEN"\} \d+|# TYPE paydesk_orders gauge/);
  });

  it('serves an OpenAPI document generated from the validating schemas, and /docs', async () => {
    const doc = (await stack.call('GET', '/docs/json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/orders',
        '/api/v1/orders/{id}',
        '/api/v1/orders/{id}/refunds',
        '/api/v1/checkout/{token}/payments',
      ]),
    );
    const create = doc.paths['/api/v1/orders'].post;
    expect(JSON.stringify(create.requestBody)).toContain('"reference"');
    expect((await stack.call('GET', '/docs/')).status).toBe(200);
  });

  it('sends security headers and never caches API answers', async () => {
    const order = await stack.createOrder();
    const response = await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    // The embed's cross-origin confirm: the preflight says what may be sent, and for how long.
    const preflight = await fetch(`${stack.url}/api/v1/checkout/${order.checkoutToken}/payments`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, idempotency-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    expect(preflight.headers.get('access-control-max-age')).toBe('600');
    const internal = await stack.call('GET', '/api/v1/orders/ord_x', undefined, {
      authorization: `Bearer ${API_KEY}`,
    });
    expect(internal.body.error.message).not.toMatch(/stack|at .*\.ts/);
  });

  it('pushes each status change over SSE with event ids, resumes after Last-Event-ID, and sends heartbeats', async () => {
    const order = await stack.createOrder();
    const controller = new AbortController();
    const response = await fetch(`${stack.url}/api/v1/checkout/${order.checkoutToken}/events`, {
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    const readUntil = async (pattern: RegExp) =>
      waitFor(async () => {
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
        return pattern.test(text);
      }, `SSE ${pattern}`);
    // Heartbeats while the checkout is live (a settled one's stream ends: D10.4).
    await readUntil(/: ping/);
    const confirm = await stack.confirm(order.checkoutToken);
    await readUntil(/"status":"PROCESSING"/);
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: confirm.body.code.value });
    await readUntil(/"orderStatus":"PAID"/);
    controller.abort();
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    // Resuming from the first id gets the newer state at once; from the last id, nothing new is replayed.
    const resume = await fetch(`${stack.url}/api/v1/checkout/${order.checkoutToken}/events`, {
      headers: { 'last-event-id': String(ids[0]) },
    });
    const resumed = resume.body!.getReader();
    let again = '';
    await waitFor(
      async () => {
        const { value } = await resumed.read();
        again += new TextDecoder().decode(value);
        return /"orderStatus":"PAID"/.test(again);
      },
      'resumed status',
      5_000,
    );
    await resumed.cancel();
  });

  it('keeps secrets and checkout tokens out of the logs', async () => {
    const db = await createTestDatabase(dialect);
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    const keys = testKeys();
    const config = loadConfig(
      {},
      {
        port: 0,
        databaseUrl: db.url,
        merchantApiKey: API_KEY,
        logLevel: 'debug',
        cashierDist: null,
        antom: {
          gatewayUrl: stack.sandboxUrl,
          clientId: CLIENT_ID,
          privateKey: keys.merchant.privateKeyPem,
          publicKey: keys.gateway.publicKeyPem,
        },
        sweeper: { enabled: false },
      },
    );
    const paydesk = await buildApp(config, { logger: { stream: sink } });
    try {
      const created = await paydesk.app.inject({
        method: 'POST',
        url: '/api/v1/orders',
        headers: { authorization: `Bearer ${API_KEY}` },
        payload: { reference: 'LOG-1', amount: { currency: 'THB', value: '100' }, description: 'x' },
      });
      const token = created.json().checkoutToken as string;
      await paydesk.app.inject({ method: 'GET', url: `/api/v1/checkout/${token}` });
      await paydesk.app.inject({
        method: 'POST',
        url: `/api/v1/checkout/${token}/payments`,
        payload: { paymentMethodType: 'PROMPTPAY', terminalType: 'WEB' },
      });
      await paydesk.app.inject({
        method: 'GET',
        url: '/api/v1/orders',
        headers: { authorization: 'Bearer wrong-key-wrong-key' },
      });
      const all = logLines.join('');
      expect(all.length).toBeGreaterThan(0);
      expect(all).not.toContain(API_KEY);
      expect(all).not.toContain(token);
      expect(all).not.toContain('wrong-key-wrong-key');
      expect(all).not.toContain(keys.merchant.privateKeyBase64.slice(20, 60));
    } finally {
      await paydesk.close();
      await db.drop();
    }
  });
});

describe.each(DIALECTS)('rate limits on %s', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      dialect,
      config: { rateLimit: { buyerWritesPerMinute: 5, notFoundPerMinute: 8 } },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('limits buyer writes with 429 and Retry-After, and throttles token guessing', async () => {
    const order = await stack.createOrder();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await stack.confirm(order.checkoutToken)).status);
    expect(statuses.slice(0, 5).every((s) => s < 400)).toBe(true);
    const limited = await stack.confirm(order.checkoutToken);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const guesses: number[] = [];
    for (let i = 0; i < 12; i += 1)
      guesses.push((await stack.call('GET', `/api/v1/checkout/${'g'.repeat(30)}${i}`)).status);
    expect(guesses.slice(0, 8).every((s) => s === 404)).toBe(true);
    expect(guesses.slice(-1)[0]).toBe(429);
  });
});

describe.each(DIALECTS)('restarts on %s', (dialect) => {
  it('keeps orders and the generated merchant key across a restart (D4.2)', async () => {
    const db = await createTestDatabase(dialect);
    const keys = testKeys();
    const config = loadConfig(
      {},
      {
        port: 0,
        databaseUrl: db.url,
        logLevel: 'silent',
        cashierDist: null,
        antom: {
          gatewayUrl: 'http://127.0.0.1:9',
          clientId: CLIENT_ID,
          privateKey: keys.merchant.privateKeyPem,
          publicKey: keys.gateway.publicKeyPem,
        },
        sweeper: { enabled: false },
        checkout: { useConsult: false },
      },
    );
    try {
      const first = await buildApp(config, { logger: false });
      expect(first.merchantApiKeyGenerated).toBe(true);
      const created = await first.app.inject({
        method: 'POST',
        url: '/api/v1/orders',
        headers: { authorization: `Bearer ${first.merchantApiKey}` },
        payload: { reference: 'KEEP-1', amount: { currency: 'THB', value: '100' }, description: 'x' },
      });
      await first.close();
      const second = await buildApp(config, { logger: false });
      expect(second.merchantApiKeyGenerated).toBe(false);
      // Shown once: the second start knows only its digest, and the first start's key still works.
      expect(second.merchantApiKey).toBeNull();
      const read = await second.app.inject({
        method: 'GET',
        url: `/api/v1/orders/${created.json().id}`,
        headers: { authorization: `Bearer ${first.merchantApiKey}` },
      });
      expect(read.json().reference).toBe('KEEP-1');
      await second.close();
    } finally {
      await db.drop();
    }
  });
});
