// The payment lifecycle (D3.5): expiry by timer and on every read, inquiryPayment, cancel with
// the per-method windows (docs/antom-notes.md §5.2), and what the buyer can and cannot do to a payment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayment, NotifyReceiver, payRequest, startSandbox, waitFor, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startSandbox();
});
afterAll(() => h.close());

const inFuture = (ms: number): string => new Date(Date.now() + ms).toISOString();

describe('expiry', () => {
  it('turns an unpaid payment into FAIL ORDER_IS_CLOSED at paymentExpiryTime, by its own timer', async () => {
    // notifyOnExpiry makes the timer observable without any read that could trigger the lazy check.
    const receiver = await new NotifyReceiver().start();
    const local = await startSandbox({ notifyOnExpiry: true });
    try {
      const { paymentId } = await createPayment(
        local.client(),
        payRequest({ paymentExpiryTime: inFuture(600), paymentNotifyUrl: receiver.url() }),
      );
      const [notification] = await waitFor(
        () => receiver.received.length > 0 && receiver.received,
        'the expiry notification',
        // A 600 ms timer, then a signed delivery: the bound is for a loaded machine, not the timer.
        30_000,
      );
      expect(notification!.verifyError).toBeUndefined();
      expect(notification!.event).toMatchObject({ type: 'PAYMENT_RESULT', outcome: 'failed', paymentId });
      expect(notification!.event).toMatchObject({ result: { resultCode: 'ORDER_IS_CLOSED' } });
    } finally {
      await local.close();
      await receiver.close();
    }
  });

  it('is checked on every read, so a status is never stale', async () => {
    let clock = Date.now();
    const local = await startSandbox({ now: () => clock });
    try {
      const { paymentId } = await createPayment(local.client());
      clock += 14 * 60_000 + 1;
      // Real time has not moved 14 minutes, so no timer fired: the read itself applies the expiry.
      const outcome = await local.client().inquiryPayment({ paymentId });
      expect(outcome.kind).toBe('found');
      expect(outcome.response).toMatchObject({ paymentStatus: 'FAIL', paymentResultCode: 'ORDER_IS_CLOSED' });
      expect(outcome.response.paymentTime).toBeUndefined();
    } finally {
      await local.close();
    }
  });

  it('refuses to pay an expired code, like Antom', async () => {
    const { paymentId, response } = await createPayment(
      h.client(),
      payRequest({ paymentExpiryTime: inFuture(300) }),
    );
    await waitFor(
      async () => (await h.client().inquiryPayment({ paymentId })).response.paymentStatus === 'FAIL',
      'expiry',
    );
    const pay = await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
    expect(pay.status).toBe(409);
    expect(pay.body).toMatchObject({ error: { code: 'PAYMENT_EXPIRED' } });
    const scan = await h.control('POST', '/sandbox/api/codes/pay', {
      codeValue: response.orderCodeForm!.codeDetails[0]!.codeValue,
    });
    expect(scan.status).toBe(409);
  });

  it('can be forced from the control API', async () => {
    const { paymentId } = await createPayment(h.client());
    const expired = await h.control<{ status: string; expired: boolean }>(
      'POST',
      `/sandbox/api/payments/${paymentId}/expire`,
    );
    expect(expired.status).toBe(200);
    expect(expired.body).toMatchObject({ status: 'FAIL', expired: true });
    expect((await h.control('POST', `/sandbox/api/payments/${paymentId}/expire`)).status).toBe(409);
  });
});

