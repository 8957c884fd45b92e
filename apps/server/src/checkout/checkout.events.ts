// The live status stream (D4.15): Server-Sent Events carrying the /status shape after every
// committed change, each with the id of the order event that caused it, so a reconnecting browser
// (Last-Event-ID) gets what it missed. The streams of one order share one listener on the event bus and
// one status read per change however many tabs hold them (D7.7–D7.8); changes made on another
// instance reach the bus through the change feed (events/change-feed.ts). One timer sends the comment
// line that keeps proxies from idling out, for every stream at once.
//
// Streams are bounded (D10.4: one client held 2,700 of them, RSS 130 → 315 MB): a cap per
// client address, per checkout and in all (429 TOO_MANY_STREAMS; the page polls instead), a maximum
// lifetime after which the stream ends with a `retry` hint (the browser reconnects, resuming after its
// Last-Event-ID), and no stream kept for a settled checkout (nothing about it can change any more).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Limits } from '../config.ts';
import type { DB, OrderRow } from '../db/schema.ts';
import { iso, type Clock } from '../domain/clock.ts';
import { DomainError } from '../domain/errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import { latestEventSeq } from '../events/order-event.repository.ts';
import { BUYER_EVENT_TYPES } from '../events/order-events.ts';
import { findOrder } from '../orders/order.repository.ts';
import { listPayments } from '../payments/payment.repository.ts';
import type { CheckoutService } from './checkout.service.ts';
import { PreparedStatus } from './status.cache.ts';

const BUYER_EVENT_TYPES_LIST = [...BUYER_EVENT_TYPES];

/** The reconnection delay a closing server asks browsers for (ms). */
const CLOSE_RETRY_MS = 1_000;

export interface CheckoutStreamsDeps {
  db: Kysely<DB>;
  bus: EventBus;
  checkout: CheckoutService;
  heartbeatMs: number;
  clock: Clock;
  limits: Limits['streams'];
  log: { warn(obj: object, msg: string): void };
  /**
   * Since when every change to any order has been heard (0 on one instance), or undefined while the
   * cross-instance feed is down: an order's last sent status is given to a new stream only if read since.
   */
  heardSince?: () => number | undefined;
}

/**
 * How long after its last word a settled checkout's stream is ended (ms). Ending a stream (its socket torn
 * down, here and at the browser) costs more than the push itself: in a burst of settlements (100 orders
 * closed at once, 10,000 tabs) the pushes go out first and the streams end together a moment later.
 */
const SETTLED_END_DELAY_MS = 1_000;

/** How long an order's last read status may be given to new streams without reading again (ms). */
const LATEST_TTL_MS = 60_000;

/** How long a browser waits before reconnecting a stream we ended (ms), spread so they do not return at once. */
export function retryHintMs(random: () => number = Math.random): number {
  return 1_000 + Math.floor(random() * 4_000);
}

interface Stream {
  write(chunk: string | Buffer): void;
  /** Ends the stream with a retry hint (the browser reconnects after `retryMs`). */
  end(retryMs: number): void;
  openedAt: number;
  /** The id of the last event sent (or the browser's Last-Event-ID); -1 before the first. */
  lastSent: number;
  /**
   * The last status sent on this stream, as JSON without its server time, to send a change whose event
   * id is not newer (another tab's join re-reads the same state: that is no news).
   */
  lastData: string | undefined;
}

interface OrderStreams {
  orderId: string;
  streams: Set<Stream>;
  unsubscribe: () => void;
  /** Refreshes run one after another per order, so events leave in order. */
  chain: Promise<void>;
  /** A refresh is queued behind the running one: later changes fold into it. */
  queued: boolean;
  /** Counts the order's changes heard here. */
  version: number;
  /**
   * What the last refresh read and sent, and at which version: while no change has come since, a stream
   * that joins gets it without a database read (10,000 tabs of 100 orders opened at once, D17).
   */
  latest: Latest | undefined;
}

interface Latest {
  version: number;
  readAt: number;
  seq: number;
  status: PreparedStatus;
  /** The status without its server time: what tells one state from another. */
  content: string;
  /** The event as read, encoded once for all the order's streams. */
  message: Buffer;
  settled: boolean;
}

export class CheckoutStreams {
  readonly #d: CheckoutStreamsDeps;
  readonly #orders = new Map<string, OrderStreams>();
  readonly #perAddress = new Map<string, number>();
  #heartbeat: NodeJS.Timeout | undefined;
  /** Streams of settled checkouts waiting to be ended, and the timer that ends them. */
  readonly #settledEnds = new Set<Stream>();
  #settledTimer: NodeJS.Timeout | undefined;
  #count = 0;
  #closing = false;

