// Fault injection (D3.9): every API fault kind as the AntomClient experiences it over real HTTP,
// every notification fault as a real receiver experiences it, seeded repeatability, and input validation.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AntomSignatureError,
  AntomTimeoutError,
  AntomTransportError,
  type ConsultRequest,
} from '@paydesk/antom';
import { createPayment, NotifyReceiver, payRequest, startSandbox, waitFor, type Harness } from './helpers.ts';

let h: Harness;
let receiver: NotifyReceiver;
beforeAll(async () => {
  h = await startSandbox({ timeScale: 1000 });
  receiver = await new NotifyReceiver().start();
});
afterEach(async () => {
  await h.control('DELETE', '/sandbox/api/faults');
});
afterAll(async () => {
  await h.close();
  await receiver.close();
});

const consult: ConsultRequest = {
  productCode: 'CASHIER_PAYMENT',
  paymentAmount: { currency: 'THB', value: '150000' },
  env: { terminalType: 'WEB' },
};

async function setFaults(body: unknown): Promise<void> {
  const response = await h.control('PUT', '/sandbox/api/faults', body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

interface RequestsBody {
  requests: {
    api: string;
    httpStatus: number | null;
    fault?: string;
    resultCode?: string;
    paymentId?: string;
  }[];
}

async function payRequestsFor(paymentRequestId: string) {
  return (
    await h.control<RequestsBody>('GET', `/sandbox/api/requests?api=pay&paymentRequestId=${paymentRequestId}`)
  ).body.requests;
}

describe('API faults', () => {
  it('latency: delays the answer, and the client times out when it is too slow', async () => {
    await setFaults({ rules: [{ api: 'consult', kind: 'latency', latencyMs: 300, times: 2 }] });
    const started = Date.now();
    expect((await h.client().consult(consult)).kind).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await expect(h.client({ timeoutMs: 100 }).consult(consult)).rejects.toBeInstanceOf(AntomTimeoutError);
    // Both `times` are used up: the next consult carries no fault.
    await h.client().consult(consult);
    const { body } = await h.control<RequestsBody>('GET', '/sandbox/api/requests?api=consult');
    expect(body.requests.slice(0, 3).map((r) => r.fault ?? null)).toEqual([
      null,
      'latency 300 ms',
      'latency 300 ms',
    ]);
  });

  it('http5xx: answers an unsigned 5xx without processing; the client retries safely', async () => {
    await setFaults({ rules: [{ api: 'pay', kind: 'http5xx', status: 503, times: 1 }] });
    const request = payRequest();
    const error = await h
      .client()
      .pay(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AntomTransportError);
    expect((error as AntomTransportError).httpStatus).toBe(503);
    expect((await h.client().inquiryPayment({ paymentRequestId: request.paymentRequestId })).resultCode).toBe(
      'ORDER_NOT_EXIST',
    );
    const [logged] = await payRequestsFor(request.paymentRequestId);
    expect(logged).toMatchObject({ httpStatus: 503, fault: 'http5xx 503' });

    await setFaults({ rules: [{ api: 'pay', kind: 'http5xx', status: 500, times: 1 }] });
    const retried = payRequest();
    expect((await h.client({ maxRetries: 1 }).pay(retried)).kind).toBe('created');
    expect((await payRequestsFor(retried.paymentRequestId)).map((r) => r.httpStatus)).toEqual([200, 500]);
  });

  it('unknown: a signed U UNKNOWN_EXCEPTION, and nothing was processed', async () => {
    await setFaults({ rules: [{ api: 'pay', kind: 'unknown', times: 1 }] });
    const request = payRequest();
    const outcome = await h.client().pay(request);
    expect(outcome.kind).toBe('unknown');
    expect(outcome.resultCode).toBe('UNKNOWN_EXCEPTION');
    expect((await h.client().inquiryPayment({ paymentRequestId: request.paymentRequestId })).resultCode).toBe(
      'ORDER_NOT_EXIST',
    );
    expect((await h.client().pay(request)).kind).toBe('created');
  });

  it('rateLimit: a signed U REQUEST_TRAFFIC_EXCEED_LIMIT, or HTTP 429, without processing', async () => {
    await setFaults({
      rules: [
        { api: 'refund', kind: 'rateLimit', times: 1 },
        { api: 'pay', kind: 'rateLimit', status: 429, times: 1 },
      ],
    });
    const refund = await h
      .client()
      .refund({ refundRequestId: 'rl-1', paymentId: 'nope', refundAmount: { currency: 'THB', value: '1' } });
    expect(refund.kind).toBe('unknown');
    expect(refund.resultCode).toBe('REQUEST_TRAFFIC_EXCEED_LIMIT');
    const request = payRequest();
    const error = await h
      .client()
      .pay(request)
      .catch((e: unknown) => e);
    expect((error as AntomTransportError).httpStatus).toBe(429);
    expect((await h.client().inquiryPayment({ paymentRequestId: request.paymentRequestId })).resultCode).toBe(
      'ORDER_NOT_EXIST',
    );
  });

  it('lostReply: the payment is created, the reply never arrives, and an identical retry gets the same payment', async () => {
    await setFaults({ rules: [{ api: 'pay', kind: 'lostReply', times: 1 }] });
    const request = payRequest();
    await expect(h.client().pay(request)).rejects.toBeInstanceOf(AntomTransportError);
    const inquiry = await h.client().inquiryPayment({ paymentRequestId: request.paymentRequestId });
    expect(inquiry.response.paymentStatus).toBe('PROCESSING');
    const [lost] = await payRequestsFor(request.paymentRequestId);
    expect(lost).toMatchObject({ httpStatus: null, fault: 'lostReply', resultCode: 'PAYMENT_IN_PROCESS' });

    await setFaults({ rules: [{ api: 'pay', kind: 'lostReply', times: 1 }] });
    const retried = payRequest();
    const outcome = await h.client({ maxRetries: 2 }).pay(retried);
    expect(outcome.kind).toBe('created');
    const calls = await payRequestsFor(retried.paymentRequestId);
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((c) => c.paymentId))).toEqual(new Set([outcome.response.paymentId]));
    const { body } = await h.control<{ payments: unknown[] }>(
      'GET',
      `/sandbox/api/payments?paymentRequestId=${retried.paymentRequestId}`,
    );
    expect(body.payments).toHaveLength(1);
  });

  it.each([
    ['badSignature', 'SIGNATURE_INVALID'],
    ['unsigned', 'SIGNATURE_MISSING'],
  ])('%s: the request is processed but the client refuses the answer (%s)', async (kind, code) => {
    await setFaults({ rules: [{ api: 'pay', kind, times: 1 }] });
    const request = payRequest();
    const error = await h
      .client()
      .pay(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AntomSignatureError);
    expect((error as AntomSignatureError).code).toBe(code);
    expect(
      (await h.client().inquiryPayment({ paymentRequestId: request.paymentRequestId })).response
        .paymentStatus,
    ).toBe('PROCESSING');
  });

  it('applies a rule only to its API, and only for the next `times` requests', async () => {
    await setFaults({ rules: [{ api: 'inquiryPayment', kind: 'unknown', times: 2 }] });
    expect((await h.client().consult(consult)).kind).toBe('ok');
    const inquire = () => h.client().inquiryPayment({ paymentRequestId: 'x' });
    expect((await inquire()).kind).toBe('unknown');
    expect((await inquire()).kind).toBe('unknown');
    expect((await inquire()).resultCode).toBe('ORDER_NOT_EXIST');
    const { body } = await h.control<{ rules: { remaining: number; fired: number }[] }>(
      'GET',
      '/sandbox/api/faults',
    );
    expect(body.rules[0]).toMatchObject({ remaining: 0, fired: 2 });
  });

  it('repeats the same faults for the same seed', async () => {
    const run = async (): Promise<string> => {
      await setFaults({ seed: 42, rules: [{ api: '*', kind: 'unknown', probability: 0.5 }] });
      let pattern = '';
      for (let i = 0; i < 16; i += 1)
        pattern += (await h.client().consult(consult)).kind === 'ok' ? '.' : 'U';
      return pattern;
    };
    const first = await run();
    expect(await run()).toBe(first);
    expect(first).toContain('U');
    expect(first).toContain('.');
    await setFaults({ seed: 7, rules: [{ api: '*', kind: 'unknown', probability: 0.5 }] });
    let other = '';
    for (let i = 0; i < 16; i += 1) other += (await h.client().consult(consult)).kind === 'ok' ? '.' : 'U';
    expect(other).not.toBe(first);
  });

  it('stops injecting after DELETE', async () => {
    await setFaults({ rules: [{ kind: 'unknown' }] });
    expect((await h.client().consult(consult)).kind).toBe('unknown');
    const cleared = await h.control<{ active: boolean }>('DELETE', '/sandbox/api/faults');
    expect(cleared.body.active).toBe(false);
    expect((await h.client().consult(consult)).kind).toBe('ok');
  });
});

