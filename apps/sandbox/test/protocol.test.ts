// The protocol surface (issue #3 points 1–2): both path prefixes, request verification, signed answers,
// the Antom-style refusals, and robustness against malformed requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AntomSignatureError, apiPath, generateKeyPair, type ConsultRequest } from '@paydesk/antom';
import {
  assertSignedAnswer,
  CLIENT_ID,
  payRequest,
  signedPost,
  startSandbox,
  testKeys,
  type Harness,
} from './helpers.ts';

const consult: ConsultRequest = {
  productCode: 'CASHIER_PAYMENT',
  paymentAmount: { currency: 'THB', value: '150000' },
  env: { terminalType: 'WEB' },
};
const consultBody = JSON.stringify(consult);

let h: Harness;
beforeAll(async () => {
  h = await startSandbox();
});
afterAll(() => h.close());

describe('request signatures', () => {
  it('accepts a request signed with the merchant key and signs its answer with the gateway key', async () => {
    const outcome = await h.client().consult(consult);
    expect(outcome.kind).toBe('ok');
    const path = '/ams/sandbox/api/v1/payments/consult';
    const raw = await signedPost(h.url, path, consultBody);
    expect(raw.status).toBe(200);
    expect(raw.headers.get('client-id')).toBe(CLIENT_ID);
    expect(raw.headers.get('response-time')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(raw.headers.get('signature')).toMatch(/^algorithm=RSA256,keyVersion=1,signature=[A-Za-z0-9%]+$/);
    expect(() => assertSignedAnswer(raw, path)).not.toThrow();
  });

  it.each([
    ['the live prefix', '/ams/api/v1/payments'],
    ['the sandbox prefix', '/ams/sandbox/api/v1/payments'],
  ])('serves all six APIs under %s', async (_name, prefix) => {
    for (const api of ['consult', 'pay', 'inquiryPayment', 'cancel', 'refund', 'inquiryRefund']) {
      const path = `${prefix}/${api}`;
      const raw = await signedPost(h.url, path, '{}');
      expect(raw.status).toBe(200);
      // An empty body is refused for a missing field, not for the path: the API exists there.
      expect(raw.json.result?.resultCode).toBe('PARAM_ILLEGAL');
      assertSignedAnswer(raw, path);
    }
  });

  it('answers INVALID_SIGNATURE, signed, when the request is signed with another key', async () => {
    const stranger = generateKeyPair();
    const outcome = await h.client({ privateKey: stranger.privateKeyPem }).pay(payRequest());
    expect(outcome.kind).toBe('failed');
    expect(outcome.status).toBe('F');
    expect(outcome.resultCode).toBe('INVALID_SIGNATURE');
    const { body } = await h.control<{ payments: unknown[] }>('GET', '/sandbox/api/payments');
    expect(body.payments).toHaveLength(0);
  });

  it('answers INVALID_SIGNATURE when the body was changed after signing', async () => {
    const path = '/ams/sandbox/api/v1/payments/consult';
    const raw = await signedPost(h.url, path, consultBody.replace('150000', '100'), {
      signedBody: consultBody,
    });
    expect(raw.json.result).toMatchObject({ resultCode: 'INVALID_SIGNATURE', resultStatus: 'F' });
    assertSignedAnswer(raw, path);
  });

  it('answers INVALID_SIGNATURE when the signature or request-time header is missing', async () => {
    const path = '/ams/sandbox/api/v1/payments/consult';
    for (const omit of ['signature', 'request-time'] as const) {
      const raw = await signedPost(h.url, path, consultBody, { omit: [omit] });
      expect(raw.status).toBe(200);
      expect(raw.json.result).toMatchObject({ resultCode: 'INVALID_SIGNATURE', resultStatus: 'F' });
      assertSignedAnswer(raw, path);
    }
  });

  it('answers KEY_NOT_FOUND for a keyVersion that is not registered', async () => {
    const outcome = await h.client({ keyVersion: '7' }).consult(consult);
    expect(outcome.kind).toBe('failed');
    expect(outcome.resultCode).toBe('KEY_NOT_FOUND');
  });

  it('answers INVALID_CLIENT, signed over the caller’s client id, for an unknown client id', async () => {
    const outcome = await h.client({ clientId: 'SANDBOX_SOMEONE_ELSE' }).consult(consult);
    expect(outcome.kind).toBe('failed');
    expect(outcome.resultCode).toBe('INVALID_CLIENT');
    const path = '/ams/sandbox/api/v1/payments/consult';
    const missing = await signedPost(h.url, path, consultBody, { omit: ['client-id'] });
    expect(missing.json.result?.resultCode).toBe('INVALID_CLIENT');
  });

  it('accepts ISO-8601 request times as well as epoch milliseconds', async () => {
    expect((await h.client({ requestTimeFormat: 'iso' }).consult(consult)).kind).toBe('ok');
    expect((await h.client({ requestTimeFormat: 'epoch-ms' }).consult(consult)).kind).toBe('ok');
  });

  it('uses the sandbox path for SANDBOX_ client ids, and that path is what gets signed', () => {
    expect(apiPath('pay', CLIENT_ID)).toBe('/ams/sandbox/api/v1/payments/pay');
  });
});

describe('answer signatures seen by the client', () => {
  it('makes the client reject an answer when it is configured with the wrong gateway key', async () => {
    const wrong = generateKeyPair();
    const client = h.client({ antomPublicKey: wrong.publicKeyPem });
    await expect(client.consult(consult)).rejects.toBeInstanceOf(AntomSignatureError);
  });

  it('lets the client verify answers with the gateway public key the sandbox publishes', async () => {
    expect(h.sandbox.gatewayPublicKeyPem.trim()).toBe(testKeys().gateway.publicKeyPem.trim());
    const { body } = await h.control<{ gatewayPublicKeyPem: string }>('GET', '/sandbox/api/info');
    expect(body.gatewayPublicKeyPem).toBe(h.sandbox.gatewayPublicKeyPem);
  });
});

describe('malformed requests', () => {
  const path = '/ams/sandbox/api/v1/payments/pay';

  it('answers PARAM_ILLEGAL for a body that is not JSON', async () => {
    const raw = await signedPost(h.url, path, '{"paymentRequestId": ');
    expect(raw.status).toBe(200);
    expect(raw.json.result).toMatchObject({ resultCode: 'PARAM_ILLEGAL', resultStatus: 'F' });
    assertSignedAnswer(raw, path);
  });

  it('answers PARAM_ILLEGAL for JSON that is not an object', async () => {
    for (const body of ['[]', '"text"', '42', 'null']) {
      const raw = await signedPost(h.url, path, body);
      expect(raw.json.result?.resultCode).toBe('PARAM_ILLEGAL');
    }
  });

  it('answers MEDIA_TYPE_NOT_ACCEPTABLE for another content type', async () => {
    const raw = await signedPost(h.url, path, JSON.stringify(payRequest()), { contentType: 'text/plain' });
    expect(raw.status).toBe(200);
    expect(raw.json.result).toMatchObject({ resultCode: 'MEDIA_TYPE_NOT_ACCEPTABLE', resultStatus: 'F' });
    assertSignedAnswer(raw, path);
  });

  it('refuses a huge body with 413 and keeps serving', async () => {
    const huge = JSON.stringify({ ...payRequest(), metadata: 'x'.repeat(2 * 1024 * 1024) });
    const raw = await signedPost(h.url, path, huge);
    expect(raw.status).toBe(413);
    expect(raw.json.result?.resultCode).toBe('PARAM_ILLEGAL');
    expect((await h.client().consult(consult)).kind).toBe('ok');
  });

  it('answers INVALID_API for an unknown API under a known prefix', async () => {
    const unknownPath = '/ams/sandbox/api/v1/payments/capture';
    const raw = await signedPost(h.url, unknownPath, '{}');
    expect(raw.json.result).toMatchObject({ resultCode: 'INVALID_API', resultStatus: 'F' });
    assertSignedAnswer(raw, unknownPath);
  });

  it('answers 404 JSON for other paths and methods', async () => {
    const response = await fetch(`${h.url}/ams/sandbox/api/v1/payments/pay`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
