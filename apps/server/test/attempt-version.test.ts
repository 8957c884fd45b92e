// An attempt's compare-and-set checks its version as well as its status (D17.8): a write that leaves the
// status alone — a look's lease (D11.1), a sweeper's claim, a recorded stop — made between a decision's read
// and its write used to be overwritten by that write; now the write loses, and the caller reads again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startStack, type Stack } from '@paydesk/testkit';
import { inTransaction } from '../src/db/transaction.ts';
import { EventBus } from '../src/events/event-bus.ts';
import { findPayment } from '../src/payments/payment.repository.ts';
import { StateStore } from '../src/payments/payment.state.ts';
import { claimNext } from '../src/sweeper/claim.repository.ts';
import type { PaymentRow } from '../src/db/schema.ts';

describe.each(DIALECTS)('the compare-and-set on an attempt on %s', (dialect) => {
  let stack: Stack;
  let state: StateStore;

  beforeAll(async () => {
    stack = await startStack({ dialect, clock: 'manual', workers: 'manual' });
    state = new StateStore({ clock: stack.clock, bus: new EventBus() });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** A live attempt (PROCESSING, its code shown) as a decision would read it. */
  async function liveAttempt(): Promise<PaymentRow> {
    const order = await stack.createOrder();
    const confirmed = await stack.confirm(order.checkoutToken);
    expect(confirmed.status).toBe(201);
    const row = await findPayment(stack.server.paydesk.database.db, confirmed.body.id);
    expect(row?.status).toBe('PROCESSING');
    return row!;
  }

  const db = () => stack.server.paydesk.database.db;

  it("does not overwrite a look's lease written after its read", async () => {
    const read = await liveAttempt();
    const leaseUntil = stack.clock.now() + 30_000;
    const leased = await state.patchAttempt(db(), read, { lease_until: leaseUntil });
    expect(leased?.lease_until).toBe(leaseUntil);
    expect(leased?.version).toBe(read.version + 1);

    // Decided on the older read: a status change and a plain patch both lose.
    expect(
      await inTransaction(db(), (tx) => state.moveAttempt(tx, read, 'CANCELLING', { lease_until: null })),
    ).toBeUndefined();
    expect(await state.patchAttempt(db(), read, { next_check_at: 1, lease_until: null })).toBeUndefined();
    if (stack.server.paydesk.database.oneStatementWrites)
      expect(await state.moveAttemptAtOnce(db(), read, 'CANCELLED', { lease_until: null })).toBeUndefined();
    const now = await findPayment(db(), read.id);
    expect(now?.status).toBe('PROCESSING');
    expect(now?.lease_until).toBe(leaseUntil);

    // Decided again on the row as it stands, the write goes through.
    const moved = await inTransaction(db(), (tx) => state.moveAttempt(tx, now!, 'CANCELLING'));
    expect(moved?.status).toBe('CANCELLING');
    expect(moved?.version).toBe(now!.version + 1);
  });

  it("does not overwrite a recorded stop, nor lose the sweeper's claim", async () => {
    const read = await liveAttempt();
    const stopped = await state.patchAttempt(db(), read, { cancel_reason: 'BUYER_CANCELLED' });
    expect(stopped?.cancel_reason).toBe('BUYER_CANCELLED');
    expect(await state.patchAttempt(db(), read, { reason: 'SOMETHING' })).toBeUndefined();

    // The sweeper's claim is a write too: a decision read before it loses to it.
    await state.patchAttempt(db(), stopped!, { next_check_at: stack.clock.now() });
    const before = await findPayment(db(), read.id);
    const claimed = await claimNext(
      stack.server.paydesk.database,
      'payments',
      ['PROCESSING'],
      stack.clock.now(),
      stack.clock.now() + 10_000,
    );
    expect(claimed?.id).toBe(read.id);
    expect(claimed?.version).toBe(before!.version + 1);
    expect(await state.patchAttempt(db(), before!, { lease_until: null })).toBeUndefined();
    expect((await findPayment(db(), read.id))?.lease_until).toBe(stack.clock.now() + 10_000);
  });
});
