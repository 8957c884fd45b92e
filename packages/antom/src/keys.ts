// RSA keys in the three forms merchants meet them (PROTOCOL §2.3): PEM, the Antom dashboard's single-line
// base64 (PKCS#8 for private keys, X.509 SubjectPublicKeyInfo for public keys), or `@path` to a file
// holding either. Anything else is an AntomConfigError that says which form was expected.
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AntomConfigError } from './errors.ts';

export type KeyInput = string | Buffer | KeyObject;

function readKeyText(input: string, what: string): string {
  const trimmed = input.trim();
  if (!trimmed.startsWith('@')) return trimmed;
  const path = trimmed.slice(1);
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (cause) {
    throw new AntomConfigError('KEY_FILE_UNREADABLE', `${what}: cannot read key file ${path}`, { cause });
  }
}

const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

/** Loads a merchant (or gateway) private key. Throws AntomConfigError when it is not an RSA private key. */
export function loadPrivateKey(input: KeyInput, what = 'private key'): KeyObject {
  if (input instanceof KeyObject) return requireRsa(input, 'private', what);
  const text = typeof input === 'string' ? readKeyText(input, what) : input.toString('utf8').trim();
  try {
    const key = text.includes('-----BEGIN')
      ? createPrivateKey(text)
      : BASE64.test(text)
        ? createPrivateKey({
            key: Buffer.from(text.replace(/\s+/g, ''), 'base64'),
            format: 'der',
            type: 'pkcs8',
          })
        : undefined;
    if (key) return requireRsa(key, 'private', what);
  } catch (cause) {
    throw new AntomConfigError(
      'INVALID_PRIVATE_KEY',
      `${what} is not a PEM or single-line base64 PKCS#8 RSA private key`,
      { cause },
    );
  }
  throw new AntomConfigError(
    'INVALID_PRIVATE_KEY',
    `${what} is not a PEM or single-line base64 PKCS#8 RSA private key`,
  );
}

/** Loads a public key (Antom's, or a merchant's in the sandbox). Accepts a private key too, deriving it. */
export function loadPublicKey(input: KeyInput, what = 'public key'): KeyObject {
  if (input instanceof KeyObject) {
    return requireRsa(input.type === 'private' ? createPublicKey(input) : input, 'public', what);
  }
  const text = typeof input === 'string' ? readKeyText(input, what) : input.toString('utf8').trim();
  try {
    const key = text.includes('-----BEGIN')
      ? createPublicKey(text)
      : BASE64.test(text)
        ? createPublicKey({
            key: Buffer.from(text.replace(/\s+/g, ''), 'base64'),
            format: 'der',
            type: 'spki',
          })
        : undefined;
    if (key) return requireRsa(key, 'public', what);
  } catch (cause) {
    throw new AntomConfigError(
      'INVALID_PUBLIC_KEY',
      `${what} is not a PEM or single-line base64 SPKI RSA public key`,
      {
        cause,
      },
    );
  }
  throw new AntomConfigError(
    'INVALID_PUBLIC_KEY',
    `${what} is not a PEM or single-line base64 SPKI RSA public key`,
  );
}

function requireRsa(key: KeyObject, kind: 'private' | 'public', what: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new AntomConfigError(
      kind === 'private' ? 'INVALID_PRIVATE_KEY' : 'INVALID_PUBLIC_KEY',
      `${what} must be an RSA key (got ${key.asymmetricKeyType ?? 'a secret key'})`,
    );
  }
  if (kind === 'private' && key.type !== 'private') {
    throw new AntomConfigError('INVALID_PRIVATE_KEY', `${what} is a public key, a private key is needed`);
  }
  return key;
}

/** A key pair in every form Antom's dashboard and PEM tools use. */
export interface KeyPairForms {
  privateKeyPem: string;
  publicKeyPem: string;
  /** Single-line base64 PKCS#8, the form the Antom dashboard shows. */
  privateKeyBase64: string;
  /** Single-line base64 SubjectPublicKeyInfo, the form uploaded to the Antom dashboard. */
  publicKeyBase64: string;
}

/** Generates an RSA-2048 key pair (PROTOCOL §2.3 requires 2048 bits). */
export function generateKeyPair(): KeyPairForms {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return keyPairForms(privateKey, publicKey);
}

/** The four printable forms of a key pair. */
export function keyPairForms(
  privateKey: KeyObject,
  publicKey: KeyObject = createPublicKey(privateKey),
): KeyPairForms {
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    privateKeyBase64: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKeyBase64: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}
