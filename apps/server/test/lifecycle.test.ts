// The payment lifecycle against the real sandbox with its faults (D4.7, D4.9, D4.10, D4.11; S10, S19,
// S20), on both dialects: unknown answers, timeouts, expiry, cancel races, duplicates, closing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  catalogWithTimeout,
  DIALECTS,
  startReceiver,
  startStack,
  waitFor,
  type Receiver,
  type Stack,
} from '@paydesk/testkit';
import { DELAYS } from '../src/payments/lifecycle.schedule.ts';
import { signWebhook } from '../src/webhooks/webhook.deliverer.ts';

const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';

// Unknown answers (D4.7) on the kit's manual clock, swept once a second of it: an attempt
// whose `pay` answer is unknown is left alone for the pay lease, then asked about; the lease is read off
// the clock, so the test neither waits it out (9 s) nor depends on how fast the machine is.
describe.each(DIALECTS)('unknown answers on %s (D4.7)', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      dialect,
      clock: 'manual',
      workers: 'manual',
      config: { antom: { timeoutMs: 1_000 } },
    });
  });
  afterAll(() => stack?.close());
  afterEach(async () => {
    await stack.control('DELETE', '/sandbox/api/faults');
  });

  const faults = (body: unknown) => stack.control('PUT', '/sandbox/api/faults', body);
  const atAntom = async (paymentRequestId: string) =>
    (await stack.control('GET', `/sandbox/api/payments?paymentRequestId=${paymentRequestId}`)).body
      .payments[0];
  const payRequests = async (paymentRequestId: string) =>
    (await stack.control('GET', `/sandbox/api/requests?api=pay&paymentRequestId=${paymentRequestId}`)).body
      .requests.length;
  /** Sweeper passes a second of the clock apart until the payment is in `state` (at most 2 minutes of it). */
  const settled = async (orderId: string, paymentId: string, state: string) => {
    for (let pass = 0; pass < 120; pass += 1) {
      const payment = (await stack.merchant('GET', `/api/v1/orders/${orderId}`)).body.payments.find(
        (p: { id: string }) => p.id === paymentId,
      );
      if (payment?.state === state) return payment;
      stack.advance(1_000);
      await stack.sweepOnce();
    }
    throw new Error(`payment ${paymentId} is not ${state} after 120 sweeps a second apart`);
  };

  it('keeps a payment whose reply was lost "still working", then closes it by inquiry without a second pay', async () => {
    const o = await stack.createOrder();
    await faults({ seed: 1, rules: [{ api: 'pay', kind: 'lostReply', times: 1 }] });
    const confirm = await stack.confirm(o.checkoutToken);
    expect(confirm.status).toBe(201);
    expect(confirm.body).toMatchObject({ status: 'PROCESSING', reason: 'GATEWAY_PENDING', code: null });
    const final = await settled(o.id, confirm.body.id, 'CANCELLED');
    expect(final.reason).toBe('GATEWAY_ERROR');
    expect(await payRequests(confirm.body.id)).toBe(1);
    expect((await atAntom(confirm.body.id)).status).toBe('CANCELLED');
    // The buyer starts again under a new paymentRequestId (S20).
    const again = await stack.confirm(o.checkoutToken);
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(confirm.body.id);
    expect(again.body.code.kind).toBe('qr');
  });

  it('resends pay with the same id after a signed UNKNOWN_EXCEPTION and shows the code', async () => {
    const o = await stack.createOrder();
    await faults({ seed: 2, rules: [{ api: 'pay', kind: 'unknown', times: 1 }] });
    const confirm = await stack.confirm(o.checkoutToken);
    expect(confirm.body.status).toBe('PROCESSING');
    expect(confirm.body.code.kind).toBe('qr');
    expect(await payRequests(confirm.body.id)).toBe(2);
  });

  it('treats an HTTP 5xx as unknown and fails the attempt once Antom says it never saw it', async () => {
    const o = await stack.createOrder();
    await faults({ seed: 3, rules: [{ api: 'pay', kind: 'http5xx', status: 503, times: 1 }] });
    const confirm = await stack.confirm(o.checkoutToken);
    expect(confirm.body).toMatchObject({ status: 'PROCESSING', reason: 'GATEWAY_PENDING' });
    const final = await settled(o.id, confirm.body.id, 'FAIL');
    expect(final.reason).toBe('GATEWAY_NOT_RECEIVED');
    expect(await payRequests(confirm.body.id)).toBe(1);
  });

  it('does not trust a reply with a bad signature', async () => {
    const o = await stack.createOrder();
    await faults({ seed: 4, rules: [{ api: 'pay', kind: 'badSignature', times: 1 }] });
    const confirm = await stack.confirm(o.checkoutToken);
    expect(confirm.body).toMatchObject({ status: 'PROCESSING', reason: 'GATEWAY_PENDING', code: null });
    await settled(o.id, confirm.body.id, 'CANCELLED');
    expect(await payRequests(confirm.body.id)).toBe(1);
  });
});

