// The buyer's 2-second poll answered from memory (D7.4). Every buyer-visible change records an
// order event, and the event bus announces it after the commit (on this instance at once, from other
// instances over LISTEN/NOTIFY): that is when an order's cached status is dropped. A read that raced with
// a change is never stored, entries live at most `ttlMs`, and while the change feed is down nothing
// cached is trusted, so a poll never shows a state older than the last change it could have heard of.
//
// What is kept is the answer's bytes, prepared once per change (D17.2): a hit only writes the
// server time between them, with no object copied and no serializer run.
import type { CheckoutStatus } from '@paydesk/api';

interface Entry<T> {
  orderId: string;
  status: T;
  at: number;
}

/** Stands for the server time in the prepared JSON; cannot occur in a status (no field holds a NUL). */
const MARK = '\u0000serverTime\u0000';
const MARK_JSON = JSON.stringify(MARK);

/**
 * A status as the JSON the poll answers, split around `serverTime` (the only part that changes between
 * changes). JSON.stringify of the status object, whose fields are exactly the CheckoutStatus schema's
 * (checkout.service.ts builds it; checkout.test.ts holds the answer to the schema).
 */
export class PreparedStatus {
  readonly status: CheckoutStatus;
  readonly #head: string;
  readonly #tail: string;

  constructor(status: CheckoutStatus) {
    this.status = status;
    const json = JSON.stringify({ ...status, serverTime: MARK });
    const at = json.indexOf(MARK_JSON);
    this.#head = `${json.slice(0, at)}"`;
    this.#tail = `"${json.slice(at + MARK_JSON.length)}`;
  }

  /** The answer's body at `serverTime` (an ISO string: nothing in it needs escaping). */
  json(serverTime: string): string {
    return this.#head + serverTime + this.#tail;
  }
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

/** Keyed by checkout token hash; holds a `T` per order (a PreparedStatus in the server). */
export class StatusCache<T = CheckoutStatus> {
  readonly #o: StatusCacheOptions;
  /** By checkout token hash. */
  readonly #entries = new Map<string, Entry<T>>();
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

  get(key: string, now: number): T | undefined {
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
  set(key: string, orderId: string, status: T, readFrom: number, startedAt: number): void {
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
