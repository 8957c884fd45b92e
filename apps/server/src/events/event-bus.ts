// In-process push of order changes to live listeners (the SSE streams, the status cache), after commit.
// With several instances on one PostgreSQL, the change feed (events/change-feed.ts) publishes here what
// the other instances commit.
import type { Tx } from '../db/transaction.ts';

export type OrderChangeListener = (orderId: string) => void;

export class EventBus {
  readonly #listeners = new Map<string, Set<OrderChangeListener>>();
  readonly #everyOrder = new Set<OrderChangeListener>();
  /** Records, inside `tx`, that the order changed: listeners here hear of it after the commit. */
  changed(tx: Tx, orderId: string): void {
    tx.afterCommit(() => this.publish(orderId));
  }

  subscribe(orderId: string, listener: OrderChangeListener): () => void {
    let set = this.#listeners.get(orderId);
    if (!set) {
      set = new Set();
      this.#listeners.set(orderId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(orderId);
    };
  }

  /** Listens to every order's changes (the status cache). */
  subscribeAll(listener: OrderChangeListener): () => void {
    this.#everyOrder.add(listener);
    return () => this.#everyOrder.delete(listener);
  }

  publish(orderId: string): void {
    for (const listener of this.#everyOrder) listener(orderId);
    for (const listener of this.#listeners.get(orderId) ?? []) listener(orderId);
  }

  /** True when something on this instance listens to the order. */
  has(orderId: string): boolean {
    return this.#listeners.has(orderId);
  }
}
