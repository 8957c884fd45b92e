// Retries, timeouts and dropped connections over real HTTP (D2.8): a retry resends the
// byte-identical body under the same ids, only for the documented retry-safe failures, a bounded number of
// times, sleeping by exponential backoff with jitter. Sleep, randomness and the clock are injected.
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '@paydesk/testkit/wait-for';
import {
  AntomClient,
  AntomSignatureError,
  AntomTimeoutError,
  AntomTransportError,
  isOutcomeUnknown,
  type AntomCallRecord,
  type AntomClientOptions,
} from '../src/index.ts';
import {
  dropAfterRequest,
  dropBeforeBody,
  dropMidResponse,
  FakeGateway,
  hang,
  plain,
  result,
  stallBody,
  type Step,
} from './helpers/fake-gateway.helper.ts';
import { cancelRequest, payRequest, refundRequest, SANDBOX_CLIENT_ID } from './helpers/requests.helper.ts';
import { vectors } from './helpers/vectors.helper.ts';

let gateway: FakeGateway;
beforeAll(async () => {
  gateway = await FakeGateway.start();
});
afterAll(async () => {
  await gateway.close();
});
beforeEach(() => gateway.reset());

const BASE_MS = 100;

interface Harness {
  client: AntomClient;
  sleeps: number[];
  records: AntomCallRecord[];
}

/** A client whose sleeps are recorded (and skipped) and whose jitter comes from `randoms` in turn. */
function makeClient(overrides: Partial<AntomClientOptions> = {}, randoms: number[] = [0.5]): Harness {
  const sleeps: number[] = [];
  const records: AntomCallRecord[] = [];
  let draw = 0;
  const client = new AntomClient({
    clientId: SANDBOX_CLIENT_ID,
    privateKey: vectors.keys.merchantPrivateKeyPem,
    antomPublicKey: vectors.keys.gatewayPublicKeyPem,
    gatewayUrl: gateway.url,
    timeoutMs: 2_000,
    maxRetries: 2,
    backoffMs: BASE_MS,
    random: () => randoms[draw++ % randoms.length]!,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onCall: (record) => records.push(record),
    ...overrides,
  });
  return { client, sleeps, records };
}

/** The documented schedule: ceiling = min(8 s, base · 2^(n−1) · (2 when rate-limited)); half fixed, half jitter. */
function expectedSleep(attempt: number, random: number, busy = false, base = BASE_MS): number {
  const ceiling = Math.min(8_000, base * 2 ** (attempt - 1) * (busy ? 2 : 1));
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}

/** Every attempt carried the same bytes (hence the same idempotency key), each validly signed. */
function expectIdenticalResends(key = 'paymentRequestId', id = payRequest().paymentRequestId): void {
  const first = gateway.requests[0]!;
  expect(gateway.requests.length).toBeGreaterThan(1);
  for (const request of gateway.requests) {
    expect(request.rawBody.equals(first.rawBody)).toBe(true);
    expect(request.signatureValid).toBe(true);
    expect(request.path).toBe(first.path);
    expect(request.json?.[key]).toBe(id);
  }
}