// One look at a time (D11.1), on the manual clock with the sweeper run by hand: a close that arrives while
// the sweeper's look is out sends no look of its own (two looks out at once let an older "unpaid" decide a
// cancel after a newer look had seen the payment). The close is recorded, the look's answer decides on the
// attempt as it then stands, and the close waits for it in this process. Antom holds the look (a latency
// fault well inside the client's timeout) while the test closes, and pays.
describe.each(DIALECTS)('one look at a time on %s (D11.1)', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      dialect,
      clock: 'manual',
      workers: 'manual',
      config: { antom: { timeoutMs: 10_000 } },
    });
  });
  afterAll(() => stack?.close());
  afterEach(async () => {
    await stack.control('DELETE', '/sandbox/api/faults');
    // The look after an accepted cancel, taken now, so the next test's look is the only one due.
    stack.advance(60_000);
    await stack.sweepOnce();
  });

  /** What Antom was asked about the payment, oldest first. */
  const callsFor = async (paymentRequestId: string) =>
    (
      (await stack.control('GET', `/sandbox/api/requests?paymentRequestId=${paymentRequestId}`)).body
        .requests as { api: string }[]
    )
      .map((r) => r.api)
      .reverse();
  /**
   * The sweeper's look at the payment, held at Antom for `latencyMs`: out once the sweeper has written the
   * look's next check (Antom records a request only when it answers), as the call follows that write.
   */
  const sweeperLookOut = async (paymentId: string, latencyMs: number) => {
    await stack.control('PUT', '/sandbox/api/faults', {
      seed: 10,
      rules: [{ api: 'inquiryPayment', kind: 'latency', latencyMs, times: 1 }],
    });
    stack.advance(5_000);
    const sweep = stack.sweepOnce();
    const lookDue = stack.clock.now() + DELAYS.callOutMs;
    await waitFor(
      async () =>
        Number(
          (
            await stack.server.paydesk.database.db
              .selectFrom('payments')
              .select('next_check_at')
              .where('id', '=', paymentId)
              .executeTakeFirstOrThrow()
          ).next_check_at,
        ) === lookDue,
      'the sweeper’s look sent',
    );
    // Wrapped: an async function returning the pass itself would wait for it to end.
    return { sweep };
  };

  it('a close while the look is out: the look’s "unpaid" sends the cancel, and the close answers CLOSED', async () => {
    const o = await stack.createOrder({ amount: { currency: 'THB', value: '150000' } });
    const confirm = await stack.confirm(o.checkoutToken, 'TRUEMONEY');
    const { sweep } = await sweeperLookOut(confirm.body.id, 2_000);
    const close = await stack.merchant('POST', `/api/v1/orders/${o.id}/close`);
    await sweep;
    expect(close.status).toBe(200);
    expect(close.body.payments[0]).toMatchObject({ state: 'CANCELLED', reason: 'ORDER_CLOSED' });
    expect(await callsFor(confirm.body.id)).toEqual(['pay', 'inquiryPayment', 'cancel']);
  });

  it('a close while the look is out and the buyer pays: the look sees it, 409, nothing reversed', async () => {
    const o = await stack.createOrder({ amount: { currency: 'THB', value: '150000' } });
    const confirm = await stack.confirm(o.checkoutToken, 'TRUEMONEY');
    const { sweep } = await sweeperLookOut(confirm.body.id, 3_000);
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: confirm.body.code.value });
    const close = await stack.merchant('POST', `/api/v1/orders/${o.id}/close`);
    await sweep;
    expect(close.status).toBe(409);
    expect(close.body.error.code).toBe('ORDER_ALREADY_PAID');
    expect(await callsFor(confirm.body.id)).toEqual(['pay', 'inquiryPayment']);
    const ledger = (await stack.control('GET', '/sandbox/api/ledger')).body.payments.find(
      (p: { paymentRequestId: string }) => p.paymentRequestId === confirm.body.id,
    );
    expect(ledger).toMatchObject({ captured: '150000', cancelled: '0' });
  });
});

