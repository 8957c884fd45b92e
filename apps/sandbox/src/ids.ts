// Identifiers that look like Antom's (long digit strings with a date prefix) so merchant code does not
// depend on a format Antom never promised; tokens for wallet URLs are unguessable.
import { randomBytes, randomInt } from 'node:crypto';
import { antomDate } from './time.ts';

/** A string of `length` random decimal digits. */
export function randomDigits(length: number): string {
  let out = '';
  while (out.length < length) out += String(randomInt(0, 1_000_000_000)).padStart(9, '0');
  return out.slice(0, length);
}

/** An Antom-like payment id: date (UTC+8), a fixed marker, random digits — 26 characters. */
export function newPaymentId(now: number): string {
  return `${antomDate(now)}1940108${randomDigits(11)}`;
}

/** An Antom-like refund id (a different marker than payments, so the two never collide). */
export function newRefundId(now: number): string {
  return `${antomDate(now)}1940208${randomDigits(11)}`;
}

/** An opaque URL-safe token (128 bits) for wallet links and QR payloads. */
export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

/** A short id for internal records (notifications). */
export function newInternalId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}
