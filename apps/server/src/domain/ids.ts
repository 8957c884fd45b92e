// Identifiers carry a type prefix (ord_, pay_, ref_, evt_) and sort by creation time: 10 Crockford-base32
// characters of milliseconds, then 16 of randomness (80 bits). Checkout tokens are 256 random bits.
import { hash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(value: bigint, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

export type IdPrefix = 'ord' | 'pay' | 'ref' | 'evt' | 'rcf' | 'dsc';

/** A new time-sortable id such as `pay_01JD5Q8R6W3N4…` (at most 30 characters: fits Antom's 64). */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  const random = BigInt('0x' + randomBytes(10).toString('hex'));
  return `${prefix}_${base32(BigInt(now), 10)}${base32(random, 16)}`;
}

/** A checkout token: 256 random bits, URL-safe. The only credential a buyer holds (D4.17). */
export function newCheckoutToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens are looked up by their SHA-256, so the lookup time says nothing about the stored token. */
export function hashToken(token: string): string {
  // The one-shot form: every buyer request hashes its token, and a Hash object each time costs.
  return hash('sha256', token, 'hex');
}