describe('notification faults', () => {
  async function paidWithNotify(path: string): Promise<string> {
    const { paymentId } = await createPayment(
      h.client(),
      payRequest({ paymentNotifyUrl: receiver.url(path) }),
    );
    await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
    return paymentId;
  }
  const arrivals = (path: string) => receiver.received.filter((n) => n.path === path);

  it('drop: attempts are not sent but recorded, and the retry schedule carries on', async () => {
    await setFaults({ notifications: { drop: 1 } });
    const path = `/drop/${Date.now()}`;
    const paymentId = await paidWithNotify(path);
    await waitFor(async () => {
      const { body } = await h.control<{ notifications: { attempts: { fault?: string }[] }[] }>(
        'GET',
        `/sandbox/api/payments/${paymentId}`,
      );
      return body.notifications[0]!.attempts.length >= 2;
    }, 'two dropped attempts');
    expect(arrivals(path)).toHaveLength(0);
    await h.control('DELETE', '/sandbox/api/faults');
    await waitFor(() => arrivals(path).length === 1, 'delivery once the fault is gone');
    const { body } = await h.control<{
      notifications: { delivered: boolean; attempts: { fault?: string }[] }[];
    }>('GET', `/sandbox/api/payments/${paymentId}`);
    expect(body.notifications[0]!.delivered).toBe(true);
    expect(body.notifications[0]!.attempts[0]!.fault).toBe('drop');
  });

  it('duplicate: the same notification arrives twice', async () => {
    await setFaults({ notifications: { duplicate: 1 } });
    const path = `/dup/${Date.now()}`;
    await paidWithNotify(path);
    await waitFor(() => arrivals(path).length === 2, 'two copies');
    const [a, b] = arrivals(path);
    expect(a!.rawBody).toBe(b!.rawBody);
    expect(a!.verifyError ?? b!.verifyError).toBeUndefined();
  });

  it('delayMs: each attempt waits within the range before it is sent', async () => {
    await setFaults({ notifications: { delayMs: { min: 300, max: 300 } } });
    const path = `/slow/${Date.now()}`;
    const paidAt = Date.now();
    await paidWithNotify(path);
    const [note] = await waitFor(
      () => arrivals(path).length === 1 && arrivals(path),
      'the delayed notification',
    );
    expect(note!.at - paidAt).toBeGreaterThanOrEqual(290);
  });

  it('reorder: deliveries held in the window go out newest first', async () => {
    await setFaults({ notifications: { reorder: { windowMs: 300 } } });
    const stamp = Date.now();
    await paidWithNotify(`/order/${stamp}/first`);
    await paidWithNotify(`/order/${stamp}/second`);
    await waitFor(
      () => receiver.received.filter((n) => n.path.startsWith(`/order/${stamp}/`)).length === 2,
      'both notifications',
    );
    const order = receiver.received
      .filter((n) => n.path.startsWith(`/order/${stamp}/`))
      .map((n) => n.path.split('/').pop());
    expect(order).toEqual(['second', 'first']);
  });
});

