#!/usr/bin/env node
// `npm run keygen [-- --out DIR]`: makes an RSA-2048 merchant key pair and prints it as PEM and in the
// Antom dashboard's single-line base64 forms. Upload the public key (base64) to the dashboard; keep the
// private key secret. With --out, writes merchant-private.pem and merchant-public.pem (mode 0600 / 0644).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair } from '../keys.ts';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: antom-keygen [--out DIR]\nGenerates an RSA-2048 merchant key pair for Antom.');
  process.exit(0);
}
const outIndex = args.indexOf('--out');
const keys = generateKeyPair();

if (outIndex >= 0) {
  const dir = args[outIndex + 1];
  if (!dir) {
    console.error('--out needs a directory');
    process.exit(2);
  }
  writeFileSync(join(dir, 'merchant-private.pem'), keys.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'merchant-public.pem'), keys.publicKeyPem, { mode: 0o644 });
  console.error(`wrote ${join(dir, 'merchant-private.pem')} and ${join(dir, 'merchant-public.pem')}`);
}

console.log(`# Merchant private key (PEM, PKCS#8) — keep secret; ANTOM_PRIVATE_KEY accepts this or @file
${keys.privateKeyPem}
# Merchant private key, single-line base64 PKCS#8 (the dashboard form)
${keys.privateKeyBase64}

# Merchant public key (PEM, SPKI)
${keys.publicKeyPem}
# Merchant public key, single-line base64 SPKI — upload this to the Antom dashboard
${keys.publicKeyBase64}`);
