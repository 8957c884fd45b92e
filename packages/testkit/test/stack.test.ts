// The kit's manual clock: with `clock: 'manual'` and `workers: 'manual'` nothing time-bound happens until
// the test moves the clock and runs a pass, however loaded the machine is (docs/style.md point 11).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startStack, waitFor, type Stack } from '../src/index.ts';

describe.each(DIALECTS)('the test kit on %s', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dialect, clock: 'manual', workers: 'manual', receiver: true });
  });
  afterAll(() => stack?.close());

  const payment = async (orderId: string) =>
    (await stack.merchant('GET', `/api/v1/orders/${orderId}`)).body.payments[0];

  it('ends a code (S19) only once the clock passes its lifetime and the sweeper runs', async () => {
    const order = await stack.createOrder();
    const confirm = await stack.confirm(order.checkoutToken);
    expect(confirm.status).toBe(201);
    const lifetime = Date.parse(confirm.body.expiresAt) - stack.clock.now();

    stack.advance(lifetime - 1_000);
    await stack.sweepOnce();
    expect((await payment(order.id)).state).toBe('PROCESSING');

    stack.advance(2_000);
    await stack.sweepOnce();
    expect((await payment(order.id)).state).toBe('CANCELLED');
  });

  it('delivers a webhook only when the test runs the deliverer', async () => {
    const order = await stack.createOrder();
    const confirm = await stack.confirm(order.checkoutToken);
    expect((await stack.scan(confirm.body.code.value)).status).toBe(200);
    // The notification is Antom's, over real HTTP: wait for the order, not for the clock.
    await waitFor(() => stack.merchant('GET', `/api/v1/orders/${order.id}`), 'the order to be PAID', {
      until: (answer) => answer.body.status === 'PAID',
    });
    const paidHooks = () =>
      stack.receiver!.received.filter(
        (r) => r.json?.type === 'order.paid' && r.json.data.order.id === order.id,
      );
    expect(paidHooks()).toHaveLength(0);
    await stack.deliverOnce();
    expect(paidHooks()).toHaveLength(1);
  });
});
