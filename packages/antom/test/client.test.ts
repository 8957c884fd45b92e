// The client over real HTTP (D2.5–D2.7 and D2.12): what goes on the wire, how answers are verified,
// and how they become typed outcomes. The fake gateway checks signatures with node:crypto on its side.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AntomClient,
  AntomConfigError,
  AntomGatewayError,
  AntomSignatureError,
  AntomTransportError,
  fetchTransport,
  type AntomApi,
  type AntomClientOptions,
  type PayRequest,
} from '../src/index.ts';
import {
  answer,
  FakeGateway,
  MERCHANT_PRIVATE_KEY,
  plain,
  result,
  type ReceivedRequest,
} from './helpers/fake-gateway.helper.ts';
import {
  cancelRequest,
  consultRequest,
  inquiryPaymentRequest,
  inquiryRefundRequest,
  LIVE_CLIENT_ID,
  payRequest,
  refundRequest,
  SANDBOX_CLIENT_ID,
} from './helpers/requests.helper.ts';
import { vectors } from './helpers/vectors.helper.ts';

let gateway: FakeGateway;
beforeAll(async () => {
  gateway = await FakeGateway.start();
});
afterAll(async () => {
  await gateway.close();
});
beforeEach(() => gateway.reset());

function makeClient(overrides: Partial<AntomClientOptions> = {}): { client: AntomClient; sleeps: number[] } {
  const sleeps: number[] = [];
  const client = new AntomClient({
    clientId: SANDBOX_CLIENT_ID,
    privateKey: vectors.keys.merchantPrivateKeyPem,
    antomPublicKey: vectors.keys.gatewayPublicKeyPem,
    gatewayUrl: gateway.url,
    timeoutMs: 2_000,
    maxRetries: 2,
    backoffMs: 10,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
  return { client, sleeps };
}

function only(requests: ReceivedRequest[]): ReceivedRequest {
  expect(requests).toHaveLength(1);
  return requests[0]!;
}

const calls: Array<[AntomApi, string, (client: AntomClient) => Promise<{ kind: string }>, unknown]> = [
  ['consult', 'consult', (c) => c.consult(consultRequest), consultRequest],
  ['pay', 'pay', (c) => c.pay(payRequest()), payRequest()],
  ['inquiryPayment', 'inquiryPayment', (c) => c.inquiryPayment(inquiryPaymentRequest), inquiryPaymentRequest],
  ['cancel', 'cancel', (c) => c.cancel(cancelRequest), cancelRequest],
  ['refund', 'refund', (c) => c.refund(refundRequest), refundRequest],
  ['inquiryRefund', 'inquiryRefund', (c) => c.inquiryRefund(inquiryRefundRequest), inquiryRefundRequest],
];

describe('requests on the wire', () => {
  it.each(calls)(
    '%s: signs the exact bytes it sends (the server verifies them with the merchant public key)',
    async (_api, endpoint, call, request) => {
      const { client } = makeClient();
      await call(client);
      const received = only(gateway.requests);
      expect(received.method).toBe('POST');
      expect(received.path).toBe(`/ams/sandbox/api/v1/payments/${endpoint}`);
      expect(received.signatureValid).toBe(true);
      expect(received.rawBody.equals(Buffer.from(JSON.stringify(request), 'utf8'))).toBe(true);
      expect(received.headers['content-type']).toBe('application/json; charset=UTF-8');
      expect(received.headers['client-id']).toBe(SANDBOX_CLIENT_ID);
      expect(received.headers['signature']).toMatch(
        /^algorithm=RSA256,keyVersion=1,signature=[A-Za-z0-9%._~-]+$/,
      );
    },
  );

  it('signs off the event loop: other work runs while the RSA signature is made (D17.3)', async () => {
    // Signing synchronously blocked the whole server for each call (the sweeper's inquiries held up
    // confirms); on the thread pool, the loop turns before the request leaves.
    const order: string[] = [];
    const { client } = makeClient({
      transport: {
        post: async (url, headers, body, options) => {
          order.push('sent');
          return fetchTransport.post(url, headers, body, options);
        },
      },
    });
    const paid = client.pay(payRequest());
    order.push('returned');
    setImmediate(() => order.push('loop turned'));
    await paid;
    expect(order).toEqual(['returned', 'loop turned', 'sent']);
    expect(only(gateway.requests).signatureValid).toBe(true);
  });

  it('calls and signs the /ams/api paths for a live client id', async () => {
    const { client } = makeClient({ clientId: LIVE_CLIENT_ID });
    await client.pay(payRequest());
    const received = only(gateway.requests);
    expect(received.path).toBe('/ams/api/v1/payments/pay');
    expect(received.signatureValid).toBe(true);
  });

  it('sends the UTF-8 body byte for byte, non-ASCII text included', async () => {
    const { client } = makeClient();
    await client.pay(payRequest());
    const received = only(gateway.requests);
    expect(received.json).toEqual(payRequest());
    expect(received.rawBody.toString('utf8')).toContain('ชาเย็น × 2 — café crème');
    expect(Number(received.headers['content-length'])).toBe(received.rawBody.length);
  });

  it('sends request-time as epoch milliseconds by default and as ISO-8601 when asked', async () => {
    const now = () => Date.UTC(2026, 10, 25, 12, 0, 0, 123);
    await makeClient({ now }).client.inquiryPayment(inquiryPaymentRequest);
    await makeClient({ now, requestTimeFormat: 'iso' }).client.inquiryPayment(inquiryPaymentRequest);
    expect(gateway.requests.map((r) => r.headers['request-time'])).toEqual([
      '1795608000123',
      '2026-11-25T12:00:00Z',
    ]);
    expect(gateway.requests.every((r) => r.signatureValid)).toBe(true);
  });

  it('sends the configured keyVersion', async () => {
    await makeClient({ keyVersion: '3' }).client.cancel(cancelRequest);
    expect(only(gateway.requests).headers['signature']).toMatch(/^algorithm=RSA256,keyVersion=3,signature=/);
  });

  it('ignores any path on gatewayUrl: the signed path is the API path on the host', async () => {
    const { client } = makeClient({ gatewayUrl: `${gateway.url}/some/prefix?x=1` });
    expect(client.gatewayUrl).toBe(gateway.url);
    await client.cancel(cancelRequest);
    expect(only(gateway.requests).path).toBe('/ams/sandbox/api/v1/payments/cancel');
  });
});

describe('every scalar is sent as a string', () => {
  const bad: Array<[string, PayRequest]> = [
    [
      'a number amount value',
      payRequest({ paymentAmount: { currency: 'THB', value: 15000 as unknown as string } }),
    ],
    [
      'a number inside an array',
      payRequest({
        order: {
          ...payRequest().order,
          goods: [{ referenceGoodsId: 'g', goodsName: 'n', goodsQuantity: 2 as unknown as string }],
        },
      }),
    ],
    ['a boolean', { ...payRequest(), metadata: true as unknown as string }],
    ['a null', { ...payRequest(), paymentNotifyUrl: null as unknown as string }],
  ];

  it.each(bad)('refuses %s before anything is sent', async (_name, request) => {
    const { client } = makeClient();
    const error = await client.pay(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AntomConfigError);
    expect(error).toMatchObject({ code: 'NON_STRING_SCALAR', type: 'config' });
    expect(gateway.heads).toHaveLength(0);
  });

  it('refuses a boolean refund flag and names the field', async () => {
    const { client } = makeClient();
    const request = { ...refundRequest, isAsyncRefund: true as unknown as 'true' };
    await expect(client.refund(request)).rejects.toThrow(/refund\.isAsyncRefund must be sent as a string/);
    expect(gateway.heads).toHaveLength(0);
  });

  it('leaves out undefined optional fields, as JSON does', async () => {
    const { client } = makeClient();
    await client.pay({ ...payRequest(), paymentExpiryTime: undefined });
    expect(only(gateway.requests).rawBody.toString()).not.toContain('paymentExpiryTime');
  });

  it.each([
    ['pay without paymentRequestId', (c: AntomClient) => c.pay(payRequest({ paymentRequestId: '' }))],
    ['inquiryPayment without ids', (c: AntomClient) => c.inquiryPayment({} as never)],
    ['cancel without ids', (c: AntomClient) => c.cancel({} as never)],
    ['refund without paymentId', (c: AntomClient) => c.refund({ ...refundRequest, paymentId: '' })],
    ['inquiryRefund without ids', (c: AntomClient) => c.inquiryRefund({} as never)],
  ])('refuses %s before sending', async (_name, call) => {
    await expect(call(makeClient().client)).rejects.toMatchObject({ code: 'PARAM_MISSING' });
    expect(gateway.heads).toHaveLength(0);
  });
});

describe('typed outcomes over HTTP', () => {
  it('pay: U + PAYMENT_IN_PROCESS is "created, show the code", with the paymentId and code form', async () => {
    const { client } = makeClient();
    const outcome = await client.pay(payRequest());
    expect(outcome).toMatchObject({
      kind: 'created',
      status: 'U',
      resultCode: 'PAYMENT_IN_PROCESS',
      paymentId: 'pay_antom_1',
    });
    if (outcome.kind !== 'created') throw new Error('unreachable');
    expect(outcome.response.orderCodeForm?.codeDetails[0]?.displayType).toBe('TEXT');
    expect(gateway.requests).toHaveLength(1);
  });

  it('pay: F is "failed, here is why", with a gateway error carrying the code, and is not retried', async () => {
    gateway.script(result('F', 'RISK_REJECT'));
    const { client, sleeps } = makeClient();
    const outcome = await client.pay(payRequest());
    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') throw new Error('unreachable');
    expect(outcome.error).toBeInstanceOf(AntomGatewayError);
    expect(outcome.error).toMatchObject({ code: 'RISK_REJECT', resultStatus: 'F', type: 'gateway' });
    expect(gateway.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('pay: a U that is not in process, still U after every retry, is "unknown, ask again"', async () => {
    gateway.script(...Array.from({ length: 3 }, () => result('U', 'UNKNOWN_EXCEPTION')));
    const { client } = makeClient();
    const outcome = await client.pay(payRequest());
    expect(outcome).toMatchObject({ kind: 'unknown', status: 'U', resultCode: 'UNKNOWN_EXCEPTION' });
    expect(gateway.requests).toHaveLength(3);
  });

  it('inquiryPayment: reports the payment status, and ORDER_NOT_EXIST as not found', async () => {
    gateway.script(
      result('S', 'SUCCESS', {
        paymentStatus: 'SUCCESS',
        paymentId: 'p1',
        paymentTime: '2026-11-25T12:01:00+07:00',
      }),
      result('F', 'ORDER_NOT_EXIST'),
    );
    const { client } = makeClient();
    expect(await client.inquiryPayment(inquiryPaymentRequest)).toMatchObject({
      kind: 'found',
      paymentStatus: 'SUCCESS',
    });
    expect(await client.inquiryPayment(inquiryPaymentRequest)).toMatchObject({
      kind: 'failed',
      notFound: true,
    });
  });

  it('cancel, refund, inquiryRefund and consult answer their own outcome kinds', async () => {
    gateway.script(
      result('S', 'SUCCESS', { cancelTime: '2026-11-25T12:05:00+07:00' }),
      result('S', 'SUCCESS', { refundId: 'r1' }),
      result('U', 'REFUND_IN_PROCESS', { refundId: 'r2' }),
      result('S', 'SUCCESS', { refundStatus: 'PROCESSING' }),
      result('S', 'SUCCESS', { paymentOptions: [{ paymentMethodType: 'PAYNOW', enabled: true }] }),
    );
    const { client } = makeClient();
    expect(await client.cancel(cancelRequest)).toMatchObject({ kind: 'cancelled' });
    expect(await client.refund(refundRequest)).toMatchObject({ kind: 'succeeded', refundId: 'r1' });
    expect(await client.refund(refundRequest)).toMatchObject({ kind: 'processing', refundId: 'r2' });
    expect(await client.inquiryRefund(inquiryRefundRequest)).toMatchObject({
      kind: 'found',
      refundStatus: 'PROCESSING',
    });
    const consult = await client.consult(consultRequest);
    expect(consult).toMatchObject({ kind: 'ok' });
    expect(consult.response.paymentOptions?.[0]?.paymentMethodType).toBe('PAYNOW');
  });
});

describe('responses are verified and fail closed', () => {
  async function payError(...steps: Parameters<FakeGateway['script']>): Promise<unknown> {
    gateway.script(...steps);
    return makeClient()
      .client.pay(payRequest())
      .then(
        (outcome) => ({ unexpectedOutcome: outcome }),
        (error: unknown) => error,
      );
  }

  it.each([
    ['a missing signature header', { omitSignature: true }, 'SIGNATURE_MISSING'],
    ['a missing response-time header', { omitResponseTime: true }, 'SIGNATURE_TIME_MISSING'],
    [
      'a tampered body',
      { tamper: (b: string) => b.replace('PAYMENT_IN_PROCESS', 'SUCCESS') },
      'SIGNATURE_INVALID',
    ],
    ['a body signed by the wrong key', { signWith: MERCHANT_PRIVATE_KEY }, 'SIGNATURE_INVALID'],
    [
      'a signature over another path',
      { signPath: '/ams/sandbox/api/v1/payments/cancel' },
      'SIGNATURE_INVALID',
    ],
    ['a signature over another response-time', { headers: { 'response-time': '1' } }, 'SIGNATURE_INVALID'],
    [
      'a response for another client id',
      { clientIdHeader: 'SANDBOX_SOMEONE_ELSE', signClientId: 'SANDBOX_SOMEONE_ELSE' },
      'CLIENT_ID_MISMATCH',
    ],
    [
      'a response signed for another client id under our client-id header',
      { signClientId: 'SANDBOX_SOMEONE_ELSE' },
      'SIGNATURE_INVALID',
    ],
    [
      'a malformed signature header',
      { headers: { signature: 'algorithm=RSA256,keyVersion=1' } },
      'SIGNATURE_MALFORMED',
    ],
  ])('rejects %s with AntomSignatureError and does not retry', async (_name, options, code) => {
    const body = { result: { resultCode: 'PAYMENT_IN_PROCESS', resultStatus: 'U' }, paymentId: 'p1' };
    const error = await payError(answer(body, options));
    expect(error).toBeInstanceOf(AntomSignatureError);
    expect(error).toMatchObject({ code, type: 'signature' });
    expect(gateway.requests).toHaveLength(1);
  });

  it('accepts a response without a client-id header when the signature (over our id) holds', async () => {
    gateway.script(result('S', 'SUCCESS', {}, { clientIdHeader: null }));
    expect(await makeClient().client.cancel(cancelRequest)).toMatchObject({ kind: 'cancelled' });
  });

  it('treats a signed body that is not JSON as a transport error, not retried', async () => {
    const error = await payError(answer('<html>oops</html>'));
    expect(error).toBeInstanceOf(AntomTransportError);
    expect(error).toMatchObject({ type: 'transport', code: 'RESPONSE_MALFORMED', httpStatus: 200 });
    expect(gateway.requests).toHaveLength(1);
  });

  it('rejects an unsigned non-JSON 200 body on its missing signature', async () => {
    const error = await payError(plain(200, '<html>captive portal</html>'));
    expect(error).toMatchObject({ code: 'SIGNATURE_MISSING' });
  });

  it('treats a signed JSON body without a valid result as a transport error', async () => {
    const error = await payError(answer({ result: { resultCode: 'X', resultStatus: 'Q' } }));
    expect(error).toBeInstanceOf(AntomTransportError);
    expect(error).toMatchObject({
      code: 'RESPONSE_MALFORMED',
      message: expect.stringContaining('valid result'),
    });
  });

  it('treats a non-200 status as a transport error even when the body is signed', async () => {
    const error = await payError(result('S', 'SUCCESS', {}, { status: 400 }));
    expect(error).toBeInstanceOf(AntomTransportError);
    expect(error).toMatchObject({ code: 'HTTP_400', httpStatus: 400 });
    expect(gateway.requests).toHaveLength(1); // 4xx other than 408/429 is not retried
  });

  it('does not follow a redirect: it is a transport error, not retried', async () => {
    const error = await payError(plain(302, '', { location: `${gateway.url}/elsewhere` }));
    expect(error).toBeInstanceOf(AntomTransportError);
    expect(error).toMatchObject({ code: 'HTTP_302', httpStatus: 302 });
    expect(gateway.heads).toEqual(['/ams/sandbox/api/v1/payments/pay']);
  });
});

describe('client configuration', () => {
  it.each([
    ['an empty client id', { clientId: '' }, 'CLIENT_ID_MISSING'],
    ['a gateway URL that is not a URL', { gatewayUrl: 'open-sea-global.alipay.com' }, 'GATEWAY_URL_INVALID'],
    [
      'a gateway URL that is not http(s)',
      { gatewayUrl: 'ftp://open-sea-global.alipay.com' },
      'GATEWAY_URL_INVALID',
    ],
    ['a private key that is not a key', { privateKey: 'not a key' }, 'INVALID_PRIVATE_KEY'],
    [
      'a public key given as the private key',
      { privateKey: vectors.keys.merchantPublicKeyPem },
      'INVALID_PRIVATE_KEY',
    ],
    [
      'an Antom public key that is not a key',
      { antomPublicKey: '@/nonexistent/antom.pem' },
      'KEY_FILE_UNREADABLE',
    ],
    ['a zero timeout', { timeoutMs: 0 }, 'OPTION_INVALID'],
    ['unbounded retries', { maxRetries: Infinity }, 'OPTION_INVALID'],
    ['negative retries', { maxRetries: -1 }, 'OPTION_INVALID'],
    ['fractional retries', { maxRetries: 1.5 }, 'OPTION_INVALID'],
    ['more than 10 retries', { maxRetries: 11 }, 'OPTION_INVALID'],
    ['a negative backoff', { backoffMs: -5 }, 'OPTION_INVALID'],
  ])('refuses %s', (_name, options, code) => {
    expect(() => makeClient(options as Partial<AntomClientOptions>)).toThrow(
      expect.objectContaining({ code, type: 'config' }),
    );
  });

  it('accepts the dashboard base64 key forms', async () => {
    const { client } = makeClient({
      privateKey: vectors.keys.merchantPrivateKeyBase64,
      antomPublicKey: vectors.keys.gatewayPublicKeyBase64,
    });
    expect(await client.cancel(cancelRequest)).toMatchObject({ kind: 'cancelled' });
    expect(only(gateway.requests).signatureValid).toBe(true);
  });
});
