// D6.3 and D6.6, property-based: from every notification the sandbox really sent (a payment
// paid, one declined, one paid and then cancelled by us, an asynchronous refund), fast-check draws
// replays and forgeries — bit flips in the body, the signature, the time or the client id; another key;
// another client id; a payment we never made; an amount or currency changed under a valid signature; no
// signature; a body that is not JSON — and arbitrary bytes with arbitrary headers. Replays are
// acknowledged and harmless; everything else is refused; nothing changes any state.
import fc from 'fast-check';
import { loadPrivateKey } from '@paydesk/antom';
import type { OrderView } from '@paydesk/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessSnapshot } from '../src/db.snapshot.ts';
import {
  forge,
  FORGERY_KINDS,
  HARMLESS_KINDS,
  sendForged,
  truthfulNotifications,
  type TruthfulNotification,
} from '../src/notification.forger.ts';
import { waitFor } from '@paydesk/testkit';
import { confirm, createOrder, orderUntil, orderView, scan, sweepUntil } from '../src/scenario.steps.ts';
import { RUNS_SCALE, SeededRandom } from '../src/seeded.random.ts';
import {
  CLIENT_ID,
  DIALECTS,
  NOTIFY_PATH,
  startReliabilityStack,
  type ReliabilityStack,
} from '../src/stack.harness.ts';

