// D6.9: access. A checkout token never reads or acts on another order (every Buyer API route,
// token A with the ids of order B); tokens cannot be enumerated (guessing is throttled with 429, and the
// response time says nothing about how close a guess was); the Merchant API refuses missing or wrong
// keys on every route (the ops console reads through it); and no secret reaches the logs during a run
// with faults, forgeries, refusals and failing webhooks at the most verbose log level.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCampaignOn } from '../src/campaign.engine.ts';
import { businessSnapshot } from '../src/db.snapshot.ts';
import { confirm, createOrder, orderUntil, orderView, scan } from '../src/scenario.steps.ts';
import {
  DIALECTS,
  MERCHANT_API_KEY,
  WEBHOOK_SECRET,
  startReliabilityStack,
  type ReliabilityStack,
} from '../src/stack.harness.ts';

/** Mann–Whitney U as a z-score (large samples, no tie correction): |z| < 3.3 ≈ no difference at 0.1 %. */
function mannWhitneyZ(a: number[], b: number[]): number {
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  let rankA = 0;
  all.forEach((item, index) => {
    if (item.g === 0) rankA += index + 1;
  });
  const u = rankA - (a.length * (a.length + 1)) / 2;
  const mean = (a.length * b.length) / 2;
  const sd = Math.sqrt((a.length * b.length * (a.length + b.length + 1)) / 12);
  return (u - mean) / sd;
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

describe.each(DIALECTS)('access on %s', (dialect) => {
  let stack: ReliabilityStack;
  beforeAll(async () => {
    stack = await startReliabilityStack({
      dialect,
      rateLimit: { buyerWritesPerMinute: 100_000, checkoutReadsPerMinute: 1_000_000, notFoundPerMinute: 12 },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** A distinct client address per call (the server trusts X-Forwarded-For), so throttles stay apart. */
  const client = () => ({ 'x-forwarded-for': `10.${randomBytes(3).join('.')}` });

  it('never lets a checkout token read or act on another order', async () => {
    const a = await createOrder(stack, 'THB');
    const b = await createOrder(stack, 'THB');
    const paymentB = await confirm(stack, b, 'PROMPTPAY');
    const before = await orderView(stack, b.id);
    const snapshot = await businessSnapshot(stack.db!);
    const headers = client();
    const tokenA = a.checkoutToken;
    const answers = [
      await stack.raw.call('GET', `/api/v1/checkout/${tokenA}`, undefined, { headers }),
      await stack.raw.call('GET', `/api/v1/checkout/${tokenA}/status`, undefined, { headers }),
      await stack.raw.call('POST', `/api/v1/checkout/${tokenA}/payments/${paymentB.id}/cancel`, undefined, {
        headers,
      }),
    ];
    // Reads through A show A only — nothing of B, whose payment is live.
    for (const answer of answers.slice(0, 2)) {
      const text = JSON.stringify(answer.body);
      expect(text).not.toContain(b.id);
      expect(text).not.toContain(paymentB.id);
      expect(text).not.toContain(b.checkoutToken);
    }
    expect(answers[0]!.body.order.id).toBe(a.id);
    expect(answers[0]!.body.payment).toBeNull();
    expect(answers[2]!.status).toBe(404);
    expect(answers[2]!.body.error.code).toBe('PAYMENT_NOT_FOUND');
    expect(await businessSnapshot(stack.db!)).toEqual(snapshot);

    // The live stream of A says nothing about B either.
    const controller = new AbortController();
    const stream = await fetch(`${stack.serverUrl}/api/v1/checkout/${tokenA}/events`, {
      signal: controller.signal,
      headers,
    });
    const reader = stream.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(first).not.toContain(paymentB.id);

    // Confirming on A creates A's payment only; B keeps its own, untouched.
    const paymentA = await confirm(stack, a, 'TRUEMONEY');
    expect(paymentA.id).not.toBe(paymentB.id);
    const after = await orderView(stack, b.id);
    // All but when the sweeper looks next, which it may move meanwhile (B's code is live).
    const untouched = (view: typeof before) =>
      view.payments.map((payment: Record<string, unknown>) => ({ ...payment, nextCheckAt: null }));
    expect(untouched(after)).toEqual(untouched(before));
    // And A's token cannot cancel B's payment even now; B's own token can.
    expect(
      (
        await stack.raw.call('POST', `/api/v1/checkout/${tokenA}/payments/${paymentB.id}/cancel`, undefined, {
          headers,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await stack.raw.call(
          'POST',
          `/api/v1/checkout/${b.checkoutToken}/payments/${paymentB.id}/cancel`,
          undefined,
          { headers },
        )
      ).status,
    ).toBe(200);
  });

  it('throttles token guessing with 429 and Retry-After, never a real token', async () => {
    const real = await createOrder(stack, 'THB');
    const headers = client();
    const statuses: number[] = [];
    for (let i = 0; i < 14; i += 1) {
      const guess = randomBytes(32).toString('base64url');
      statuses.push(
        (await stack.raw.call('GET', `/api/v1/checkout/${guess}`, undefined, { headers })).status,
      );
    }
    expect(statuses.slice(0, 12).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(12).every((s) => s === 429)).toBe(true);
    const throttled = await stack.raw.call(
      'GET',
      `/api/v1/checkout/${randomBytes(32).toString('base64url')}`,
      undefined,
      {
        headers,
      },
    );
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('RATE_LIMITED');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    // Unknown tokens count in a bucket of their own (D10.6): a real checkout is still
    // served to that address (a proxy's, say), and to another client.
    expect(
      (await stack.raw.call('GET', `/api/v1/checkout/${real.checkoutToken}`, undefined, { headers })).status,
    ).toBe(200);
    expect(
      (
        await stack.raw.call('GET', `/api/v1/checkout/${real.checkoutToken}`, undefined, {
          headers: client(),
        })
      ).status,
    ).toBe(200);
  });

  it('gives no timing signal about how close a guessed token is to a real one', async () => {
    const real = (await createOrder(stack, 'THB')).checkoutToken;
    const flip = (token: string, at: number) =>
      token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
    const kinds = {
      // Unknown tokens of the right shape, with nothing in common with a real one.
      unknown: () => randomBytes(32).toString('base64url'),
      // Tokens of a real order with one character wrong: at the end (a long common prefix) or the start.
      nearMissEnd: () => flip(real, real.length - 1 - Math.floor(Math.random() * 4)),
      nearMissStart: () => flip(real, Math.floor(Math.random() * 4)),
      // A real token in a wrong shape that still passes the schema: cut short, or with characters added.
      truncated: () => real.slice(0, real.length - 1 - Math.floor(Math.random() * 3)),
      extended: () =>
        real +
        randomBytes(2)
          .toString('base64url')
          .slice(0, 1 + Math.floor(Math.random() * 2)),
      // Outside the token alphabet: refused by the schema (400) before any look-up. Its timing is shown,
      // not judged — the 400 itself already says the shape is wrong, which is no secret.
      malformed: () => {
        const at = Math.floor(Math.random() * real.length);
        return real.slice(0, at) + '.' + real.slice(at + 1);
      },
    };
    const samples = Object.fromEntries(Object.keys(kinds).map((name) => [name, [] as number[]])) as Record<
      keyof typeof kinds,
      number[]
    >;
    const names = Object.keys(kinds) as (keyof typeof kinds)[];
    // Warm up, then interleave the kinds so drift in the machine's load hits them alike.
    for (let i = 0; i < 20; i += 1)
      await stack.raw.call('GET', `/api/v1/checkout/${kinds.unknown()}`, undefined, { headers: client() });
    for (let i = 0; i < 150; i += 1) {
      for (const name of names.sort(() => Math.random() - 0.5)) {
        const answer = await stack.raw.call('GET', `/api/v1/checkout/${kinds[name]()}`, undefined, {
          headers: client(),
        });
        expect(answer.status).toBe(name === 'malformed' ? 400 : 404);
        samples[name].push(answer.ms);
      }
    }
    const others = ['nearMissEnd', 'nearMissStart', 'truncated', 'extended', 'malformed'] as const;
    const z = others.map((name) => mannWhitneyZ(samples.unknown, samples[name]));
    console.log(
      `${dialect}: median unknown ${median(samples.unknown).toFixed(2)} ms; ` +
        others
          .map((name, i) => `${name} ${median(samples[name]).toFixed(2)} ms (z ${z[i]!.toFixed(2)})`)
          .join(', '),
    );
    // Loosely: either the distributions are indistinguishable, or the medians are within a millisecond.
    others.forEach((name, i) => {
      if (name === 'malformed') return;
      const close = Math.abs(z[i]!) < 3.3 || Math.abs(median(samples.unknown) - median(samples[name])) < 1;
      expect(close, name).toBe(true);
    });
  });

  it('refuses every Merchant API route without the right key, and changes nothing', async () => {
    const order = await createOrder(stack, 'THB');
    const snapshot = await businessSnapshot(stack.db!);
    const routes: [string, string, unknown?][] = [
      [
        'POST',
        '/api/v1/orders',
        { reference: 'X', amount: { currency: 'THB', value: '100' }, description: 'x' },
      ],
      ['GET', '/api/v1/orders'],
      ['GET', `/api/v1/orders/${order.id}`],
      ['POST', `/api/v1/orders/${order.id}/close`],
      ['POST', `/api/v1/orders/${order.id}/refunds`, {}],
    ];
    const keys = [
      undefined,
      '',
      `Bearer ${MERCHANT_API_KEY}0`,
      `Bearer ${MERCHANT_API_KEY.slice(1)}`,
      `bearer`,
      `Bearer ${order.checkoutToken}`,
      MERCHANT_API_KEY,
    ];
    for (const [method, path, body] of routes) {
      for (const authorization of keys) {
        const answer = await stack.raw.call(method, path, body, {
          headers: authorization === undefined ? {} : { authorization },
        });
        expect(answer.status, `${method} ${path} with ${authorization}`).toBe(401);
        expect(answer.body.error.code).toBe('UNAUTHORIZED');
      }
    }
    expect(await businessSnapshot(stack.db!)).toEqual(snapshot);
  });
});

describe.each(DIALECTS)('log secrecy on %s', (dialect) => {
  let receiver: Server;
  let stack: ReliabilityStack;
  const logs: string[] = [];

  beforeAll(async () => {
    // A merchant webhook endpoint that fails half the time, so delivery errors get logged too.
    let n = 0;
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead((n += 1) % 2 === 0 ? 500 : 200).end('ok'));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    stack = await startReliabilityStack({
      dialect,
      logLevel: 'trace',
      onLog: (text) => logs.push(text),
      webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
    });
  });
  afterAll(async () => {
    await stack?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('never logs a merchant key, a private key, a checkout token or the webhook secret', async () => {
    const report = await runCampaignOn(stack, {
      dialect,
      orders: 6,
      seed: dialect === 'sqlite' ? 909 : 910,
      concurrency: 5,
      crashes: false,
      maxCrashes: 0,
      faultIntensity: 1,
      dropAllNotificationsAfter: false,
      forgeries: true,
    });
    // Refusals and bad input get logged too.
    await stack.raw.call('GET', '/api/v1/orders', undefined, {
      headers: { authorization: `Bearer ${MERCHANT_API_KEY}` },
    });
    await stack.raw.call('GET', '/api/v1/orders', undefined, {
      headers: { authorization: 'Bearer not-the-key-0123456789' },
    });
    const paid = report.evidence.length === 0 ? await createOrder(stack, 'THB') : undefined;
    if (paid) {
      await scan(stack, (await confirm(stack, paid, 'TRUEMONEY')).code!.value);
      await orderUntil(stack, paid.id, (o) => o.status === 'PAID', 'paid');
    }
    const text = logs.join('');
    expect(text.length).toBeGreaterThan(10_000);
    const tokens = (await stack.merchant.call('GET', '/api/v1/orders?limit=100')).body.data.map(
      (o: { checkoutToken: string }) => o.checkoutToken,
    );
    expect(tokens.length).toBeGreaterThan(5);
    const secrets: [string, string][] = [
      ['merchant API key', MERCHANT_API_KEY],
      ['a wrong key sent', 'not-the-key-0123456789'],
      ['webhook secret', WEBHOOK_SECRET],
      ...stack.keys.merchant.privateKeyBase64
        .match(/.{40}/g)!
        .slice(0, 5)
        .map((chunk): [string, string] => ['merchant private key', chunk]),
      ...stack.keys.gateway.privateKeyBase64
        .match(/.{40}/g)!
        .slice(0, 5)
        .map((chunk): [string, string] => ['gateway private key', chunk]),
      // The part of each token that the redacted URL hides.
      ...tokens.map((token: string): [string, string] => ['checkout token', token.slice(6)]),
    ];
    for (const [what, secret] of secrets) expect(text.includes(secret), `${what} in the logs`).toBe(false);
  });
});
