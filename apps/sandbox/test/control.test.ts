// The control API (D3.9): shapes the tests of other parts rely on, filters, the ledger, the
// request log, reset, and that bad input is a 4xx that changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayment, payRequest, startSandbox, uniqueId, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startSandbox();
});
afterAll(() => h.close());

interface PaymentsBody {
  payments: Record<string, unknown>[];
}

describe('GET /sandbox/api/payments', () => {
  it('lists payments newest first with status, method, amount, code, times and notifications', async () => {
    const first = await createPayment(
      h.client(),
      payRequest({ paymentNotifyUrl: 'http://127.0.0.1:9/notify' }),
    );
    const second = await createPayment(h.client());
    const { status, body } = await h.control<PaymentsBody>('GET', '/sandbox/api/payments');
    expect(status).toBe(200);
    const ids = body.payments.map((p) => p.paymentId);
    expect(ids.indexOf(second.paymentId)).toBeLessThan(ids.indexOf(first.paymentId));
    const view = body.payments.find((p) => p.paymentId === first.paymentId)!;
    expect(view).toMatchObject({
      paymentId: first.paymentId,
      paymentRequestId: first.request.paymentRequestId,
      status: 'PROCESSING',
      paymentMethodType: 'PROMPTPAY',
      amount: { currency: 'THB', value: '150000' },
      codeValue: first.response.orderCodeForm!.codeDetails[0]!.codeValue,
      notifyUrl: 'http://127.0.0.1:9/notify',
      notifications: [],
    });
    expect(view.createdAt).toMatch(/Z$/);
    expect(view.expiresAt).toMatch(/Z$/);
    expect(view).not.toHaveProperty('paidAt');
  });

  it('filters by paymentRequestId and status', async () => {
    const { request, paymentId } = await createPayment(h.client());
    const one = await h.control<PaymentsBody>(
      'GET',
      `/sandbox/api/payments?paymentRequestId=${request.paymentRequestId}`,
    );
    expect(one.body.payments.map((p) => p.paymentId)).toEqual([paymentId]);
    await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
    const paid = await h.control<PaymentsBody>('GET', '/sandbox/api/payments?status=SUCCESS');
    expect(paid.body.payments.every((p) => p.status === 'SUCCESS')).toBe(true);
    expect(paid.body.payments.some((p) => p.paymentId === paymentId && typeof p.paidAt === 'string')).toBe(
      true,
    );
  });

  it('shows one payment at /sandbox/api/payments/:paymentId', async () => {
    const { paymentId } = await createPayment(h.client());
    const { status, body } = await h.control('GET', `/sandbox/api/payments/${paymentId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ paymentId, status: 'PROCESSING' });
  });
});

describe('GET /sandbox/api/ledger', () => {
  it('shows captured, refunded, reversed, pending and net amounts in minor units', async () => {
    const amount = { currency: 'THB', value: '20000' };
    const unpaid = await createPayment(
      h.client(),
      payRequest({ amount, paymentMethod: { paymentMethodType: 'TRUEMONEY' } }),
    );
    const paid = await createPayment(
      h.client(),
      payRequest({ amount, paymentMethod: { paymentMethodType: 'TRUEMONEY' } }),
    );
    await h.control('POST', `/sandbox/api/payments/${paid.paymentId}/pay`);
    await h.client().refund({
      refundRequestId: uniqueId('r'),
      paymentId: paid.paymentId,
      refundAmount: { currency: 'THB', value: '5000' },
    });
    const { body } = await h.control<{ payments: Record<string, string>[] }>('GET', '/sandbox/api/ledger');
    expect(body.payments.find((p) => p.paymentId === unpaid.paymentId)).toEqual({
      paymentId: unpaid.paymentId,
      paymentRequestId: unpaid.request.paymentRequestId,
      paymentMethodType: 'TRUEMONEY',
      currency: 'THB',
      amount: '20000',
      status: 'PROCESSING',
      captured: '0',
      refunded: '0',
      reversed: '0',
      reversedAt: null,
      cancelled: '0',
      pendingRefund: '0',
      net: '0',
    });
    expect(body.payments.find((p) => p.paymentId === paid.paymentId)).toMatchObject({
      status: 'SUCCESS',
      captured: '20000',
      refunded: '5000',
      reversed: '0',
      cancelled: '0',
      net: '15000',
    });
  });
});

describe('GET /sandbox/api/requests', () => {
  it('records every API request newest first, with ids, result and HTTP status', async () => {
    const { request, paymentId } = await createPayment(h.client());
    for (let i = 0; i < 3; i += 1) await h.client().inquiryPayment({ paymentId });
    const { body } = await h.control<{ requests: Record<string, unknown>[] }>(
      'GET',
      `/sandbox/api/requests?paymentRequestId=${request.paymentRequestId}`,
    );
    // The pay, then three inquiries (their answers name the paymentRequestId too), newest first.
    expect(body.requests.map((r) => r.api)).toEqual([
      'inquiryPayment',
      'inquiryPayment',
      'inquiryPayment',
      'pay',
    ]);
    body.requests.reverse();
    expect(body.requests[0]).toMatchObject({
      api: 'pay',
      paymentRequestId: request.paymentRequestId,
      paymentId,
      resultStatus: 'U',
      resultCode: 'PAYMENT_IN_PROCESS',
      httpStatus: 200,
      path: '/ams/sandbox/api/v1/payments/pay',
    });
    const inquiries = await h.control<{ requests: { seq: number; api: string }[] }>(
      'GET',
      `/sandbox/api/requests?api=inquiryPayment&paymentId=${paymentId}`,
    );
    expect(inquiries.body.requests).toHaveLength(3);
    const seqs = inquiries.body.requests.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
  });

  it('records refused requests too', async () => {
    await h.client({ clientId: 'SANDBOX_NOBODY' }).inquiryPayment({ paymentId: 'x' });
    const { body } = await h.control<{ requests: Record<string, unknown>[] }>(
      'GET',
      '/sandbox/api/requests?api=inquiryPayment',
    );
    expect(body.requests[0]).toMatchObject({
      clientId: 'SANDBOX_NOBODY',
      resultCode: 'CLIENT_INVALID',
      resultStatus: 'F',
    });
  });
});

describe('GET /sandbox/api/refunds', () => {
  it('lists refunds with status and notifications', async () => {
    const { paymentId } = await createPayment(
      h.client(),
      payRequest({
        amount: { currency: 'THB', value: '9000' },
        paymentMethod: { paymentMethodType: 'TRUEMONEY' },
      }),
    );
    await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
    const refundRequestId = uniqueId('r');
    await h.client().refund({ refundRequestId, paymentId, refundAmount: { currency: 'THB', value: '9000' } });
    const { body } = await h.control<{ refunds: Record<string, unknown>[] }>(
      'GET',
      `/sandbox/api/refunds?paymentId=${paymentId}`,
    );
    expect(body.refunds).toEqual([
      expect.objectContaining({
        refundRequestId,
        paymentId,
        status: 'SUCCESS',
        mode: 'SYNC',
        amount: { currency: 'THB', value: '9000' },
        notifications: [],
      }),
    ]);
  });
});

describe('bad input', () => {
  it.each([
    ['GET', '/sandbox/api/payments?paymentRequestID=typo', 400, 'INVALID_QUERY'],
    ['GET', '/sandbox/api/requests?api=capture', 400, 'INVALID_QUERY'],
    ['GET', '/sandbox/api/payments/nope', 404, 'PAYMENT_NOT_FOUND'],
    ['POST', '/sandbox/api/payments/nope/pay', 404, 'PAYMENT_NOT_FOUND'],
    ['POST', '/sandbox/api/payments/nope/expire', 404, 'PAYMENT_NOT_FOUND'],
    ['POST', '/sandbox/api/refunds/nope/complete', 404, 'REFUND_NOT_FOUND'],
    ['GET', '/sandbox/api/nothing-here', 404, 'NOT_FOUND'],
  ])('%s %s answers %i %s', async (method, path, status, code) => {
    const response = await h.control<{ error: { code: string; message: string } }>(method, path);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message).toEqual(expect.any(String));
  });

  it('refuses a bad decline body and leaves the payment untouched', async () => {
    const { paymentId } = await createPayment(h.client());
    for (const body of [
      { resultCode: 'lower case' },
      { resultCode: 42 },
      { reason: 'x' },
      [1, 2],
      '{not json',
    ]) {
      const response = await h.control<{ error: { code: string } }>(
        'POST',
        `/sandbox/api/payments/${paymentId}/fail`,
        body,
      );
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toMatch(/^INVALID_(BODY|JSON)$/);
    }
    expect((await h.control('GET', `/sandbox/api/payments/${paymentId}`)).body).toMatchObject({
      status: 'PROCESSING',
    });
  });

  it('refuses a code-pay body without a codeValue, and answers 404 for an unknown code', async () => {
    expect((await h.control('POST', '/sandbox/api/codes/pay')).status).toBe(400);
    expect((await h.control('POST', '/sandbox/api/codes/pay', { code: '123' })).status).toBe(400);
    expect((await h.control('POST', '/sandbox/api/codes/pay', { codeValue: 12345 })).status).toBe(400);
    const unknown = await h.control('POST', '/sandbox/api/codes/pay', { codeValue: '0000000000' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'CODE_NOT_FOUND' } });
  });

  it('accepts an empty body on action routes (curl -X POST)', async () => {
    const { paymentId } = await createPayment(h.client());
    const response = await fetch(`${h.url}/sandbox/api/payments/${paymentId}/pay`, { method: 'POST' });
    expect(response.status).toBe(200);
  });
});

describe('GET /sandbox/api/info and /sandbox/api/methods', () => {
  it('publish the client id, the gateway key and the methods table', async () => {
    const info = await h.control('GET', '/sandbox/api/info');
    expect(info.body).toMatchObject({ clientId: 'SANDBOX_TEST_CLIENT', publicUrl: h.url });
    const methods = await h.control<{ methods: { paymentMethodType: string }[] }>(
      'GET',
      '/sandbox/api/methods',
    );
    expect(methods.body.methods.map((m) => m.paymentMethodType)).toContain('KONBINI');
  });
});

describe('POST /sandbox/api/reset', () => {
  it('forgets payments, refunds, requests and faults, and keeps the keys', async () => {
    const local = await startSandbox();
    try {
      const { paymentId } = await createPayment(local.client());
      await local.control('PUT', '/sandbox/api/faults', { rules: [{ api: 'consult', kind: 'unknown' }] });
      expect((await local.control('POST', '/sandbox/api/reset', { extra: true })).status).toBe(400);
      const reset = await local.control('POST', '/sandbox/api/reset');
      expect(reset).toEqual({ status: 200, body: { reset: true } });
      expect((await local.control<PaymentsBody>('GET', '/sandbox/api/payments')).body.payments).toEqual([]);
      expect(
        (await local.control<{ requests: unknown[] }>('GET', '/sandbox/api/requests')).body.requests,
      ).toEqual([]);
      expect((await local.control<{ active: boolean }>('GET', '/sandbox/api/faults')).body.active).toBe(
        false,
      );
      expect((await local.client().inquiryPayment({ paymentId })).resultCode).toBe('ORDER_NOT_EXIST');
      expect(
        (
          await local.client().consult({
            productCode: 'CASHIER_PAYMENT',
            paymentAmount: { currency: 'THB', value: '100' },
            env: { terminalType: 'WEB' },
          })
        ).kind,
      ).toBe('ok');
    } finally {
      await local.close();
    }
  });
});
