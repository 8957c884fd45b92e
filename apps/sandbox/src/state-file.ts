// Optional persistence: a JSON snapshot of payments, refunds and deliveries, written atomically (temp file
// + rename) and debounced, so a restarted sandbox still answers inquiries about yesterday's payments.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SandboxStore, StoreSnapshot } from './store.ts';

const DEBOUNCE_MS = 250;

export class StateFile {
  readonly #path: string;
  readonly #store: SandboxStore;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(path: string, store: SandboxStore, onError: (error: unknown) => void) {
    this.#path = path;
    this.#store = store;
    this.#onError = onError;
  }

  /** The saved snapshot, or undefined when there is none. Throws when the file is not a snapshot. */
  load(): StoreSnapshot | undefined {
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const snapshot = JSON.parse(text) as StoreSnapshot;
    if (snapshot?.version !== 1 || !Array.isArray(snapshot.payments) || !Array.isArray(snapshot.refunds)) {
      throw new Error(`${this.#path} is not a sandbox state file`);
    }
    snapshot.notifications ??= [];
    return snapshot;
  }

  /** Writes soon (changes arrive in bursts; one write covers them). */
  schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, DEBOUNCE_MS);
    this.#timer.unref();
  }

  /** Writes now, atomically. Never throws (errors go to the logger). */
  flush(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    try {
      mkdirSync(dirname(this.#path), { recursive: true });
      const temp = `${this.#path}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(this.#store.snapshot()));
      renameSync(temp, this.#path);
    } catch (error) {
      this.#onError(error);
    }
  }
}