describe.each(DIALECTS)('forged and replayed notifications on %s', (dialect) => {
  let stack: ReliabilityStack;
  let truths: TruthfulNotification[];
  let sent = 0;

  beforeAll(async () => {
    // A manual clock and no worker: nothing moves in the background while snapshots are compared, and
    // whatever the notifications leave open (a cancel or refund whose answer was slow under load) is
    // settled by sweeper passes the setup runs on that clock, never by waiting for wall-clock time.
    stack = await startReliabilityStack({
      dialect,
      clock: 'manual',
      workers: 'manual',
      antomTimeoutMs: 5_000,
    });
    /** Sweeper passes, each 5 s of the clock later (past any retry delay), until the order passes `test`. */
    const settle = (id: string, test: (order: OrderView) => boolean, what: string) =>
      sweepUntil(stack, () => orderView(stack, id), test, what, 5_000);
    const paid = await createOrder(stack, 'THB');
    const paidCode = (await confirm(stack, paid, 'PROMPTPAY')).code!.value;
    await scan(stack, paidCode);
    await orderUntil(stack, paid.id, (o) => o.status === 'PAID', 'paid');

    const declined = await createOrder(stack, 'THB');
    const declinedPayment = await confirm(stack, declined, 'TRUEMONEY');
    const atAntom = await stack.antom.call(
      'GET',
      `/sandbox/api/payments?paymentRequestId=${declinedPayment.id}`,
    );
    await stack.antom.call('POST', `/sandbox/api/payments/${atAntom.body.payments[0].paymentId}/fail`, {});
    await orderUntil(stack, declined.id, (o) => o.payments[0]?.state === 'FAIL', 'declined');

    // Paid while the buyer's cancel was on its way to Antom (D11): Antom gives the money back
    // (docs/antom-notes.md §5.2) and we hold it REVERSED; its success notification must never revive it.
    const cancelled = await createOrder(stack, 'THB');
    const cancelledPayment = await confirm(stack, cancelled, 'TRUEMONEY');
    await stack.antom.call('PUT', '/sandbox/api/faults', {
      seed: 1,
      rules: [{ api: 'cancel', kind: 'latency', latencyMs: 1_500, times: 1 }],
    });
    const cancelling = stack.buyer.call(
      'POST',
      `/api/v1/checkout/${cancelled.checkoutToken}/payments/${cancelledPayment.id}/cancel`,
    );
    await waitFor(
      async () =>
        (
          await stack.antom.call(
            'GET',
            `/sandbox/api/requests?api=cancel&paymentRequestId=${cancelledPayment.id}`,
          )
        ).body.requests.length > 0,
      'the cancel at Antom',
    );
    await scan(stack, cancelledPayment.code!.value);
    await cancelling;
    await stack.antom.call('DELETE', '/sandbox/api/faults');
    // The capture's notification may land after the cancel's answer: then the look after the end (a
    // sweeper pass) finds the reversal.
    await settle(cancelled.id, (o) => o.payments[0]?.state === 'REVERSED', 'reversed');

    const refunded = await createOrder(stack, 'SGD');
    await scan(stack, (await confirm(stack, refunded, 'PAYNOW')).code!.value);
    await orderUntil(stack, refunded.id, (o) => o.status === 'PAID', 'paid');
    await stack.merchant.call('POST', `/api/v1/orders/${refunded.id}/refunds`, {
      amount: { currency: 'SGD', value: '2000' },
    });
    // Antom settles the refund asynchronously and notifies; a refund call that was slower than its timeout
    // is asked again by the sweeper (it failed here on PostgreSQL under load while the sweeper was off).
    await settle(refunded.id, (o) => o.refunds[0]?.status === 'SUCCEEDED', 'refund settled');

    truths = await waitFor(async () => {
      const list = truthfulNotifications((await stack.antom.call('GET', '/sandbox/api/notifications')).body);
      return list.length >= 5 ? list : undefined;
    }, 'the sandbox notifications');
  });
  afterAll(async () => {
    console.log(`${dialect}: ${sent} forged, replayed or garbage notifications`);
    await stack?.close();
  });

  const deps = () => ({
    clientId: CLIENT_ID,
    gatewayKey: stack.gatewayKey,
    otherKey: loadPrivateKey(stack.keys.merchant.privateKeyPem),
  });

  it('acknowledges replays, refuses forgeries, and changes no state either way', async () => {
    expect(new Set(truths.map((t) => t.body.notifyType))).toEqual(
      new Set(['PAYMENT_RESULT', 'REFUND_RESULT']),
    );
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FORGERY_KINDS),
        fc.nat({ max: truths.length - 1 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        async (kind, index, seed) => {
          const truth = truths[index]!;
          const request = forge(kind, truth, new SeededRandom(seed), deps());
          const before = await businessSnapshot(stack.db!);
          const answer = await sendForged(stack.serverUrl, truth.path, request);
          sent += 1;
          const after = await businessSnapshot(stack.db!);
          seen.add(kind);
          expect(after).toEqual(before);
          if (HARMLESS_KINDS.has(kind)) expect(answer.status).toBe(200);
          else {
            expect([400, 401, 404]).toContain(answer.status);
            expect(JSON.parse(answer.text).error.code).toEqual(expect.any(String));
          }
        },
      ),
      { numRuns: Math.round(120 * RUNS_SCALE), seed: dialect === 'sqlite' ? 6_001 : 6_002 },
    );
    expect(seen.size).toBe(FORGERY_KINDS.length);
  });

  it('refuses arbitrary bytes under arbitrary headers without a change or a 5xx', async () => {
    const header = fc.string({ unit: 'grapheme-ascii', maxLength: 80 }).filter((v) => v.trim() === v);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }),
          fc.json().map((text) => new TextEncoder().encode(text)),
          fc.constantFrom(...truths).map((t) => new TextEncoder().encode(JSON.stringify(t.body))),
        ),
        fc.record(
          {
            'client-id': fc.oneof(fc.constant(CLIENT_ID), header),
            'request-time': header,
            signature: fc.oneof(
              header,
              header.map((s) => `algorithm=RSA256,keyVersion=1,signature=${encodeURIComponent(s)}`),
            ),
            'content-type': fc.constantFrom('application/json', 'text/plain', 'application/octet-stream'),
          },
          { requiredKeys: [] },
        ),
        async (body, headers) => {
          const before = await businessSnapshot(stack.db!);
          sent += 1;
          const answer = await sendForged(stack.serverUrl, NOTIFY_PATH, {
            kind: 'notJson',
            headers,
            body: Buffer.from(body),
          });
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
          expect(await businessSnapshot(stack.db!)).toEqual(before);
        },
      ),
      { numRuns: Math.round(80 * RUNS_SCALE), seed: dialect === 'sqlite' ? 6_003 : 6_004 },
    );
  });
});
