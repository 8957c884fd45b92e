// Notifications (D3.6): signed PAYMENT_RESULT / REFUND_RESULT to the notify URL, verified by a
// real receiver; Antom's retry schedule (scaled by timeScale) until the fixed acknowledgement comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, NOTIFICATION_ACK } from '@paydesk/antom';
import { isAcknowledgement, RETRY_SCHEDULE_MS } from '../src/index.ts';
import {
  CLIENT_ID,
  createPayment,
  NotifyReceiver,
  payRequest,
  startSandbox,
  waitFor,
  type Harness,
} from './helpers.ts';

let h: Harness;
let receiver: NotifyReceiver;
beforeAll(async () => {
  h = await startSandbox({ timeScale: 1000 });
  receiver = await new NotifyReceiver().start();
});
afterAll(async () => {
  await h.close();
  await receiver.close();
});

interface PaymentView {
  notifications: {
    notifyType: string;
    status: string;
    delivered: boolean;
    attempts: { at: string; httpStatus: number | null; answer: string | null; error: string | null }[];
  }[];
}

async function notificationsOf(harness: Harness, paymentId: string) {
  return (await harness.control<PaymentView>('GET', `/sandbox/api/payments/${paymentId}`)).body.notifications;
}

describe('PAYMENT_RESULT notifications', () => {
  it('are signed with the gateway key over the notify URL path and carry the payment', async () => {
    const path = `/paid/${Date.now()}`;
    const { paymentId, request } = await createPayment(
      h.client(),
      payRequest({ paymentNotifyUrl: receiver.url(path) }),
    );
    await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
    const note = await waitFor(() => receiver.received.find((n) => n.path === path), 'the notification');
    expect(note.verifyError).toBeUndefined();
    expect(note.headers['client-id']).toBe(CLIENT_ID);
    expect(note.headers['request-time']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(note.headers['signature']).toMatch(/^algorithm=RSA256,keyVersion=1,signature=/);
    expect(note.event).toMatchObject({
      type: 'PAYMENT_RESULT',
      outcome: 'succeeded',
      paymentId,
      paymentRequestId: request.paymentRequestId,
      paymentAmount: request.paymentAmount,
    });
    expect(note.event?.type === 'PAYMENT_RESULT' && note.event.paymentTime).toMatch(/\+08:00$/);
    const [record] = await notificationsOf(h, paymentId);
    expect(record).toMatchObject({ notifyType: 'PAYMENT_RESULT', status: 'delivered', delivered: true });
    expect(record!.attempts).toHaveLength(1);
    expect(record!.attempts[0]).toMatchObject({ httpStatus: 200, answer: NOTIFICATION_ACK, error: null });
  });

  it('report a decline with F and the decline code', async () => {
    const path = `/declined/${Date.now()}`;
    const { paymentId } = await createPayment(
      h.client(),
      payRequest({ paymentNotifyUrl: receiver.url(path) }),
    );
    await h.control('POST', `/sandbox/api/payments/${paymentId}/fail`, {
      resultCode: 'USER_PAYMENT_VERIFICATION_FAILED',
    });
    const note = await waitFor(() => receiver.received.find((n) => n.path === path), 'the notification');
    expect(note.event).toMatchObject({ type: 'PAYMENT_RESULT', outcome: 'failed' });
    expect(note.event!.result).toMatchObject({
      resultStatus: 'F',
      resultCode: 'USER_PAYMENT_VERIFICATION_FAILED',
    });
  });

  it('do not verify with another gateway key (the receiver check is real)', async () => {
    const strict = await new NotifyReceiver(generateKeyPair().publicKeyPem).start();
    try {
      const { paymentId } = await createPayment(h.client(), payRequest({ paymentNotifyUrl: strict.url() }));
      await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
      const note = await waitFor(() => strict.received[0], 'the notification');
      expect(note.verifyError).toMatch(/signature/);
    } finally {
      await strict.close();
    }
  });

  it('go to the default notify URL when the request names none, and nowhere without one', async () => {
    const path = `/dashboard/${Date.now()}`;
    const local = await startSandbox({ defaultNotifyUrl: receiver.url(path) });
    try {
      const { paymentId } = await createPayment(local.client());
      await local.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
      await waitFor(() => receiver.received.find((n) => n.path === path), 'the dashboard notification');
    } finally {
      await local.close();
    }
    const { paymentId } = await createPayment(h.client());
    await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
    expect(await notificationsOf(h, paymentId)).toEqual([]);
  });
});

describe('delivery and retries', () => {
  it("retry on Antom's schedule until the acknowledgement comes back, recording every attempt", async () => {
    const path = `/flaky/${Date.now()}`;
    const local = await new NotifyReceiver().start();
    local.respond = (_n, index) =>
      index < 2 ? { status: 500, body: 'boom' } : { status: 200, body: NOTIFICATION_ACK };
    try {
      const { paymentId } = await createPayment(
        h.client(),
        payRequest({ paymentNotifyUrl: local.url(path) }),
      );
      await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
      const [record] = await waitFor(async () => {
        const list = await notificationsOf(h, paymentId);
        return list[0]?.delivered && list;
      }, 'delivery after two failures');
      expect(record!.attempts.map((a) => a.httpStatus)).toEqual([500, 500, 200]);
      expect(record!.attempts[0]).toMatchObject({ answer: 'boom', error: 'HTTP 500' });
      // Gaps follow 2 min and 10 min divided by timeScale 1000: 120 ms, then 600 ms.
      const times = local.received.map((n) => n.at);
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(RETRY_SCHEDULE_MS[1]! / 1000 - 5);
      expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(RETRY_SCHEDULE_MS[2]! / 1000 - 5);
      expect(local.received).toHaveLength(3);
    } finally {
      await local.close();
    }
  });

  it("keep the merchant's Server-Timing answer in the delivery log, and none when it sends none", async () => {
    const local = await new NotifyReceiver().start();
    local.respond = (_n, index) => ({
      status: 200,
      body: NOTIFICATION_ACK,
      ...(index === 0 ? { headers: { 'server-timing': `app;dur=4.20, apply;dur=${'9'.repeat(300)}` } } : {}),
    });
    try {
      const delivered = async (paymentId: string) =>
        (
          await waitFor(async () => {
            const list = await notificationsOf(h, paymentId);
            return list[0]?.delivered && list;
          }, 'delivery')
        )[0]!.attempts[0] as { serverTiming?: string };
      const first = await createPayment(h.client(), payRequest({ paymentNotifyUrl: local.url('/a') }));
      await h.control('POST', `/sandbox/api/payments/${first.paymentId}/pay`);
      const timed = await delivered(first.paymentId);
      expect(timed.serverTiming).toMatch(/^app;dur=4\.20, apply;dur=9+$/);
      expect(timed.serverTiming).toHaveLength(200);
      const second = await createPayment(h.client(), payRequest({ paymentNotifyUrl: local.url('/b') }));
      await h.control('POST', `/sandbox/api/payments/${second.paymentId}/pay`);
      expect(await delivered(second.paymentId)).not.toHaveProperty('serverTiming');
    } finally {
      await local.close();
    }
  });

  it('treat HTTP 200 without the acknowledgement as a failure, and accept the acknowledgement in any JSON layout', async () => {
    const local = await new NotifyReceiver().start();
    local.respond = (_n, index) =>
      index === 0
        ? { status: 200, body: 'OK' }
        : {
            status: 200,
            body: '{ "result" : { "resultStatus" : "S", "resultMessage": "success", "resultCode": "SUCCESS" } }',
          };
    try {
      const { paymentId } = await createPayment(h.client(), payRequest({ paymentNotifyUrl: local.url() }));
      await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
      const [record] = await waitFor(async () => {
        const list = await notificationsOf(h, paymentId);
        return list[0]?.delivered && list;
      }, 'delivery');
      expect(record!.attempts).toHaveLength(2);
      expect(record!.attempts[0]!.error).toBe('the answer is not the acknowledgement');
    } finally {
      await local.close();
    }
    expect(isAcknowledgement(NOTIFICATION_ACK)).toBe(true);
    expect(isAcknowledgement('{"result":{"resultStatus":"F"}}')).toBe(false);
  });

  it('give up after the 8 attempts of the schedule, with gaps in the schedule’s proportions', async () => {
    const fast = await startSandbox({ timeScale: 100_000 });
    const local = await new NotifyReceiver().start();
    local.respond = () => ({ status: 503, body: 'down' });
    try {
      const { paymentId } = await createPayment(fast.client(), payRequest({ paymentNotifyUrl: local.url() }));
      await fast.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
      const [record] = await waitFor(
        async () => {
          const list = await notificationsOf(fast, paymentId);
          return list[0]?.status === 'failed' && list;
        },
        'the schedule to run out',
        10_000,
      );
      expect(record!.attempts).toHaveLength(8);
      expect(record!.delivered).toBe(false);
      expect(local.received).toHaveLength(8);
      const times = local.received.map((n) => n.at);
      for (let i = 1; i < 8; i += 1) {
        expect(times[i]! - times[i - 1]!, `gap before attempt ${i + 1}`).toBeGreaterThanOrEqual(
          RETRY_SCHEDULE_MS[i]! / 100_000 - 2,
        );
      }
      // The last gap (15 h) is clearly the longest, as in Antom's schedule.
      expect(times[7]! - times[6]!).toBeGreaterThan(times[6]! - times[5]!);
    } finally {
      await fast.close();
      await local.close();
    }
  });

  it('record a network error when the notify URL does not answer', async () => {
    const closed = await new NotifyReceiver().start();
    const deadUrl = closed.url('/gone');
    await closed.close();
    const { paymentId } = await createPayment(h.client(), payRequest({ paymentNotifyUrl: deadUrl }));
    await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
    const [record] = await waitFor(async () => {
      const list = await notificationsOf(h, paymentId);
      return (list[0]?.attempts.length ?? 0) >= 2 && list;
    }, 'two failed attempts');
    expect(record!.status).toBe('pending');
    expect(record!.attempts[0]).toMatchObject({ httpStatus: null, answer: null });
    expect(record!.attempts[0]!.error).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it('list every delivery at /sandbox/api/notifications, filterable by payment', async () => {
    const { paymentId } = await createPayment(
      h.client(),
      payRequest({ paymentNotifyUrl: receiver.url('/listed') }),
    );
    await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
    const all = await h.control<{ notifications: unknown[] }>('GET', '/sandbox/api/notifications');
    expect(all.body.notifications.length).toBeGreaterThanOrEqual(1);
    const { body } = await h.control<{ notifications: { notifyType: string; url: string }[] }>(
      'GET',
      `/sandbox/api/notifications?paymentId=${paymentId}`,
    );
    expect(body.notifications).toEqual([
      expect.objectContaining({ notifyType: 'PAYMENT_RESULT', url: receiver.url('/listed') }),
    ]);
  });
});
