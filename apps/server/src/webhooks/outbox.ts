// Merchant webhooks are written to an outbox in the same transaction as the change they report
// (D4.14), so an event is never lost nor sent for a change that rolled back.
import type { WebhookEvent } from '@paydesk/api';
import type { Insertable } from 'kysely';
import type { DB } from '../db/schema.ts';
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
    const row = this.prepare(tx, type, orderId, data, now);
    if (row) await insertOutboxEvent(tx.trx, row);
  }

  /**
   * The row `enqueue` would insert, for a caller that writes it in a statement of its own (the settlement
   * on PostgreSQL, D17.9); the deliverer is woken when `tx` commits. Undefined when no webhook URL is set.
   */
  prepare(
    tx: Tx,
    type: WebhookType,
    orderId: string,
    data: WebhookEvent['data'],
    now: number,
  ): Insertable<DB['outbox']> | undefined {
    if (!this.#enabled) return undefined;
    const id = newId('evt', now);
    const event: WebhookEvent = { id, type, createdAt: iso(now), data };
    tx.afterCommit(this.#wake);
    return {
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
    };
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
