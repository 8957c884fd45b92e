// Antom → merchant notifications (D2.9; docs/antom-notes.md §1.3, §2.4): verify the raw body with the
// notify path, client-id and request-time; parse into typed events; answer the fixed acknowledgement.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AntomNotificationError,
  AntomSignatureError,
  loadPrivateKey,
  loadPublicKey,
  NOTIFICATION_ACK,
  notificationAck,
  notifyPathsOf,
  parseNotification,
  signNotification,
  verifyNotification,
  type AntomNotification,
} from '../src/index.ts';
import { vectorCase, vectors } from './helpers/vectors.helper.ts';

const CLIENT_ID = 'SANDBOX_5YBC2Z2ZF4KL03142';
const NOTIFY_PATH = '/api/v1/antom/notify';
const gatewayPrivate = loadPrivateKey(vectors.keys.gatewayPrivateKeyPem);
const gatewayPublic = loadPublicKey(vectors.keys.gatewayPublicKeyPem);
const merchantPrivate = loadPrivateKey(vectors.keys.merchantPrivateKeyPem);

const paymentResult = {
  notifyType: 'PAYMENT_RESULT',
  result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
  paymentRequestId: 'att_1',
  paymentId: 'pay_1',
  paymentAmount: { currency: 'THB', value: '150000' },
  paymentTime: '2026-11-25T19:41:07+08:00',
};

/** A notification signed the way Antom signs it, as headers plus the raw body. */
function signed(
  body: unknown,
  overrides: { clientId?: string; path?: string; key?: typeof gatewayPrivate } = {},
) {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = signNotification({
    body: rawBody,
    notifyPath: overrides.path ?? NOTIFY_PATH,
    clientId: overrides.clientId ?? CLIENT_ID,
    requestTime: '2026-11-25T11:41:08Z',
    privateKey: overrides.key ?? gatewayPrivate,
  });
  return { rawBody, headers: headers as Record<string, string | undefined> };
}

function verify(input: ReturnType<typeof signed>, notifyPath = NOTIFY_PATH): AntomNotification {
  return verifyNotification({ ...input, notifyPath, clientId: CLIENT_ID, antomPublicKey: gatewayPublic });
}

