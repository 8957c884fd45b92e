// Issue 10: what an attacker on the internet could do, closed. One block per finding; each test failed on
// the code before the fix. Attackers leave from their own loopback addresses (127.0.0.2, …) so the server
// tells them apart from the buyers on 127.0.0.1, as it would on the internet.
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyerUrlProblem } from '@paydesk/api';
import {
  holdStream,
  processUsage,
  silentClient,
  slowBody,
  type HeldStream,
  type SlowClient,
} from '../../../scripts/abuse-clients.ts';
import { ManualClock } from '../src/domain/clock.ts';
import { DIALECTS } from './helpers/database.ts';
import { API_KEY, startStack, waitFor, type Stack } from './helpers/stack.ts';

const ORDER = {
  reference: 'HARDEN-1',
  amount: { currency: 'THB', value: '150000' },
  description: 'Jasmine tea',
  region: 'TH',
};

describe('which URLs a buyer may be sent to (finding 2)', () => {
  it('takes https: anywhere, http: only to a loopback host and only in development', () => {
    const dev = { allowLoopbackHttp: true };
    const prod = { allowLoopbackHttp: false };
    for (const url of ['https://shop.example/thanks', 'https://shop.example:8443/a?b=c#d'])
      expect([buyerUrlProblem(url, dev), buyerUrlProblem(url, prod)]).toEqual([null, null]);
    for (const url of [
      'http://localhost:3000/x',
      'http://127.0.0.1/',
      'http://[::1]:8080/',
      'http://a.localhost/',
    ]) {
      expect(buyerUrlProblem(url, dev)).toBeNull();
      expect(buyerUrlProblem(url, prod)).toMatch(/https/);
    }
    for (const url of [
      'javascript:alert(document.domain)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'http://shop.example/thanks',
      'http://127.0.0.1.evil.example/',
      'ftp://shop.example/',
      'https:',
    ]) {
      expect(buyerUrlProblem(url, dev), url).not.toBeNull();
      expect(buyerUrlProblem(url, prod), url).not.toBeNull();
    }
  });
});

