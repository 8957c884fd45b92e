// The sweeper settles what routes and notifications left open (D4.7–D4.9): attempts whose
// answer was lost, codes being shown (asked on a back-off schedule, one call per attempt however often the
// buyer polls), timeouts (S19), cancels to resend, refunds to send or ask about, and orders to expire.
// Each tick does a bounded batch; each item is claimed with a lease (claim.repository.ts), so instances share the work.
import type { Database } from '../db/database.ts';
import { inTransaction } from '../db/transaction.ts';
import type { Clock } from '../domain/clock.ts';
import { WATCHED_ATTEMPT_STATUSES } from '../domain/state-machine.ts';
import { findExpiringOrderIds, findOrder } from '../orders/order.repository.ts';
import { findLivePayment } from '../payments/payment.repository.ts';
import { orderSummary } from '../orders/order.views.ts';
import type { PaymentService } from '../payments/payment.service.ts';
import type { StateStore } from '../payments/payment.state.ts';
import type { RefundService } from '../refunds/refund.service.ts';
import type { Outbox } from '../webhooks/outbox.ts';
import { eachClaimed } from './claim.repository.ts';

export interface SweepReport {
  attempts: number;
  refunds: number;
  expiredOrders: number;
  errors: number;
}

export interface SweeperDeps {
  database: Pick<Database, 'db' | 'skipLocked'>;
  clock: Clock;
  payments: PaymentService;
  refunds: RefundService;
  state: StateStore;
  outbox: Outbox;
  publicUrl: string;
  batchSize: number;
  /**
   * How long a claimed item stays claimed (ms): the longest one step may spend in gateway calls. A process
   * killed mid-step holds its items this long, so it also bounds recovery after a crash (D6.5).
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
    const { clock, batchSize } = this.#d;
    const { db } = this.#d.database;
    const now = clock.now();

    const attempts = await this.#claimDue('payments', WATCHED_ATTEMPT_STATUSES, 8, async (id) => {
      await this.#d.payments.check(id);
    });
    report.attempts = attempts.done;
    const refunds = await this.#claimDue('refunds', ['PENDING', 'PROCESSING'], 4, async (id) => {
      await this.#d.refunds.execute(id);
    });
    report.refunds = refunds.done;
    report.errors += attempts.errors + refunds.errors;

    for (const id of await findExpiringOrderIds(db, now, batchSize)) {
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
   * Runs `step` for due rows of `table` in one of `statuses`, at most `lanes` at once and `batchSize` in
   * all, each claimed with a lease first (claim.repository.ts) so no other instance runs it too.
   */
  async #claimDue(
    table: 'payments' | 'refunds',
    statuses: readonly string[],
    lanes: number,
    step: (id: string) => Promise<void>,
  ): Promise<{ done: number; errors: number }> {
    const { database, clock, batchSize, leaseMs } = this.#d;
    let errors = 0;
    const loop = { database, table, statuses, clock, leaseMs, lanes, limit: batchSize };
    const done = await eachClaimed(loop, async ({ id }) => {
      try {
        await step(id);
      } catch (error) {
        errors += 1;
        this.#d.log.error(
          { err: error, [table === 'payments' ? 'paymentId' : 'refundId']: id },
          `sweeper: ${table} step failed`,
        );
      }
    });
    return { done, errors };
  }

  /**
   * An order past its time becomes EXPIRED only once no attempt is live (D4.9): a live one is
   * timed out first, and if it was paid meanwhile the payment wins and the order is PAID.
   */
  async #expire(orderId: string): Promise<boolean> {
    const { clock, state, outbox, publicUrl } = this.#d;
    const { db } = this.#d.database;
    try {
      return await inTransaction(db, async (tx) => {
        const order = await findOrder(tx.trx, orderId);
        if (!order || order.status !== 'OPEN' || order.expires_at > clock.now()) return false;
        // The order row first (the CAS takes its lock), then the check: a confirm that got in first has
        // committed its payment by now, and one that comes later finds the order EXPIRED.
        const expired = await state.moveOrder(tx, order, 'EXPIRED');
        if (!expired) return false;
        if (await findLivePayment(tx.trx, orderId)) throw new StillLive();
        await outbox.enqueue(
          tx,
          'order.expired',
          orderId,
          { order: orderSummary(expired, publicUrl) },
          clock.now(),
        );
        return true;
      });
    } catch (error) {
      if (error instanceof StillLive) return false;
      throw error;
    }
  }
}

/** Rolls an expiry back: a payment went live first, and its own timeout comes before the order's end. */
class StillLive extends Error {}
