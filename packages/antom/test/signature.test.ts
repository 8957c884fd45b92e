// The openssl-made vectors in ../shared/antom are the ground truth for signing (issue 2, point 4).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  AntomSignatureError,
  contentToSign,
  formatSignatureHeader,
  loadPrivateKey,
  loadPublicKey,
  parseSignatureHeader,
  signMessage,
  verifyMessage,
  assertSignedMessage,
} from '../src/index.ts';

interface VectorCase {
  name: string;
  signedBy: 'merchant' | 'gateway';
  method: string;
  path: string;
  clientId: string;
  time: string;
  body: string;
  contentToSign: string;
  signatureBase64: string;
  signatureHeader: string;
}
interface VerifyCase {
  name: string;
  path: string;
  clientId: string;
  time: string;
  body: string;
  signatureHeader: string;
  expect: 'valid' | 'invalid';
}
// A verbatim copy of ../shared/antom/antom-signature-vectors.json, so a clean clone can run it.
const vectors = JSON.parse(
  readFileSync(fileURLToPath(new URL('./fixtures/antom-signature-vectors.json', import.meta.url)), 'utf8'),
) as {
  keys: Record<string, string>;
  cases: VectorCase[];
  verifyWithGatewayKey: VerifyCase[];
};

const keys = {
  merchant: loadPrivateKey(vectors.keys.merchantPrivateKeyPem!),
  merchantPublic: loadPublicKey(vectors.keys.merchantPublicKeyPem!),
  gateway: loadPrivateKey(vectors.keys.gatewayPrivateKeyPem!),
  gatewayPublic: loadPublicKey(vectors.keys.gatewayPublicKeyPem!),
};

describe('signing reproduces the openssl vectors byte for byte', () => {
  it.each(vectors.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const message = { method: c.method, path: c.path, clientId: c.clientId, time: c.time, body: c.body };
    expect(contentToSign(message).toString('utf8')).toBe(c.contentToSign);
    const privateKey = c.signedBy === 'merchant' ? keys.merchant : keys.gateway;
    const signature = signMessage(message, privateKey);
    expect(signature).toBe(c.signatureBase64);
    expect(formatSignatureHeader(signature, '1')).toBe(c.signatureHeader);
    const publicKey = c.signedBy === 'merchant' ? keys.merchantPublic : keys.gatewayPublic;
    expect(verifyMessage(message, parseSignatureHeader(c.signatureHeader).signature, publicKey)).toBe(true);
  });

  it('signs the same bytes whether the body is given as a string or as UTF-8 bytes', () => {
    const c = vectors.cases[0]!;
    const fromBytes = signMessage({ ...c, body: Buffer.from(c.body, 'utf8') }, keys.merchant);
    expect(fromBytes).toBe(c.signatureBase64);
  });
});

describe('verification with the gateway key', () => {
  it.each(vectors.verifyWithGatewayKey.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const message = { path: c.path, clientId: c.clientId, time: c.time, body: c.body };
    const check = () => assertSignedMessage(message, c.signatureHeader, keys.gatewayPublic);
    if (c.expect === 'valid') expect(check).not.toThrow();
    else expect(check).toThrow(AntomSignatureError);
  });
});

describe('keys are accepted as PEM, single-line base64 and @path', () => {
  it('loads the dashboard base64 forms to the same keys as the PEM forms', () => {
    const c = vectors.cases[0]!;
    const fromBase64 = loadPrivateKey(vectors.keys.merchantPrivateKeyBase64!);
    expect(signMessage(c, fromBase64)).toBe(c.signatureBase64);
    const publicFromBase64 = loadPublicKey(vectors.keys.merchantPublicKeyBase64!);
    expect(verifyMessage(c, c.signatureBase64, publicFromBase64)).toBe(true);
  });
});

describe('parseSignatureHeader', () => {
  it('accepts spaces after commas, any part order and lower-case escapes', () => {
    const parsed = parseSignatureHeader(' signature=ab%2fc%2B%3d%3D ,  keyVersion=2, algorithm=RSA256');
    expect(parsed).toEqual({ algorithm: 'RSA256', keyVersion: '2', signature: 'ab/c+==' });
  });
  it.each([
    ['missing', undefined, 'SIGNATURE_MISSING'],
    ['empty', '  ', 'SIGNATURE_MISSING'],
    ['without a signature part', 'algorithm=RSA256,keyVersion=1', 'SIGNATURE_MALFORMED'],
    ['with another algorithm', 'algorithm=HMAC,signature=abc', 'SIGNATURE_ALGORITHM'],
    ['with bad URL encoding', 'algorithm=RSA256,signature=%E0%A4%A', 'SIGNATURE_MALFORMED'],
    ['with non-base64 characters', 'algorithm=RSA256,signature=abc$def', 'SIGNATURE_MALFORMED'],
  ])('rejects a header %s', (_name, header, code) => {
    expect(() => parseSignatureHeader(header)).toThrow(expect.objectContaining({ code }));
  });
});
