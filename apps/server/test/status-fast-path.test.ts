// The status poll's fast path (D17.7): a cached poll answered ahead of Fastify's lifecycle must be the
// answer Fastify gives, byte for byte (status line, every header in order, body), on both dialects; it is
// counted by the same metric and rate limit, and whatever it does not answer reaches Fastify unchanged.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startStack, waitFor, type Stack } from '@paydesk/testkit';

interface RawAnswer {
  head: string[];
  body: string;
}

/** One GET on a fresh connection, as raw bytes: the head's lines (the Date value masked) and the body. */
async function rawGet(base: string, path: string, extra = ''): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.write(`GET ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n${extra}connection: close\r\n\r\n`);
  });
  const at = text.indexOf('\r\n\r\n');
  const head = text
    .slice(0, at)
    .split('\r\n')
    .map((line) => (line.toLowerCase().startsWith('date: ') ? 'date: (masked)' : line));
  return { head, body: text.slice(at + 4) };
}

async function pollCount(stack: Stack, status: string): Promise<number> {
  const text = await stack.server.paydesk.metrics.render();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('paydesk_http_requests_total{') &&
        l.includes('route="/api/v1/checkout/:token/status"') &&
        l.includes(`status="${status}"`),
    );
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe.each(DIALECTS)('status poll fast path on %s', (dialect) => {
  let stack: Stack;
  const READS = 6;

  beforeAll(async () => {
    // Workers run (not the sweeper): on PostgreSQL the cache trusts nothing until the change feed listens.
    stack = await startStack({
      dialect,
      clock: 'manual',
      sweeper: false,
      config: { rateLimit: { checkoutReadsPerMinute: READS } },
    });
    const probe = await stack.createOrder();
    await waitFor(async () => {
      await rawGet(stack.url, `/api/v1/checkout/${probe.checkoutToken}/status`);
      return stack.server.paydesk.statusFastPath.served > 0;
    }, 'the status cache trusted (PostgreSQL: the change feed listening)');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("answers a cached poll with Fastify's own bytes, counted and limited as Fastify counts them", async () => {
    const fast = stack.server.paydesk.statusFastPath;
    const order = await stack.createOrder();
    const path = `/api/v1/checkout/${order.checkoutToken}/status`;
    const before = await pollCount(stack, '200');

    const at = fast.served;
    const miss = await rawGet(stack.url, path); // a miss: Fastify reads the database and fills the cache
    expect(fast.served).toBe(at);
    const hit = await rawGet(stack.url, path);
    expect(fast.served).toBe(at + 1);
    fast.enabled = false;
    const viaFastify = await rawGet(stack.url, path); // a hit too, answered inside Fastify's route
    fast.enabled = true;
    expect(fast.served).toBe(at + 1);

    expect(hit.head[0]).toBe('HTTP/1.1 200 OK');
    expect(hit.head).toEqual(viaFastify.head);
    expect(hit.body).toBe(viaFastify.body);
    expect(hit).toEqual(miss);
    expect(hit.head).toContain('access-control-allow-origin: *');
    expect(hit.head).toContain('cache-control: no-store');
    expect(JSON.parse(hit.body).orderStatus).toBe('OPEN');
    expect(await pollCount(stack, '200')).toBe(before + 3);

    // READS per minute per checkout: three counted above, three more pass (fast), the next is Fastify's 429.
    for (let i = 0; i < READS - 3; i += 1)
      expect((await rawGet(stack.url, path)).head[0]).toBe('HTTP/1.1 200 OK');
    expect(fast.served).toBe(at + READS - 2);
    const limited = await rawGet(stack.url, path);
    expect(limited.head[0]).toBe('HTTP/1.1 429 Too Many Requests');
    expect(limited.head.some((line) => /^retry-after: \d+$/.test(line))).toBe(true);
    expect(JSON.parse(limited.body).error.code).toBe('RATE_LIMITED');
    expect(fast.served).toBe(at + READS - 2);
    expect(await pollCount(stack, '429')).toBe(1);
    stack.advance(61_000); // a new window, and the cached entry has outlived its TTL (60 s): a miss, then a hit
    await rawGet(stack.url, path);
    expect((await rawGet(stack.url, path)).head[0]).toBe('HTTP/1.1 200 OK');
    expect(fast.served).toBe(at + READS - 1);
  });

  it('leaves to Fastify what it does not answer: unknown tokens, query strings, other methods, bodies', async () => {
    const fast = stack.server.paydesk.statusFastPath;
    const order = await stack.createOrder();
    const path = `/api/v1/checkout/${order.checkoutToken}/status`;
    await rawGet(stack.url, path);
    const served = fast.served;
    const unknown = await rawGet(stack.url, `/api/v1/checkout/${'x'.repeat(43)}/status`);
    expect(unknown.head[0]).toBe('HTTP/1.1 404 Not Found');
    expect(JSON.parse(unknown.body).error.code).toBe('CHECKOUT_NOT_FOUND');
    expect((await rawGet(stack.url, `${path}?x=1`)).head[0]).toBe('HTTP/1.1 200 OK');
    expect((await rawGet(stack.url, `${path}/`)).head[0]).toBe('HTTP/1.1 404 Not Found');
    expect((await rawGet(stack.url, path, 'content-length: 0\r\n')).head[0]).toBe('HTTP/1.1 200 OK');
    expect((await stack.call('HEAD', path)).status).toBe(200);
    expect(fast.served).toBe(served);
  });

  it('serves a change at once: the cache entry is dropped when the order changes', async () => {
    const fast = stack.server.paydesk.statusFastPath;
    const order = await stack.createOrder();
    const path = `/api/v1/checkout/${order.checkoutToken}/status`;
    await rawGet(stack.url, path);
    expect(JSON.parse((await rawGet(stack.url, path)).body).orderStatus).toBe('OPEN');
    const served = fast.served;
    expect((await stack.merchant('POST', `/api/v1/orders/${order.id}/close`)).status).toBe(200);
    expect(JSON.parse((await rawGet(stack.url, path)).body).orderStatus).toBe('CLOSED');
    expect(fast.served).toBe(served); // the miss went to Fastify
    expect(JSON.parse((await rawGet(stack.url, path)).body).orderStatus).toBe('CLOSED');
    expect(fast.served).toBe(served + 1);
  });
});

// Not a database behaviour: one dialect is enough.
describe('status poll fast path while draining', () => {
  it('gives every poll to Fastify, whose answers close their connection', async () => {
    let endDelay = () => {};
    const stack = await startStack({
      dialect: 'sqlite',
      config: { shutdownDelayMs: 5_000 },
      shutdownWait: () => new Promise((resolve) => (endDelay = resolve)),
    });
    try {
      const fast = stack.server.paydesk.statusFastPath;
      const order = await stack.createOrder();
      const path = `/api/v1/checkout/${order.checkoutToken}/status`;
      await rawGet(stack.url, path);
      expect((await rawGet(stack.url, path)).head).not.toContain('connection: close');
      const served = fast.served;
      expect(served).toBeGreaterThan(0);
      const stopping = stack.server.stop();
      const during = await rawGet(stack.url, path);
      expect(during.head[0]).toBe('HTTP/1.1 200 OK');
      expect(during.head).toContain('connection: close');
      expect(fast.served).toBe(served);
      endDelay();
      await stopping;
    } finally {
      await stack.close();
    }
  });
});
