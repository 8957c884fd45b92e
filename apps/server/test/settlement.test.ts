// A capture that pays its order (S10): on PostgreSQL the settlement is one statement under the order's
// lock (D17.9), on SQLite the step-by-step transaction. Both write the same rows: the attempt SUCCESS and
// kept, the order PAID, `payment.success` then `order.paid` in the history, the `order.paid` webhook with
// the rows as written — and nothing at all when the attempt changed since it was read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startStack, type Stack } from '@paydesk/testkit';
import { EventBus } from '../src/events/event-bus.ts';
import { findOrder } from '../src/orders/order.repository.ts';
import { orderSummary, paymentView } from '../src/orders/order.views.ts';
import { findPayment } from '../src/payments/payment.repository.ts';
import { StateStore } from '../src/payments/payment.state.ts';
import { Settlement } from '../src/payments/settlement.ts';
import { Outbox } from '../src/webhooks/outbox.ts';

describe.each(DIALECTS)('settling a capture that pays its order on %s', (dialect) => {
  let stack: Stack;
  let settlement: Settlement;
  let state: StateStore;
  let wakes = 0;

  beforeAll(async () => {
    stack = await startStack({ dialect, clock: 'manual', workers: 'manual', receiver: true });
    state = new StateStore({ clock: stack.clock, bus: new EventBus() });
    const paydesk = stack.server.paydesk;
    settlement = new Settlement({
      db: paydesk.database.db,
      clock: stack.clock,
      state,
      outbox: new Outbox({ enabled: true, wake: () => (wakes += 1) }),
      publicUrl: stack.config.publicUrl,
      methodOf: () => undefined,
      wake: () => {},
      oneStatementWrites: paydesk.database.oneStatementWrites,
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const db = () => stack.server.paydesk.database.db;
  const history = (orderId: string) =>
    db().selectFrom('order_events').selectAll().where('order_id', '=', orderId).orderBy('seq').execute();
  const webhooks = (orderId: string) =>
    db()
      .selectFrom('outbox')
      .selectAll()
      .where('order_id', '=', orderId)
      .where('type', '=', 'order.paid')
      .execute();

  it('writes nothing when the attempt changed since it was read, then settles it as it stands', async () => {
    const order = await stack.createOrder();
    const confirmed = await stack.confirm(order.checkoutToken);
    const read = (await findPayment(db(), confirmed.body.id))!;
    expect(read.status).toBe('PROCESSING');
    const leased = (await state.patchAttempt(db(), read, { lease_until: stack.clock.now() + 5_000 }))!;
    const eventsBefore = (await history(order.id)).length;
    const paidAt = stack.clock.now();

    expect(await settlement.settle(read, { paid_at: paidAt, lease_until: null })).toBeUndefined();
    expect((await findOrder(db(), order.id))?.status).toBe('OPEN');
    expect((await findPayment(db(), read.id))?.status).toBe('PROCESSING');
    expect(await history(order.id)).toHaveLength(eventsBefore);
    expect(await webhooks(order.id)).toHaveLength(0);

    stack.advance(7);
    const wakesBefore = wakes;
    const paid = await settlement.settle(leased, { paid_at: paidAt, lease_until: null });
    const payment = (await findPayment(db(), read.id))!;
    const paidOrder = (await findOrder(db(), order.id))!;
    expect(paid).toEqual(payment);
    expect(payment).toMatchObject({
      status: 'SUCCESS',
      kept: 1,
      paid_at: paidAt,
      final_at: stack.clock.now(),
      next_check_at: null,
      lease_until: null,
      version: leased.version + 1,
    });
    expect(paidOrder).toMatchObject({
      status: 'PAID',
      paid_at: paidAt,
      paid_payment_id: read.id,
      updated_at: stack.clock.now(),
      final_at: stack.clock.now(),
    });

    const events = (await history(order.id)).slice(eventsBefore);
    expect(events.map((e) => [e.type, JSON.parse(e.data), Number(e.created_at)])).toEqual([
      [
        'payment.success',
        { paymentId: read.id, from: 'PROCESSING', to: 'SUCCESS', reason: null },
        stack.clock.now(),
      ],
      ['order.paid', { from: 'OPEN', to: 'PAID' }, stack.clock.now()],
    ]);
    const [webhook, ...more] = await webhooks(order.id);
    expect(more).toHaveLength(0);
    expect(webhook).toMatchObject({
      status: 'PENDING',
      next_attempt_at: stack.clock.now(),
      lease_until: null,
    });
    const sent = JSON.parse(webhook!.payload);
    expect(sent).toMatchObject({ id: webhook!.id, type: 'order.paid' });
    expect(sent.data).toEqual(
      JSON.parse(
        JSON.stringify({
          order: orderSummary(paidOrder, stack.config.publicUrl),
          payment: paymentView(payment),
        }),
      ),
    );
    expect(wakes).toBeGreaterThan(wakesBefore);
  });

  it("makes the order's other live codes due at once", async () => {
    const order = await stack.createOrder();
    const first = (await findPayment(db(), (await stack.confirm(order.checkoutToken)).body.id))!;
    // A code the buyer left (cancelled here, by hand) and the one confirmed after it, still live.
    const left = (await state.patchAttempt(db(), first, { next_check_at: null }))!;
    await db()
      .updateTable('payments')
      .set({ status: 'CANCELLED', version: left.version + 1 })
      .where('id', '=', left.id)
      .execute();
    const second = (await findPayment(
      db(),
      (await stack.confirm(order.checkoutToken, 'TRUEMONEY')).body.id,
    ))!;
    expect(second.status).toBe('PROCESSING');
    stack.advance(3);
    const late = (await findPayment(db(), first.id))!;
    expect(await settlement.settle(late, { paid_at: stack.clock.now() })).toMatchObject({
      status: 'SUCCESS',
    });
    const other = (await findPayment(db(), second.id))!;
    expect(other.next_check_at).toBe(stack.clock.now());
    expect(other.version).toBe(second.version + 1);
  });
});
