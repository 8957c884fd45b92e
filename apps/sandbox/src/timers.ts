// Every timer the sandbox starts goes through here, so `close()` can stop them all and vitest (or the
// process) exits without waiting on a forgotten expiry, retry or delayed delivery. Timers are unref'd:
// background work never keeps a process alive on its own.

export class Timers {
  readonly #handles = new Set<NodeJS.Timeout>();
  readonly #sleepers = new Set<() => void>();
  #closed = false;
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void = () => {}) {
    this.#onError = onError;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs `task` after `ms` (clamped to setTimeout's range); returns a function that cancels it. */
  after(ms: number, task: () => void | Promise<void>): () => void {
    if (this.#closed) return () => {};
    const delay = Math.min(Math.max(0, Math.round(ms)), 2 ** 31 - 1);
    const handle = setTimeout(() => {
      this.#handles.delete(handle);
      try {
        const result = task();
        if (result instanceof Promise) result.catch(this.#onError);
      } catch (error) {
        this.#onError(error);
      }
    }, delay);
    handle.unref();
    this.#handles.add(handle);
    return () => {
      clearTimeout(handle);
      this.#handles.delete(handle);
    };
  }

  /**
   * Runs `task` once `now()` has reached `dueAt`. A timer can fire before its delay is up by the
   * sandbox's clock (Node measures it from the event loop's time, and a manual or lagging clock may not
   * have moved as far): then it waits out what is left instead of running a task that finds nothing due —
   * an asynchronous refund whose timer fired a millisecond early stayed PROCESSING for good.
   */
  at(dueAt: number, now: () => number, task: () => void | Promise<void>): () => void {
    let cancel: () => void;
    const check = (): void | Promise<void> => {
      const left = dueAt - now();
      if (left > 0) {
        cancel = this.after(Math.max(1, left), check);
        return;
      }
      return task();
    };
    cancel = this.after(dueAt - now(), check);
    return () => cancel();
  }

  /** Resolves after `ms`, or at once when the timers are closed meanwhile. */
  sleep(ms: number): Promise<void> {
    if (this.#closed || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.#sleepers.delete(wake);
        cancel();
        resolve();
      };
      const cancel = this.after(ms, wake);
      this.#sleepers.add(wake);
    });
  }

  /** Cancels every pending timer but stays usable (used by reset). */
  clearAll(): void {
    for (const handle of this.#handles) clearTimeout(handle);
    this.#handles.clear();
    for (const wake of [...this.#sleepers]) wake();
  }

  /** Cancels everything and refuses new timers. */
  close(): void {
    this.#closed = true;
    this.clearAll();
  }
}
