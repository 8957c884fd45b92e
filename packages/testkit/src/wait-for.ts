// The one way a test waits (D12.6): poll a condition with a deadline, never a blind sleep, and
// on failure say what was awaited and what was last seen, so a red run explains itself. No dependencies:
// the Antom client's and the sandbox's tests use it too.

type Falsy = false | 0 | '' | null | undefined;

export interface WaitOptions<T> {
  /** Give up after this long (ms, default 10 000). */
  timeoutMs?: number;
  /** Pause between looks (ms, default 50). */
  intervalMs?: number;
  /**
   * Accepts a value `condition` returned (default: any truthy value). With it, `condition` may read a
   * whole record and the failure message shows the last one read.
   */
  until?: (value: T) => boolean;
  /** What the failure message says of the last value read (default: the value, as JSON, cut short). */
  explain?: (value: T) => string;
}

/**
 * Calls `condition` every `intervalMs` until it returns a truthy value (or one `until` accepts) and
 * returns that value. A condition that throws counts as "not yet". After `timeoutMs` it throws an Error
 * naming `description`, the last value seen and the last error thrown.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  description: string,
  options: number | WaitOptions<T> = {},
): Promise<Exclude<T, Falsy>> {
  const {
    timeoutMs = 10_000,
    intervalMs = 50,
    until,
    explain,
  } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let seen = false;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      seen = true;
      last = value;
      if (until ? until(value) : value) return value as Exclude<T, Falsy>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const parts = [`timed out after ${timeoutMs} ms waiting for ${description}`];
      parts.push(
        seen ? `last seen: ${explain ? explain(last as T) : shown(last)}` : 'the condition never returned',
      );
      if (lastError !== undefined) parts.push(`last error: ${String(lastError)}`);
      throw new Error(parts.join('; '));
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A value as a failure message shows it: JSON where it can be, cut to 500 characters. */
function shown(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
