// The protocol surface (D3.1–D3.2): both path prefixes, request verification, signed answers,
// the Antom-style refusals, and robustness against malformed requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import {
  AntomSignatureError,
  apiPath,
  assertSignedMessage,
  formatSignatureHeader,
  generateKeyPair,
  loadPrivateKey,
  loadPublicKey,
  signMessage,
  type ConsultRequest,
} from '@paydesk/antom';
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
    ['the sandbox prefix to a SANDBOX_ client id', '/ams/sandbox/api/v1/payments', CLIENT_ID, undefined],
    ['the live prefix to a live client id', '/ams/api/v1/payments', 'LIVE_TEST_CLIENT', 'LIVE_TEST_CLIENT'],
  ])('serves all six APIs under %s', async (_name, prefix, clientId, sandboxClientId) => {
    const harness = sandboxClientId ? await startSandbox({ clientId: sandboxClientId }) : h;
    try {
      for (const api of ['consult', 'pay', 'inquiryPayment', 'cancel', 'refund', 'inquiryRefund']) {
        const path = `${prefix}/${api}`;
        const raw = await signedPost(harness.url, path, '{}', { clientId });
        expect(raw.status).toBe(200);
        // An empty body is refused for a missing field, not for the path: the API exists there.
        expect(raw.json.result?.resultCode).toBe('PARAM_ILLEGAL');
        assertSignedAnswer(raw, path, clientId);
      }
    } finally {
      if (harness !== h) await harness.close();
    }
  });

  // D13.3: a SANDBOX_ client id exists only on the sandbox paths (docs/antom-notes.md §1.1), and a live id
  // only on the live ones; the wrong prefix names no client Antom knows there.
  it('refuses a SANDBOX_ client id on the live paths, and a live client id on the sandbox paths', async () => {
    for (const api of ['consult', 'pay', 'inquiryPayment', 'cancel', 'refund', 'inquiryRefund']) {
      const path = `/ams/api/v1/payments/${api}`;
      const raw = await signedPost(h.url, path, api === 'consult' ? consultBody : '{}');
      expect(raw.json.result).toMatchObject({ resultCode: 'CLIENT_INVALID', resultStatus: 'F' });
      expect(raw.json.result?.resultMessage).toContain(`/ams/sandbox/api/v1/payments/${api}`);
      assertSignedAnswer(raw, path);
    }
    const live = await startSandbox({ clientId: 'LIVE_TEST_CLIENT' });
    try {
      const path = '/ams/sandbox/api/v1/payments/consult';
      const raw = await signedPost(live.url, path, consultBody, { clientId: 'LIVE_TEST_CLIENT' });
      expect(raw.json.result).toMatchObject({ resultCode: 'CLIENT_INVALID', resultStatus: 'F' });
      assertSignedAnswer(raw, path, 'LIVE_TEST_CLIENT');
    } finally {
      await live.close();
    }
    const { body } = await h.control<{ payments: unknown[] }>('GET', '/sandbox/api/payments');
    expect(body.payments).toHaveLength(0);
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

  // Antom's cancel table spells the unknown-client code CLIENT_INVALID (docs.antom.com/ac/ams_zh-cn/paymentc).
  it('answers CLIENT_INVALID, signed over the caller’s client id, for an unknown client id', async () => {
    const outcome = await h.client({ clientId: 'SANDBOX_SOMEONE_ELSE' }).consult(consult);
    expect(outcome.kind).toBe('failed');
    expect(outcome.resultCode).toBe('CLIENT_INVALID');
    const path = '/ams/sandbox/api/v1/payments/consult';
    const missing = await signedPost(h.url, path, consultBody, { omit: ['client-id'] });
    expect(missing.json.result?.resultCode).toBe('CLIENT_INVALID');
  });

  it('accepts ISO-8601 request times as well as epoch milliseconds', async () => {
    expect((await h.client({ requestTimeFormat: 'iso' }).consult(consult)).kind).toBe('ok');
    expect((await h.client({ requestTimeFormat: 'epoch-ms' }).consult(consult)).kind).toBe('ok');
  });

  // D13.2: request-time in the formats Antom's pages and the official SDKs use. No freshness
  // window is documented, so an old but well-formed time is accepted (README: "More lenient than Antom").
  it.each([
    ["epoch milliseconds (the docs' example)", '1685599933871'],
    ['ISO-8601 UTC (Java WebhookTool sample)', '2019-01-01T01:01:01Z'],
    ['ISO-8601 with an offset (Python SDK)', '2026-05-20T10:30:45+00:00'],
    ['ISO-8601 with a colon-less offset (PHP DATE_ISO8601)', '2026-05-20T18:30:45+0800'],
    ['ISO-8601 with seven fraction digits (.NET "o")', '2026-05-20T10:30:45.1234567Z'],
    ['a long-past ISO time', '2001-01-01T00:00:00Z'],
  ])('accepts request-time as %s', async (_name, time) => {
    const path = '/ams/sandbox/api/v1/payments/consult';
    const raw = await signedPost(h.url, path, consultBody, { time });
    expect(raw.json.result).toMatchObject({ resultCode: 'SUCCESS', resultStatus: 'S' });
  });

  it.each([
    ['words', 'not-a-time'],
    ['epoch seconds', '1685599933'],
    ['a time without a zone', '2026-05-20T10:30:45'],
    ['a date that does not exist', '2026-02-30T10:30:45Z'],
    ['an hour out of range', '2026-05-20T24:30:45Z'],
    ['a date only', '2026-05-20'],
  ])('refuses request-time as %s, saying which formats it takes', async (_name, time) => {
    const path = '/ams/sandbox/api/v1/payments/consult';
    const raw = await signedPost(h.url, path, consultBody, { time });
    expect(raw.json.result).toMatchObject({ resultCode: 'PARAM_ILLEGAL', resultStatus: 'F' });
    expect(raw.json.result?.resultMessage).toMatch(/request-time .* epoch milliseconds .* ISO-8601/);
    assertSignedAnswer(raw, path);
  });

  // D13.1: the official Python SDK writes the request line in absolute form
  // (`connection.request("POST", url)` in default_http_rpc.py); RFC 9112 §3.2.2 says servers accept it.
  it('serves an absolute-form request target, verifying and signing over its path', async () => {
    const path = '/ams/sandbox/api/v1/payments/consult';
    const target = `${h.url}${path}`;
    const time = String(Date.now());
    const signature = formatSignatureHeader(
      signMessage(
        { path, clientId: CLIENT_ID, time, body: consultBody },
        loadPrivateKey(testKeys().merchant.privateKeyPem),
      ),
    );
    const { port } = new URL(h.url);
    const answer = await rawHttp(
      Number(port),
      `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json; charset=UTF-8\r\n` +
        `client-id: ${CLIENT_ID}\r\nrequest-time: ${time}\r\nsignature: ${signature}\r\n` +
        `Content-Length: ${Buffer.byteLength(consultBody)}\r\nConnection: close\r\n\r\n${consultBody}`,
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).result).toMatchObject({ resultCode: 'SUCCESS', resultStatus: 'S' });
    assertSignedMessage(
      { path, clientId: CLIENT_ID, time: answer.headers['response-time'], body: answer.body },
      answer.headers['signature'],
      loadPublicKey(testKeys().gateway.publicKeyPem),
      'response',
    );
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

/** Sends `request` as written on a fresh socket and parses the HTTP/1.1 answer (no chunked bodies). */
function rawHttp(
  port: number,
  request: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
  });
}