describe('POST /ams/sandbox/api/v1/payments/inquiryPayment', () => {
  it('reports PROCESSING, then SUCCESS with paymentTime, by paymentId or paymentRequestId', async () => {
    const { paymentId, request } = await createPayment(h.client());
    const waiting = await h.client().inquiryPayment({ paymentRequestId: request.paymentRequestId });
    expect(waiting.response).toMatchObject({
      result: { resultStatus: 'S', resultCode: 'SUCCESS' },
      paymentStatus: 'PROCESSING',
      paymentResultCode: 'PAYMENT_IN_PROCESS',
      paymentId,
      paymentRequestId: request.paymentRequestId,
      paymentAmount: request.paymentAmount,
      paymentMethodType: 'PROMPTPAY',
    });
    expect(waiting.response.paymentTime).toBeUndefined();
    await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
    const paid = await h.client().inquiryPayment({ paymentId });
    expect(paid.response).toMatchObject({ paymentStatus: 'SUCCESS', paymentResultCode: 'SUCCESS' });
    expect(paid.response.paymentTime).toMatch(/\+08:00$/);
  });

  it('prefers paymentId when both ids are given', async () => {
    const a = await createPayment(h.client());
    const b = await createPayment(h.client());
    const outcome = await h
      .client()
      .inquiryPayment({ paymentId: a.paymentId, paymentRequestId: b.request.paymentRequestId });
    expect(outcome.response.paymentId).toBe(a.paymentId);
  });

  it('answers F ORDER_NOT_EXIST for an unknown id', async () => {
    const outcome = await h.client().inquiryPayment({ paymentId: '20990101194010800000000000' });
    expect(outcome.kind).toBe('failed');
    expect(outcome.resultCode).toBe('ORDER_NOT_EXIST');
    if (outcome.kind === 'failed' && 'notFound' in outcome) expect(outcome.notFound).toBe(true);
  });

  it('reports the decline code after the buyer declines', async () => {
    const { paymentId } = await createPayment(h.client());
    await h.control('POST', `/sandbox/api/payments/${paymentId}/fail`, { resultCode: 'RISK_REJECT' });
    const outcome = await h.client().inquiryPayment({ paymentId });
    expect(outcome.response).toMatchObject({ paymentStatus: 'FAIL', paymentResultCode: 'RISK_REJECT' });
  });
});