describe('verifyNotification', () => {
  it('accepts the openssl-signed PAYMENT_RESULT vector and parses it', () => {
    const c = vectorCase('notification:');
    const event = verifyNotification({
      rawBody: Buffer.from(c.body, 'utf8'),
      headers: { 'client-id': c.clientId, 'request-time': c.time, signature: c.signatureHeader },
      notifyPath: c.path,
      clientId: CLIENT_ID,
      antomPublicKey: vectors.keys.gatewayPublicKeyBase64,
    });
    expect(event).toMatchObject({
      type: 'PAYMENT_RESULT',
      outcome: 'succeeded',
      paymentRequestId: 'pay_01JD5Q8R6W3N4',
      paymentId: '20261125194000000000000001',
      paymentAmount: { currency: 'THB', value: '150000' },
      paymentTime: '2026-11-25T19:41:07+08:00',
    });
  });

  it('reads headers in any case and as arrays, and the body as a string or bytes', () => {
    const { rawBody, headers } = signed(paymentResult);
    const mixed = {
      'Client-Id': [headers['client-id']!],
      'REQUEST-TIME': headers['request-time'],
      Signature: headers['signature'],
    };
    const event = verifyNotification({
      rawBody: new TextEncoder().encode(rawBody),
      headers: mixed,
      notifyPath: NOTIFY_PATH,
      clientId: CLIENT_ID,
      antomPublicKey: gatewayPublic,
    });
    expect(event.type).toBe('PAYMENT_RESULT');
  });

  it('accepts the full notify URL in place of its path', () => {
    expect(verify(signed(paymentResult), `https://shop.example${NOTIFY_PATH}`).type).toBe('PAYMENT_RESULT');
  });

  it.each<[string, (n: ReturnType<typeof signed>) => ReturnType<typeof signed>, string]>([
    [
      'a missing signature',
      (n) => ({ ...n, headers: { ...n.headers, signature: undefined } }),
      'SIGNATURE_MISSING',
    ],
    [
      'a missing request-time',
      (n) => ({ ...n, headers: { ...n.headers, 'request-time': undefined } }),
      'SIGNATURE_TIME_MISSING',
    ],
    [
      'a missing client-id',
      (n) => ({ ...n, headers: { ...n.headers, 'client-id': undefined } }),
      'CLIENT_ID_MISSING',
    ],
    [
      'a tampered body',
      (n) => ({ ...n, rawBody: n.rawBody.replace('150000', '150001') }),
      'SIGNATURE_INVALID',
    ],
    [
      'a re-serialised body',
      (n) => ({ ...n, rawBody: JSON.stringify(JSON.parse(n.rawBody), null, 2) }),
      'SIGNATURE_INVALID',
    ],
    [
      'another request-time',
      (n) => ({ ...n, headers: { ...n.headers, 'request-time': '1' } }),
      'SIGNATURE_INVALID',
    ],
    [
      'a signature by the merchant key',
      () => signed(paymentResult, { key: merchantPrivate }),
      'SIGNATURE_INVALID',
    ],
    [
      'a signature over another path',
      () => signed(paymentResult, { path: '/proxy/notify' }),
      'SIGNATURE_INVALID',
    ],
    [
      'a client-id header changed after signing',
      (n) => ({ ...n, headers: { ...n.headers, 'client-id': 'SANDBOX_OTHER' } }),
      'SIGNATURE_INVALID',
    ],
  ])('rejects %s with AntomSignatureError', (_name, change, code) => {
    const error = catchError(() => verify(change(signed(paymentResult))));
    expect(error).toBeInstanceOf(AntomSignatureError);
    expect(error).toMatchObject({ code });
  });

  it('rejects a correctly signed notification for another client id', () => {
    const error = catchError(() => verify(signed(paymentResult, { clientId: 'SANDBOX_SOMEONE_ELSE' })));
    expect(error).toBeInstanceOf(AntomNotificationError);
    expect(error).toMatchObject({ code: 'CLIENT_ID_MISMATCH', type: 'notification' });
  });

  it('rejects a signed body that is not JSON', () => {
    expect(catchError(() => verify(signed('not json')))).toMatchObject({ code: 'NOTIFICATION_MALFORMED' });
  });

  // D13.4: a notify URL with a query string. Antom's pages do not say whether the query is
  // signed (docs/antom-notes.md §10.7); a signature over either form is Antom's over the same body, so both
  // verify.
  it.each([
    ['the path with its query', '/api/v1/antom/notify?tenant=shop-1'],
    ['the bare path', NOTIFY_PATH],
  ])('verifies a notification for a notify URL with a query string, signed over %s', (_name, path) => {
    const notification = signed(paymentResult, { path });
    for (const notifyPath of [
      'https://shop.example/api/v1/antom/notify?tenant=shop-1',
      '/api/v1/antom/notify?tenant=shop-1',
    ]) {
      expect(verify(notification, notifyPath)).toMatchObject({ type: 'PAYMENT_RESULT' });
    }
  });

  it('still refuses a signature over another query or path when the notify URL has a query string', () => {
    for (const path of ['/api/v1/antom/notify?tenant=shop-2', '/api/v1/antom/other?tenant=shop-1']) {
      const error = catchError(() =>
        verify(signed(paymentResult, { path }), 'https://shop.example/api/v1/antom/notify?tenant=shop-1'),
      );
      expect(error).toMatchObject({ code: 'SIGNATURE_INVALID' });
    }
  });
});

