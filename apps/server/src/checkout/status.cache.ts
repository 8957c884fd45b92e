// The buyer's 2-second poll answered from memory (issue #7 point 4). Every buyer-visible change records an
// order event, and the event bus announces it after the commit (on this instance at once, from other
// instances over LISTEN/NOTIFY): that is when an order's cached status is dropped. A read that raced with
// a change is never stored, entries live at most `ttlMs`, and while the change feed is down nothing
// cached is trusted, so a poll never shows a state older than the last change it could have heard of.
import type { CheckoutStatus } from '@paydesk/api';

interface Entry {
  orderId: string;
  status: CheckoutStatus;
  at: number;
}

export interface StatusCacheOptions {
  ttlMs: number;
  maxEntries: number;
  /**
   * Since when every change has been heard (0: always, as on SQLite), or undefined while changes may be
   * missed (the PostgreSQL listener is reconnecting).
   */
  heardSince: () => number | undefined;
}

export class StatusCache {
  readonly #o: StatusCacheOptions;
  /** By checkout token hash. */
  readonly #entries = new Map<string, Entry>();
  readonly #keyOf = new Map<string, string>();
  /** Counts changes; the last change of each recently changed order, oldest first. */
  #epoch = 0;
  readonly #changed = new Map<string, number>();
  /** Reads that started before this epoch may have missed a change that is no longer in `#changed`. */
  #floor = 0;

  constructor(options: StatusCacheOptions) {
    this.#o = options;
  }

  /** Taken before reading the database; `set` stores the read only if no change came in between. */
  get epoch(): number {
    return this.#epoch;
  }

  get(key: string, now: number): CheckoutStatus | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const since = this.#o.heardSince();
    if (since === undefined || entry.at < since || now - entry.at > this.#o.ttlMs) {
      this.#drop(key, entry.orderId);
      return undefined;
    }
    return entry.status;
  }

  /**
   * Stores what a read that began at epoch `readFrom` and time `startedAt` found, unless the order changed
   * since, or the feed was down at any moment since (then the read may have missed a change).
   */
  set(key: string, orderId: string, status: CheckoutStatus, readFrom: number, startedAt: number): void {
    if (readFrom < this.#floor || (this.#changed.get(orderId) ?? 0) > readFrom) return;
    const since = this.#o.heardSince();
    if (since === undefined || startedAt < since) return;
    if (this.#entries.size >= this.#o.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#drop(oldest, this.#entries.get(oldest)!.orderId);
    }
    this.#entries.set(key, { orderId, status, at: startedAt });
    this.#keyOf.set(orderId, key);
  }

  /** The order changed (called by the event bus for every change, local or not). */
  invalidate(orderId: string): void {
    this.#epoch += 1;
    this.#changed.delete(orderId);
    this.#changed.set(orderId, this.#epoch);
    if (this.#changed.size > this.#o.maxEntries) {
      const [first, at] = this.#changed.entries().next().value!;
      this.#changed.delete(first);
      this.#floor = at;
    }
    const key = this.#keyOf.get(orderId);
    if (key !== undefined) this.#drop(key, orderId);
  }

  #drop(key: string, orderId: string): void {
    this.#entries.delete(key);
    if (this.#keyOf.get(orderId) === key) this.#keyOf.delete(orderId);
  }
}
