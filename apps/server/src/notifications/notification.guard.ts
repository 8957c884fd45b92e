// What a refused notification may cost us (D10.1: 1,000 junk notifications of 250 KB grew
// the database by 66 MB in 6.6 s). Antom's own notifications always pass (they are verified before this
// is asked); for refused ones, each client address gets NOTIFY_FAILURES_PER_MINUTE before 429, and the
// instance records at most NOTIFY_REJECTED_RECORDS_PER_MINUTE of them (the rest are only counted), so a
// flood from many addresses still grows the record by a bounded amount per minute.
import type { Limits } from '../config.ts';
import type { Clock } from '../domain/clock.ts';
import { RateLimiter } from '../http/rate-limit.ts';

export type RejectionVerdict =
  /** Answer the refusal and record it. */
  | { record: true }
  /** Answer the refusal; the record budget of this minute is spent. */
  | { record: false }
  /** This address has sent too many refused notifications: 429 after this many seconds. */
  | { retryAfterSeconds: number };

export class RejectionGuard {
  readonly #perAddress: RateLimiter;
  readonly #records: RateLimiter;
  readonly #limits: Limits['notify'];

  constructor(clock: Clock, limits: Limits['notify']) {
    this.#perAddress = new RateLimiter(clock);
    this.#records = new RateLimiter(clock);
    this.#limits = limits;
  }

  /** Counts one refused notification from `address` and says what to do with it. */
  refused(address: string): RejectionVerdict {
    const retryAfterSeconds = this.#perAddress.take(`notify:${address}`, this.#limits.failuresPerMinute);
    if (retryAfterSeconds > 0) return { retryAfterSeconds };
    return { record: this.#records.take('records', this.#limits.rejectedRecordsPerMinute) === 0 };
  }
}