describe('notifyPathsOf', () => {
  it('lists the path with its query first, then the bare path', () => {
    expect(notifyPathsOf('https://shop.example/n?k=1&b=2')).toEqual(['/n?k=1&b=2', '/n']);
    expect(notifyPathsOf('/n?k=1')).toEqual(['/n?k=1', '/n']);
    expect(notifyPathsOf('https://shop.example/api/v1/antom/notify')).toEqual(['/api/v1/antom/notify']);
    expect(notifyPathsOf('/api/v1/antom/notify')).toEqual(['/api/v1/antom/notify']);
  });
});

describe('parseNotification', () => {
  it('PAYMENT_RESULT with F is a failed payment with the reason code', () => {
    const event = parseNotification({
      ...paymentResult,
      result: { resultCode: 'USER_BALANCE_NOT_ENOUGH', resultStatus: 'F', resultMessage: 'balance' },
      paymentTime: undefined,
    });
    expect(event).toMatchObject({
      type: 'PAYMENT_RESULT',
      outcome: 'failed',
      result: { resultCode: 'USER_BALANCE_NOT_ENOUGH' },
      paymentTime: undefined,
    });
  });

  it('PAYMENT_PENDING is its own event: still processing, whatever the letter', () => {
    const event = parseNotification({ ...paymentResult, notifyType: 'PAYMENT_PENDING' });
    expect(event).toMatchObject({
      type: 'PAYMENT_PENDING',
      paymentId: 'pay_1',
      result: { resultStatus: 'S' },
    });
    expect(event).not.toHaveProperty('outcome');
  });

  it('REFUND_RESULT carries the refund ids, amount and outcome from refundStatus', () => {
    const refund = {
      notifyType: 'REFUND_RESULT',
      result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
      refundStatus: 'SUCCESS',
      refundRequestId: 'ref_1',
      refundId: 'r_1',
      paymentId: 'pay_1',
      refundAmount: { currency: 'SGD', value: '500' },
      refundTime: '2026-11-25T20:00:00+08:00',
    };
    expect(parseNotification(refund)).toMatchObject({
      type: 'REFUND_RESULT',
      outcome: 'succeeded',
      refundRequestId: 'ref_1',
      refundId: 'r_1',
      refundAmount: { currency: 'SGD', value: '500' },
      refundTime: '2026-11-25T20:00:00+08:00',
    });
    expect(parseNotification({ ...refund, refundStatus: 'FAIL', refundTime: undefined })).toMatchObject({
      outcome: 'failed',
      refundTime: undefined,
    });
    const { refundStatus: _omitted, ...withoutStatus } = refund;
    expect(
      parseNotification({ ...withoutStatus, result: { resultCode: 'REFUND_FAIL', resultStatus: 'F' } }),
    ).toMatchObject({ outcome: 'failed' });
  });

  it('parses a verified type it does not interpret as OTHER, result and ids kept when present (D13.5)', () => {
    // OFFLINE_PAYMENT_CODE is a notifyType of Antom's in-store notifyPayment (docs.antom.com/ac/ams/paymentrn).
    expect(
      parseNotification({ notifyType: 'OFFLINE_PAYMENT_CODE', paymentRequestId: 'att_9', paymentId: 'p9' }),
    ).toMatchObject({
      type: 'OTHER',
      notifyType: 'OFFLINE_PAYMENT_CODE',
      result: undefined,
      paymentRequestId: 'att_9',
      paymentId: 'p9',
    });
    const capture = parseNotification({ ...paymentResult, notifyType: 'CAPTURE_RESULT' });
    expect(capture).toMatchObject({
      type: 'OTHER',
      notifyType: 'CAPTURE_RESULT',
      result: { resultCode: 'SUCCESS', resultStatus: 'S' },
    });
    expect(parseNotification({ notifyType: 'X', result: { resultStatus: 'Q' } })).toMatchObject({
      type: 'OTHER',
      result: undefined,
      paymentRequestId: undefined,
    });
  });

  it('accepts amounts in currencies outside the exponent table (Antom would otherwise resend for 24 h)', () => {
    const event = parseNotification({ ...paymentResult, paymentAmount: { currency: 'HUF', value: '1000' } });
    expect(event).toMatchObject({ paymentAmount: { currency: 'HUF', value: '1000' } });
  });

  it.each<[string, unknown, string]>([
    ['a non-object', [], 'NOTIFICATION_MALFORMED'],
    ['null', null, 'NOTIFICATION_MALFORMED'],
    ['no notifyType', { ...paymentResult, notifyType: undefined }, 'NOTIFICATION_MALFORMED'],
    ['no result', { ...paymentResult, result: undefined }, 'NOTIFICATION_MALFORMED'],
    [
      'a result letter outside S/F/U',
      { ...paymentResult, result: { resultCode: 'X', resultStatus: 'Q' } },
      'NOTIFICATION_MALFORMED',
    ],
    [
      'a PAYMENT_RESULT with U',
      { ...paymentResult, result: { resultCode: 'X', resultStatus: 'U' } },
      'NOTIFICATION_MALFORMED',
    ],
    ['no paymentId', { ...paymentResult, paymentId: '' }, 'NOTIFICATION_MALFORMED'],
    ['no paymentRequestId', { ...paymentResult, paymentRequestId: undefined }, 'NOTIFICATION_MALFORMED'],
    [
      'a number amount',
      { ...paymentResult, paymentAmount: { currency: 'THB', value: 150000 } },
      'NOTIFICATION_MALFORMED',
    ],
    [
      'a decimal amount',
      { ...paymentResult, paymentAmount: { currency: 'THB', value: '1500.00' } },
      'NOTIFICATION_MALFORMED',
    ],
    ['no amount', { ...paymentResult, paymentAmount: undefined }, 'NOTIFICATION_MALFORMED'],
    [
      'a REFUND_RESULT still processing',
      {
        notifyType: 'REFUND_RESULT',
        result: { resultCode: 'X', resultStatus: 'U' },
        refundRequestId: 'a',
        refundId: 'b',
        refundAmount: { currency: 'SGD', value: '1' },
      },
      'NOTIFICATION_MALFORMED',
    ],
  ])('rejects %s', (_name, body, code) => {
    const error = catchError(() => parseNotification(body));
    expect(error).toBeInstanceOf(AntomNotificationError);
    expect(error).toMatchObject({ code });
  });
});