describe('PUT /sandbox/api/faults', () => {
  it.each([
    [{ rules: [{ kind: 'explode' }] }, 'rules[0].kind'],
    [{ rules: [{ kind: 'unknown', probability: 2 }] }, 'rules[0].probability'],
    [{ rules: [{ kind: 'unknown', probabilty: 0.5 }] }, 'rules[0].probabilty is not a known field'],
    [{ rules: [{ kind: 'latency' }] }, 'rules[0].latencyMs is required'],
    [{ rules: [{ kind: 'http5xx', status: 404 }] }, 'rules[0].status'],
    [{ rules: [{ kind: 'rateLimit', status: 500 }] }, 'rules[0].status must be 429'],
    [{ rules: [{ kind: 'unknown', api: 'capture' }] }, 'rules[0].api'],
    [{ rules: [{ kind: 'unknown', times: 0 }] }, 'rules[0].times'],
    [{ rules: 'all' }, 'rules must be an array'],
    [{ seed: -1 }, 'seed'],
    [{ notifications: { drop: 'often' } }, 'notifications.drop'],
    [{ notifications: { delayMs: { min: 500, max: 100 } } }, 'notifications.delayMs.min must not exceed'],
    [{ notifications: { reorder: 'yes' } }, 'notifications.reorder'],
    [[], 'the body must be a JSON object'],
  ])('answers 400 naming the field for %j', async (body, message) => {
    const response = await h.control<{ error: { code: string; message: string } }>(
      'PUT',
      '/sandbox/api/faults',
      body,
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_FAULTS');
    expect(response.body.error.message).toContain(message);
  });

  it('keeps the current faults when a new configuration is refused', async () => {
    await setFaults({ seed: 1, rules: [{ api: 'consult', kind: 'unknown' }] });
    expect((await h.control('PUT', '/sandbox/api/faults', { rules: [{ kind: 'nope' }] })).status).toBe(400);
    const { body } = await h.control<{ active: boolean; seed: number; rules: { kind: string }[] }>(
      'GET',
      '/sandbox/api/faults',
    );
    expect(body).toMatchObject({ active: true, seed: 1, rules: [{ kind: 'unknown' }] });
    expect((await h.client().consult(consult)).kind).toBe('unknown');
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await h.control('PUT', '/sandbox/api/faults', '{"rules": [');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'INVALID_JSON' } });
  });
});
