// Antom message signing (docs/antom-notes.md §2.2–2.4): RSA-SHA256 (PKCS#1 v1.5) over
// `POST <path>\n<client-id>.<time>.<body>`, standard base64, URL-encoded, carried in the header
// `signature: algorithm=RSA256,keyVersion=<n>,signature=<value>`. Requests, responses and notifications
// all use this one scheme; only the key and the time header (`request-time` / `response-time`) differ.
import { sign as rsaSign, verify as rsaVerify, type KeyObject } from 'node:crypto';
import { AntomSignatureError } from './errors.ts';

/** What is signed: the method, the path (no host), the client id, the time header and the exact body. */
export interface SignedMessage {
  method?: string;
  path: string;
  clientId: string;
  time: string;
  body: string | Uint8Array;
}

/** The exact bytes that are signed, as UTF-8. */
export function contentToSign(message: SignedMessage): Buffer {
  const head = `${message.method ?? 'POST'} ${message.path}\n${message.clientId}.${message.time}.`;
  const body =
    typeof message.body === 'string' ? Buffer.from(message.body, 'utf8') : Buffer.from(message.body);
  return Buffer.concat([Buffer.from(head, 'utf8'), body]);
}

/** Signs a message and returns the standard base64 signature (not yet URL-encoded). */
export function signMessage(message: SignedMessage, privateKey: KeyObject): string {
  return rsaSign('sha256', contentToSign(message), privateKey).toString('base64');
}

/**
 * signMessage off the event loop: the RSA private-key operation (about 1 ms for a 2048-bit key) runs on
 * libuv's thread pool, so a server signing many calls (the sweeper's inquiries) keeps answering requests
 * meanwhile (D17.3). Same bytes as signMessage; rejects if the key cannot sign.
 */
export function signMessageAsync(message: SignedMessage, privateKey: KeyObject): Promise<string> {
  const content = contentToSign(message);
  return new Promise((resolve, reject) =>
    rsaSign('sha256', content, privateKey, (error, signature) =>
      error ? reject(error) : resolve(signature.toString('base64')),
    ),
  );
}

/** Builds the `signature` header value: `algorithm=RSA256,keyVersion=1,signature=<url-encoded base64>`. */
export function formatSignatureHeader(signatureBase64: string, keyVersion = '1'): string {
  return `algorithm=RSA256,keyVersion=${keyVersion},signature=${encodeURIComponent(signatureBase64)}`;
}

export interface ParsedSignatureHeader {
  algorithm: string;
  keyVersion: string | undefined;
  /** The decoded standard base64 signature. */
  signature: string;
}

/**
 * Parses a `signature` header tolerantly: any order of parts, spaces after commas, either case of percent
 * escapes. Throws AntomSignatureError when the header is missing, has no signature or names another
 * algorithm.
 */
export function parseSignatureHeader(header: string | undefined | null): ParsedSignatureHeader {
  if (header == null || header.trim() === '') {
    throw new AntomSignatureError('SIGNATURE_MISSING', 'the signature header is missing');
  }
  const parts = new Map<string, string>();
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    parts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const algorithm = parts.get('algorithm') ?? 'RSA256';
  if (algorithm.toUpperCase() !== 'RSA256') {
    throw new AntomSignatureError('SIGNATURE_ALGORITHM', `unsupported signature algorithm ${algorithm}`);
  }
  const raw = parts.get('signature');
  if (!raw)
    throw new AntomSignatureError('SIGNATURE_MALFORMED', 'the signature header has no signature part');
  let signature: string;
  try {
    signature = decodeURIComponent(raw);
  } catch (cause) {
    throw new AntomSignatureError('SIGNATURE_MALFORMED', 'the signature is not valid URL encoding', {
      cause,
    });
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) {
    throw new AntomSignatureError('SIGNATURE_MALFORMED', 'the signature is not base64');
  }
  return { algorithm: 'RSA256', keyVersion: parts.get('keyversion'), signature };
}

/** Checks a base64 signature over a message. Returns false on any mismatch; never throws for bad input. */
export function verifyMessage(
  message: SignedMessage,
  signatureBase64: string,
  publicKey: KeyObject,
): boolean {
  try {
    return rsaVerify('sha256', contentToSign(message), publicKey, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

/**
 * Verifies a `signature` header over a message, failing closed: a missing time, a missing or malformed
 * header, or a wrong signature all throw AntomSignatureError.
 */
export function assertSignedMessage(
  message: Omit<SignedMessage, 'time'> & { time: string | undefined | null },
  header: string | undefined | null,
  publicKey: KeyObject,
  what = 'message',
): void {
  const { signature } = parseSignatureHeader(header);
  if (message.time == null || message.time.trim() === '') {
    throw new AntomSignatureError(
      'SIGNATURE_TIME_MISSING',
      `the ${what} has no time header, so it cannot be verified`,
    );
  }
  if (!verifyMessage({ ...message, time: message.time }, signature, publicKey)) {
    throw new AntomSignatureError('SIGNATURE_INVALID', `the ${what} signature does not match its content`);
  }
}