describe.each(DIALECTS)('payment lifecycle on %s', (dialect) => {
  let stack: Stack;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    stack = await startStack({
      dialect,
      config: {
        antom: { timeoutMs: 1_000 },
        webhook: { url: receiver.url, secret: WEBHOOK_SECRET },
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });
  afterEach(async () => {
    await stack.control('DELETE', '/sandbox/api/faults');
  });

  const faults = (body: unknown) => stack.control('PUT', '/sandbox/api/faults', body);
  const order = (id: string) => stack.merchant('GET', `/api/v1/orders/${id}`).then((r) => r.body);
  const atAntom = async (paymentRequestId: string) =>
    (await stack.control('GET', `/sandbox/api/payments?paymentRequestId=${paymentRequestId}`)).body
      .payments[0];
  const ledgerOf = async (paymentRequestId: string) =>
    (await stack.control('GET', '/sandbox/api/ledger')).body.payments.find(
      (p: { paymentRequestId: string }) => p.paymentRequestId === paymentRequestId,
    );
  const paymentOf = async (orderId: string, paymentId: string) =>
    (await order(orderId)).payments.find((p: { id: string }) => p.id === paymentId);
  const settled = (orderId: string, paymentId: string, state: string) =>
    waitFor(
      async () => {
        const p = await paymentOf(orderId, paymentId);
        return p?.state === state ? p : undefined;
      },
      `payment ${paymentId} ${state}`,
      20_000,
    );

  describe('timeouts (S19, D4.9)', () => {
    it('cancels a code nobody paid when its time is up, with reason TIMEOUT, after a last inquiry', async () => {
      const o = await stack.createOrder();
      const paydesk = stack.server.paydesk;
      const confirm = await stack.confirm(o.checkoutToken);
      await paydesk.database.db
        .updateTable('payments')
        .set({ expires_at: Date.now() })
        .where('id', '=', confirm.body.id)
        .execute();
      await paydesk.database.db
        .updateTable('payments')
        .set({ next_check_at: Date.now() })
        .where('id', '=', confirm.body.id)
        .execute();
      const final = await settled(o.id, confirm.body.id, 'CANCELLED');
      expect(final).toMatchObject({ status: 'CANCELLED', reason: 'TIMEOUT' });
      expect((await atAntom(confirm.body.id)).status).toBe('CANCELLED');
      const calls = (await order(o.id)).events
        .filter(
          (e: { type: string; data: { paymentId: string } }) =>
            e.type === 'gateway.call' && e.data.paymentId === confirm.body.id,
        )
        .map((e: { data: { api: string } }) => e.data.api);
      expect(calls.slice(-2)).toEqual(['inquiryPayment', 'cancel']);
    });

    it('expires an order only after its live payment is final', async () => {
      const o = await stack.createOrder();
      const confirm = await stack.confirm(o.checkoutToken);
      const db = stack.server.paydesk.database.db;
      await db
        .updateTable('orders')
        .set({ expires_at: Date.now() - 1 })
        .where('id', '=', o.id)
        .execute();
      await db
        .updateTable('payments')
        .set({ expires_at: Date.now() + 1500 })
        .where('id', '=', confirm.body.id)
        .execute();
      const expired = await waitFor(
        async () => {
          const view = await order(o.id);
          return view.status === 'EXPIRED' ? view : undefined;
        },
        'EXPIRED',
        20_000,
      );
      const payment = expired.payments[0];
      expect(payment.state).toBe('CANCELLED');
      expect(Date.parse(payment.finalAt)).toBeLessThanOrEqual(
        Date.parse(expired.events.find((e: { type: string }) => e.type === 'order.expired').at),
      );
    });

    it('lets a payment that succeeded in the meantime win over expiry (the order is PAID)', async () => {
      const o = await stack.createOrder();
      const confirm = await stack.confirm(o.checkoutToken);
      await faults({ seed: 5, notifications: { drop: 1 } });
      await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: confirm.body.code.value });
      const db = stack.server.paydesk.database.db;
      await db
        .updateTable('orders')
        .set({ expires_at: Date.now() - 1 })
        .where('id', '=', o.id)
        .execute();
      await db
        .updateTable('payments')
        .set({ expires_at: Date.now(), next_check_at: Date.now() })
        .where('id', '=', confirm.body.id)
        .execute();
      const paid = await waitFor(
        async () => {
          const view = await order(o.id);
          return view.status === 'PAID' ? view : undefined;
        },
        'PAID',
        20_000,
      );
      expect(paid.payments[0]).toMatchObject({ state: 'SUCCESS', kept: true });
    });
  });

  describe('buyer cancel racing a payment (S20, D4.10)', () => {
    it('ends on the paid path when Antom refuses the cancel because the buyer just paid', async () => {
      const o = await stack.createOrder({ amount: { currency: 'IDR', value: '25000000' }, region: 'ID' });
      const confirm = await stack.confirm(o.checkoutToken, 'BANKTRANSFER_PERMATA');
      await faults({ seed: 6, notifications: { drop: 1 } });
      await stack.control('POST', `/sandbox/api/payments/${(await atAntom(confirm.body.id)).paymentId}/pay`);
      const cancel = await stack.call(
        'POST',
        `/api/v1/checkout/${o.checkoutToken}/payments/${confirm.body.id}/cancel`,
      );
      expect(cancel.status).toBe(200);
      expect(cancel.body.status).toBe('SUCCESS');
      expect((await order(o.id)).status).toBe('PAID');
    });

    it('keeps a method that cannot be cancelled watched after the buyer leaves it, and lets them choose again', async () => {
      const o = await stack.createOrder({ amount: { currency: 'IDR', value: '25000000' }, region: 'ID' });
      const first = await stack.confirm(o.checkoutToken, 'QRIS');
      const cancel = await stack.call(
        'POST',
        `/api/v1/checkout/${o.checkoutToken}/payments/${first.body.id}/cancel`,
      );
      expect(cancel.body).toMatchObject({ status: 'CANCELLED', reason: 'BUYER_CANCELLED' });
      expect((await paymentOf(o.id, first.body.id)).state).toBe('ABANDONED');
      const second = await stack.confirm(o.checkoutToken, 'BANKTRANSFER_BNI');
      expect(second.status).toBe(201);
    });

    // D11.1: the buyer paid a code Antom can cancel after payment (TrueMoney), its
    // notification was lost; a cancel then would reverse the payment. Asked first, it ends paid.
    it('never reverses a payment the buyer has just made: the buyer’s cancel asks Antom first and ends paid', async () => {
      const o = await stack.createOrder({ amount: { currency: 'THB', value: '150000' } });
      const confirm = await stack.confirm(o.checkoutToken, 'TRUEMONEY');
      await faults({ seed: 7, notifications: { drop: 1 } });
      await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: confirm.body.code.value });
      const cancel = await stack.call(
        'POST',
        `/api/v1/checkout/${o.checkoutToken}/payments/${confirm.body.id}/cancel`,
      );
      expect(cancel.body.status).toBe('SUCCESS');
      expect(await ledgerOf(confirm.body.id)).toMatchObject({
        captured: '150000',
        cancelled: '0',
        net: '150000',
      });
      expect((await order(o.id)).status).toBe('PAID');
    });
  });

  describe('a close racing the buyer (D11)', () => {
    it('answers 409 ORDER_ALREADY_PAID to a close after the buyer paid, and reverses nothing', async () => {
      const o = await stack.createOrder({ amount: { currency: 'THB', value: '150000' } });
      const confirm = await stack.confirm(o.checkoutToken, 'TRUEMONEY');
      await faults({ seed: 8, notifications: { drop: 1 } });
      await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: confirm.body.code.value });
      const close = await stack.merchant('POST', `/api/v1/orders/${o.id}/close`);
      expect(close.status).toBe(409);
      expect(close.body.error.code).toBe('ORDER_ALREADY_PAID');
      expect(await ledgerOf(confirm.body.id)).toMatchObject({ captured: '150000', cancelled: '0' });
      const view = await order(o.id);
      expect(view.status).toBe('PAID');
      expect(view.payments[0]).toMatchObject({ state: 'SUCCESS', kept: true });
    });
  });

  describe('a payment made at the worst moment (D11)', () => {
    // The one race asking first cannot close: the buyer pays after our inquiry, before our cancel lands.
    // Antom then reverses the capture; we record both and tell everyone, instead of dropping the success.
    it('records a capture its cancel reversed as REVERSED, tells the merchant and the buyer', async () => {
      const o = await stack.createOrder({ amount: { currency: 'THB', value: '150000' } });
      const confirm = await stack.confirm(o.checkoutToken, 'TRUEMONEY');
      await faults({ seed: 9, rules: [{ api: 'cancel', kind: 'latency', latencyMs: 1_500, times: 1 }] });
      const cancelling = stack.call(
        'POST',
        `/api/v1/checkout/${o.checkoutToken}/payments/${confirm.body.id}/cancel`,
      );
      // The cancel has reached Antom and waits there: now the buyer pays.
      await waitFor(
        async () =>
          (await stack.control('GET', `/sandbox/api/requests?api=cancel&paymentRequestId=${confirm.body.id}`))
            .body.requests.length > 0,
        'the cancel at Antom',
      );
      await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: confirm.body.code.value });
      await cancelling;
      const reversed = await settled(o.id, confirm.body.id, 'REVERSED');
      expect(reversed).toMatchObject({ status: 'CANCELLED', reason: 'CHARGE_REVERSED' });
      expect(reversed.paidAt).not.toBeNull();
      expect(reversed.reversedAt).not.toBeNull();
      expect(await ledgerOf(confirm.body.id)).toMatchObject({
        captured: '150000',
        cancelled: '150000',
        net: '0',
      });
      expect((await order(o.id)).status).toBe('OPEN');
      const status = (await stack.call('GET', `/api/v1/checkout/${o.checkoutToken}/status`)).body;
      expect(status.payment).toMatchObject({ id: confirm.body.id, reason: 'CHARGE_REVERSED' });
      expect(status.notices).toEqual([
        expect.objectContaining({ paymentId: confirm.body.id, cause: 'REVERSED', outcome: 'REVERSED' }),
      ]);
      // The order is still open: the buyer may pay again, so nothing is settled.
      expect(status).toMatchObject({ orderStatus: 'OPEN', paidPayment: null, settled: false });
      await waitFor(
        async () =>
          receiver.received.find(
            (r) => r.json?.type === 'payment.reversed' && r.json.data.payment.id === confirm.body.id,
          ),
        'payment.reversed webhook',
      );
    });
  });

  describe('duplicate payments (S10, D4.11)', () => {
    it('refunds a second captured payment exactly once with a stable id, tells the buyer and the merchant', async () => {
      const o = await stack.createOrder({ amount: { currency: 'IDR', value: '25000000' }, region: 'ID' });
      const abandoned = await stack.confirm(o.checkoutToken, 'QRIS');
      await stack.call('POST', `/api/v1/checkout/${o.checkoutToken}/payments/${abandoned.body.id}/cancel`);
      const kept = await stack.confirm(o.checkoutToken, 'QRIS');
      await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: kept.body.code.value });
      await waitFor(async () => (await order(o.id)).status === 'PAID', 'PAID');
      // The buyer also pays the code they had left: Antom cannot cancel QRIS, so it is refunded.
      await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: abandoned.body.code.value });
      const refunded = await waitFor(
        async () => {
          const view = await order(o.id);
          const dup = view.refunds.find((r: { kind: string }) => r.kind === 'DUPLICATE');
          return dup?.status === 'SUCCEEDED' ? view : undefined;
        },
        'duplicate refunded',
        20_000,
      );
      const duplicate = refunded.refunds.filter((r: { kind: string }) => r.kind === 'DUPLICATE');
      expect(duplicate).toHaveLength(1);
      expect(duplicate[0]).toMatchObject({
        paymentId: abandoned.body.id,
        method: 'REFUND',
        amount: { value: '25000000' },
      });
      expect(duplicate[0].id).toBe(`ref_D${abandoned.body.id.slice(4)}`);
      expect(refunded.status).toBe('PAID');
      expect(refunded.refundedAmount.value).toBe('0');
      const status = (await stack.call('GET', `/api/v1/checkout/${o.checkoutToken}/status`)).body;
      expect(status.payment).toMatchObject({
        id: abandoned.body.id,
        status: 'SUCCESS',
        reason: 'DUPLICATE_REFUNDED',
      });
      // The buyer's page hears the whole truth: which payment paid, what became of the other, and that
      // nothing can change any more (D11).
      expect(status.paidPayment).toMatchObject({ id: kept.body.id, paymentMethodType: 'QRIS' });
      expect(status.notices).toEqual([
        expect.objectContaining({ paymentId: abandoned.body.id, cause: 'DUPLICATE', outcome: 'REFUNDED' }),
      ]);
      expect(status.settled).toBe(true);

      const webhook = await waitFor(
        async () =>
          receiver.received.find(
            (r) => r.json?.type === 'payment.duplicate_refunded' && r.json.data.order.id === o.id,
          ),
        'webhook',
      );
      const [t, v1] = String(webhook.headers['paydesk-signature']).split(',');
      expect(`${t},${v1}`).toBe(signWebhook(WEBHOOK_SECRET, Number(t!.slice(2)), webhook.body));

      // Antom's ledger agrees: one payment kept, the other fully refunded, once.
      const ledger = (await stack.control('GET', '/sandbox/api/ledger')).body.payments;
      const mine = ledger.filter((p: { paymentRequestId: string }) =>
        [abandoned.body.id, kept.body.id].includes(p.paymentRequestId),
      );
      expect(mine.find((p: { paymentRequestId: string }) => p.paymentRequestId === kept.body.id).net).toBe(
        '25000000',
      );
      expect(
        mine.find((p: { paymentRequestId: string }) => p.paymentRequestId === abandoned.body.id),
      ).toMatchObject({
        captured: '25000000',
        refunded: '25000000',
        net: '0',
      });
      const refundCalls = (
        await stack.control('GET', `/sandbox/api/requests?api=refund`)
      ).body.requests.filter((r: { refundRequestId?: string }) => r.refundRequestId === duplicate[0].id);
      expect(refundCalls.length).toBeGreaterThanOrEqual(1);
      expect(new Set(refundCalls.map((r: { refundRequestId: string }) => r.refundRequestId)).size).toBe(1);
    });
    it('gives a surplus payment back by cancel where Antom allows it (the payment ends cancelled, fully returned)', async () => {
      const o = await stack.createOrder();
      const left = await stack.confirm(o.checkoutToken, 'TRUEMONEY');
      // As if Antom had refused to cancel it when the buyer left it: it stays payable, and watched.
      await stack.server.paydesk.database.db
        .updateTable('payments')
        .set({ status: 'ABANDONED', reason: 'BUYER_CANCELLED', next_check_at: Date.now() + 60_000 })
        .where('id', '=', left.body.id)
        .execute();
      const kept = await stack.confirm(o.checkoutToken, 'TRUEMONEY');
      await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: kept.body.code.value });
      await waitFor(async () => (await order(o.id)).status === 'PAID', 'PAID');
      await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: left.body.code.value });
      const done = await waitFor(
        async () => {
          const view = await order(o.id);
          const dup = view.refunds.find((r: { kind: string }) => r.kind === 'DUPLICATE');
          return dup?.status === 'SUCCEEDED' ? dup : undefined;
        },
        'duplicate given back',
        20_000,
      );
      expect(done).toMatchObject({ method: 'CANCEL', paymentId: left.body.id });
      const ledger = (await stack.control('GET', '/sandbox/api/ledger')).body.payments.find(
        (p: { paymentRequestId: string }) => p.paymentRequestId === left.body.id,
      );
      expect(ledger).toMatchObject({ captured: '150000', cancelled: '150000', net: '0' });
    });
  });

  describe('POST /api/v1/orders/:id/close', () => {
    it('cancels the live payment at Antom, then closes the order', async () => {
      const o = await stack.createOrder();
      const confirm = await stack.confirm(o.checkoutToken);
      const closed = await stack.merchant('POST', `/api/v1/orders/${o.id}/close`);
      expect(closed.status).toBe(200);
      expect(closed.body.status).toBe('CLOSED');
      expect(closed.body.payments[0]).toMatchObject({ state: 'CANCELLED', reason: 'ORDER_CLOSED' });
      expect((await atAntom(confirm.body.id)).status).toBe('CANCELLED');
      await waitFor(
        async () =>
          receiver.received.find((r) => r.json?.type === 'order.closed' && r.json.data.order.id === o.id),
        'order.closed webhook',
      );
    });

    it('refuses to close an order the buyer has just paid, which ends PAID', async () => {
      const o = await stack.createOrder({ amount: { currency: 'IDR', value: '25000000' }, region: 'ID' });
      const confirm = await stack.confirm(o.checkoutToken, 'BANKTRANSFER_BNI');
      await faults({ seed: 8, notifications: { drop: 1 } });
      await stack.control('POST', `/sandbox/api/payments/${(await atAntom(confirm.body.id)).paymentId}/pay`);
      const closed = await stack.merchant('POST', `/api/v1/orders/${o.id}/close`);
      expect(closed.status).toBe(409);
      expect(closed.body.error.code).toBe('ORDER_ALREADY_PAID');
      expect((await order(o.id)).status).toBe('PAID');
    });
  });
});

