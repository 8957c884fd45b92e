// In-process push of order changes to live listeners (the SSE stream), after commit. Listeners on other
// instances learn the same from the order_events table, which the stream also polls.
export type OrderChangeListener = (orderId: string) => void;

export class EventBus {
  readonly #listeners = new Map<string, Set<OrderChangeListener>>();

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

  publish(orderId: string): void {
    for (const listener of this.#listeners.get(orderId) ?? []) listener(orderId);
  }

  listenerCount(): number {
    let count = 0;
    for (const set of this.#listeners.values()) count += set.size;
    return count;
  }
}
