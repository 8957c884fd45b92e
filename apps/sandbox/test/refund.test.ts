// refund and inquiryRefund (D3.5, docs/antom-notes.md §5.3–5.4): idempotency on refundRequestId, partial
// and multiple refunds up to the paid amount, per-method rules, synchronous and asynchronous settlement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Amount, PayRequest } from '@paydesk/antom';
import {
  createPayment,
  NotifyReceiver,
  payRequest,
  startSandbox,
  uniqueId,
  waitFor,
  type Harness,
} from './helpers.ts';

let h: Harness;
let receiver: NotifyReceiver;
beforeAll(async () => {
  h = await startSandbox();
  receiver = await new NotifyReceiver().start();
});
afterAll(async () => {
  await h.close();
  await receiver.close();
});

const THB = (value: string): Amount => ({ currency: 'THB', value });
const SGD = (value: string): Amount => ({ currency: 'SGD', value });

async function paidPayment(harness: Harness, request: PayRequest): Promise<string> {
  const { paymentId } = await createPayment(harness.client(), request);
  const paid = await harness.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
  expect(paid.status).toBe(200);
  return paymentId;
}

const wallet = (value = '10000') =>
  payRequest({ amount: THB(value), paymentMethod: { paymentMethodType: 'TRUEMONEY' } });
const paynow = (value = '10000') =>
  payRequest({ amount: SGD(value), paymentMethod: { paymentMethodType: 'PAYNOW' } });

describe('POST /ams/sandbox/api/v1/payments/refund', () => {
  it('refunds a wallet payment synchronously with S, refundId and refundTime', async () => {
    const paymentId = await paidPayment(h, wallet());
    const refundRequestId = uniqueId('refund');
    const outcome = await h.client().refund({ refundRequestId, paymentId, refundAmount: THB('10000') });
    expect(outcome.kind).toBe('succeeded');
    expect(outcome.response).toMatchObject({ refundRequestId, paymentId, refundAmount: THB('10000') });
    expect(outcome.response.refundId).toMatch(/^\d{8}1940208\d{11}$/);
    expect(outcome.response.refundTime).toMatch(/\+08:00$/);
  });

  it('allows partial and multiple refunds up to the paid amount, then answers REFUND_AMOUNT_EXCEED', async () => {
    const paymentId = await paidPayment(h, wallet('10000'));
    const refund = (value: string) =>
      h.client().refund({ refundRequestId: uniqueId('refund'), paymentId, refundAmount: THB(value) });
    expect((await refund('3000')).kind).toBe('succeeded');
    expect((await refund('6000')).kind).toBe('succeeded');
    const over = await refund('1001');
    expect(over.kind).toBe('failed');
    expect(over.resultCode).toBe('REFUND_AMOUNT_EXCEED');
    expect((await refund('1000')).kind).toBe('succeeded');
    const { body } = await h.control<{ payments: Record<string, string>[] }>('GET', '/sandbox/api/ledger');
    expect(body.payments.find((p) => p.paymentId === paymentId)).toMatchObject({
      captured: '10000',
      refunded: '10000',
      net: '0',
    });
    const inquiry = await h.client().inquiryPayment({ paymentId });
    expect(inquiry.response.paymentStatus).toBe('SUCCESS');
    expect(inquiry.response.transactions?.filter((t) => t.transactionType === 'REFUND')).toHaveLength(3);
  });

  it('is idempotent on refundRequestId, and refuses the same id with another amount', async () => {
    const paymentId = await paidPayment(h, wallet());
    const refundRequestId = uniqueId('refund');
    const first = await h.client().refund({ refundRequestId, paymentId, refundAmount: THB('2000') });
    const again = await h.client().refund({ refundRequestId, paymentId, refundAmount: THB('2000') });
    expect(again.response).toEqual(first.response);
    const changed = await h.client().refund({ refundRequestId, paymentId, refundAmount: THB('2500') });
    expect(changed.resultCode).toBe('REPEAT_REQ_INCONSISTENT');
    const { body } = await h.control<{ refunds: unknown[] }>(
      'GET',
      `/sandbox/api/refunds?paymentId=${paymentId}`,
    );
    expect(body.refunds).toHaveLength(1);
  });

  it('refuses PromptPay refunds with REFUND_NOT_SUPPORTED', async () => {
    const paymentId = await paidPayment(h, payRequest());
    const outcome = await h
      .client()
      .refund({ refundRequestId: uniqueId('refund'), paymentId, refundAmount: THB('150000') });
    expect(outcome.kind).toBe('failed');
    expect(outcome.resultCode).toBe('REFUND_NOT_SUPPORTED');
  });

  it('refuses an unpaid payment, an unknown paymentId and a paymentRequestId in its place', async () => {
    const { paymentId, request } = await createPayment(h.client(), wallet());
    const unpaid = await h
      .client()
      .refund({ refundRequestId: uniqueId('refund'), paymentId, refundAmount: THB('100') });
    expect(unpaid.resultCode).toBe('ORDER_STATUS_INVALID');
    const unknown = await h
      .client()
      .refund({ refundRequestId: uniqueId('refund'), paymentId: '1', refundAmount: THB('100') });
    expect(unknown.resultCode).toBe('ORDER_NOT_EXIST');
    const wrongId = await h.client().refund({
      refundRequestId: uniqueId('refund'),
      paymentId: request.paymentRequestId,
      refundAmount: THB('100'),
    });
    expect(wrongId.resultCode).toBe('ORDER_NOT_EXIST');
    expect(wrongId.resultMessage).toContain("refund needs Antom's paymentId");
  });

  it('answers PARAM_ILLEGAL for another currency or a malformed amount', async () => {
    const paymentId = await paidPayment(h, wallet());
    const currency = await h
      .client()
      .refund({ refundRequestId: uniqueId('refund'), paymentId, refundAmount: SGD('100') });
    expect(currency.resultCode).toBe('PARAM_ILLEGAL');
    expect(currency.resultMessage).toContain('refundAmount.currency');
    const malformed = await h
      .client()
      .refund({ refundRequestId: uniqueId('refund'), paymentId, refundAmount: THB('1.00') });
    expect(malformed.resultMessage).toContain('refundAmount.value must be an integer string');
  });

  it('answers REFUND_WINDOW_EXCEED after the method’s refund window', async () => {
    let clock = Date.now();
    const local = await startSandbox({ now: () => clock });
    try {
      const paymentId = await paidPayment(local, paynow());
      clock += 61 * 86_400_000;
      const outcome = await local
        .client()
        .refund({ refundRequestId: uniqueId('refund'), paymentId, refundAmount: SGD('100') });
      expect(outcome.resultCode).toBe('REFUND_WINDOW_EXCEED');
    } finally {
      await local.close();
    }
  });
});

