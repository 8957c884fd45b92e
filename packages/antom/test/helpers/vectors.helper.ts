// The openssl-made vectors (test/fixtures/antom-signature-vectors.json) and the keys
// in them: the merchant pair signs requests, the gateway pair signs responses and notifications.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface VectorCase {
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

export interface VerifyCase {
  name: string;
  path: string;
  clientId: string;
  time: string;
  body: string;
  signatureHeader: string;
  expect: 'valid' | 'invalid';
}

export interface Vectors {
  keys: {
    merchantPrivateKeyPem: string;
    merchantPublicKeyPem: string;
    gatewayPrivateKeyPem: string;
    gatewayPublicKeyPem: string;
    merchantPrivateKeyBase64: string;
    merchantPublicKeyBase64: string;
    gatewayPrivateKeyBase64: string;
    gatewayPublicKeyBase64: string;
  };
  cases: VectorCase[];
  verifyWithGatewayKey: VerifyCase[];
}

export const FIXTURE_PATH = fileURLToPath(
  new URL('../fixtures/antom-signature-vectors.json', import.meta.url),
);

export const vectors = JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as Vectors;

/** The one vector case whose name starts with `prefix` (fails loudly when the fixture changes). */
export function vectorCase(prefix: string): VectorCase {
  const found = vectors.cases.find((c) => c.name.startsWith(prefix));
  if (!found) throw new Error(`no vector case starting with "${prefix}"`);
  return found;
}
