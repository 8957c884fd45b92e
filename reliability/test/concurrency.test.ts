// D6.8: races. Fifty parallel confirms on one order (with `pay` slowed down); twenty parallel
// partial refunds that together exceed what was paid; and, many times over, confirm racing a buyer
// cancel racing the wallet's payment and its notification (sent, duplicated, replayed), a second tab
// and a merchant close. Afterwards every guarantee holds against the sandbox ledger.
import { loadPrivateKey } from '@paydesk/antom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAll, settled, unsettled, type LivenessBounds } from '../src/invariant.checks.ts';
import { forge, sendForged, truthfulNotifications } from '../src/notification.forger.ts';
import { observe, RequestCollector } from '../src/run.observer.ts';
import {
  confirm,
  createOrder,
  orderUntil,
  orderView,
  scan,
  sweepUntil,
  type Markets,
} from '../src/scenario.steps.ts';
import { SeededRandom } from '../src/seeded.random.ts';
import { CLIENT_ID, DIALECTS, startReliabilityStack, type ReliabilityStack } from '../src/stack.harness.ts';

describe.each(DIALECTS)('races on %s', (dialect) => {
  let stack: ReliabilityStack;
  let collector: RequestCollector;

  beforeAll(async () => {
    // A manual clock (the workers still run, racing like everything else): nothing comes due while the
    // races run, and the run settles by sweeper passes on that clock, one sweep interval apart, so the
    // liveness bound is measured in the server's own time, not in a loaded machine's.
    stack = await startReliabilityStack({ dialect, clock: 'manual' });
    collector = new RequestCollector(stack.antom, 'pay');
    collector.start(500);
  });
  afterAll(async () => {
    await collector?.stop();
    await stack?.close();
  });

  const faults = (body: unknown) => stack.antom.call('PUT', '/sandbox/api/faults', body);
  const bounds = (): LivenessBounds => ({
    faultsStoppedAt: stack.kit!.clock.now(),
    sweepIntervalMs: stack.settings.sweepIntervalMs,
    retryAfterFaultsMs: 5_000,
    slackMs: 2_000,
    payLeaseMs: stack.payLeaseMs,
  });

  it('makes one payment, with one pay, out of fifty parallel confirms while pay is slow', async () => {
    await faults({ seed: 1, rules: [{ api: 'pay', kind: 'latency', latencyMs: 400 }] });
    const order = await createOrder(stack, 'THB');
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        stack.buyer.call('POST', `/api/v1/checkout/${order.checkoutToken}/payments`, {
          paymentMethodType: i % 5 === 0 ? 'TRUEMONEY' : 'PROMPTPAY',
          terminalType: 'WEB',
        }),
      ),
    );
    await stack.antom.call('DELETE', '/sandbox/api/faults');
    const ok = answers.filter((a) => a.status === 200 || a.status === 201);
    expect(answers.every((a) => [200, 201, 409].includes(a.status))).toBe(true);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(new Set(ok.map((a) => a.body.id)).size).toBe(1);
    // The losers asked for the other method while one was live: PAYMENT_IN_PROGRESS, never a second attempt.
    for (const refused of answers.filter((a) => a.status === 409))
      expect(refused.body.error.code).toBe('PAYMENT_IN_PROGRESS');
    const pays = await stack.antom.call(
      'GET',
      `/sandbox/api/requests?api=pay&paymentRequestId=${ok[0]!.body.id}`,
    );
    expect(pays.body.requests).toHaveLength(1);
    const view = await orderUntil(stack, order.id, (o) => o.payments.length === 1, 'one payment');
    expect(view.payments).toHaveLength(1);
  });

  it('holds the refunded total under twenty parallel partial refunds that together exceed it', async () => {
    const order = await createOrder(stack, 'SGD'); // PayNow: asynchronous refunds, settled later
    await scan(stack, (await confirm(stack, order, 'PAYNOW')).code!.value);
    await orderUntil(stack, order.id, (o) => o.status === 'PAID', 'PAID');
    const part = String(Math.floor(Number(order.amount.value) / 8) + 1); // 8 of them exceed the amount
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        stack.merchant.call('POST', `/api/v1/orders/${order.id}/refunds`, {
          amount: { currency: 'SGD', value: part },
        }),
      ),
    );
    expect(answers.every((a) => a.status === 201 || a.status === 422 || a.status === 409)).toBe(true);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(7);
    const refunded = await sweepUntil(
      stack,
      () => orderView(stack, order.id),
      (o) => o.refunds.length === 7 && o.refunds.every((r) => r.status === 'SUCCEEDED'),
      'refunds settled',
      stack.settings.sweepIntervalMs,
    );
    expect(refunded.refundedAmount.value).toBe(String(7 * Number(part)));
    const ledger = (
      await stack.antom.call('GET', `/sandbox/api/ledger?paymentRequestId=${refunded.payments[0]!.id}`)
    ).body.payments[0];
    expect(ledger.refunded).toBe(refunded.refundedAmount.value);
  });

  it('keeps every guarantee when confirm, cancel, payment, notifications, a second tab and close race', async () => {
    const rng = new SeededRandom(dialect === 'sqlite' ? 808 : 809);
    const deps = {
      clientId: CLIENT_ID,
      gatewayKey: stack.gatewayKey,
      otherKey: loadPrivateKey(stack.keys.merchant.privateKeyPem),
    };
    // Notifications arrive twice, late and out of order; pay is slow, so cancels land while it is in flight.
    await faults({
      seed: rng.int(0, 1e6),
      rules: [{ api: 'pay', kind: 'latency', latencyMs: 300, probability: 0.5 }],
      notifications: { duplicate: 0.5, delayMs: { min: 0, max: 300 }, reorder: { windowMs: 100 } },
    });
    const methods: [Markets, string, string][] = [
      ['THB', 'PROMPTPAY', 'TRUEMONEY'],
      ['THB', 'TRUEMONEY', 'PROMPTPAY'],
      ['SGD', 'PAYNOW', 'PAYNOW'],
      ['IDR', 'QRIS', 'BANKTRANSFER_BNI'],
      ['JPY', 'KONBINI', 'KONBINI'],
    ];
    const round = async (index: number) => {
      const r = rng.fork(`round-${index}`);
      const [currency, method, other] = r.pick(methods);
      const order = await createOrder(stack, currency);
      const path = `/api/v1/checkout/${order.checkoutToken}`;
      const first = stack.buyer.call('POST', `${path}/payments`, {
        paymentMethodType: method,
        terminalType: 'WEB',
      });
      // A second tab sees the payment while `pay` is still in flight and cancels it.
      const earlyCancel = (async () => {
        if (!r.chance(0.4)) return;
        for (let i = 0; i < 20; i += 1) {
          const live = (await stack.buyer.call('GET', path)).body?.payment;
          if (live) return stack.buyer.call('POST', `${path}/payments/${live.id}/cancel`);
          await new Promise((resolve) => setTimeout(resolve, 15));
        }
      })();
      const [confirmed] = await Promise.all([first, earlyCancel]);
      const payment = confirmed.body;
      const code = payment?.code?.value as string | undefined;
      const wait = () => new Promise((resolve) => setTimeout(resolve, r.int(0, 60)));
      await Promise.all([
        (async () => {
          await wait();
          if (code) await scan(stack, code);
        })(),
        (async () => {
          await wait();
          if (payment?.id) await stack.buyer.call('POST', `${path}/payments/${payment.id}/cancel`);
        })(),
        (async () => {
          await wait();
          const again = await stack.buyer.call('POST', `${path}/payments`, {
            paymentMethodType: r.chance(0.5) ? method : other,
            terminalType: 'WAP',
          });
          if (again.body?.code?.value && r.chance(0.5)) await scan(stack, again.body.code.value);
        })(),
        (async () => {
          await wait();
          if (r.chance(0.3)) await stack.merchant.call('POST', `/api/v1/orders/${order.id}/close`);
        })(),
        (async () => {
          // Antom's own notification again, re-signed: a replay racing everything else.
          await wait();
          const truths = truthfulNotifications(
            (await stack.antom.call('GET', '/sandbox/api/notifications')).body,
          );
          const mine = truths.filter((t) => t.body.paymentRequestId === payment?.id);
          for (const truth of mine)
            await sendForged(stack.serverUrl, truth.path, forge('replay', truth, r, deps));
        })(),
      ]);
      // The buyer, seeing a cancelled or failed payment, pays the first code again (refused, or a duplicate).
      if (code && r.chance(0.3)) await scan(stack, code);
    };
    const rounds = 24;
    for (let start = 0; start < rounds; start += 6)
      await Promise.all(Array.from({ length: 6 }, (_, i) => round(start + i)));
    await stack.antom.call('DELETE', '/sandbox/api/faults');
    const limits = bounds();
    // Let the run settle: sweeper passes one interval of the clock apart until every attempt and refund
    // is final, the looks after an accepted cancel included (a reversal is found by them).
    const observation = await sweepUntil(
      stack,
      async () => ({ ...(await observe(stack.merchant, stack.antom, [])), at: stack.kit!.clock.now() }),
      (seen) => settled(seen.orders),
      'every attempt and refund final',
      stack.settings.sweepIntervalMs,
      (seen) => unsettled(seen.orders, seen.at),
    );
    await collector.poll();
    observation.payRequests = await collector.stop();
    collector = new RequestCollector(stack.antom, 'pay');
    expect(checkAll(observation, limits)).toEqual([]);
    // The races did produce the interesting outcomes, not only the easy ones.
    const states = new Set(observation.orders.flatMap((o) => o.payments.map((p) => p.state)));
    expect(states).toContain('SUCCESS');
    expect(states).toContain('CANCELLED');
  });
});
