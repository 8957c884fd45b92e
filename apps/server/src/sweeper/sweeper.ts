// The sweeper settles what routes and notifications left open (issue 4 points 7–9): attempts whose
// answer was lost, codes being shown (asked on a back-off schedule, one call per attempt however often the
// buyer polls), timeouts (S19), cancels to resend, refunds to send or ask about, and orders to expire.
// Each tick does a bounded batch; each item is claimed with a lease, so several instances can share work.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import type { Clock } from '../domain/clock.ts';
import { LIVE_ATTEMPT_STATUSES, OPEN_ATTEMPT_STATUSES } from '../domain/state-machine.ts';
import { findLivePayment, findOrder } from '../orders/order.repository.ts';
import { orderSummary } from '../orders/order.views.ts';
import type { PaymentService } from '../payments/payment.service.ts';
import type { StateStore } from '../payments/payment.state.ts';
import type { RefundService } from '../refunds/refund.service.ts';
import type { Outbox } from '../webhooks/outbox.ts';
import { eachLimited } from './worker.ts';

export interface SweepReport {
  attempts: number;
  refunds: number;
  expiredOrders: number;
  errors: number;
}

export interface SweeperDeps {
  db: Kysely<DB>;
  clock: Clock;
  payments: PaymentService;
  refunds: RefundService;
  state: StateStore;
  outbox: Outbox;
  publicUrl: string;
  batchSize: number;
  /**
   * How long a claimed item stays claimed (ms): the longest one step may spend in gateway calls. A process
   * killed mid-step holds its items this long, so it also bounds recovery after a crash (issue #6 point 5).
   */
  leaseMs: number;
  log: { error(obj: object, msg: string): void };
}

export class Sweeper {
  readonly #d: SweeperDeps;

  constructor(deps: SweeperDeps) {
    this.#d = deps;
  }

  /** One bounded pass over everything that is due. */
  async sweepOnce(): Promise<SweepReport> {
    const report: SweepReport = { attempts: 0, refunds: 0, expiredOrders: 0, errors: 0 };
    const { db, clock, batchSize } = this.#d;
    const now = clock.now();

    const attempts = await db
      .selectFrom('payments')
      .select(['id', 'status'])
      .where('status', 'in', OPEN_ATTEMPT_STATUSES)
      .where('next_check_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('next_check_at')
      .limit(batchSize)
      .execute();
    await eachLimited(attempts, 8, async ({ id, status }) => {
      const claimed = await db
        .updateTable('payments')
        .set({ lease_until: now + this.#d.leaseMs })
        .where('id', '=', id)
        .where('status', '=', status)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return;
      report.attempts += 1;
      try {
        await this.#d.payments.check(id);
      } catch (error) {
        report.errors += 1;
        this.#d.log.error({ err: error, paymentId: id }, 'sweeper: payment check failed');
      }
    });

    const refunds = await db
      .selectFrom('refunds')
      .select(['id', 'status'])
      .where('status', 'in', ['PENDING', 'PROCESSING'])
      .where('next_check_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('next_check_at')
      .limit(batchSize)
      .execute();
    await eachLimited(refunds, 4, async ({ id, status }) => {
      const claimed = await db
        .updateTable('refunds')
        .set({ lease_until: now + this.#d.leaseMs })
        .where('id', '=', id)
        .where('status', '=', status)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return;
      report.refunds += 1;
      try {
        await this.#d.refunds.execute(id);
      } catch (error) {
        report.errors += 1;
        this.#d.log.error({ err: error, refundId: id }, 'sweeper: refund step failed');
      }
    });

    const expiring = await db
      .selectFrom('orders')
      .select('id')
      .where('status', '=', 'OPEN')
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(batchSize)
      .execute();
    for (const { id } of expiring) {
      try {
        if (await this.#expire(id)) report.expiredOrders += 1;
      } catch (error) {
        report.errors += 1;
        this.#d.log.error({ err: error, orderId: id }, 'sweeper: order expiry failed');
      }
    }
    return report;
  }

  /**
   * An order past its time becomes EXPIRED only once no attempt is live (issue 4 point 9): a live one is
   * timed out first, and if it was paid meanwhile the payment wins and the order is PAID.
   */
  async #expire(orderId: string): Promise<boolean> {
    const { db, clock, state, outbox, publicUrl } = this.#d;
    const live = await findLivePayment(db, orderId);
    if (live) {
      if (live.next_check_at === null || live.next_check_at > clock.now()) {
        await db
          .updateTable('payments')
          .set({ next_check_at: clock.now() })
          .where('id', '=', live.id)
          .where('status', 'in', LIVE_ATTEMPT_STATUSES)
          .execute();
      }
      return false;
    }
    return inTransaction(db, async (tx) => {
      const order = await findOrder(tx.trx, orderId);
      if (!order || order.status !== 'OPEN' || order.expires_at > clock.now()) return false;
      const stillLive = await findLivePayment(tx.trx, orderId);
      if (stillLive) return false;
      const expired = await state.moveOrder(tx, order, 'EXPIRED');
      if (!expired) return false;
      await outbox.enqueue(
        tx,
        'order.expired',
        orderId,
        { order: orderSummary(expired, publicUrl) },
        clock.now(),
      );
      return true;
    });
  }
}
