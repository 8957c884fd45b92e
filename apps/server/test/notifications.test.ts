// POST /api/v1/antom/notify (D4.12): signature over the raw body first, then client id, our
// paymentRequestId, amount and currency; idempotent; acknowledged only after the result is committed.
import { loadPrivateKey, NOTIFICATION_ACK, signNotification, generateKeyPair } from '@paydesk/antom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, DIALECTS, startStack, testKeys, waitFor, type Stack } from '@paydesk/testkit';

const PATH = '/api/v1/antom/notify';

describe.each(DIALECTS)('POST /api/v1/antom/notify on %s', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    // Notifications from the sandbox are dropped here: these tests send their own, signed by hand.
    stack = await startStack({ dialect, config: { sweeper: { enabled: false } } });
    await stack.control('PUT', '/sandbox/api/faults', { seed: 1, notifications: { drop: 1 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const gatewayKey = () => loadPrivateKey(testKeys().gateway.privateKeyPem);

  function paymentResult(
    payment: { id: string; gatewayId: string },
    overrides: Record<string, unknown> = {},
  ) {
    return JSON.stringify({
      notifyType: 'PAYMENT_RESULT',
      result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
      paymentRequestId: payment.id,
      paymentId: payment.gatewayId,
      paymentAmount: { currency: 'THB', value: '150000' },
      paymentCreateTime: '2026-11-25T19:40:00+08:00',
      paymentTime: '2026-11-25T19:41:07+08:00',
      ...overrides,
    });
  }

  async function send(
    body: string,
    options: {
      key?: ReturnType<typeof gatewayKey>;
      clientId?: string;
      time?: string;
      tamper?: (h: Record<string, string>) => void;
    } = {},
  ) {
    const headers = signNotification({
      body,
      notifyPath: PATH,
      clientId: options.clientId ?? CLIENT_ID,
      requestTime: options.time ?? new Date().toISOString(),
      privateKey: options.key ?? gatewayKey(),
    });
    options.tamper?.(headers);
    const response = await fetch(stack.url + PATH, { method: 'POST', headers, body });
    return {
      status: response.status,
      text: await response.text(),
      serverTiming: response.headers.get('server-timing'),
    };
  }

  async function livePayment() {
    const order = await stack.createOrder();
    const confirm = await stack.confirm(order.checkoutToken);
    const view = (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body;
    return {
      order,
      payment: { id: confirm.body.id as string, gatewayId: view.payments[0].gatewayPaymentId as string },
    };
  }

  const stateOf = async (orderId: string) => {
    const view = (await stack.merchant('GET', `/api/v1/orders/${orderId}`)).body;
    return {
      order: view.status,
      payment: view.payments[0].state,
      notifications: view.events.filter((e: { type: string }) => e.type === 'notification.received'),
    };
  };

  it('settles a payment on a valid PAYMENT_RESULT and answers the fixed acknowledgement', async () => {
    const { order, payment } = await livePayment();
    const answer = await send(paymentResult(payment));
    expect(answer).toMatchObject({ status: 200, text: NOTIFICATION_ACK });
    // The acknowledgement came after the commit: the state is already there.
    expect(await stateOf(order.id)).toMatchObject({ order: 'PAID', payment: 'SUCCESS' });
    // Where the time went (D17.12): the whole request, and acting on it until committed, within it.
    const [, app, apply] =
      /^app;dur=([\d.]+), apply;dur=([\d.]+);desc="effects committed"$/.exec(answer.serverTiming ?? '') ?? [];
    expect(Number(apply)).toBeGreaterThan(0);
    expect(Number(apply)).toBeLessThanOrEqual(Number(app));
  });

  it('is idempotent: a replayed success changes nothing and pays nothing twice', async () => {
    const { order, payment } = await livePayment();
    const body = paymentResult(payment);
    for (let i = 0; i < 3; i += 1) expect((await send(body)).status).toBe(200);
    const view = (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body;
    expect(view.status).toBe('PAID');
    expect(view.refunds).toHaveLength(0);
    expect(view.events.filter((e: { type: string }) => e.type === 'order.paid')).toHaveLength(1);
  });

  it('never moves back: a FAIL after SUCCESS is acknowledged and ignored', async () => {
    const { order, payment } = await livePayment();
    await send(paymentResult(payment));
    const late = await send(
      paymentResult(payment, { result: { resultCode: 'USER_BALANCE_NOT_ENOUGH', resultStatus: 'F' } }),
    );
    expect(late.status).toBe(200);
    expect(await stateOf(order.id)).toMatchObject({ order: 'PAID', payment: 'SUCCESS' });
  });

  it('fails a payment on PAYMENT_RESULT F with the Antom code as the reason (S16)', async () => {
    const { order, payment } = await livePayment();
    await send(
      paymentResult(payment, {
        result: { resultCode: 'USER_BALANCE_NOT_ENOUGH', resultStatus: 'F', resultMessage: 'no money' },
      }),
    );
    const status = (await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}/status`)).body;
    expect(status.payment).toMatchObject({ status: 'FAIL', reason: 'USER_BALANCE_NOT_ENOUGH' });
    expect(status.orderStatus).toBe('OPEN');
  });

  it('treats PAYMENT_PENDING as still processing', async () => {
    const { order, payment } = await livePayment();
    const answer = await send(paymentResult(payment, { notifyType: 'PAYMENT_PENDING' }));
    expect(answer.status).toBe(200);
    expect(await stateOf(order.id)).toMatchObject({ order: 'OPEN', payment: 'PROCESSING' });
  });

  describe('rejects without any change', () => {
    it.each([
      [
        'a tampered body',
        (body: string) => ({ body: body.replace('"150000"', '"150001"'), options: {}, signBody: body }),
      ],
      [
        'a wrong request-time',
        (body: string) => ({
          body,
          options: { tamper: (h: Record<string, string>) => (h['request-time'] = '2020-01-01T00:00:00Z') },
        }),
      ],
      [
        'a missing signature',
        (body: string) => ({ body, options: { tamper: (h: Record<string, string>) => delete h.signature } }),
      ],
      [
        'a missing request-time',
        (body: string) => ({
          body,
          options: { tamper: (h: Record<string, string>) => delete h['request-time'] },
        }),
      ],
      [
        'a signature by another key',
        (body: string) => ({ body, options: { key: loadPrivateKey(generateKeyPair().privateKeyPem) } }),
      ],
      [
        'a flipped signature bit',
        (body: string) => ({
          body,
          options: {
            tamper: (h: Record<string, string>) =>
              (h.signature = h.signature!.replace(
                /signature=(.)/,
                (_m, c: string) => `signature=${c === 'A' ? 'B' : 'A'}`,
              )),
          },
        }),
      ],
    ])('%s → 401', async (_name, make) => {
      const { order, payment } = await livePayment();
      const built = make(paymentResult(payment));
      let answer;
      if ('signBody' in built && built.signBody) {
        const headers = signNotification({
          body: built.signBody,
          notifyPath: PATH,
          clientId: CLIENT_ID,
          requestTime: new Date().toISOString(),
          privateKey: gatewayKey(),
        });
        const response = await fetch(stack.url + PATH, { method: 'POST', headers, body: built.body });
        answer = { status: response.status, text: await response.text() };
      } else answer = await send(built.body, built.options);
      expect(answer.status).toBe(401);
      expect(await stateOf(order.id)).toMatchObject({ order: 'OPEN', payment: 'PROCESSING' });
    });

    it('a valid signature for another client id → 401', async () => {
      const { order, payment } = await livePayment();
      const answer = await send(paymentResult(payment), { clientId: 'SANDBOX_SOMEONE_ELSE' });
      expect(answer.status).toBe(401);
      expect(await stateOf(order.id)).toMatchObject({ order: 'OPEN' });
    });

    it('a changed amount or currency under a valid signature → 400', async () => {
      const { order, payment } = await livePayment();
      expect(
        (await send(paymentResult(payment, { paymentAmount: { currency: 'THB', value: '1' } }))).status,
      ).toBe(400);
      expect(
        (await send(paymentResult(payment, { paymentAmount: { currency: 'SGD', value: '150000' } }))).status,
      ).toBe(400);
      expect((await send(paymentResult(payment, { paymentId: '99999999' }))).status).toBe(400);
      expect(await stateOf(order.id)).toMatchObject({ order: 'OPEN', payment: 'PROCESSING' });
    });

    it('an unknown payment → 404 and a body that is not JSON → 400', async () => {
      expect((await send(paymentResult({ id: 'pay_UNKNOWN', gatewayId: '1' }))).status).toBe(404);
      expect((await send('not json')).status).toBe(400);
    });

    it('keeps every raw notification, accepted or not, with the order', async () => {
      const { order, payment } = await livePayment();
      await send(paymentResult(payment), { key: loadPrivateKey(generateKeyPair().privateKeyPem) });
      await send(paymentResult(payment));
      const kept = (await stateOf(order.id)).notifications;
      expect(kept.map((n: { data: { outcome: string } }) => n.data.outcome)).toEqual(['APPLIED']);
      const all = await stack.server.paydesk.database.db
        .selectFrom('notifications')
        .select(['outcome', 'verified'])
        .execute();
      expect(all.some((n) => n.outcome === 'REJECTED_SIGNATURE' && n.verified === 0)).toBe(true);
    });
  });

  it('settles an asynchronous refund on REFUND_RESULT', async () => {
    const order = await stack.createOrder({ amount: { currency: 'SGD', value: '5000' }, region: 'SG' });
    const confirm = await stack.confirm(order.checkoutToken, 'PAYNOW');
    const gatewayId = (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body.payments[0]
      .gatewayPaymentId;
    await send(
      paymentResult(
        { id: confirm.body.id, gatewayId },
        { paymentAmount: { currency: 'SGD', value: '5000' } },
      ),
    );
    // The sandbox really captured it too (its own notification was dropped).
    await stack.control('POST', `/sandbox/api/payments/${gatewayId}/pay`);
    const refund = await stack.merchant('POST', `/api/v1/orders/${order.id}/refunds`, {
      amount: { currency: 'SGD', value: '2000' },
    });
    expect(refund.body.status).toBe('PROCESSING');
    const body = JSON.stringify({
      notifyType: 'REFUND_RESULT',
      result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
      refundStatus: 'SUCCESS',
      refundRequestId: refund.body.id,
      refundId: 'R123',
      refundAmount: { currency: 'SGD', value: '2000' },
    });
    expect((await send(body)).status).toBe(200);
    const view = await waitFor(
      async () => {
        const v = (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body;
        return v.refunds[0].status === 'SUCCEEDED' ? v : undefined;
      },
      'refund succeeded',
      5_000,
    );
    expect(view.refundedAmount.value).toBe('2000');
    expect((await send(body)).status).toBe(200);
    expect((await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body.refundedAmount.value).toBe(
      '2000',
    );
  });
});
