// Signed notifications to the merchant (docs/antom-notes.md §1.3, §2.4): POSTed to the notify URL, signed
// with the gateway key over the URL's path, and resent on Antom's schedule until the merchant answers HTTP
// 200 with the acknowledgement (result.resultStatus "S"). Unlike Antom's own sandbox we do retry, and
// `timeScale` shrinks the schedule so tests can walk all eight attempts in seconds.
import type { KeyObject } from 'node:crypto';
import { signNotification } from '@paydesk/antom';
import type { FaultInjector } from './faults.ts';
import { newInternalId } from './ids.ts';
import type { DeliveryAttempt, NotificationRecord, SandboxStore } from './store.ts';
import { formatAntomTime } from './time.ts';
import type { Timers } from './timers.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Delay before each of Antom's 8 attempts, counted from the previous one: 0 s, 2 min, 10 min … 15 h. */
export const RETRY_SCHEDULE_MS: readonly number[] = Object.freeze([
  0,
  2 * MINUTE,
  10 * MINUTE,
  10 * MINUTE,
  HOUR,
  2 * HOUR,
  6 * HOUR,
  15 * HOUR,
]);

const ANSWER_EXCERPT = 500;

export interface NotifierOptions {
  store: SandboxStore;
  timers: Timers;
  faults: FaultInjector;
  clientId: string;
  gatewayPrivateKey: KeyObject;
  keyVersion: string;
  /** Divides every retry delay (600 turns 2 min into 0.2 s). */
  timeScale: number;
  now: () => number;
  /** Per-attempt timeout in ms. */
  timeoutMs: number;
  /** `request-time` header format (docs/antom-notes.md §10.6 leaves it open). */
  requestTimeFormat: 'iso' | 'epoch-ms';
  onError: (error: unknown) => void;
}

export class Notifier {
  readonly #options: NotifierOptions;
  readonly #inflight = new Set<AbortController>();
  readonly #running = new Set<Promise<void>>();
  #held: NotificationRecord[] = [];
  #flushPending = false;
  // Bumped by stop(): work started before a reset must not schedule retries for forgotten records.
  #epoch = 0;

  constructor(options: NotifierOptions) {
    this.#options = options;
  }

  /** Records a notification and schedules its first attempt right away. */
  enqueue(input: {
    notifyType: NotificationRecord['notifyType'];
    url: string;
    body: Record<string, unknown>;
    paymentId?: string;
    refundId?: string;
  }): NotificationRecord {
    const record: NotificationRecord = {
      id: newInternalId('ntf'),
      notifyType: input.notifyType,
      url: input.url,
      paymentId: input.paymentId,
      refundId: input.refundId,
      body: JSON.stringify(input.body),
      createdAt: this.#options.now(),
      attempts: [],
      tries: 0,
      delivered: false,
      status: 'pending',
    };
    this.#options.store.addNotification(record);
    this.#schedule(record, 0);
    return record;
  }

  /** Re-arms pending deliveries restored from a state file. */
  resume(): void {
    for (const record of this.#options.store.notifications()) {
      if (record.status !== 'pending') continue;
      this.#schedule(record, Math.max(0, (record.nextAttemptAt ?? 0) - this.#options.now()), true);
    }
  }

  /** Aborts deliveries in flight and forgets held ones (timers are cleared by their owner). */
  async stop(): Promise<void> {
    this.#epoch += 1;
    this.#held = [];
    this.#flushPending = false;
    for (const controller of this.#inflight) controller.abort();
    await Promise.allSettled([...this.#running]);
  }

  #schedule(record: NotificationRecord, delayMs: number, absolute = false): void {
    const delay = absolute ? delayMs : delayMs / this.#options.timeScale;
    const epoch = this.#epoch;
    record.nextAttemptAt = this.#options.now() + delay;
    this.#options.timers.after(delay, () =>
      epoch === this.#epoch ? this.#track(this.#attempt(record)) : undefined,
    );
  }

  #track(work: Promise<void>): Promise<void> {
    this.#running.add(work);
    return work.finally(() => this.#running.delete(work));
  }

  async #attempt(record: NotificationRecord): Promise<void> {
    if (record.status !== 'pending') return;
    const window = this.#options.faults.reorderWindowMs();
    if (window !== undefined && record.tries === 0) {
      // Hold first attempts briefly, then send the batch newest first, so a merchant sees them out of order.
      this.#held.push(record);
      if (!this.#flushPending) {
        this.#flushPending = true;
        this.#options.timers.after(window, () => this.#track(this.#flushHeld()));
      }
      return;
    }
    await this.#deliver(record);
  }

