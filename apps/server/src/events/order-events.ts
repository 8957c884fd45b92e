// The append-only history of an order: every state change, and (in their own tables) every gateway call
// and raw notification. Buyer-relevant changes carry the status snapshot the SSE stream sends (S15).
import { newId } from '../domain/ids.ts';
import type { Tx } from '../db/transaction.ts';
import type { EventBus } from './event-bus.ts';
import { insertOrderEvent } from './order-event.repository.ts';

/** Event types the buyer's live stream forwards. */
export const BUYER_EVENT_TYPES = new Set([
  'order.paid',
  'order.expired',
  'order.closed',
  'payment.created',
  'payment.processing',
  'payment.unknown',
  'payment.cancelling',
  'payment.abandoned',
  'payment.success',
  'payment.fail',
  'payment.cancelled',
  'payment.reversed',
  'payment.duplicate',
  'payment.duplicate_refunded',
  'payment.duplicate_manual',
]);

export async function recordEvent(
  tx: Tx,
  bus: EventBus,
  orderId: string,
  type: string,
  data: Record<string, unknown>,
  now: number,
): Promise<void> {
  await insertOrderEvent(tx.trx, {
    id: newId('evt', now),
    order_id: orderId,
    type,
    data: JSON.stringify(data),
    created_at: now,
  });
  if (BUYER_EVENT_TYPES.has(type)) bus.changed(tx, orderId);
}
