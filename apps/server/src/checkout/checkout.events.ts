// The live status stream (issue 4 point 15): Server-Sent Events carrying the /status shape after every
// committed change, each with the id of the order event that caused it, so a reconnecting browser
// (Last-Event-ID) gets what it missed. The streams of one order share one listener on the event bus and
// one status read per change however many tabs hold them (issue #7 points 7–8); changes made on another
// instance reach the bus through the change feed (events/change-feed.ts). One timer sends the comment
// line that keeps proxies from idling out, for every stream at once.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB, OrderRow } from '../db/schema.ts';
import type { EventBus } from '../events/event-bus.ts';
import { latestEventSeq } from '../events/order-event.repository.ts';
import { BUYER_EVENT_TYPES } from '../events/order-events.ts';
import { findOrder } from '../orders/order.repository.ts';
import type { CheckoutService } from './checkout.service.ts';

const BUYER_EVENT_TYPES_LIST = [...BUYER_EVENT_TYPES];

/** The reconnection delay a closing server asks browsers for (ms). */
const CLOSE_RETRY_MS = 1_000;

export interface CheckoutStreamsDeps {
  db: Kysely<DB>;
  bus: EventBus;
  checkout: CheckoutService;
  heartbeatMs: number;
  log: { warn(obj: object, msg: string): void };
}

interface Stream {
  write(chunk: string): void;
  /** Ends the stream with a retry hint (the browser reconnects after `retryMs`). */
  end(retryMs: number): void;
  /** The id of the last event sent (or the browser's Last-Event-ID); -1 before the first. */
  lastSent: number;
  /** The last status sent on this stream, to send a change whose event id is not newer. */
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
}

export class CheckoutStreams {
  readonly #d: CheckoutStreamsDeps;
  readonly #orders = new Map<string, OrderStreams>();
  #heartbeat: NodeJS.Timeout | undefined;
  #count = 0;
  #closing = false;

  constructor(deps: CheckoutStreamsDeps) {
    this.#d = deps;
  }

  /** Open streams on this instance. */
  get count(): number {
    return this.#count;
  }

  /** Takes over the reply and streams the order's status until the browser goes away. */
  open(request: FastifyRequest, reply: FastifyReply, order: OrderRow): void {
    const header = request.headers['last-event-id'];
    let lastSent = Number(Array.isArray(header) ? header[0] : header);
    if (!Number.isInteger(lastSent) || lastSent < 0) lastSent = -1;

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

    const stream: Stream = {
      write: (chunk) => res.write(chunk),
      // The socket goes with it: a kept-alive connection would hold a draining server open.
      end: (retryMs) => res.end(`retry: ${retryMs}\n\n`, () => res.socket?.destroy()),
      lastSent,
      lastData: undefined,
    };
    if (this.#closing) {
      stream.end(CLOSE_RETRY_MS);
      return;
    }
    const group = this.#join(order.id, stream);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      this.#leave(group, stream);
    };
    request.raw.on('close', close);
    res.on('close', close);
    this.#refresh(group);
  }

  /**
   * Ends every stream with a retry hint, and any opened after, so a draining server is not held open by
   * them (issue 14 point 5): the EventSource reconnects (through the balancer, to another instance) and
   * resumes with Last-Event-ID.
   */
  close(): void {
    this.#closing = true;
    this.stop();
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
      };
      created.unsubscribe = this.#d.bus.subscribe(orderId, () => this.#refresh(created));
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
    if (!group.streams.delete(stream)) return;
    this.#count -= 1;
    if (group.streams.size === 0 && this.#orders.get(group.orderId) === group) {
      group.unsubscribe();
      this.#orders.delete(group.orderId);
    }
    if (this.#count === 0) this.stop();
  }

  #ping(): void {
    for (const group of this.#orders.values()) for (const stream of group.streams) stream.write(': ping\n\n');
  }

  /** Reads the order's status once and sends it to each of its streams that has not had it. */
  #refresh(group: OrderStreams): void {
    if (group.queued) return;
    group.queued = true;
    group.chain = group.chain
      .then(async () => {
        group.queued = false;
        if (group.streams.size === 0) return;
        // Side by side (two pool connections on PostgreSQL): the newest event id, and the order.
        const [seq, fresh] = await Promise.all([
          this.#latestSeq(group.orderId),
          findOrder(this.#d.db, group.orderId),
        ]);
        if (!fresh) return;
        const data = JSON.stringify(await this.#d.checkout.status(fresh));
        const message = `id: ${seq}\nevent: status\ndata: ${data}\n\n`;
        for (const stream of group.streams) {
          // New to this stream: a newer event, or (with an event committed out of order) other content.
          if (stream.lastSent >= seq && (stream.lastData === undefined || stream.lastData === data)) continue;
          stream.lastSent = Math.max(stream.lastSent, seq);
          stream.lastData = data;
          stream.write(message);
        }
      })
      .catch((error) => this.#d.log.warn({ err: error, orderId: group.orderId }, 'sse push failed'));
  }

  #latestSeq(orderId: string): Promise<number> {
    return latestEventSeq(this.#d.db, orderId, BUYER_EVENT_TYPES_LIST);
  }
}
