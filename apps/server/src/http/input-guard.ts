// Text that no field may hold (D6.7, found by fuzzing): a NUL character (U+0000) passes JSON
// and the schemas, but PostgreSQL cannot store it, so it turned a bad request into a 500 there (and was
// stored silently on SQLite). Refused up front on every route, naming the field, on both dialects.
import type { FastifyInstance } from 'fastify';
import { DomainError, type ErrorDetail } from '../domain/errors.ts';

function findNul(value: unknown, path: string, out: ErrorDetail[], depth = 0): void {
  if (out.length >= 10 || depth > 32) return;
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      out.push({ field: path, message: 'must not contain NUL (U+0000) characters' });
    return;
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return;
  // Every request passes here (the buyer's poll thousands of times a second): the field's path is
  // spelled out only for a field that is refused.
  const list = Array.isArray(value);
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const child = (value as Record<string, unknown>)[key];
    if (typeof child === 'string' && !child.includes('\u0000') && !key.includes('\u0000')) continue;
    const at = list ? `${path}[${key}]` : `${path}.${key}`;
    if (key.includes('\u0000'))
      out.push({ field: at, message: 'the name must not contain NUL (U+0000) characters' });
    findNul(child, at, out, depth + 1);
  }
}

/** Refuses any body, query or path value that contains a NUL character, with 400 VALIDATION_FAILED. */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const details: ErrorDetail[] = [];
    findNul(request.params, 'params', details);
    findNul(request.query, 'querystring', details);
    findNul(request.body, 'body', details);
    if (details.length === 0) return done();
    done(
      new DomainError('VALIDATION_FAILED', details.map((d) => `${d.field} ${d.message}`).join('; '), details),
    );
  });
}