describe.each(DIALECTS)('a duplicate Antom cannot give back on %s', (dialect) => {
  let stack: Stack;
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    // This merchant's contract allows no QRIS refunds: a second QRIS payment can only be flagged.
    const catalog = catalogWithTimeout(30).map((m) =>
      m.type === 'QRIS' ? { ...m, refund: 'none' as const } : m,
    );
    stack = await startStack({
      dialect,
      config: {
        checkout: { paymentMethods: catalog },
        webhook: { url: receiver.url, secret: WEBHOOK_SECRET },
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  it('flags the order for an operator instead of dropping it (S10)', async () => {
    const o = await stack.createOrder({ amount: { currency: 'IDR', value: '25000000' }, region: 'ID' });
    const abandoned = await stack.confirm(o.checkoutToken, 'QRIS');
    await stack.call('POST', `/api/v1/checkout/${o.checkoutToken}/payments/${abandoned.body.id}/cancel`);
    const kept = await stack.confirm(o.checkoutToken, 'QRIS');
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: kept.body.code.value });
    await waitFor(
      async () => (await stack.merchant('GET', `/api/v1/orders/${o.id}`)).body.status === 'PAID',
      'PAID',
    );
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: abandoned.body.code.value });
    const flagged = await waitFor(
      async () => {
        const view = (await stack.merchant('GET', `/api/v1/orders/${o.id}`)).body;
        return view.needsAttention ? view : undefined;
      },
      'needs attention',
      20_000,
    );
    expect(flagged.refunds).toEqual([
      expect.objectContaining({ kind: 'DUPLICATE', status: 'MANUAL', method: 'CANCEL' }),
    ]);
    const status = (await stack.call('GET', `/api/v1/checkout/${o.checkoutToken}/status`)).body;
    expect(status.payment).toMatchObject({ id: abandoned.body.id, reason: 'DUPLICATE_REFUND_MANUAL' });
    const listed = await stack.merchant('GET', '/api/v1/orders?needsAttention=true');
    expect(listed.body.data.map((x: { id: string }) => x.id)).toContain(o.id);
    await waitFor(
      async () => receiver.received.find((r) => r.json?.type === 'order.needs_attention'),
      'webhook',
    );
  });
});