describe('POST /ams/sandbox/api/v1/payments/cancel', () => {
  it('closes an unpaid payment, is idempotent, and the buyer can no longer pay', async () => {
    const { paymentId, request } = await createPayment(h.client());
    const first = await h.client().cancel({ paymentId });
    expect(first.kind).toBe('cancelled');
    expect(first.response).toMatchObject({ paymentId, paymentRequestId: request.paymentRequestId });
    expect(first.response.cancelTime).toMatch(/\+08:00$/);
    const again = await h.client().cancel({ paymentRequestId: request.paymentRequestId });
    expect(again.kind).toBe('cancelled');
    expect(again.response.cancelTime).toBe(first.response.cancelTime);
    const pay = await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
    expect(pay.status).toBe(409);
    expect(pay.body).toMatchObject({ error: { code: 'PAYMENT_CANCELLED' } });
    const inquiry = await h.client().inquiryPayment({ paymentId });
    expect(inquiry.response.paymentStatus).toBe('CANCELLED');
    // No money moved: no follow-up transaction, and the client sees no reversal.
    expect(inquiry.response.transactions).toBeUndefined();
    expect(inquiry).toMatchObject({ kind: 'found', reversal: undefined });
  });

  it.each([
    ['QRIS', { currency: 'IDR', value: '5000000' }],
    ['BANKTRANSFER_PERMATA', { currency: 'IDR', value: '5000000' }],
    ['BANKTRANSFER_BNI', { currency: 'IDR', value: '5000000' }],
  ])('refuses to cancel %s (Indonesian methods cannot be cancelled)', async (method, amount) => {
    const { paymentId } = await createPayment(
      h.client(),
      payRequest({ amount, paymentMethod: { paymentMethodType: method } }),
    );
    const outcome = await h.client().cancel({ paymentId });
    expect(outcome.kind).toBe('failed');
    expect(outcome.resultCode).toBe('CANCEL_WINDOW_EXCEED');
    expect((await h.client().inquiryPayment({ paymentId })).response.paymentStatus).toBe('PROCESSING');
  });

  it.each([
    ['BANKTRANSFER_BANGKOKBANK', { currency: 'THB', value: '150000' }],
    ['PROMPTPAY', { currency: 'THB', value: '150000' }],
  ])('cancels %s only before payment', async (method, amount) => {
    const unpaid = await createPayment(
      h.client(),
      payRequest({ amount, paymentMethod: { paymentMethodType: method } }),
    );
    expect((await h.client().cancel({ paymentId: unpaid.paymentId })).kind).toBe('cancelled');
    const paid = await createPayment(
      h.client(),
      payRequest({ amount, paymentMethod: { paymentMethodType: method } }),
    );
    await h.control('POST', `/sandbox/api/payments/${paid.paymentId}/pay`);
    const outcome = await h.client().cancel({ paymentId: paid.paymentId });
    expect(outcome.resultCode).toBe('CANCEL_WINDOW_EXCEED');
    expect((await h.client().inquiryPayment({ paymentId: paid.paymentId })).response.paymentStatus).toBe(
      'SUCCESS',
    );
  });

  // D11: the reversal as Antom reports it (docs/antom/reversal.md): the cancel answers S, the money
  // goes back to the buyer, inquiry reads CANCELLED with a CANCEL transaction, no notification announces it.
  it('reverses a paid payment in full: CANCELLED, a CANCEL transaction, the ledger, no new notification', async () => {
    const amount = { currency: 'SGD', value: '2500' };
    const receiver = await new NotifyReceiver().start();
    try {
      const { paymentId } = await createPayment(
        h.client(),
        payRequest({
          amount,
          paymentMethod: { paymentMethodType: 'PAYNOW' },
          paymentNotifyUrl: receiver.url(),
        }),
      );
      await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
      await waitFor(() => receiver.received.length > 0, 'the PAYMENT_RESULT of the capture');
      const cancel = await h.client().cancel({ paymentId });
      expect(cancel.kind).toBe('cancelled');
      const inquiry = await h.client().inquiryPayment({ paymentId });
      expect(inquiry.response.paymentStatus).toBe('CANCELLED');
      expect(inquiry.response.paymentTime).toBeUndefined();
      expect(inquiry.response.transactions).toEqual([
        expect.objectContaining({
          transactionType: 'CANCEL',
          transactionStatus: 'SUCCESS',
          transactionAmount: amount,
          transactionTime: cancel.response.cancelTime,
        }),
      ]);
      expect(inquiry).toMatchObject({
        kind: 'found',
        reversal: { time: cancel.response.cancelTime, amount },
      });
      const { body } = await h.control<{ payments: Record<string, unknown>[] }>('GET', '/sandbox/api/ledger');
      const line = body.payments.find((p) => p.paymentId === paymentId)!;
      expect(line).toMatchObject({
        status: 'CANCELLED',
        captured: '2500',
        refunded: '0',
        reversed: '2500',
        cancelled: '2500',
        net: '0',
      });
      // The ledger keeps milliseconds; Antom's times are whole seconds.
      expect(Math.floor(Date.parse(line.reversedAt as string) / 1000) * 1000).toBe(
        Date.parse(cancel.response.cancelTime!),
      );
      const notifications = await h.control<{ notifications: { notifyType: string }[] }>(
        'GET',
        `/sandbox/api/notifications?paymentId=${paymentId}`,
      );
      expect(notifications.body.notifications.map((n) => n.notifyType)).toEqual(['PAYMENT_RESULT']);
      expect(receiver.received.map((n) => n.event?.type)).toEqual(['PAYMENT_RESULT']);
    } finally {
      await receiver.close();
    }
  });

  it('refuses a refund or a second payment of a reversed payment', async () => {
    const amount = { currency: 'SGD', value: '2500' };
    const { paymentId } = await createPayment(
      h.client(),
      payRequest({ amount, paymentMethod: { paymentMethodType: 'PAYNOW' } }),
    );
    await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
    await h.client().cancel({ paymentId });
    const refund = await h
      .client()
      .refund({ refundRequestId: `r-${paymentId}`, paymentId, refundAmount: amount });
    expect(refund.resultCode).toBe('ORDER_IS_CANCELED');
    expect((await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`)).status).toBe(409);
  });

  it('refuses to cancel a paid payment that already has a refund', async () => {
    const amount = { currency: 'THB', value: '10000' };
    const { paymentId } = await createPayment(
      h.client(),
      payRequest({ amount, paymentMethod: { paymentMethodType: 'TRUEMONEY' } }),
    );
    await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
    await h.client().refund({
      refundRequestId: `r-${paymentId}`,
      paymentId,
      refundAmount: { currency: 'THB', value: '100' },
    });
    expect((await h.client().cancel({ paymentId })).resultCode).toBe('ORDER_STATUS_INVALID');
  });

  it('cancels a paid payment until 00:15 UTC+8 on the next day, and not after', async () => {
    let clock = Date.parse('2026-03-10T23:50:00+08:00');
    const local = await startSandbox({ now: () => clock });
    try {
      const amount = { currency: 'PHP', value: '50000' };
      const request = () => payRequest({ amount, paymentMethod: { paymentMethodType: 'GCASH' } });
      const inWindow = await createPayment(local.client(), request());
      const late = await createPayment(local.client(), request());
      await local.control('POST', `/sandbox/api/payments/${inWindow.paymentId}/pay`);
      await local.control('POST', `/sandbox/api/payments/${late.paymentId}/pay`);
      clock = Date.parse('2026-03-11T00:14:59+08:00');
      expect((await local.client().cancel({ paymentId: inWindow.paymentId })).kind).toBe('cancelled');
      clock = Date.parse('2026-03-11T00:15:01+08:00');
      const outcome = await local.client().cancel({ paymentId: late.paymentId });
      expect(outcome.resultCode).toBe('CANCEL_WINDOW_EXCEED');
      expect(outcome.resultMessage).toContain('2026-03-11T00:15:00+08:00');
    } finally {
      await local.close();
    }
  });

  it('answers ORDER_IS_CLOSED for an expired payment and ORDER_NOT_EXIST for an unknown one', async () => {
    const { paymentId } = await createPayment(h.client());
    await h.control('POST', `/sandbox/api/payments/${paymentId}/expire`);
    expect((await h.client().cancel({ paymentId })).resultCode).toBe('ORDER_IS_CLOSED');
    expect((await h.client().cancel({ paymentRequestId: 'never-sent' })).resultCode).toBe('ORDER_NOT_EXIST');
  });
});

describe('what the buyer can do', () => {
  it('pays once; a second pay or a decline of a paid payment is refused', async () => {
    const { paymentId } = await createPayment(h.client());
    const paid = await h.control<{ status: string; paidAt: string }>(
      'POST',
      `/sandbox/api/payments/${paymentId}/pay`,
    );
    expect(paid.status).toBe(200);
    expect(paid.body.status).toBe('SUCCESS');
    expect(paid.body.paidAt).toMatch(/Z$/);
    const again = await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'PAYMENT_ALREADY_PAID' } });
    expect((await h.control('POST', `/sandbox/api/payments/${paymentId}/fail`)).status).toBe(409);
  });

  it('pays by scanning: the code value (QR URL or typed number) finds the payment', async () => {
    const qr = await createPayment(h.client());
    const scanned = await h.control('POST', '/sandbox/api/codes/pay', {
      codeValue: qr.response.orderCodeForm!.codeDetails[0]!.codeValue,
    });
    expect(scanned.status).toBe(200);
    expect(scanned.body).toMatchObject({ paymentId: qr.paymentId, status: 'SUCCESS' });
    const va = await createPayment(
      h.client(),
      payRequest({
        amount: { currency: 'IDR', value: '5000000' },
        paymentMethod: { paymentMethodType: 'BANKTRANSFER_PERMATA' },
      }),
    );
    const number = va.response.orderCodeForm!.codeDetails[0]!.codeValue;
    const typed = await h.control('POST', '/sandbox/api/codes/pay', {
      codeValue: number.replace(/(\d{4})/g, '$1 ').trim(),
    });
    expect(typed.status).toBe(200);
    expect(typed.body).toMatchObject({ paymentId: va.paymentId, status: 'SUCCESS' });
  });

  it('declines with USER_BALANCE_NOT_ENOUGH by default', async () => {
    const { paymentId } = await createPayment(h.client());
    const declined = await h.control<{ status: string; resultCode: string }>(
      'POST',
      `/sandbox/api/payments/${paymentId}/fail`,
    );
    expect(declined.body).toMatchObject({ status: 'FAIL', resultCode: 'USER_BALANCE_NOT_ENOUGH' });
  });
});
