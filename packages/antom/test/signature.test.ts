// The openssl-made vectors in test/fixtures are the ground truth for signing (D2.4).
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AntomSignatureError,
  generateKeyPair,
  keyPairForms,
  contentToSign,
  formatSignatureHeader,
  loadPrivateKey,
  loadPublicKey,
  parseSignatureHeader,
  signMessage,
  signMessageAsync,
  verifyMessage,
  assertSignedMessage,
} from '../src/index.ts';
import { vectorCase, vectors } from './helpers/vectors.helper.ts';

const keys = {
  merchant: loadPrivateKey(vectors.keys.merchantPrivateKeyPem),
  merchantPublic: loadPublicKey(vectors.keys.merchantPublicKeyPem),
  gateway: loadPrivateKey(vectors.keys.gatewayPrivateKeyPem),
  gatewayPublic: loadPublicKey(vectors.keys.gatewayPublicKeyPem),
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

  it.each(vectors.cases.map((c) => [c.name, c] as const))(
    '%s, signed on the thread pool (signMessageAsync)',
    async (_name, c) => {
      const message = { method: c.method, path: c.path, clientId: c.clientId, time: c.time, body: c.body };
      const privateKey = c.signedBy === 'merchant' ? keys.merchant : keys.gateway;
      expect(await signMessageAsync(message, privateKey)).toBe(c.signatureBase64);
    },
  );

  it('rejects signing with a public key, on the thread pool as in the caller', async () => {
    await expect(signMessageAsync(vectors.cases[0]!, keys.merchantPublic)).rejects.toThrow();
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
  const c = vectors.cases[0]!;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'antom-keys-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the dashboard base64 forms to the same keys as the PEM forms', () => {
    const fromBase64 = loadPrivateKey(vectors.keys.merchantPrivateKeyBase64);
    expect(signMessage(c, fromBase64)).toBe(c.signatureBase64);
    const publicFromBase64 = loadPublicKey(vectors.keys.merchantPublicKeyBase64);
    expect(verifyMessage(c, c.signatureBase64, publicFromBase64)).toBe(true);
  });

  it('loads @path files holding either form, with surrounding whitespace', () => {
    const pemPath = join(dir, 'merchant.pem');
    const base64Path = join(dir, 'merchant.b64');
    const publicPath = join(dir, 'merchant-public.b64');
    writeFileSync(pemPath, `\n${vectors.keys.merchantPrivateKeyPem}\n`);
    writeFileSync(base64Path, `${vectors.keys.merchantPrivateKeyBase64}\n`);
    writeFileSync(publicPath, vectors.keys.merchantPublicKeyBase64);
    expect(signMessage(c, loadPrivateKey(`@${pemPath}`))).toBe(c.signatureBase64);
    expect(signMessage(c, loadPrivateKey(` @${base64Path} `))).toBe(c.signatureBase64);
    expect(verifyMessage(c, c.signatureBase64, loadPublicKey(`@${publicPath}`))).toBe(true);
  });

  it('accepts base64 wrapped over several lines, DER bytes, PEM bytes and PKCS#1', () => {
    const wrapped = vectors.keys.merchantPrivateKeyBase64.replace(/(.{64})/g, '$1\n');
    expect(signMessage(c, loadPrivateKey(wrapped))).toBe(c.signatureBase64);
    const der = Buffer.from(vectors.keys.merchantPrivateKeyBase64, 'base64');
    expect(signMessage(c, loadPrivateKey(der))).toBe(c.signatureBase64);
    expect(signMessage(c, loadPrivateKey(Buffer.from(vectors.keys.merchantPrivateKeyPem)))).toBe(
      c.signatureBase64,
    );
    const pkcs1 = keys.merchant.export({ format: 'der', type: 'pkcs1' }).toString('base64');
    expect(signMessage(c, loadPrivateKey(pkcs1))).toBe(c.signatureBase64);
    const pkcs1Public = keys.merchantPublic.export({ format: 'pem', type: 'pkcs1' }).toString();
    expect(verifyMessage(c, c.signatureBase64, loadPublicKey(pkcs1Public))).toBe(true);
  });

  it('derives the public key when given the private key', () => {
    expect(verifyMessage(c, c.signatureBase64, loadPublicKey(vectors.keys.merchantPrivateKeyPem))).toBe(true);
    expect(verifyMessage(c, c.signatureBase64, loadPublicKey(vectors.keys.merchantPrivateKeyBase64))).toBe(
      true,
    );
    expect(verifyMessage(c, c.signatureBase64, loadPublicKey(keys.merchant))).toBe(true);
  });

  it.each([
    ['garbage text', 'not a key', 'INVALID_PRIVATE_KEY'],
    ['an empty string', '', 'INVALID_PRIVATE_KEY'],
    ['base64 that is not a key', 'aGVsbG8gd29ybGQ=', 'INVALID_PRIVATE_KEY'],
    ['a public key', vectors.keys.merchantPublicKeyPem, 'INVALID_PRIVATE_KEY'],
    ['a public key in base64', vectors.keys.merchantPublicKeyBase64, 'INVALID_PRIVATE_KEY'],
    ['a missing @file', '@/nonexistent/merchant.pem', 'KEY_FILE_UNREADABLE'],
    [
      'an EC key',
      generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
      'INVALID_PRIVATE_KEY',
    ],
  ])('refuses %s as a private key', (_name, input, code) => {
    expect(() => loadPrivateKey(input, 'merchant private key')).toThrow(
      expect.objectContaining({
        code,
        type: 'config',
        message: expect.stringContaining('merchant private key'),
      }),
    );
  });

  it.each([
    ['garbage text', 'not a key'],
    ['base64 that is not a key', 'aGVsbG8gd29ybGQ='],
    ['an EC public key', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey],
  ])('refuses %s as a public key', (_name, input) => {
    expect(() => loadPublicKey(input)).toThrow(
      expect.objectContaining({ code: 'INVALID_PUBLIC_KEY', type: 'config' }),
    );
  });

  it('generates RSA-2048 pairs whose four forms load to one working pair', () => {
    const pair = generateKeyPair();
    const privateKey = loadPrivateKey(pair.privateKeyBase64);
    expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(pair.privateKeyBase64).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const signature = signMessage(c, loadPrivateKey(pair.privateKeyPem));
    expect(signature).toBe(signMessage(c, privateKey));
    expect(verifyMessage(c, signature, loadPublicKey(pair.publicKeyBase64))).toBe(true);
    expect(verifyMessage(c, signature, loadPublicKey(pair.publicKeyPem))).toBe(true);
    expect(keyPairForms(privateKey)).toEqual(pair);
  });
});

