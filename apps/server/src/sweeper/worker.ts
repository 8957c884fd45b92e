// A background loop with a lifecycle (docs/style.md §11): runs `tick` every `intervalMs`, never two at once,
// can be woken early, and stops cleanly. Tests call the tick function directly instead of sleeping.
export class Worker {
  readonly #tick: () => Promise<unknown>;
  readonly #intervalMs: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = true;
  #again = false;

  constructor(tick: () => Promise<unknown>, intervalMs: number, onError: (error: unknown) => void) {
    this.#tick = tick;
    this.#intervalMs = intervalMs;
    this.#onError = onError;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(this.#intervalMs);
  }

  /** Runs a tick soon (after the current one if one is running). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#run(), delay);
    this.#timer.unref?.();
  }

  async #run(): Promise<void> {
    if (this.#stopped || this.#running) return;
    this.#running = this.#tick().catch(this.#onError);
    await this.#running;
    this.#running = undefined;
    if (this.#stopped) return;
    const again = this.#again;
    this.#again = false;
    this.#schedule(again ? 0 : this.#intervalMs);
  }
}