describe('the acknowledgement', () => {
  it('is the fixed body Antom documents', () => {
    expect(JSON.parse(NOTIFICATION_ACK)).toEqual({
      result: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
    });
    expect(notificationAck()).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      body: NOTIFICATION_ACK,
    });
  });
});

describe('a notify endpoint over real HTTP', () => {
  let server: Server;
  let url: string;
  const events: AntomNotification[] = [];

  beforeAll(async () => {
    // The handler verifies the raw bytes before any JSON parsing, then acknowledges.
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      try {
        events.push(
          verifyNotification({
            rawBody: Buffer.concat(chunks),
            headers: req.headers,
            notifyPath: new URL(req.url ?? '/', 'http://x').pathname,
            clientId: CLIENT_ID,
            antomPublicKey: gatewayPublic,
          }),
        );
        const ack = notificationAck();
        res.writeHead(ack.status, ack.headers).end(ack.body);
      } catch (error) {
        res.writeHead(400).end((error as Error).name);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('verifies the openssl-signed vector as sent by Antom and answers the ACK', async () => {
    const c = vectorCase('notification:');
    const response = await fetch(url + c.path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=UTF-8',
        'client-id': c.clientId,
        'request-time': c.time,
        signature: c.signatureHeader,
      },
      body: c.body,
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(NOTIFICATION_ACK);
    expect(events.at(-1)).toMatchObject({ type: 'PAYMENT_RESULT', paymentId: '20261125194000000000000001' });
  });

  it('refuses the same notification delivered to another path', async () => {
    const c = vectorCase('notification:');
    const response = await fetch(`${url}/other/notify`, {
      method: 'POST',
      headers: { 'client-id': c.clientId, 'request-time': c.time, signature: c.signatureHeader },
      body: c.body,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('AntomSignatureError');
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
