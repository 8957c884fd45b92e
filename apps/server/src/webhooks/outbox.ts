// Merchant webhooks are written to an outbox in the same transaction as the change they report
// (D4.14), so an event is never lost nor sent for a change that rolled back.
import type { WebhookEvent } from '@paydesk/api';
import { iso } from '../domain/clock.ts';
import { newId } from '../domain/ids.ts';
import type { Tx } from '../db/transaction.ts';
import { insertOutboxEvent } from './outbox.repository.ts';

export type WebhookType = WebhookEvent['type'];

export class Outbox {
  readonly #enabled: boolean;
  readonly #wake: () => void;
  constructor(options: { enabled: boolean; wake: () => void }) {
    this.#enabled = options.enabled;
    this.#wake = options.wake;
  }

  /** Queues a webhook event with a stable id; a no-op when no webhook URL is configured. */
  async enqueue(
    tx: Tx,
    type: WebhookType,
    orderId: string,
    data: WebhookEvent['data'],
    now: number,
  ): Promise<void> {
    if (!this.#enabled) return;
    const id = newId('evt', now);
    const event: WebhookEvent = { id, type, createdAt: iso(now), data };
    await insertOutboxEvent(tx.trx, {
      id,
      order_id: orderId,
      type,
      payload: JSON.stringify(event),
      status: 'PENDING',
      next_attempt_at: now,
      lease_until: null,
      last_error: null,
      created_at: now,
      delivered_at: null,
    });
    tx.afterCommit(this.#wake);
  }

  /**
   * Queues an event that is not about one order (D16: `reconciliation.discrepancy`); `subjectId`
   * fills the outbox's order column (the order when there is one). Built by the caller, id included.
   */
  async enqueueEvent(
    tx: Tx,
    event: { id: string; type: string; createdAt: string; data: unknown },
    subjectId: string,
    now: number,
  ): Promise<void> {
    if (!this.#enabled) return;
    await insertOutboxEvent(tx.trx, {
      id: event.id,
      order_id: subjectId,
      type: event.type,
      payload: JSON.stringify(event),
      status: 'PENDING',
      next_attempt_at: now,
      lease_until: null,
      last_error: null,
      created_at: now,
      delivered_at: null,
    });
    tx.afterCommit(this.#wake);
  }
}