describe.each(DIALECTS)('issue 10 on %s', (dialect) => {
  describe('order URLs and throttles (findings 2, 6)', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({
        dialect,
        workers: false,
        config: { rateLimit: { notFoundPerMinute: 5, checkoutReadsPerMinute: 20, buyerWritesPerMinute: 3 } },
      });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('refuses a returnUrl a buyer must not be sent to with 422 naming the field, and creates nothing', async () => {
      for (const returnUrl of [
        'javascript:alert(document.domain)',
        'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
        'http://shop.example/thanks',
      ]) {
        const answer = await stack.merchant('POST', '/api/v1/orders', { ...ORDER, returnUrl });
        expect(answer.status, returnUrl).toBe(422);
        expect(answer.body.error.code).toBe('URL_NOT_ALLOWED');
        expect(answer.body.error.details).toEqual([{ field: 'body.returnUrl', message: expect.any(String) }]);
      }
      const listed = await stack.merchant('GET', `/api/v1/orders?q=${ORDER.reference}`);
      expect(listed.body.data).toEqual([]);
      const https = await stack.merchant('POST', '/api/v1/orders', {
        ...ORDER,
        returnUrl: 'https://shop.example/thanks',
      });
      expect(https.status).toBe(201);
      // The development profile (this stack's) also takes a loopback http: URL, for a local shop.
      const loopback = await stack.merchant('POST', '/api/v1/orders', {
        ...ORDER,
        reference: 'HARDEN-2',
        returnUrl: 'http://127.0.0.1:8080/thanks',
      });
      expect(loopback.status).toBe(201);
    });

    it('keeps unknown tokens in a bucket of their own: guessing never locks a valid checkout out', async () => {
      const order = await stack.createOrder();
      const guesses: number[] = [];
      for (let i = 0; i < 8; i += 1)
        guesses.push((await stack.call('GET', `/api/v1/checkout/${'g'.repeat(40)}${i}/status`)).status);
      expect(guesses).toEqual([404, 404, 404, 404, 404, 429, 429, 429]);
      // The same address (a proxy's, say) still reaches a real checkout, reads and writes.
      const status = await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}/status`);
      expect(status.status).toBe(200);
      expect((await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}`)).status).toBe(200);
      expect((await stack.confirm(order.checkoutToken)).status).toBe(201);
      // Guessing stays throttled.
      const again = await stack.call('GET', `/api/v1/checkout/${'h'.repeat(41)}/status`);
      expect(again.status).toBe(429);
      expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it("limits a checkout's reads and writes per token, so one checkout's limit is not another's", async () => {
      const a = await stack.createOrder();
      const b = await stack.createOrder();
      const reads: number[] = [];
      for (let i = 0; i < 21; i += 1)
        reads.push((await stack.call('GET', `/api/v1/checkout/${a.checkoutToken}/status`)).status);
      expect(reads.slice(0, 20).every((s) => s === 200)).toBe(true);
      expect(reads[20]).toBe(429);
      expect((await stack.call('GET', `/api/v1/checkout/${b.checkoutToken}/status`)).status).toBe(200);
      const writes: number[] = [];
      for (let i = 0; i < 4; i += 1) writes.push((await stack.confirm(a.checkoutToken)).status);
      expect(writes).toEqual([201, 200, 200, 429]);
      expect((await stack.confirm(b.checkoutToken)).status).toBe(201);
    });
  });

  describe('event streams (finding 4)', () => {
    let stack: Stack;
    const held: HeldStream[] = [];
    beforeAll(async () => {
      stack = await startStack({
        dialect,
        workers: false,
        config: { limits: { streams: { perAddress: 5, perCheckout: 3, total: 12 } } },
      });
    });
    afterAll(async () => {
      for (const stream of held) stream.close();
      await stack?.close();
    });

    const open = async (token: string, localAddress: string) => {
      const stream = await holdStream(`${stack.url}/api/v1/checkout/${token}/events`, { localAddress });
      held.push(stream);
      return stream;
    };
    const openStreams = () =>
      stack.server.paydesk.metrics.render().then((text) => {
        const match = /^paydesk_sse_clients(?:\{\})? (\d+)$/m.exec(text);
        return Number(match?.[1]);
      });

    it('caps streams per checkout, per address and in all with 429 TOO_MANY_STREAMS, and frees them on close', async () => {
      const orders = await Promise.all(Array.from({ length: 8 }, () => stack.createOrder()));
      const tokens = orders.map((order) => order.checkoutToken as string);
      // Per checkout: three tabs, each from elsewhere; a fourth is refused.
      for (const address of ['127.0.0.2', '127.0.0.3', '127.0.0.4'])
        expect((await open(tokens[0]!, address)).status).toBe(200);
      const fourth = await open(tokens[0]!, '127.0.0.5');
      expect(fourth.status).toBe(429);
      expect(JSON.parse(await fourth.ended).error.code).toBe('TOO_MANY_STREAMS');
      // Per address: five, on five checkouts; the sixth from that address is refused, not from another.
      for (const token of tokens.slice(1, 6)) expect((await open(token, '127.0.0.6')).status).toBe(200);
      expect((await open(tokens[6]!, '127.0.0.6')).status).toBe(429);
      expect((await open(tokens[6]!, '127.0.0.7')).status).toBe(200);
      // In all: 9 open; three more fill the server (12); the next is refused wherever it comes from.
      for (const address of ['127.0.0.8', '127.0.0.9', '127.0.0.10'])
        expect((await open(tokens[7]!, address)).status).toBe(200);
      expect(await openStreams()).toBe(12);
      const full = await open(tokens[6]!, '127.0.0.11');
      expect(full.status).toBe(429);
      expect(await full.ended).toContain('TOO_MANY_STREAMS');
      // Closing gives the places back.
      for (const stream of held.filter((s) => s.status === 200)) stream.close();
      await waitFor(async () => (await openStreams()) === 0, 10_000, 'streams to close');
      expect((await open(tokens[0]!, '127.0.0.6')).status).toBe(200);
    });
  });

  describe('stream lifetime (finding 4)', () => {
    let stack: Stack;
    const clock = new ManualClock();
    beforeAll(async () => {
      stack = await startStack({
        dialect,
        workers: false,
        clock,
        config: { sseHeartbeatMs: 100, limits: { streams: { maxLifetimeMs: 60_000 } } },
      });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('ends a stream after its lifetime with a retry hint, and not before', async () => {
      const order = await stack.createOrder();
      const stream = await holdStream(`${stack.url}/api/v1/checkout/${order.checkoutToken}/events`);
      expect(stream.status).toBe(200);
      await waitFor(async () => stream.text.includes('event: status'), 5_000, 'the first status');
      clock.advance(59_000);
      const seen = stream.text.length;
      await waitFor(async () => stream.text.slice(seen).includes(': ping'), 5_000, 'a heartbeat');
      clock.advance(1_000);
      const text = await stream.ended;
      expect(text.slice(seen)).toMatch(/retry: \d+\n\n$/);
      const hint = Number(/retry: (\d+)\n\n$/.exec(text)![1]);
      expect(hint).toBeGreaterThanOrEqual(1_000);
      expect(hint).toBeLessThanOrEqual(5_000);
    });
  });

  describe('connections and their timeouts (finding 5)', () => {
    let stack: Stack;
    let port: number;
    beforeAll(async () => {
      stack = await startStack({
        dialect,
        workers: false,
        config: {
          limits: {
            http: {
              requestTimeoutMs: 2_000,
              headersTimeoutMs: 1_000,
              keepAliveTimeoutMs: 1_000,
              maxConnectionsPerAddress: 60,
            },
          },
        },
      });
      port = Number(new URL(stack.url).port);
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('closes slow bodies, silent and half-sent requests at their deadlines while buyers are served', async () => {
      const order = await stack.createOrder();
      const before = processUsage().fileHandles;
      const slow: SlowClient[] = [];
      for (let i = 0; i < 50; i += 1)
        slow.push(
          await slowBody(port, `/api/v1/checkout/${order.checkoutToken}/payments`, {
            localAddress: '127.0.0.2',
            intervalMs: 200,
          }),
        );
      const silent: SlowClient[] = [];
      for (let i = 0; i < 10; i += 1)
        silent.push(await silentClient(port, { localAddress: '127.0.0.3', partial: i % 2 === 0 }));
      expect(processUsage().fileHandles).toBeGreaterThanOrEqual(before + 100);
      // Meanwhile the buyer is served as usual.
      for (let i = 0; i < 10; i += 1)
        expect((await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}/status`)).status).toBe(200);
      const slowEnds = await Promise.all(slow.map((client) => client.closed));
      const silentEnds = await Promise.all(silent.map((client) => client.closed));
      expect(slowEnds.every((end) => end.status === 408)).toBe(true);
      expect(silentEnds.every((end) => end.status === 408)).toBe(true);
      await waitFor(async () => processUsage().fileHandles <= before + 5, 10_000, 'the handles to be freed');
    });

    it('drops connections past the cap per address, leaving other addresses alone', async () => {
      const held: SlowClient[] = [];
      for (let i = 0; i < 70; i += 1) held.push(await silentClient(port, { localAddress: '127.0.0.4' }));
      // The ten over the cap are closed without an answer (the header deadline would have sent a 408).
      const dropped = await Promise.all(held.slice(60).map((client) => client.closed));
      expect(dropped.every((end) => end.status === null)).toBe(true);
      expect((await stack.call('GET', '/healthz')).status).toBe(200);
      const metrics = await stack.call('GET', '/metrics', undefined, { authorization: `Bearer ${API_KEY}` });
      expect(metrics.body).toMatch(/paydesk_http_connections_refused_total 10\b/);
      for (const client of held) client.destroy();
    });

    it('closes an idle keep-alive connection after its timeout', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      let closed = false;
      await new Promise<void>((resolve, reject) => {
        const call = request(`${stack.url}/healthz`, { agent }, (response) => {
          call.socket!.once('close', () => (closed = true));
          response.resume();
          response.on('end', () => resolve());
        });
        call.on('error', reject);
        call.end();
      });
      expect(closed).toBe(false);
      await waitFor(async () => closed, 10_000, 'the idle connection to close');
      agent.destroy();
    });
  });
});
