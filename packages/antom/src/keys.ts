// RSA keys in the forms merchants meet them (docs/antom-notes.md §2.3): PEM, the Antom dashboard's
// single-line base64 (PKCS#8 for private keys, X.509 SubjectPublicKeyInfo for public keys), or `@path` to a
// file holding either. PKCS#1 (`RSA PRIVATE KEY`) in any of these forms and raw DER bytes are accepted too,
// because key tools emit them; anything else is an AntomConfigError naming the form that was expected.
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AntomConfigError } from './errors.ts';

/** A key as PEM text, single-line base64 (DER), `@path`, DER or PEM bytes, or a Node KeyObject. */
export type KeyInput = string | Buffer | KeyObject;

type Kind = 'private' | 'public';

const BASE64 = /^[A-Za-z0-9+/=\s]+$/;
const EXPECTED: Record<Kind, string> = {
  private: 'a PEM or single-line base64 PKCS#8 RSA private key',
  public: 'a PEM or single-line base64 SPKI RSA public key',
};

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

/** Parses DER bytes: the dashboard's encoding first, then PKCS#1, then (for public keys) a private key. */
function fromDer(der: Buffer, kind: Kind): KeyObject {
  const attempts: Array<() => KeyObject> =
    kind === 'private'
      ? [
          () => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
          () => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }),
        ]
      : [
          () => createPublicKey({ key: der, format: 'der', type: 'spki' }),
          () => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }),
          () => createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })),
        ];
  let lastError: unknown;
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function loadKey(input: KeyInput, kind: Kind, what: string): KeyObject {
  if (input instanceof KeyObject) {
    return requireRsa(
      kind === 'public' && input.type === 'private' ? createPublicKey(input) : input,
      kind,
      what,
    );
  }
  const code = kind === 'private' ? 'INVALID_PRIVATE_KEY' : 'INVALID_PUBLIC_KEY';
  let key: KeyObject | undefined;
  try {
    const text = typeof input === 'string' ? readKeyText(input, what) : input.toString('latin1').trim();
    if (text.includes('-----BEGIN')) {
      key = kind === 'private' ? createPrivateKey(text) : createPublicKey(text);
    } else if (typeof input !== 'string' && !BASE64.test(text)) {
      key = fromDer(input, kind); // raw DER bytes (a Buffer that is not text)
    } else if (text !== '' && BASE64.test(text)) {
      key = fromDer(Buffer.from(text.replace(/\s+/g, ''), 'base64'), kind);
    }
  } catch (cause) {
    if (cause instanceof AntomConfigError) throw cause;
    throw new AntomConfigError(code, `${what} is not ${EXPECTED[kind]}`, { cause });
  }
  if (!key) throw new AntomConfigError(code, `${what} is not ${EXPECTED[kind]}`);
  return requireRsa(key, kind, what);
}

/** Loads a merchant (or gateway) private key. Throws AntomConfigError when it is not an RSA private key. */
export function loadPrivateKey(input: KeyInput, what = 'private key'): KeyObject {
  return loadKey(input, 'private', what);
}

/** Loads a public key (Antom's, or a merchant's in the sandbox). Accepts a private key too, deriving it. */
export function loadPublicKey(input: KeyInput, what = 'public key'): KeyObject {
  return loadKey(input, 'public', what);
}

function requireRsa(key: KeyObject, kind: Kind, what: string): KeyObject {
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

/** Generates an RSA-2048 key pair (docs/antom-notes.md §2.3 requires 2048 bits). */
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
