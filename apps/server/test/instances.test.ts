// Several instances on one PostgreSQL (D7.1): live push reaches a buyer on instance B when
// the change lands on instance A (LISTEN/NOTIFY), work claims skip rows another instance holds
// (FOR UPDATE SKIP LOCKED), each due attempt is handled once per cycle, and each webhook leaves once.
// The three-instance campaign with a SIGKILL is in reliability/test/multi-instance.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.ts';
import { inTransaction } from '../src/db/transaction.ts';
import {
  API_KEY,
  createTestDatabase,
  startReceiver,
  startStack,
  waitFor,
  type Receiver,
  type Stack,
} from '@paydesk/testkit';
import { claimNext } from '../src/sweeper/claim.repository.ts';

describe('two instances on one PostgreSQL', () => {
  let stack: Stack;
  let peer: Awaited<ReturnType<Stack['startPeer']>>;
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    // Sweepers off: the test runs their passes itself, side by side.
    stack = await startStack({
      dialect: 'postgres',
      sweeper: false,
      config: { webhook: { url: receiver.url, secret: 'whsec_instances_0123456789abcdef' } },
    });
    peer = await stack.startPeer();
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  /** Reads an event stream until `pattern` shows, resolving with the time it did. */
  async function streamUntil(url: string, pattern: RegExp): Promise<{ arrived: Promise<number> }> {
    const response = await fetch(url);
    const reader = response.body!.getReader();
    let text = '';
    const arrived = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}`);
        text += new TextDecoder().decode(value);
        if (pattern.test(text)) {
          await reader.cancel();
          return performance.now();
        }
      }
    })();
    // The first status (sent on connect) shows the stream is live before anything changes.
    await waitFor(async () => /event: status/.test(text), 'the first status', 5_000);
    return { arrived };
  }

  it('pushes a payment settled on instance A to a buyer streaming from instance B at once (S15, S16)', async () => {
    for (let round = 0; round < 3; round += 1) {
      const order = await stack.createOrder();
      const confirm = await stack.confirm(order.checkoutToken);
      expect(confirm.status).toBe(201);
      const stream = await streamUntil(
        `${peer.url}/api/v1/checkout/${order.checkoutToken}/events`,
        /"orderStatus":"PAID"/,
      );
      // The sandbox notifies instance A (its PUBLIC_URL was in `pay`); B only hears of it from A.
      const paid = performance.now();
      await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: confirm.body.code.value });
      const latency = (await stream.arrived) - paid;
      // Without LISTEN/NOTIFY only the 5-second catch-up pass would bring it.
      expect(latency).toBeLessThan(1_000);
    }
  });

  it('claims past a row another instance holds locked, instead of waiting for it', async () => {
    const orders = await Promise.all([stack.createOrder(), stack.createOrder()]);
    const attempts: string[] = [];
    for (const order of orders) attempts.push((await stack.confirm(order.checkoutToken)).body.id as string);
    const { database } = stack.server.paydesk;
    const past = Date.now() - 1_000;
    await database.db
      .updateTable('payments')
      .set({ next_check_at: past })
      .where('id', 'in', attempts)
      .execute();
    await database.db
      .updateTable('payments')
      .set({ next_check_at: past - 1 })
      .where('id', '=', attempts[0]!)
      .execute();
    await inTransaction(database.db, async (tx) => {
      // Instance A holds the most overdue row (as its claim's subquery would, mid-statement).
      await tx.trx.selectFrom('payments').select('id').where('id', '=', attempts[0]!).forUpdate().execute();
      const other = peer.paydesk.database;
      const claim = await claimNext(other, 'payments', ['PROCESSING'], Date.now(), Date.now() + 60_000);
      expect(claim?.id).toBe(attempts[1]);
    });
    await database.db
      .updateTable('payments')
      .set({ lease_until: null })
      .where('id', 'in', attempts)
      .execute();
  });

  it('handles each due attempt once per cycle when both sweep at the same moment', async () => {
    const orders = await Promise.all(Array.from({ length: 12 }, () => stack.createOrder()));
    const attempts: string[] = [];
    for (const order of orders) attempts.push((await stack.confirm(order.checkoutToken)).body.id);
    const db = stack.server.paydesk.database.db;
    await db
      .updateTable('payments')
      .set({ next_check_at: Date.now() - 1_000, lease_until: null })
      .where('status', 'in', ['PROCESSING'])
      .execute();
    const before = await inquiries(attempts);
    const [a, b] = await Promise.all([
      stack.server.paydesk.sweeper.sweepOnce(),
      peer.paydesk.sweeper.sweepOnce(),
    ]);
    expect(a.errors + b.errors).toBe(0);
    expect(a.attempts + b.attempts).toBeGreaterThanOrEqual(attempts.length);
    const after = await inquiries(attempts);
    for (const id of attempts) expect(after.get(id)! - before.get(id)!, id).toBe(1);
  });

  it('delivers each webhook once though both instances deliver', async () => {
    receiver.received.length = 0;
    const orders = await Promise.all(Array.from({ length: 10 }, () => stack.createOrder()));
    const ids = new Set(orders.map((o) => o.id as string));
    // Closed half on each instance: each close queues an `order.closed` event in the shared outbox.
    await Promise.all(
      orders.map((o, i) =>
        i % 2 === 0
          ? stack.merchant('POST', `/api/v1/orders/${o.id}/close`)
          : fetch(`${peer.url}/api/v1/orders/${o.id}/close`, {
              method: 'POST',
              headers: { authorization: `Bearer ${API_KEY}` },
            }),
      ),
    );
    const deliver = () =>
      Promise.all([stack.server.paydesk.deliverer!.deliverOnce(), peer.paydesk.deliverer!.deliverOnce()]);
    await waitFor(async () => {
      await deliver();
      const created = receiver.received.filter(
        (r) => r.json?.type === 'order.closed' && ids.has(r.json.data.order.id),
      );
      return created.length >= ids.size;
    }, 'every order.closed');
    await deliver();
    const eventIds = receiver.received.map((r) => r.json?.id);
    expect(new Set(eventIds).size).toBe(eventIds.length);
  });

  // Found by reliability/test/multi-instance.test.ts: three instances starting together on an empty
  // database collided in `create table if not exists` (run before the advisory lock), and one exited.
  it('migrates an empty database from three instances starting at once', async () => {
    for (let round = 0; round < 5; round += 1) {
      const target = await createTestDatabase('postgres', { empty: true });
      const instances = [0, 1, 2].map(() => openDatabase(target.url));
      const results = await Promise.allSettled(instances.map((d) => d.migrate()));
      for (const instance of instances) await instance.destroy();
      await target.drop();
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    }
  });

  /** How many `inquiryPayment` calls the sandbox has seen per attempt. */
  async function inquiries(attempts: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const id of attempts) {
      const log = await stack.control(
        'GET',
        `/sandbox/api/requests?api=inquiryPayment&paymentRequestId=${id}`,
      );
      counts.set(id, log.body.requests.length);
    }
    return counts;
  }
});