  constructor(deps: CheckoutStreamsDeps) {
    this.#d = deps;
  }

  /** Open streams on this instance. */
  get count(): number {
    return this.#count;
  }

  /**
   * Takes over the reply and streams the order's status until the browser goes away, the stream's
   * lifetime ends, or the checkout is settled. Throws TOO_MANY_STREAMS (429) past a cap; answers 204 (the
   * browser's EventSource then stops reconnecting) to a reconnect that has seen a settled checkout's last event.
   */
  async open(request: FastifyRequest, reply: FastifyReply, order: OrderRow): Promise<void> {
    const header = request.headers['last-event-id'];
    let lastSent = Number(Array.isArray(header) ? header[0] : header);
    if (!Number.isInteger(lastSent) || lastSent < 0) lastSent = -1;

    if (lastSent >= 0) {
      const [seq, status] = await Promise.all([this.#latestSeq(order.id), this.#d.checkout.status(order)]);
      if (status.settled && lastSent >= seq) return void reply.status(204).send();
    }
    const address = request.ip;
    this.#admit(reply, address, order.id);

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
      // The raw response skips Fastify's hooks, so the embed's cross-origin access is granted here too.
      'access-control-allow-origin': '*',
    });
    res.write('retry: 2000\n\n');

    let ended = false;
    const stream: Stream = {
      // Nothing is written after the end (a write after end would be an error on the response).
      write: (chunk) => void (ended || res.write(chunk)),
      end: (retryMs) => {
        if (ended) return;
        ended = true;
        // The socket goes with it: a kept-alive connection would hold a draining server open, and an
        // ended stream's socket would otherwise idle until keep-alive ends.
        res.end(`retry: ${retryMs}\n\n`, () => res.socket?.destroy());
      },
      openedAt: this.#d.clock.now(),
      lastSent,
      lastData: undefined,
    };
    if (this.#closing) {
      stream.end(CLOSE_RETRY_MS);
      return;
    }
    const group = this.#join(order.id, stream);
    this.#perAddress.set(address, (this.#perAddress.get(address) ?? 0) + 1);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      const left = (this.#perAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.#perAddress.delete(address);
      else this.#perAddress.set(address, left);
      this.#leave(group, stream);
    };
    request.raw.on('close', close);
    res.on('close', close);
    const latest = this.#current(group);
    // The status as last read, with the server time of now (the page sets its countdown by it, S6).
    if (latest)
      this.#send(stream, latest, () => eventOf(latest.seq, latest.status, iso(this.#d.clock.now())));
    else this.#refresh(group);
  }

  /** The group's last status if no change has come since it was read and every change was heard. */
  #current(group: OrderStreams): Latest | undefined {
    const latest = group.latest;
    if (!latest || latest.version !== group.version) return undefined;
    const since = this.#d.heardSince ? this.#d.heardSince() : 0;
    if (since === undefined || latest.readAt < since) return undefined;
    return this.#d.clock.now() - latest.readAt <= LATEST_TTL_MS ? latest : undefined;
  }

  /** Sends `latest` to `stream` unless it has had it; a settled checkout's stream then ends. */
  #send(stream: Stream, latest: Latest, message: () => string | Buffer = () => latest.message): void {
    // New to this stream: a newer event, or (with an event committed out of order) other content.
    const news = !(
      stream.lastSent >= latest.seq &&
      (stream.lastData === undefined || stream.lastData === latest.content)
    );
    if (news) {
      stream.lastSent = Math.max(stream.lastSent, latest.seq);
      stream.lastData = latest.content;
      stream.write(message());
    }
    // Settled: the last word is said. The browser's reconnect (with this id) is answered 204.
    if (latest.settled) this.#endSoon(stream);
  }

  /** Ends a settled checkout's stream with the others that settled about now (SETTLED_END_DELAY_MS). */
  #endSoon(stream: Stream): void {
    this.#settledEnds.add(stream);
    this.#settledTimer ??= setTimeout(() => this.#endSettled(), SETTLED_END_DELAY_MS).unref();
  }

  #endSettled(): void {
    clearTimeout(this.#settledTimer);
    this.#settledTimer = undefined;
    const streams = [...this.#settledEnds];
    this.#settledEnds.clear();
    for (const stream of streams) stream.end(retryHintMs());
  }

  /** Refuses a stream past any cap, with a Retry-After long enough for others to end. */
  #admit(reply: FastifyReply, address: string, orderId: string): void {
    const { limits } = this.#d;
    const over =
      this.#count >= limits.total
        ? 'this server holds as many live streams as it may'
        : (this.#perAddress.get(address) ?? 0) >= limits.perAddress
          ? 'too many live streams from this address'
          : (this.#orders.get(orderId)?.streams.size ?? 0) >= limits.perCheckout
            ? 'too many live streams on this checkout'
            : null;
    if (!over) return;
    reply.header('retry-after', '30');
    throw new DomainError('TOO_MANY_STREAMS', `${over}; poll /status instead`);
  }

  /**
   * Ends every stream with a retry hint, and any opened after, so a draining server is not held open by
   * them (D14.5): the EventSource reconnects (through the balancer, to another instance) and
   * resumes with Last-Event-ID.
   */
  close(): void {
    this.#closing = true;
    this.stop();
    this.#endSettled();
    for (const group of [...this.#orders.values()])
      for (const stream of [...group.streams]) stream.end(CLOSE_RETRY_MS);
  }

  /** Ends the heartbeat. */
  stop(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  #join(orderId: string, stream: Stream): OrderStreams {
    let group = this.#orders.get(orderId);
    if (!group) {
      const created: OrderStreams = {
        orderId,
        streams: new Set(),
        unsubscribe: () => {},
        chain: Promise.resolve(),
        queued: false,
        version: 0,
        latest: undefined,
      };
      created.unsubscribe = this.#d.bus.subscribe(orderId, () => {
        created.version += 1;
        this.#refresh(created);
      });
      this.#orders.set(orderId, created);
      group = created;
    }
    group.streams.add(stream);
    this.#count += 1;
    if (!this.#heartbeat) {
      this.#heartbeat = setInterval(() => this.#ping(), this.#d.heartbeatMs);
      this.#heartbeat.unref();
    }
    return group;
  }

  #leave(group: OrderStreams, stream: Stream): void {
    // A stream the browser closed first is not ended again (its socket is gone).
    this.#settledEnds.delete(stream);
    if (!group.streams.delete(stream)) return;
    this.#count -= 1;
    if (group.streams.size === 0 && this.#orders.get(group.orderId) === group) {
      group.unsubscribe();
      this.#orders.delete(group.orderId);
    }
    if (this.#count === 0) this.stop();
  }

  /** The heartbeat; streams past their lifetime end instead (checked on the injected clock). */
  #ping(): void {
    const expired = this.#d.clock.now() - this.#d.limits.maxLifetimeMs;
    for (const group of this.#orders.values())
      for (const stream of group.streams) {
        if (stream.openedAt <= expired) stream.end(retryHintMs());
        else stream.write(': ping\n\n');
      }
  }

  /** Reads the order's status once and sends it to each of its streams that has not had it. */
  #refresh(group: OrderStreams): void {
    if (group.queued) return;
    group.queued = true;
    group.chain = group.chain
      .then(async () => {
        group.queued = false;
        if (group.streams.size === 0) return;
        const version = group.version;
        const readAt = this.#d.clock.now();
        // Side by side (three pool connections on PostgreSQL, one round trip): the newest event id, the
        // order, its payments. A change committed between them is announced after its commit and read
        // again; a stream that got its id with older content gets the newer content then (`#send`).
        const [seq, fresh, payments] = await Promise.all([
          this.#latestSeq(group.orderId),
          findOrder(this.#d.db, group.orderId),
          listPayments(this.#d.db, group.orderId),
        ]);
        if (!fresh) return;
        const status = new PreparedStatus(this.#d.checkout.statusOf(fresh, payments));
        const latest: Latest = {
          version,
          readAt,
          seq,
          status,
          content: status.json(''),
          // Encoded once for all the order's streams, not once per stream.
          message: Buffer.from(eventOf(seq, status, status.status.serverTime)),
          settled: status.status.settled,
        };
        group.latest = latest;
        for (const stream of [...group.streams]) this.#send(stream, latest);
      })
      .catch((error) => this.#d.log.warn({ err: error, orderId: group.orderId }, 'sse push failed'));
  }

  #latestSeq(orderId: string): Promise<number> {
    return latestEventSeq(this.#d.db, orderId, BUYER_EVENT_TYPES_LIST);
  }
}

/** One `status` event: the order event id, and the status with the server time `serverTime`. */
function eventOf(seq: number, status: PreparedStatus, serverTime: string): string {
  return `id: ${seq}\nevent: status\ndata: ${status.json(serverTime)}\n\n`;
}
