// Small fixed-window rate limiter held in memory (per instance); a 429 carries Retry-After. Its keys say
// what is limited (a checkout, an address's unknown tokens, an address's refused notifications), and the
// map is bounded however many keys a flood of addresses makes (MAX_KEYS).
import type { FastifyReply } from 'fastify';
import type { Clock } from '../domain/clock.ts';
import { DomainError } from '../domain/errors.ts';

const MAX_KEYS = 100_000;

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
    const retryAfter = this.take(key, limit);
    if (retryAfter === 0) return;
    reply.header('retry-after', String(retryAfter));
    throw new DomainError('RATE_LIMITED', `too many requests; retry in ${retryAfter} s`);
  }

  /** Counts one hit for `key`: 0 while within `limit` per window, else the seconds until the window ends. */
  take(key: string, limit: number): number {
    const now = this.#clock.now();
    const window = this.#window(key, now);
    window.count += 1;
    if (window.count <= limit) return 0;
    return Math.max(1, Math.ceil((window.start + this.#windowMs - now) / 1000));
  }

  /**
   * Counts one hit for `key` only if it is within `limit`: false (nothing counted) when it would not be,
   * so a caller that then hands the request to `hit` counts it once, as if it had gone there first.
   */
  tryTake(key: string, limit: number): boolean {
    const window = this.#window(key, this.#clock.now());
    if (window.count >= limit) return false;
    window.count += 1;
    return true;
  }

  #window(key: string, now: number): { start: number; count: number } {
    let window = this.#windows.get(key);
    if (!window || now - window.start >= this.#windowMs) {
      window = { start: now, count: 0 };
      this.#windows.delete(key);
      this.#windows.set(key, window);
      if (this.#windows.size > MAX_KEYS) this.#prune(now);
    }
    return window;
  }

  /** Drops ended windows; if a flood of live keys remains, the oldest go (they are forgiven early). */
  #prune(now: number): void {
    for (const [key, window] of this.#windows)
      if (now - window.start >= this.#windowMs) this.#windows.delete(key);
    for (const key of this.#windows.keys()) {
      if (this.#windows.size <= MAX_KEYS * 0.9) break;
      this.#windows.delete(key);
    }
  }
}
