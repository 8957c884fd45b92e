// Merchant API authentication: `Authorization: Bearer <MERCHANT_API_KEY>`, compared in constant time
// (hashes of equal length, so neither content nor length leaks through timing).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.ts';

export function createMerchantAuth(apiKey: string): (request: FastifyRequest) => Promise<void> {
  const expected = createHash('sha256').update(apiKey).digest();
  return async (request) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const given = createHash('sha256')
      .update(match?.[1] ?? '')
      .digest();
    if (!match || !timingSafeEqual(given, expected)) {
      throw new DomainError('UNAUTHORIZED', 'a valid merchant API key is required (Authorization: Bearer …)');
    }
  };
}
