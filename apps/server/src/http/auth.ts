// Bearer credentials: the Merchant API key, and the /metrics token. Only their SHA-256 digests are held
// (the stored Merchant API key is its digest too, D10.7), and a presented key is compared by
// digest in constant time, so neither content nor length leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.ts';

/** The SHA-256 digest of a key, as hex: what is stored and compared, never the key itself. */
export function keyDigest(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** True when the request's `Authorization: Bearer …` key has one of `digests` (hex SHA-256). */
export function bearerMatches(request: FastifyRequest, digests: readonly string[]): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  const given = createHash('sha256')
    .update(match?.[1] ?? '')
    .digest();
  let ok = false;
  // Every digest is compared (no early exit), so the timing does not say which one matched.
  for (const digest of digests) ok = timingSafeEqual(given, Buffer.from(digest, 'hex')) || ok;
  return !!match && ok;
}

/** The Merchant API's check: 401 UNAUTHORIZED unless the request carries a key with one of `digests`. */
export function createMerchantAuth(
  digests: () => readonly string[],
): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    if (!bearerMatches(request, digests())) {
      throw new DomainError('UNAUTHORIZED', 'a valid merchant API key is required (Authorization: Bearer …)');
    }
  };
}
