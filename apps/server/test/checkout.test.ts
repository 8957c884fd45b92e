// The Buyer API (D4.3, D4.4, D4.6, D4.8, D4.17; S5, S6, S9, S11, S15, S20) over real HTTP on both dialects.
import { CheckoutStatus } from '@paydesk/api';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startStack, waitFor, type Stack } from '@paydesk/testkit';

describe.each(DIALECTS)('Buyer API on %s', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dialect });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function payCode(value: string) {
    const paid = await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: value });
    expect(paid.status).toBe(200);
  }

  async function statusOf(token: string) {
    return (await stack.call('GET', `/api/v1/checkout/${token}/status`)).body;
  }

  describe('GET /api/v1/checkout/:token', () => {
    it('lists only the methods for the order currency, region and amount (S5)', async () => {
      const thb = await stack.createOrder({ amount: { currency: 'THB', value: '50' }, region: 'TH' });
      const view = (await stack.call('GET', `/api/v1/checkout/${thb.checkoutToken}`)).body;
      // TrueMoney's minimum is 1.00 THB, PromptPay's and Rabbit LINE Pay's 0.01 THB.
      expect(view.paymentMethods.map((m: { type: string }) => m.type)).toEqual([
        'PROMPTPAY',
        'RABBIT_LINE_PAY',
      ]);

      const idr = await stack.createOrder({ amount: { currency: 'IDR', value: '25000000' }, region: 'ID' });
      const idrView = (await stack.call('GET', `/api/v1/checkout/${idr.checkoutToken}`)).body;
      expect(idrView.paymentMethods.map((m: { type: string }) => m.type).sort()).toEqual(
        ['BANKTRANSFER_BNI', 'BANKTRANSFER_PERMATA', 'DANA', 'QRIS'].sort(),
      );
      expect(
        idrView.paymentMethods.find((m: { type: string }) => m.type === 'BANKTRANSFER_PERMATA').bankName,
      ).toBe('Permata Bank');

      const sgdInThailand = await stack.createOrder({
        amount: { currency: 'SGD', value: '1000' },
        region: 'TH',
      });
      expect(
        (await stack.call('GET', `/api/v1/checkout/${sgdInThailand.checkoutToken}`)).body.paymentMethods,
      ).toEqual([]);
    });

    it('tells the countdown what the server clock says (S6) and names methods in the asked language', async () => {
      const order = await stack.createOrder();
      const view = await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}?lang=th`);
      expect(Math.abs(Date.parse(view.body.serverTime) - Date.now())).toBeLessThan(5_000);
      expect(view.body.order.expiresAt).toBe(order.expiresAt);
      expect(view.body.paymentMethods.find((m: { type: string }) => m.type === 'PROMPTPAY').name).toBe(
        'พร้อมเพย์',
      );
      const zh = await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}`, undefined, {
        'accept-language': 'zh-CN,zh;q=0.9',
      });
      expect(zh.body.paymentMethods.find((m: { type: string }) => m.type === 'TRUEMONEY').name).toBe(
        'TrueMoney 钱包',
      );
    });

    it('asks the gateway (consult) once per amount and region, however often the page loads (S5)', async () => {
      const order = await stack.createOrder({ amount: { currency: 'THB', value: '777700' } });
      const consults = async () =>
        (await stack.control('GET', '/sandbox/api/requests?api=consult')).body.requests.length as number;
      const before = await consults();
      for (let i = 0; i < 10; i += 1)
        expect((await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}`)).status).toBe(200);
      expect((await consults()) - before).toBe(1);
    });

    it('answers 404 for an unknown token and 400 for a malformed one', async () => {
      expect((await stack.call('GET', `/api/v1/checkout/${'x'.repeat(43)}`)).status).toBe(404);
      const bad = await stack.call('GET', '/api/v1/checkout/short');
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('POST /api/v1/checkout/:token/payments', () => {
    it('refuses an order that is already paid with 409 ORDER_ALREADY_PAID (S9)', async () => {
      const order = await stack.createOrder();
      const first = await stack.confirm(order.checkoutToken);
      await payCode(first.body.code.value);
      await waitFor(async () => (await statusOf(order.checkoutToken)).orderStatus === 'PAID', 'PAID');
      const again = await stack.confirm(order.checkoutToken);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('ORDER_ALREADY_PAID');
    });

    it('refuses a closed order with 410 ORDER_CLOSED and an expired one with 410 ORDER_EXPIRED (S9)', async () => {
      const closed = await stack.createOrder();
      expect((await stack.merchant('POST', `/api/v1/orders/${closed.id}/close`)).status).toBe(200);
      const onClosed = await stack.confirm(closed.checkoutToken);
      expect(onClosed.status).toBe(410);
      expect(onClosed.body.error.code).toBe('ORDER_CLOSED');

      const expiring = await stack.createOrder({ expiresInSeconds: 60 });
      await stack.server.paydesk.database.db
        .updateTable('orders')
        .set({ expires_at: Date.now() - 1 })
        .where('id', '=', expiring.id)
        .execute();
      const onExpired = await stack.confirm(expiring.checkoutToken);
      expect(onExpired.status).toBe(410);
      expect(onExpired.body.error.code).toBe('ORDER_EXPIRED');
      await waitFor(
        async () => (await statusOf(expiring.checkoutToken)).orderStatus === 'EXPIRED',
        'EXPIRED',
      );
    });

    it('refuses a method not offered for the order with 422 naming the field', async () => {
      const order = await stack.createOrder();
      const wrong = await stack.confirm(order.checkoutToken, 'PAYNOW');
      expect(wrong.status).toBe(422);
      expect(wrong.body.error.code).toBe('PAYMENT_METHOD_UNAVAILABLE');
      expect(wrong.body.error.details[0].field).toBe('paymentMethodType');
    });

    it('returns a QR code with its expiry and the sandbox wallet link (S7, S12)', async () => {
      const order = await stack.createOrder();
      const confirm = await stack.confirm(order.checkoutToken);
      expect(confirm.status).toBe(201);
      expect(confirm.body).toMatchObject({
        status: 'PROCESSING',
        paymentMethodType: 'PROMPTPAY',
        code: { kind: 'qr' },
      });
      expect(confirm.body.walletUrl).toMatch(new RegExp(`^${stack.sandboxUrl}/wallet/`));
      expect(Date.parse(confirm.body.expiresAt)).toBeGreaterThan(Date.now());
    });

    it('returns a bank-transfer payment code as text (S3)', async () => {
      const order = await stack.createOrder({ amount: { currency: 'IDR', value: '25000000' }, region: 'ID' });
      const confirm = await stack.confirm(order.checkoutToken, 'BANKTRANSFER_PERMATA');
      expect(confirm.status).toBe(201);
      expect(confirm.body.code.kind).toBe('text');
      expect(confirm.body.code.value).toMatch(/^[0-9]{8,}$/);
    });

    it('gives the same live payment to a second confirm and refuses another method while it is live (S11)', async () => {
      const order = await stack.createOrder();
      const first = await stack.confirm(order.checkoutToken);
      // The confirm that sent `pay` says where its time went: ours, and the wait on Antom.
      const timing = /^app;dur=([\d.]+), antom;dur=([\d.]+);desc="Antom pay"$/.exec(
        first.headers.get('server-timing') ?? '',
      );
      expect(Number(timing?.[1])).toBeGreaterThan(Number(timing?.[2]));
      expect(Number(timing?.[2])).toBeGreaterThan(0);
      const second = await stack.confirm(order.checkoutToken);
      expect(second.status).toBe(200);
      expect(second.headers.get('server-timing')).toBeNull();
      expect(second.body.id).toBe(first.body.id);
      expect(second.body.code).toEqual(first.body.code);
      const other = await stack.confirm(order.checkoutToken, 'TRUEMONEY');
      expect(other.status).toBe(409);
      expect(other.body.error.code).toBe('PAYMENT_IN_PROGRESS');
    });

    it('records the attempt and each change with its event, in one statement where the database allows (D17)', async () => {
      const order = await stack.createOrder();
      const payment = await stack.confirm(order.checkoutToken);
      expect(payment.status).toBe(201);
      const view = (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body;
      const events = view.events.filter((e: { type: string }) => e.type.startsWith('payment.'));
      expect(events.map((e: { type: string }) => e.type)).toEqual(['payment.created', 'payment.processing']);
      expect(events[0].data).toEqual({
        paymentId: payment.body.id,
        method: 'PROMPTPAY',
        terminalType: 'WEB',
        expiresAt: Date.parse(payment.body.expiresAt),
      });
      expect(events[1].data).toEqual({
        paymentId: payment.body.id,
        from: 'PENDING',
        to: 'PROCESSING',
        reason: null,
      });
      // The order row was taken (its lock is an update of updated_at) and it stays OPEN.
      expect(view.status).toBe('OPEN');
    });

    it('refuses a confirm that a close overtook, naming why, and leaves no attempt (S9)', async () => {
      for (let n = 0; n < 5; n += 1) {
        const order = await stack.createOrder();
        const [closed, confirmed] = await Promise.all([
          stack.merchant('POST', `/api/v1/orders/${order.id}/close`),
          stack.call('POST', `/api/v1/checkout/${order.checkoutToken}/payments`, {
            paymentMethodType: 'PROMPTPAY',
            terminalType: 'WEB',
          }),
        ]);
        const view = (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body;
        if (closed.status === 200) {
          // Closed first: the confirm is refused as closed, or its code was stopped by the close.
          expect(view.status).toBe('CLOSED');
          if (confirmed.status !== 201) expect(confirmed.body.error.code).toBe('ORDER_CLOSED');
          expect(
            view.payments.filter((p: { status: string }) => ['PENDING', 'PROCESSING'].includes(p.status)),
          ).toEqual([]);
        } else {
          expect(confirmed.status).toBe(201);
        }
      }
    });

    it('makes one payable code out of fifty concurrent confirms (S11)', async () => {
      const order = await stack.createOrder();
      const answers = await Promise.all(Array.from({ length: 50 }, () => stack.confirm(order.checkoutToken)));
      expect(answers.every((a) => a.status === 200 || a.status === 201)).toBe(true);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      const requests = await stack.control(
        'GET',
        `/sandbox/api/requests?api=pay&paymentRequestId=${answers[0]!.body.id}`,
      );
      expect(requests.body.requests).toHaveLength(1);
      const ours = await stack.merchant('GET', `/api/v1/orders/${order.id}`);
      expect(ours.body.payments).toHaveLength(1);
    });

    it('answers the first response again for the same Idempotency-Key, and 422 for another body', async () => {
      const order = await stack.createOrder();
      const headers = { 'idempotency-key': 'confirm-1', 'content-type': 'application/json' };
      const body = { paymentMethodType: 'PROMPTPAY', terminalType: 'WEB' };
      const a = await stack.call('POST', `/api/v1/checkout/${order.checkoutToken}/payments`, body, headers);
      const b = await stack.call('POST', `/api/v1/checkout/${order.checkoutToken}/payments`, body, headers);
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.headers.get('idempotent-replayed')).toBe('true');
      expect(b.body).toEqual(a.body);
      const c = await stack.call(
        'POST',
        `/api/v1/checkout/${order.checkoutToken}/payments`,
        { ...body, terminalType: 'WAP' },
        headers,
      );
      expect(c.status).toBe(422);
      expect(c.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('rejects bad bodies with 400 naming each field and creates nothing', async () => {
      const order = await stack.createOrder();
      const bad = await stack.call('POST', `/api/v1/checkout/${order.checkoutToken}/payments`, {
        paymentMethodType: 42,
        terminalType: 'TV',
        extra: true,
      });
      expect(bad.status).toBe(400);
      const fields = bad.body.error.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(
        expect.arrayContaining(['body.paymentMethodType', 'body.terminalType', 'body.extra']),
      );
      const view = await stack.merchant('GET', `/api/v1/orders/${order.id}`);
      expect(view.body.payments).toHaveLength(0);
    });
  });

  describe('POST /api/v1/checkout/:token/payments/:paymentId/cancel', () => {
    it('cancels at Antom and lets the buyer start again with a new paymentRequestId (S20)', async () => {
      const order = await stack.createOrder();
      const first = await stack.confirm(order.checkoutToken);
      const cancel = await stack.call(
        'POST',
        `/api/v1/checkout/${order.checkoutToken}/payments/${first.body.id}/cancel`,
      );
      expect(cancel.status).toBe(200);
      expect(cancel.body).toMatchObject({ status: 'CANCELLED', reason: 'BUYER_CANCELLED', code: null });
      const atAntom = await stack.control('GET', `/sandbox/api/payments?paymentRequestId=${first.body.id}`);
      expect(atAntom.body.payments[0].status).toBe('CANCELLED');

      const second = await stack.confirm(order.checkoutToken);
      expect(second.status).toBe(201);
      expect(second.body.id).not.toBe(first.body.id);
      expect(second.body.code.value).not.toBe(first.body.code.value);
      // The old code cannot be paid any more.
      const old = await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: first.body.code.value });
      expect(old.status).toBe(409);
    });

    it('is idempotent and answers 404 for a payment of another order', async () => {
      const order = await stack.createOrder();
      const other = await stack.createOrder();
      const payment = await stack.confirm(order.checkoutToken);
      const path = `/api/v1/checkout/${order.checkoutToken}/payments/${payment.body.id}/cancel`;
      expect((await stack.call('POST', path)).body.status).toBe('CANCELLED');
      expect((await stack.call('POST', path)).body.status).toBe('CANCELLED');
      const foreign = await stack.call(
        'POST',
        `/api/v1/checkout/${other.checkoutToken}/payments/${payment.body.id}/cancel`,
      );
      expect(foreign.status).toBe(404);
    });
  });

  describe('GET /api/v1/checkout/:token/events', () => {
    /** Holds a stream and collects its `status` events ({ id, data }), in order. */
    async function hold(token: string) {
      const controller = new AbortController();
      const response = await fetch(`${stack.url}/api/v1/checkout/${token}/events`, {
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      const events: { id: number; data: CheckoutStatus }[] = [];
      let buffer = '';
      void (async () => {
        const decoder = new TextDecoder();
        for await (const chunk of response.body!) {
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const id = /^id: (\d+)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (id && data) events.push({ id: Number(id), data: JSON.parse(data) as CheckoutStatus });
          }
        }
      })().catch(() => {});
      return { events, close: () => controller.abort() };
    }

    it('sends a joining tab the state of now, and the tabs already open nothing again (D17)', async () => {
      const order = await stack.createOrder();
      const first = await hold(order.checkoutToken);
      await waitFor(() => first.events.length === 1, 'the first tab’s first status');
      await new Promise((resolve) => setTimeout(resolve, 5));
      const second = await hold(order.checkoutToken);
      await waitFor(() => second.events.length === 1, 'the second tab’s first status');
      // The second tab's first status is the one the first tab has, at a later server time.
      expect(second.events[0]!.id).toBe(first.events[0]!.id);
      expect({ ...second.events[0]!.data, serverTime: '' }).toEqual({
        ...first.events[0]!.data,
        serverTime: '',
      });
      expect(Date.parse(second.events[0]!.data.serverTime)).toBeGreaterThan(
        Date.parse(first.events[0]!.data.serverTime),
      );
      // A change reaches both; before it, the first tab was sent nothing again.
      await stack.confirm(order.checkoutToken);
      for (const tab of [first, second]) {
        await waitFor(() => tab.events.some((event) => event.data.payment?.hasCode), 'the code on each tab');
        const ids = tab.events.map((event) => event.id);
        expect(ids.filter((id) => id === ids[0])).toHaveLength(1);
        expect([...new Set(ids)].sort((a, b) => a - b)).toEqual(ids);
      }
      // A third tab joins after the change: it gets the new state at once.
      const third = await hold(order.checkoutToken);
      await waitFor(() => third.events.length === 1, 'the third tab’s first status');
      expect(third.events[0]!.id).toBe(first.events.at(-1)!.id);
      expect(third.events[0]!.data.payment).toMatchObject({ status: 'PROCESSING', hasCode: true });
      for (const tab of [first, second, third]) tab.close();
    });
  });

  describe('GET /api/v1/checkout/:token/status', () => {
    it('answers from the database: fifty polls add no gateway call (D4.8)', async () => {
      const order = await stack.createOrder();
      const payment = await stack.confirm(order.checkoutToken);
      const count = async () =>
        (await stack.control('GET', `/sandbox/api/requests?paymentRequestId=${payment.body.id}`)).body
          .requests.length as number;
      const before = await count();
      const started = Date.now();
      for (let i = 0; i < 50; i += 1)
        expect((await statusOf(order.checkoutToken)).payment.status).toBe('PROCESSING');
      const elapsed = Date.now() - started;
      // The sweeper may ask on its own schedule (3 s, then 5 s …), never per poll.
      expect((await count()) - before).toBeLessThanOrEqual(Math.ceil(elapsed / 3_000) + 1);
    });

    it('answers a repeated poll from prepared bytes: the schema exactly, the server time of now (D17)', async () => {
      const order = await stack.createOrder();
      const payment = await stack.confirm(order.checkoutToken);
      const answers = [];
      for (let i = 0; i < 3; i += 1) {
        const answer = await fetch(`${stack.url}/api/v1/checkout/${order.checkoutToken}/status`);
        expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(answer.headers.get('cache-control')).toBe('no-store');
        answers.push((await answer.json()) as CheckoutStatus);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      for (const body of answers) {
        expect(Value.Check(CheckoutStatus, body)).toBe(true);
        // Nothing beyond the schema's fields (the serializer the bytes stand in for would drop them).
        expect(Value.Clean(CheckoutStatus, structuredClone(body))).toEqual(body);
        expect({ ...body, serverTime: '' }).toEqual({ ...answers[0]!, serverTime: '' });
        expect(Math.abs(Date.parse(body.serverTime) - Date.now())).toBeLessThan(5_000);
      }
      expect(new Set(answers.map((body) => body.serverTime)).size).toBe(3);
      expect(answers[0]!.payment).toEqual({
        id: payment.body.id,
        status: 'PROCESSING',
        reason: null,
        hasCode: true,
      });
      // A change is seen by the next poll, never hidden by what was prepared before it.
      await payCode(payment.body.code.value);
      await waitFor(
        async () => (await statusOf(order.checkoutToken)).orderStatus === 'PAID',
        'the poll showing PAID',
      );
      const paid = await statusOf(order.checkoutToken);
      expect(paid.payment).toMatchObject({ id: payment.body.id, status: 'SUCCESS', hasCode: false });
      expect(paid.paidPayment).toMatchObject({ id: payment.body.id });
    });
  });
});
