// What a buyer's tab does while a code is shown: hold the live event stream, and poll
// GET …/status on the cashier's fixed 2-second interval (apps/cashier/src/checkout/live-status.ts).
import { setTimeout as delay } from 'node:timers/promises';
import type { CheckoutStatus } from '@paydesk/api';
import { epochNow, EventStream, type SseEvent } from './sse.ts';

/** The cashier's poll interval (live-status.ts POLL_MS). */
export const POLL_MS = 2_000;

export const statusUrl = (server: string, token: string) => `${server}/api/v1/checkout/${token}/status`;
export const eventsUrl = (server: string, token: string) => `${server}/api/v1/checkout/${token}/events`;

/** The status an event carries (the /status shape), or undefined for other events. */
export function statusOf(event: SseEvent): CheckoutStatus | undefined {
  return event.event === 'status' ? (JSON.parse(event.data) as CheckoutStatus) : undefined;
}

/** Opens the checkout's event stream and waits for the snapshot it sends first. */
export async function openStatusStream(server: string, token: string): Promise<EventStream> {
  const stream = await EventStream.open(eventsUrl(server, token));
  await stream.next((event) => statusOf(event) !== undefined, 30_000);
  return stream;
}

export interface Poller {
  /** Epoch ms when a poll first answered with a status `until` accepts (the answer's arrival); NaN if stopped. */
  readonly seen: Promise<number>;
  /** Polls answered so far. */
  readonly polls: number;
  /** Stops polling; resolves once no poll is in flight (rejects if polling had failed). */
  stop(): Promise<void>;
}

/**
 * Polls /status at `phaseMs`, then every POLL_MS on a fixed schedule (like setInterval), until `until`
 * accepts an answer, `stop()` is called, or `timeoutMs` passes.
 */
export function poll(
  server: string,
  token: string,
  options: { phaseMs: number; timeoutMs: number; until?: (status: CheckoutStatus) => boolean },
): Poller {
  const stopping = new AbortController();
  let polls = 0;
  const start = performance.now();
  const seen = (async () => {
    for (let k = 0; ; k += 1) {
      const due = start + options.phaseMs + k * POLL_MS;
      if (due - start > options.timeoutMs)
        throw new Error(`no matching /status within ${options.timeoutMs} ms`);
      const wait = Math.max(0, due - performance.now());
      const stopped = await delay(wait, false, { signal: stopping.signal }).catch(() => true);
      if (stopped) return NaN;
      const response = await fetch(statusUrl(server, token));
      const status = (await response.json()) as CheckoutStatus;
      const at = epochNow();
      polls += 1;
      if (response.status !== 200) throw new Error(`/status answered ${response.status}`);
      if (options.until?.(status)) return at;
    }
  })();
  // Failures surface through `seen` or `stop()`, whichever the caller awaits; never as an unhandled rejection.
  seen.catch(() => {});
  return {
    seen,
    get polls() {
      return polls;
    },
    stop: async () => {
      stopping.abort();
      await seen;
    },
  };
}