describe('assertSignedMessage fails closed', () => {
  const c = vectorCase('response:');
  const message = { path: c.path, clientId: c.clientId, time: c.time, body: c.body };

  it('passes the openssl-signed response', () => {
    expect(() =>
      assertSignedMessage(message, c.signatureHeader, keys.gatewayPublic, 'response'),
    ).not.toThrow();
  });

  it.each([
    ['no time', { ...message, time: undefined }, c.signatureHeader, 'SIGNATURE_TIME_MISSING'],
    ['a blank time', { ...message, time: ' ' }, c.signatureHeader, 'SIGNATURE_TIME_MISSING'],
    ['no header', message, undefined, 'SIGNATURE_MISSING'],
    ['a null header', message, null, 'SIGNATURE_MISSING'],
    ['a signature of the wrong length', message, 'algorithm=RSA256,signature=AAAA', 'SIGNATURE_INVALID'],
    ['another body', { ...message, body: c.body + ' ' }, c.signatureHeader, 'SIGNATURE_INVALID'],
    ['another client id', { ...message, clientId: 'SANDBOX_X' }, c.signatureHeader, 'SIGNATURE_INVALID'],
    ['another method', { ...message, method: 'GET' }, c.signatureHeader, 'SIGNATURE_INVALID'],
  ])('throws on %s', (_name, input, header, code) => {
    expect(() => assertSignedMessage(input, header, keys.gatewayPublic, 'response')).toThrow(
      expect.objectContaining({ code, type: 'signature' }),
    );
  });

  it('never throws from verifyMessage on garbage, it answers false', () => {
    expect(verifyMessage(message, '', keys.gatewayPublic)).toBe(false);
    expect(verifyMessage(message, '!!!', keys.gatewayPublic)).toBe(false);
  });
});

describe('parseSignatureHeader', () => {
  it('accepts spaces after commas, any part order and lower-case escapes', () => {
    expect(parseSignatureHeader('algorithm=RSA256, keyVersion=1, signature=a%2Bb%2fc%3D').signature).toBe(
      'a+b/c=',
    );
    expect(parseSignatureHeader('ALGORITHM=rsa256,KeyVersion=1,Signature=abc').signature).toBe('abc');
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
    ['with an empty signature', 'algorithm=RSA256,keyVersion=1,signature=', 'SIGNATURE_MALFORMED'],
    ['that is only a bare base64 value', 'YWJj', 'SIGNATURE_MALFORMED'],
  ])('rejects a header %s', (_name, header, code) => {
    expect(() => parseSignatureHeader(header)).toThrow(expect.objectContaining({ code }));
  });
});
