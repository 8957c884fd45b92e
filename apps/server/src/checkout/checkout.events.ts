// The live status stream (issue 4 point 15): Server-Sent Events carrying the /status shape after every
// committed change, each with the id of the order event that caused it, so a reconnecting browser
// (Last-Event-ID) gets what it missed. Pushed from the in-process bus, and polled from the database every
// two seconds so changes made by another instance arrive too. A comment line keeps proxies from idling out.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB, OrderRow } from '../db/schema.ts';
import type { EventBus } from '../events/event-bus.ts';
import { BUYER_EVENT_TYPES } from '../events/order-events.ts';
import { findOrder } from '../orders/order.repository.ts';
import type { CheckoutService } from './checkout.service.ts';

const POLL_MS = 2_000;

export async function streamCheckoutEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: { db: Kysely<DB>; bus: EventBus; checkout: CheckoutService; order: OrderRow; heartbeatMs: number },
): Promise<void> {
  const { db, bus, checkout, order } = deps;
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

  let closed = false;
  let chain: Promise<void> = Promise.resolve();
  const latestSeq = async (): Promise<number> => {
    const row = await db
      .selectFrom('order_events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('order_id', '=', order.id)
      .where('type', 'in', [...BUYER_EVENT_TYPES])
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  };
  const push = () => {
    chain = chain
      .then(async () => {
        if (closed) return;
        const seq = await latestSeq();
        if (seq <= lastSent) return;
        const fresh = await findOrder(db, order.id);
        if (!fresh || closed) return;
        const status = await checkout.status(fresh);
        lastSent = seq;
        res.write(`id: ${seq}\nevent: status\ndata: ${JSON.stringify(status)}\n\n`);
      })
      .catch((error) => request.log.warn({ err: error }, 'sse push failed'));
  };

  const unsubscribe = bus.subscribe(order.id, push);
  const poll = setInterval(push, POLL_MS);
  const heartbeat = setInterval(() => {
    if (!closed) res.write(': ping\n\n');
  }, deps.heartbeatMs);
  poll.unref();
  heartbeat.unref();
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(poll);
    clearInterval(heartbeat);
  };
  request.raw.on('close', close);
  res.on('close', close);
  push();
}