describe('asynchronous refunds (bank transfers and bank QR schemes)', () => {
  it('answers U REFUND_IN_PROCESS, stays PROCESSING, and settles with a REFUND_RESULT notification', async () => {
    const local = await startSandbox({ asyncRefundDelayMs: 60_000 });
    try {
      const paymentId = await paidPayment(local, paynow('10000'));
      const refundRequestId = uniqueId('refund');
      const request = {
        refundRequestId,
        paymentId,
        refundAmount: SGD('4000'),
        refundNotifyUrl: receiver.url('/refund-notify'),
      };
      const outcome = await local.client().refund(request);
      expect(outcome.kind).toBe('processing');
      expect(outcome.response.result).toMatchObject({ resultCode: 'REFUND_IN_PROCESS', resultStatus: 'U' });
      const refundId = outcome.response.refundId!;
      expect((await local.client().refund(request)).response.refundId).toBe(refundId);

      const pending = await local.client().inquiryRefund({ refundRequestId });
      expect(pending.response).toMatchObject({ refundStatus: 'PROCESSING', refundId });
      // A pending refund counts against what is left: 10000 − 4000 pending leaves 6000.
      const over = await local
        .client()
        .refund({ refundRequestId: uniqueId('refund'), paymentId, refundAmount: SGD('6001') });
      expect(over.resultCode).toBe('REFUND_AMOUNT_EXCEED');
      const ledger = await local.control<{ payments: Record<string, string>[] }>(
        'GET',
        '/sandbox/api/ledger',
      );
      expect(ledger.body.payments[0]).toMatchObject({ pendingRefund: '4000', refunded: '0', net: '10000' });

      expect((await local.control('POST', `/sandbox/api/refunds/${refundId}/complete`)).status).toBe(200);
      const done = await local.client().inquiryRefund({ refundId });
      expect(done.response).toMatchObject({ refundStatus: 'SUCCESS', refundRequestId });
      expect(done.response.refundTime).toMatch(/\+08:00$/);
      const settled = await waitFor(
        () =>
          receiver.received.find((n) => n.event?.type === 'REFUND_RESULT' && n.event.refundId === refundId),
        'the REFUND_RESULT notification',
      );
      expect(settled.path).toBe('/refund-notify');
      expect(settled.verifyError).toBeUndefined();
      expect(settled.event).toMatchObject({
        outcome: 'succeeded',
        refundRequestId,
        refundAmount: SGD('4000'),
      });
      // The same id after settlement answers with the final result.
      expect((await local.client().refund(request)).kind).toBe('succeeded');
      expect((await local.control('POST', `/sandbox/api/refunds/${refundId}/complete`)).status).toBe(409);
    } finally {
      await local.close();
    }
  });

  it('settles by itself after the configured delay', async () => {
    const paymentId = await paidPayment(h, paynow());
    const refundRequestId = uniqueId('refund');
    const outcome = await h
      .client()
      .refund({ refundRequestId, paymentId, refundAmount: SGD('100'), refundNotifyUrl: receiver.url() });
    expect(outcome.kind).toBe('processing');
    await waitFor(
      () =>
        receiver.received.find(
          (n) => n.event?.type === 'REFUND_RESULT' && n.event.refundRequestId === refundRequestId,
        ),
      'the automatic settlement',
      // A short timer, then a signed delivery: the bound is for a loaded machine, not the timer.
      30_000,
    );
    expect((await h.client().inquiryRefund({ refundRequestId })).response.refundStatus).toBe('SUCCESS');
  });

  it('settles when its timer fires before the sandbox clock says it is due', async () => {
    // Node starts a timer from the event loop's time, so it can fire a little before its delay by the
    // clock the sandbox reads: here that clock is made to lag 80 ms once the refund is armed. The timer
    // then finds nothing due; it must wait out the rest, not leave the refund PROCESSING for good.
    let lag = 0;
    const local = await startSandbox({ now: () => Date.now() - lag, asyncRefundDelayMs: 100 });
    try {
      const paymentId = await paidPayment(local, paynow());
      const refundRequestId = uniqueId('refund');
      const outcome = await local
        .client()
        .refund({ refundRequestId, paymentId, refundAmount: SGD('100'), refundNotifyUrl: receiver.url() });
      expect(outcome.kind).toBe('processing');
      lag = 80;
      await waitFor(
        () =>
          receiver.received.find(
            (n) => n.event?.type === 'REFUND_RESULT' && n.event.refundRequestId === refundRequestId,
          ),
        'the settlement after the lagging clock caught up',
        30_000,
      );
    } finally {
      await local.close();
    }
  });

  it('can fail from the control API, sending a FAIL notification and freeing the amount', async () => {
    const local = await startSandbox({ asyncRefundDelayMs: 60_000 });
    try {
      const paymentId = await paidPayment(local, paynow('10000'));
      const refundRequestId = uniqueId('refund');
      const outcome = await local
        .client()
        .refund({ refundRequestId, paymentId, refundAmount: SGD('10000'), refundNotifyUrl: receiver.url() });
      const failed = await local.control<{ status: string; resultCode: string }>(
        'POST',
        `/sandbox/api/refunds/${outcome.response.refundId}/fail`,
        {
          resultCode: 'REFUND_REJECTED_BY_BANK',
        },
      );
      expect(failed.body).toMatchObject({ status: 'FAIL', resultCode: 'REFUND_REJECTED_BY_BANK' });
      const note = await waitFor(
        () =>
          receiver.received.find(
            (n) => n.event?.type === 'REFUND_RESULT' && n.event.refundRequestId === refundRequestId,
          ),
        'the FAIL notification',
      );
      expect(note.event).toMatchObject({ outcome: 'failed' });
      expect((await local.client().inquiryRefund({ refundRequestId })).response.refundStatus).toBe('FAIL');
      const retry = await local
        .client()
        .refund({ refundRequestId: uniqueId('refund'), paymentId, refundAmount: SGD('10000') });
      expect(retry.kind).toBe('processing');
    } finally {
      await local.close();
    }
  });
});

describe('POST /ams/sandbox/api/v1/payments/inquiryRefund', () => {
  it('answers F REFUND_NOT_EXIST for an unknown refund', async () => {
    const outcome = await h.client().inquiryRefund({ refundRequestId: 'never-sent' });
    expect(outcome.kind).toBe('failed');
    expect(outcome.resultCode).toBe('REFUND_NOT_EXIST');
    if (outcome.kind === 'failed' && 'notFound' in outcome) expect(outcome.notFound).toBe(true);
  });

  it('finds a refund by refundId or refundRequestId, refundId first', async () => {
    const paymentId = await paidPayment(h, wallet());
    const a = await h
      .client()
      .refund({ refundRequestId: uniqueId('refund'), paymentId, refundAmount: THB('100') });
    const b = await h
      .client()
      .refund({ refundRequestId: uniqueId('refund'), paymentId, refundAmount: THB('200') });
    const outcome = await h
      .client()
      .inquiryRefund({ refundId: a.response.refundId!, refundRequestId: b.response.refundRequestId! });
    expect(outcome.response).toMatchObject({
      refundId: a.response.refundId,
      refundAmount: THB('100'),
      refundStatus: 'SUCCESS',
    });
  });
});
