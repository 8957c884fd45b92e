// `Idempotency-Key` on every write (docs/product.md): the same key with the same body answers the first
// response again; with another body it is a 422; while the first is still running it is a 409. Keys are
// scoped (merchant, or one checkout) so two buyers cannot collide. 5xx answers are not kept: retry freely.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { isUniqueViolation } from '../db/database.ts';
import type { DB } from '../db/schema.ts';
import type { Clock } from '../domain/clock.ts';
import { DomainError } from '../domain/errors.ts';
import { findKey, insertKey, keepAnswer, releaseKey, takeOverKey } from './idempotency.repository.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Scope of Idempotency-Key for this route; unset means the route does not take one. */
    idempotencyScope?: (request: FastifyRequest) => string;
  }
  interface FastifyRequest {
    idempotency?: { scope: string; key: string };
  }
}

/** How long an unanswered request holds its key before a retry may take it over (ms). */
export const STALE_MS = 2 * 60_000;

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(
      `${request.method} ${request.routeOptions.url ?? request.url}\n${request.url}\n${JSON.stringify(request.body ?? null)}`,
    )
    .digest('hex');
}

export function installIdempotency(app: FastifyInstance, deps: { db: Kysely<DB>; clock: Clock }): void {
  const { db, clock } = deps;

  const preHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const scopeOf = request.routeOptions.config?.idempotencyScope;
    const header = request.headers['idempotency-key'];
    if (!scopeOf || header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || key.length > 255) {
      throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 255 characters', [
        { field: 'headers.idempotency-key', message: 'must be 1 to 255 characters' },
      ]);
    }
    const scope = scopeOf(request);
    const hash = requestHash(request);
    try {
      await insertKey(db, { scope, key }, hash, clock.now());
      request.idempotency = { scope, key };
      return;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const stored = await findKey(db, { scope, key });
    if (!stored) throw new DomainError('CONFLICT', 'the Idempotency-Key was released meanwhile; send again');
    if (stored.request_hash !== hash) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used with a different request',
      );
    }
    if (stored.state !== 'DONE' || stored.response_status === null) {
      // A request that never answered (its process was killed) must not hold its key for ever: after
      // STALE_MS the retry takes the key over. Handlers are safe to run again: refunds derive their
      // refundRequestId from the key, confirms find the live payment, closes are idempotent.
      if (stored.created_at < clock.now() - STALE_MS) {
        if (await takeOverKey(db, { scope, key }, stored.created_at, clock.now())) {
          request.idempotency = { scope, key };
          return;
        }
      }
      throw new DomainError(
        'IDEMPOTENCY_KEY_IN_USE',
        'a request with this Idempotency-Key is still being handled',
      );
    }
    reply.header('idempotent-replayed', 'true');
    return reply
      .status(stored.response_status)
      .type('application/json')
      .send(stored.response_body ?? '');
  };

  const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const slot = request.idempotency;
    if (!slot) return payload;
    request.idempotency = undefined;
    // Answers that say "try again" are not kept, or the retry they invite would replay them for ever.
    const transient =
      reply.statusCode >= 500 ||
      reply.statusCode === 429 ||
      (reply.statusCode === 409 &&
        typeof payload === 'string' &&
        /"code":"(CONFLICT|IDEMPOTENCY_KEY_IN_USE)"/.test(payload));
    if (transient) await releaseKey(db, slot, false);
    else
      await keepAnswer(
        db,
        slot,
        reply.statusCode,
        typeof payload === 'string' ? payload : String(payload ?? ''),
      );
    return payload;
  };

  // A request that died before answering must not hold its key for ever.
  const onResponse = async (request: FastifyRequest) => {
    const slot = request.idempotency;
    if (!slot) return;
    await releaseKey(db, slot, true);
  };

  // Only the routes that take a key run these hooks: reads (the buyer's poll above all) skip them.
  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotencyScope) return;
    route.preHandler = [...hookList(route.preHandler), preHandler];
    route.onSend = [...hookList(route.onSend), onSend];
    route.onResponse = [...hookList(route.onResponse), onResponse];
  });
}

function hookList<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}
