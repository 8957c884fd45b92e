// Small fixed-window rate limiter held in memory (per instance). Buyer writes and token look-ups are
// limited so checkout tokens cannot be enumerated (issue 4 point 17); a 429 carries Retry-After.
import type { FastifyReply } from 'fastify';
import type { Clock } from '../domain/clock.ts';
import { DomainError } from '../domain/errors.ts';

export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();
  readonly #clock: Clock;
  readonly #windowMs: number;

  constructor(clock: Clock, windowMs = 60_000) {
    this.#clock = clock;
    this.#windowMs = windowMs;
  }

  /** Counts one hit for `key`; throws RATE_LIMITED (with Retry-After on `reply`) past `limit` per window. */
  hit(key: string, limit: number, reply: FastifyReply): void {
    const now = this.#clock.now();
    let window = this.#windows.get(key);
    if (!window || now - window.start >= this.#windowMs) {
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
      if (this.#windows.size > 50_000) this.#prune(now);
    }
    window.count += 1;
    if (window.count > limit) {
      const retryAfter = Math.max(1, Math.ceil((window.start + this.#windowMs - now) / 1000));
      reply.header('retry-after', String(retryAfter));
      throw new DomainError('RATE_LIMITED', `too many requests; retry in ${retryAfter} s`);
    }
  }

  /** True when `key` is already over `limit` (without counting a hit). */
  over(key: string, limit: number): boolean {
    const window = this.#windows.get(key);
    return !!window && this.#clock.now() - window.start < this.#windowMs && window.count >= limit;
  }

  #prune(now: number): void {
    for (const [key, window] of this.#windows)
      if (now - window.start >= this.#windowMs) this.#windows.delete(key);
  }
}
