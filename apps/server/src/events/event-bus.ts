// In-process push of order changes to live listeners (the SSE streams), after commit. With several
// instances on one PostgreSQL, a relay (events/change-feed.ts) carries each change to the other instances,
// whose own bus then publishes it to their listeners.
import type { Tx } from '../db/transaction.ts';

export type OrderChangeListener = (orderId: string) => void;

/** Carries a change to other instances, inside the transaction that makes it (so only if it commits). */
export interface ChangeRelay {
  announce(tx: Tx, orderId: string): Promise<void>;
}

export class EventBus {
  readonly #listeners = new Map<string, Set<OrderChangeListener>>();
  readonly #everyOrder = new Set<OrderChangeListener>();
  #relay: ChangeRelay | undefined;

  relayTo(relay: ChangeRelay): void {
    this.#relay = relay;
  }

  /** Records, inside `tx`, that the order changed: listeners here hear of it after the commit. */
  async changed(tx: Tx, orderId: string): Promise<void> {
    await this.#relay?.announce(tx, orderId);
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

  listenerCount(): number {
    let count = 0;
    for (const set of this.#listeners.values()) count += set.size;
    return count;
  }
}
