// The sandbox's answers and notifications fit the same shapes as Antom's samples (docs/antom/samples,
// D13): every field it sends is one of Antom's models, every required one is there, in its type.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadSamples,
  shapeProblems,
  type Shape,
} from '../../../packages/antom/test/helpers/samples.helper.ts';
import {
  createPayment,
  NotifyReceiver,
  payRequest,
  startSandbox,
  uniqueId,
  waitFor,
  type Harness,
} from './helpers.ts';

const samples = loadSamples();
let h: Harness;
let receiver: NotifyReceiver;
beforeAll(async () => {
  h = await startSandbox();
  receiver = await new NotifyReceiver().start();
});
afterAll(async () => {
  await receiver.close();
  await h.close();
});

function fits(body: unknown, shape: Shape): void {
  expect(shapeProblems(body, shape, { strict: true })).toEqual([]);
}

describe('the sandbox answers in the shapes of Antom’s samples', () => {
  it('pay: a code with text and images, an images-only code, a phone’s links, already paid, refused', async () => {
    const { responseShape } = samples.pay!;
    const text = await createPayment(h.client());
    fits(text.response, responseShape);
    const images = await createPayment(
      h.client(),
      payRequest({
        amount: { currency: 'PHP', value: '50000' },
        paymentMethod: { paymentMethodType: 'GCASH' },
        env: { terminalType: 'APP', osType: 'IOS' },
      }),
    );
    fits(images.response, responseShape);
    await h.control('POST', `/sandbox/api/payments/${text.paymentId}/pay`);
    const again = await h.client().pay(text.request);
    expect(again.kind).toBe('succeeded');
    fits(again.response, responseShape);
    const refused = await h.client().pay(payRequest({ paymentRedirectUrl: 'not a url' }));
    expect(refused.kind).toBe('failed');
    fits(refused.response, responseShape);
  });

  it('inquiryPayment: waiting, paid and refunded, reversed, unknown', async () => {
    const { responseShape } = samples.inquiryPayment!;
    const waiting = await createPayment(h.client());
    fits((await h.client().inquiryPayment({ paymentId: waiting.paymentId })).response, responseShape);
    const paid = await createPayment(
      h.client(),
      payRequest({ paymentMethod: { paymentMethodType: 'TRUEMONEY' } }),
    );
    await h.control('POST', `/sandbox/api/payments/${paid.paymentId}/pay`);
    await h.client().refund({
      refundRequestId: uniqueId('r'),
      paymentId: paid.paymentId,
      refundAmount: { currency: 'THB', value: '100' },
    });
    fits((await h.client().inquiryPayment({ paymentId: paid.paymentId })).response, responseShape);
    const reversed = await createPayment(
      h.client(),
      payRequest({ paymentMethod: { paymentMethodType: 'TRUEMONEY' } }),
    );
    await h.control('POST', `/sandbox/api/payments/${reversed.paymentId}/pay`);
    await h.client().cancel({ paymentId: reversed.paymentId });
    const inquiry = await h.client().inquiryPayment({ paymentId: reversed.paymentId });
    expect(inquiry).toMatchObject({
      kind: 'found',
      paymentStatus: 'CANCELLED',
      reversal: expect.any(Object),
    });
    fits(inquiry.response, responseShape);
    fits((await h.client().inquiryPayment({ paymentId: 'nope' })).response, responseShape);
  });

  it('cancel, refund (at once, asynchronous, refused) and inquiryRefund', async () => {
    const cancelled = await createPayment(h.client());
    fits(
      (await h.client().cancel({ paymentId: cancelled.paymentId })).response,
      samples.cancel!.responseShape,
    );
    const wallet = await createPayment(
      h.client(),
      payRequest({ paymentMethod: { paymentMethodType: 'TRUEMONEY' } }),
    );
    await h.control('POST', `/sandbox/api/payments/${wallet.paymentId}/pay`);
    const refundRequestId = uniqueId('r');
    const refund = await h.client().refund({
      refundRequestId,
      paymentId: wallet.paymentId,
      refundAmount: wallet.request.paymentAmount,
    });
    expect(refund.kind).toBe('succeeded');
    fits(refund.response, samples.refund!.responseShape);
    const over = await h.client().refund({
      refundRequestId: uniqueId('r'),
      paymentId: wallet.paymentId,
      refundAmount: { currency: 'THB', value: '1' },
    });
    expect(over.kind).toBe('failed');
    fits(over.response, samples.refund!.responseShape);
    const inquiry = await h.client().inquiryRefund({ refundRequestId });
    expect(inquiry.kind).toBe('found');
    fits(inquiry.response, samples.inquiryRefund!.responseShape);

    const bank = await createPayment(
      h.client(),
      payRequest({
        amount: { currency: 'SGD', value: '2500' },
        paymentMethod: { paymentMethodType: 'PAYNOW' },
      }),
    );
    await h.control('POST', `/sandbox/api/payments/${bank.paymentId}/pay`);
    const asyncId = uniqueId('r');
    const pending = await h.client().refund({
      refundRequestId: asyncId,
      paymentId: bank.paymentId,
      refundAmount: { currency: 'SGD', value: '2500' },
    });
    fits(pending.response, samples.refund!.responseShape);
    const failed = await h.control<{ refundId: string }>('GET', `/sandbox/api/refunds/${asyncId}`);
    await h.control('POST', `/sandbox/api/refunds/${failed.body.refundId}/fail`);
    fits(
      (await h.client().inquiryRefund({ refundRequestId: asyncId })).response,
      samples.inquiryRefund!.responseShape,
    );
  });

  it('consult', async () => {
    const outcome = await h.client().consult({
      productCode: 'CASHIER_PAYMENT',
      paymentAmount: { currency: 'THB', value: '1000' },
      env: { terminalType: 'WEB' },
    });
    expect(outcome.response.paymentOptions!.some((option) => option.enabled === false)).toBe(true);
    fits(outcome.response, samples.consult!.responseShape);
  });

  it('notifyPayment and notifyRefund: paid, declined, refunded asynchronously, refund failed', async () => {
    const url = receiver.url();
    const paid = await createPayment(h.client(), payRequest({ paymentNotifyUrl: url }));
    await h.control('POST', `/sandbox/api/payments/${paid.paymentId}/pay`);
    const declined = await createPayment(h.client(), payRequest({ paymentNotifyUrl: url }));
    await h.control('POST', `/sandbox/api/payments/${declined.paymentId}/fail`, {
      resultCode: 'RISK_REJECT',
    });
    const bank = await createPayment(
      h.client(),
      payRequest({
        amount: { currency: 'SGD', value: '2500' },
        paymentMethod: { paymentMethodType: 'PAYNOW' },
      }),
    );
    await h.control('POST', `/sandbox/api/payments/${bank.paymentId}/pay`);
    for (const outcome of ['complete', 'fail'] as const) {
      const refundRequestId = uniqueId('r');
      await h.client().refund({
        refundRequestId,
        paymentId: bank.paymentId,
        refundAmount: { currency: 'SGD', value: '1000' },
        refundNotifyUrl: url,
      });
      const refund = await h.control<{ refundId: string }>('GET', `/sandbox/api/refunds/${refundRequestId}`);
      await h.control('POST', `/sandbox/api/refunds/${refund.body.refundId}/${outcome}`);
    }
    const received = await waitFor(
      () => receiver.received.length >= 4 && receiver.received,
      'four notifications',
    );
    const types = new Set<string>();
    for (const notification of received) {
      expect(notification.verifyError).toBeUndefined();
      const body = JSON.parse(notification.rawBody) as { notifyType: string };
      types.add(body.notifyType);
      fits(
        body,
        (body.notifyType === 'REFUND_RESULT' ? samples.notifyRefund! : samples.notifyPayment!).requestShape,
      );
    }
    expect([...types].sort()).toEqual(['PAYMENT_RESULT', 'REFUND_RESULT']);
  });
});