describe('retries that are safe', () => {
  it('retries U UNKNOWN_EXCEPTION with the byte-identical body and returns the S that follows', async () => {
    gateway.script(result('U', 'UNKNOWN_EXCEPTION'), result('S', 'SUCCESS', { paymentId: 'p1' }));
    const { client, sleeps } = makeClient({}, [0.25]);
    const outcome = await client.pay(payRequest());
    expect(outcome).toMatchObject({ kind: 'succeeded', paymentId: 'p1' });
    expect(gateway.requests).toHaveLength(2);
    expectIdenticalResends();
    expect(sleeps).toEqual([expectedSleep(1, 0.25)]);
  });

  it('re-signs each attempt with a fresh request-time over the same bytes', async () => {
    let clock = 1_000_000;
    gateway.script(result('U', 'UNKNOWN_EXCEPTION'), result('S', 'SUCCESS'));
    const { client } = makeClient({ now: () => (clock += 7) });
    await client.cancel(cancelRequest);
    const times = gateway.requests.map((r) => r.headers['request-time']);
    expect(new Set(times).size).toBe(2);
    expect(gateway.requests.every((r) => r.signatureValid)).toBe(true);
  });

  it('retries HTTP 5xx, 408 and 429 and succeeds on the next answer', async () => {
    gateway.script(
      plain(502, 'bad gateway'),
      plain(408),
      plain(429),
      result('S', 'SUCCESS', { refundId: 'r1' }),
    );
    const { client, sleeps } = makeClient({ maxRetries: 3 }, [0, 0.5, 0.999]);
    const outcome = await client.refund(refundRequest);
    expect(outcome).toMatchObject({ kind: 'succeeded', refundId: 'r1' });
    expect(gateway.requests).toHaveLength(4);
    expectIdenticalResends('refundRequestId', refundRequest.refundRequestId);
    expect(sleeps).toEqual([expectedSleep(1, 0), expectedSleep(2, 0.5), expectedSleep(3, 0.999, true)]);
  });

  it('backs off twice as long after U REQUEST_TRAFFIC_EXCEED_LIMIT', async () => {
    gateway.script(
      result('U', 'REQUEST_TRAFFIC_EXCEED_LIMIT'),
      result('U', 'PAYMENT_IN_PROCESS', { paymentId: 'p1' }),
    );
    const { client, sleeps } = makeClient({}, [0.5]);
    expect(await client.pay(payRequest())).toMatchObject({ kind: 'created', paymentId: 'p1' });
    expectIdenticalResends();
    expect(sleeps).toEqual([expectedSleep(1, 0.5, true)]);
    expect(sleeps[0]).toBe(150); // ceiling 200 ms: 100 fixed + 0.5 · 100 jitter
  });

  it('is bounded: after maxRetries + 1 failed attempts it throws the last transport error', async () => {
    gateway.script(...Array.from({ length: 10 }, () => plain(503, 'unavailable')));
    const { client, sleeps } = makeClient({ maxRetries: 3 }, [0.1, 0.9]);
    const error = await client.pay(payRequest()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AntomTransportError);
    expect(error).toMatchObject({ code: 'HTTP_503', httpStatus: 503 });
    expect(isOutcomeUnknown(error)).toBe(true);
    expect(gateway.requests).toHaveLength(4);
    expectIdenticalResends();
    expect(sleeps).toEqual([expectedSleep(1, 0.1), expectedSleep(2, 0.9), expectedSleep(3, 0.1)]);
  });

  it('caps each sleep at 8 s and keeps the jitter within [ceiling/2, ceiling]', async () => {
    gateway.script(...Array.from({ length: 6 }, () => plain(500)));
    const { client, sleeps } = makeClient({ maxRetries: 5, backoffMs: 1_000 }, [0, 0.999999]);
    await expect(client.cancel(cancelRequest)).rejects.toBeInstanceOf(AntomTransportError);
    expect(sleeps).toEqual([500, 2_000, 2_000, 8_000, 4_000]);
    expect(client.maxCallDurationMs({ timeoutMs: 100 })).toBe(100 * 6 + 2_000 + 4_000 + 8_000 * 3);
  });

  it('honours a per-call maxRetries of 0: a single attempt', async () => {
    gateway.script(plain(500), result('S', 'SUCCESS'));
    const { client, sleeps } = makeClient();
    await expect(client.cancel(cancelRequest, { maxRetries: 0 })).rejects.toMatchObject({ httpStatus: 500 });
    expect(gateway.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('refuses an unbounded per-call retry count', async () => {
    const { client } = makeClient();
    await expect(client.cancel(cancelRequest, { maxRetries: 1_000 })).rejects.toMatchObject({
      code: 'OPTION_INVALID',
    });
    expect(gateway.heads).toHaveLength(0);
  });
});

describe('answers that are never retried', () => {
  it.each<[string, Step]>([
    ['F', result('F', 'PARAM_ILLEGAL')],
    ['F REPEAT_REQ_INCONSISTENT', result('F', 'REPEAT_REQ_INCONSISTENT')],
    ['F with a code that is retryable only under U', result('F', 'UNKNOWN_EXCEPTION')],
    ['U PAYMENT_IN_PROCESS', result('U', 'PAYMENT_IN_PROCESS', { paymentId: 'p1' })],
    ['S', result('S', 'SUCCESS', { paymentId: 'p1' })],
  ])('%s is returned after one attempt', async (_name, step) => {
    gateway.script(step, result('S', 'SUCCESS'));
    const { client, sleeps } = makeClient();
    await client.pay(payRequest());
    expect(gateway.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('a signature error is thrown after one attempt', async () => {
    gateway.script(result('U', 'UNKNOWN_EXCEPTION', {}, { omitSignature: true }), result('S', 'SUCCESS'));
    const { client } = makeClient();
    await expect(client.pay(payRequest())).rejects.toBeInstanceOf(AntomSignatureError);
    expect(gateway.requests).toHaveLength(1);
  });

  it('HTTP 400 is a transport error after one attempt', async () => {
    gateway.script(plain(400, 'bad request'), result('S', 'SUCCESS'));
    await expect(makeClient().client.pay(payRequest())).rejects.toMatchObject({ httpStatus: 400 });
    expect(gateway.requests).toHaveLength(1);
  });

  it('a call aborted by the caller is not retried', async () => {
    gateway.script(hang, result('S', 'SUCCESS'));
    const controller = new AbortController();
    const { client } = makeClient();
    const pending = client.pay(payRequest(), { signal: controller.signal });
    await waitFor(() => gateway.requests.length === 1, 'the pay to reach the gateway', { intervalMs: 5 });
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AntomTransportError);
    expect(error).not.toBeInstanceOf(AntomTimeoutError);
    expect(gateway.heads).toHaveLength(1);
  });
});

describe('timeouts and dropped connections', () => {
  it('times out an attempt that gets no answer, retries it, then throws AntomTimeoutError', async () => {
    gateway.script(hang, hang);
    const { client, records } = makeClient({ timeoutMs: 150, maxRetries: 1 });
    const started = performance.now();
    const error = await client.pay(payRequest()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AntomTimeoutError);
    expect(error).toMatchObject({ type: 'timeout', code: 'TIMEOUT', timeoutMs: 150 });
    expect(isOutcomeUnknown(error)).toBe(true);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(gateway.requests).toHaveLength(2);
    expectIdenticalResends();
    expect(records.map((r) => r.error?.code)).toEqual(['TIMEOUT', 'TIMEOUT']);
  });

  it('uses the per-call timeout over the client default', async () => {
    gateway.script(hang);
    const { client } = makeClient({ timeoutMs: 60_000 });
    const error = await client
      .inquiryPayment({ paymentId: 'p1' }, { timeoutMs: 100, maxRetries: 0 })
      .catch((e) => e);
    expect(error).toMatchObject({ timeoutMs: 100 });
  });

  it('times out when the headers arrive but the body stalls', async () => {
    gateway.script(stallBody, result('S', 'SUCCESS'));
    const { client } = makeClient({ timeoutMs: 150 });
    expect(await client.cancel(cancelRequest)).toMatchObject({ kind: 'cancelled' });
    expect(gateway.requests).toHaveLength(2);
  });

  it('retries a connection dropped before the request body was read', async () => {
    gateway.script(dropBeforeBody, result('U', 'PAYMENT_IN_PROCESS', { paymentId: 'p1' }));
    const { client, records } = makeClient();
    expect(await client.pay(payRequest())).toMatchObject({ kind: 'created' });
    expect(gateway.heads).toHaveLength(2);
    expect(records[0]?.error).toBeInstanceOf(AntomTransportError);
    expect(records[0]?.error?.code).toBe('NETWORK_ERROR');
  });

  it('retries a connection dropped after the request was received, resending the same bytes', async () => {
    gateway.script(dropAfterRequest, result('U', 'PAYMENT_IN_PROCESS', { paymentId: 'p1' }));
    const { client } = makeClient();
    expect(await client.pay(payRequest())).toMatchObject({ kind: 'created', paymentId: 'p1' });
    expect(gateway.requests).toHaveLength(2);
    expectIdenticalResends();
  });

  it('retries a connection dropped in the middle of the response body', async () => {
    gateway.script(dropMidResponse, result('S', 'SUCCESS'));
    const { client, records } = makeClient();
    expect(await client.cancel(cancelRequest)).toMatchObject({ kind: 'cancelled' });
    expect(records[0]?.error).toBeInstanceOf(AntomTransportError);
  });

  it('throws a transport error when nothing listens on the gateway port', async () => {
    const port = await closedPort();
    const { client, sleeps } = makeClient({ gatewayUrl: `http://127.0.0.1:${port}`, maxRetries: 1 });
    const error = await client.cancel(cancelRequest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AntomTransportError);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', httpStatus: undefined });
    expect(sleeps).toHaveLength(1);
  });
});

describe('the onCall audit hook', () => {
  it('records every exchange with the exact bodies, status, result and duration', async () => {
    let clock = 0;
    gateway.script(plain(503, 'busy'), result('U', 'UNKNOWN_EXCEPTION'), result('F', 'ORDER_IS_CLOSED'));
    const { client, records } = makeClient({ now: () => (clock += 5) });
    await client.pay(payRequest());
    expect(records).toHaveLength(3);
    const sent = payRequest();
    expect(records.map((r) => r.attempt)).toEqual([1, 2, 3]);
    for (const [i, record] of records.entries()) {
      expect(record.api).toBe('pay');
      expect(record.path).toBe('/ams/sandbox/api/v1/payments/pay');
      expect(record.requestBody).toBe(JSON.stringify(sent));
      expect(Buffer.from(record.requestBody).equals(gateway.requests[i]!.rawBody)).toBe(true);
      expect(record.requestTime).toBe(gateway.requests[i]!.headers['request-time']);
      expect(record.durationMs).toBe(5);
    }
    expect(records[0]).toMatchObject({ httpStatus: 503, responseBody: 'busy', result: undefined });
    expect(records[0]?.error).toMatchObject({ code: 'HTTP_503' });
    expect(records[1]).toMatchObject({
      httpStatus: 200,
      result: { resultCode: 'UNKNOWN_EXCEPTION' },
      error: undefined,
    });
    expect(records[2]?.result).toMatchObject({ resultStatus: 'F', resultCode: 'ORDER_IS_CLOSED' });
    expect(JSON.parse(records[2]!.responseBody!)).toMatchObject({
      result: { resultCode: 'ORDER_IS_CLOSED' },
    });
  });

  it('records a rejected signature as an error with the body that was refused', async () => {
    gateway.script(result('S', 'SUCCESS', {}, { tamper: (b) => b.replace('SUCCESS', 'SUCCESX') }));
    const { client, records } = makeClient();
    await expect(client.cancel(cancelRequest)).rejects.toBeInstanceOf(AntomSignatureError);
    expect(records).toHaveLength(1);
    expect(records[0]?.error?.code).toBe('SIGNATURE_INVALID');
    expect(records[0]?.responseBody).toContain('SUCCESX');
    expect(records[0]?.result).toBeUndefined();
  });

  it('also hands each exchange to the call’s own hook, after the client’s, even if the first throws', async () => {
    gateway.script(result('U', 'UNKNOWN_EXCEPTION'), result('S', 'SUCCESS'));
    const order: string[] = [];
    const { client } = makeClient({
      onCall: () => {
        order.push('client');
        throw new Error('audit store down');
      },
    });
    const mine: AntomCallRecord[] = [];
    await client.cancel(cancelRequest, {
      onCall: (record) => {
        order.push('call');
        mine.push(record);
      },
    });
    expect(mine.map((r) => [r.api, r.attempt])).toEqual([
      ['cancel', 1],
      ['cancel', 2],
    ]);
    expect(order).toEqual(['client', 'call', 'client', 'call']);
  });

  it('cannot break a call by throwing', async () => {
    const { client } = makeClient({
      onCall: () => {
        throw new Error('audit store down');
      },
    });
    expect(await client.cancel(cancelRequest)).toMatchObject({ kind: 'cancelled' });
  });
});

/** A port that was free a moment ago and has nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