  async #flushHeld(): Promise<void> {
    this.#flushPending = false;
    const batch = this.#held.reverse();
    this.#held = [];
    for (const record of batch) await this.#deliver(record, 'reorder');
  }

  async #deliver(record: NotificationRecord, label?: string): Promise<void> {
    if (this.#options.timers.closed || record.status !== 'pending') return;
    const epoch = this.#epoch;
    record.tries += 1;
    record.nextAttemptAt = undefined;
    const decision = this.#options.faults.decideNotification();
    const fault = [label, decision.delayMs > 0 ? `delay ${decision.delayMs} ms` : undefined]
      .filter(Boolean)
      .join(', ');
    if (decision.delayMs > 0) await this.#options.timers.sleep(decision.delayMs);
    if (this.#options.timers.closed || epoch !== this.#epoch) return;
    let acknowledged = false;
    if (decision.drop) {
      record.attempts.push({
        at: new Date(this.#options.now()).toISOString(),
        httpStatus: null,
        answer: null,
        error: 'dropped by fault injection (not sent)',
        durationMs: 0,
        fault: fault ? `drop, ${fault}` : 'drop',
      });
    } else {
      acknowledged = await this.#post(record, fault || undefined);
      if (decision.duplicate) acknowledged = (await this.#post(record, 'duplicate')) || acknowledged;
    }
    if (epoch !== this.#epoch) return;
    if (acknowledged) {
      record.delivered = true;
      record.status = 'delivered';
    } else if (record.tries < RETRY_SCHEDULE_MS.length) {
      this.#schedule(record, RETRY_SCHEDULE_MS[record.tries]!);
    } else {
      record.status = 'failed';
    }
    this.#options.store.changed();
  }

  /** One HTTP POST; true when the merchant acknowledged. Never throws. */
  async #post(record: NotificationRecord, fault: string | undefined): Promise<boolean> {
    const { now, clientId, gatewayPrivateKey, keyVersion, timeoutMs } = this.#options;
    const url = new URL(record.url);
    const requestTime =
      this.#options.requestTimeFormat === 'iso' ? formatAntomTime(now()) : String(Math.floor(now()));
    const headers = signNotification({
      body: record.body,
      // The path Antom signs is the notify URL's path (plus query, like a request URI; keep URLs query-free).
      notifyPath: url.pathname + url.search,
      clientId,
      requestTime,
      privateKey: gatewayPrivateKey,
      keyVersion,
    });
    const attempt: DeliveryAttempt = {
      at: new Date(now()).toISOString(),
      httpStatus: null,
      answer: null,
      error: null,
      durationMs: 0,
      ...(fault ? { fault } : {}),
    };
    const started = performance.now();
    const controller = new AbortController();
    this.#inflight.add(controller);
    let acknowledged = false;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: record.body,
        redirect: 'manual',
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)]),
      });
      const text = await response.text();
      attempt.httpStatus = response.status;
      const timing = response.headers.get('server-timing');
      if (timing) attempt.serverTiming = timing.slice(0, 200);
      attempt.answer = text.slice(0, ANSWER_EXCERPT);
      acknowledged = response.status === 200 && isAcknowledgement(text);
      if (!acknowledged) {
        attempt.error =
          response.status === 200 ? 'the answer is not the acknowledgement' : `HTTP ${response.status}`;
      }
    } catch (error) {
      attempt.error = controller.signal.aborted
        ? 'aborted (sandbox closing)'
        : error instanceof Error && error.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : describeFetchError(error);
    } finally {
      this.#inflight.delete(controller);
      attempt.durationMs = Math.round(performance.now() - started);
      record.attempts.push(attempt);
    }
    return acknowledged;
  }
}

/** True for Antom's fixed acknowledgement, compared as parsed JSON (whitespace and key order do not matter). */
export function isAcknowledgement(text: string): boolean {
  try {
    const parsed = JSON.parse(text) as { result?: { resultStatus?: unknown } } | null;
    return parsed?.result?.resultStatus === 'S';
  } catch {
    return false;
  }
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause ? `${error.message}: ${cause}` : error.message;
}
