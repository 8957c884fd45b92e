// Live push across instances (D7.1). Every order event is announced with PostgreSQL NOTIFY by
// a trigger, inside the transaction that records it, so it is delivered exactly when (and only if) it
// commits; each instance LISTENs on one connection of its own and hands what other instances announce to
// its bus.
// A notification can be lost only while that connection is down, so each (re)connect, and a slow safety
// pass every few seconds, re-publishes the recent changes of the orders someone here is watching (the
// streams send nothing they have already sent). SQLite runs one instance: the bus alone is enough.
import type { Kysely } from 'kysely';
import type { Listener, Signals } from '../db/database.ts';
import type { DB } from '../db/schema.ts';
import type { Clock } from '../domain/clock.ts';
import type { EventBus } from './event-bus.ts';
import { ordersChangedSince, topEventSeq } from './order-event.repository.ts';
import { BUYER_EVENT_TYPES } from './order-events.ts';

export interface ChangeFeedDeps {
  db: Kysely<DB>;
  signals: Signals;
  bus: EventBus;
  clock: Clock;
  /** How often the safety pass runs (ms). */
  safetyPassMs?: number;
  /** How far back the safety pass looks (ms): longer than any transaction that records an event. */
  lookBackMs?: number;
  log: { warn(obj: object, msg: string): void };
}

export class ChangeFeed {
  readonly #d: ChangeFeedDeps;
  /** (time, highest event seq seen then): the safety pass starts from the mark `lookBackMs` old. */
  readonly #marks: { at: number; seq: number }[] = [];
  #listener: Listener | undefined;
  #heardSince: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #pass: Promise<void> = Promise.resolve();

  constructor(deps: ChangeFeedDeps) {
    this.#d = deps;
  }

  start(): void {
    if (this.#listener) return;
    this.#listener = this.#d.signals.listenOrderChanges((orderId) => this.#d.bus.publish(orderId), {
      onConnect: () => {
        this.#heardSince = this.#d.clock.now();
        void this.catchUp();
      },
      onLost: () => (this.#heardSince = undefined),
    });
    this.#timer = setInterval(() => this.catchUp(), this.#d.safetyPassMs ?? 5_000);
    this.#timer.unref();
  }

  /** Since when every other instance's change has been heard; undefined while the listener is down. */
  heardSince(): number | undefined {
    return this.#heardSince;
  }

  /** Re-publishes the recent changes of the orders watched here (runs one at a time). */
  catchUp(): Promise<void> {
    this.#pass = this.#pass.then(() =>
      this.#catchUp().catch((error) => this.#d.log.warn({ err: error }, 'change feed catch-up failed')),
    );
    return this.#pass;
  }

  async #catchUp(): Promise<void> {
    const { db, bus, clock } = this.#d;
    const now = clock.now();
    if (this.#marks.length === 0) {
      // The first pass opens the window: streams opened from now on read their own starting state.
      this.#marks.push({ at: now, seq: await topEventSeq(db) });
      return;
    }
    const lookBack = this.#d.lookBackMs ?? 30_000;
    while (this.#marks.length > 1 && this.#marks[1]!.at <= now - lookBack) this.#marks.shift();
    const from = this.#marks[0]!.seq;
    let highest = from;
    for (const row of await ordersChangedSince(db, from, [...BUYER_EVENT_TYPES])) {
      highest = Math.max(highest, row.seq);
      if (bus.has(row.orderId)) bus.publish(row.orderId);
    }
    this.#marks.push({ at: now, seq: highest });
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#listener?.close();
    this.#listener = undefined;
    this.#heardSince = undefined;
    await this.#pass;
  }
}
