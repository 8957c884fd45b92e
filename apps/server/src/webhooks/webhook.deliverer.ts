// Delivers the outbox to MERCHANT_WEBHOOK_URL (D4.14): each event signed with
// `Paydesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, retried with back-off for 24 h
// (then marked DEAD and left for the operator), at least once and in any order: merchants dedupe on `id`.
import { createHmac } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Database } from '../db/database.ts';
import type { DB } from '../db/schema.ts';
import type { Clock } from '../domain/clock.ts';
import { eachClaimed } from '../sweeper/claim.repository.ts';
import { updateOutboxEvent } from './outbox.repository.ts';

const BACKOFF_SECONDS = [10, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 21600];
const GIVE_UP_AFTER_MS = 24 * 3600_000;
const LEASE_MS = 60_000;

/** The signature header value for a body sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export interface DeliveryReport {
  delivered: number;
  failed: number;
}

export interface WebhookDelivererDeps {
  database: Pick<Database, 'db' | 'skipLocked'>;
  clock: Clock;
  url: string;
  secret: string;
  timeoutMs: number;
  onResult?: (ok: boolean) => void;
}

export class WebhookDeliverer {
  readonly #d: WebhookDelivererDeps;

  constructor(deps: WebhookDelivererDeps) {
    this.#d = deps;
  }

  /** Delivers up to `batch` due events, four at a time; each is claimed first (claim.repository.ts). */
  async deliverOnce(batch = 20): Promise<DeliveryReport> {
    const report: DeliveryReport = { delivered: 0, failed: 0 };
    const { database, clock } = this.#d;
    const loop = { database, table: 'outbox' as const, statuses: ['PENDING'], clock, leaseMs: LEASE_MS };
    await eachClaimed({ ...loop, lanes: 4, limit: batch }, (event) => this.#deliver(event, report));
    return report;
  }

  async #deliver(event: Selectable<DB['outbox']>, report: DeliveryReport): Promise<void> {
    const { clock } = this.#d;
    const { db } = this.#d.database;
    const error = await this.#post(event.payload);
    this.#d.onResult?.(error === undefined);
    const attempts = event.attempts + 1;
    if (error === undefined) {
      report.delivered += 1;
      await updateOutboxEvent(db, event.id, {
        status: 'DELIVERED',
        attempts,
        delivered_at: clock.now(),
        lease_until: null,
        last_error: null,
      });
      return;
    }
    report.failed += 1;
    const next =
      clock.now() + (BACKOFF_SECONDS[Math.min(attempts - 1, BACKOFF_SECONDS.length - 1)] ?? 21600) * 1000;
    const dead = next - event.created_at > GIVE_UP_AFTER_MS;
    await updateOutboxEvent(db, event.id, {
      status: dead ? 'DEAD' : 'PENDING',
      attempts,
      next_attempt_at: next,
      lease_until: null,
      last_error: error.slice(0, 500),
    });
  }

  /** POSTs one event; returns undefined on a 2xx answer, else what went wrong. */
  async #post(body: string): Promise<string | undefined> {
    const timestamp = Math.floor(this.#d.clock.now() / 1000);
    try {
      const response = await fetch(this.#d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Paydesk-Webhooks/1',
          'paydesk-signature': signWebhook(this.#d.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.#d.timeoutMs),
        redirect: 'manual',
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
}
