// Confirm uses the order as this instance last read it (D17.11): its status may be old by then, so every
// answer but a new or live attempt must be the one a fresh read gives (S9, S11) — on this instance and
// when the change was made on another one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startStack, type Stack } from '@paydesk/testkit';
import { listPayments } from '../src/payments/payment.repository.ts';

describe.each(DIALECTS)('confirm on an order read earlier, on %s', (dialect) => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ dialect, sweeper: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const db = () => stack.server.paydesk.database.db;

  /** An order whose checkout the buyer's page has read (so this instance knows it). */
  async function readOrder(base = stack.url) {
    const order = await stack.createOrder();
    const view = await fetch(`${base}/api/v1/checkout/${order.checkoutToken}`);
    expect(view.status).toBe(200);
    return order;
  }

  it('creates the attempt, and a second confirm gets the same one back (S11)', async () => {
    const order = await readOrder();
    const first = await stack.confirm(order.checkoutToken);
    expect(first.status).toBe(201);
    const again = await stack.confirm(order.checkoutToken);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await listPayments(db(), order.id)).toHaveLength(1);
  });

  it('refuses an order closed after it was read with 410 ORDER_CLOSED, writing nothing (S9)', async () => {
    const order = await readOrder();
    expect((await stack.merchant('POST', `/api/v1/orders/${order.id}/close`)).status).toBe(200);
    const refused = await stack.confirm(order.checkoutToken);
    expect(refused.status).toBe(410);
    expect(refused.body.error.code).toBe('ORDER_CLOSED');
    expect(await listPayments(db(), order.id)).toHaveLength(0);
  });

  it('refuses an order paid after it was read even while one of its codes is live (S9)', async () => {
    // A late capture of another code pays the order and leaves the live one to be stopped (made due):
    // the order PAID with a live attempt. The insert's live-attempt answer must not hide that.
    const order = await readOrder();
    const live = await stack.confirm(order.checkoutToken);
    expect(live.status).toBe(201);
    await db().updateTable('orders').set({ status: 'PAID' }).where('id', '=', order.id).execute();
    for (const method of ['PROMPTPAY', 'TRUEMONEY', 'NO_SUCH_METHOD']) {
      const refused = await stack.confirm(order.checkoutToken, method);
      expect(refused.status, method).toBe(409);
      expect(refused.body.error.code, method).toBe('ORDER_ALREADY_PAID');
    }
    expect(await listPayments(db(), order.id)).toHaveLength(1);
  });

  it.runIf(dialect === 'postgres')(
    'refuses on instance B an order B read and instance A closed (S9)',
    async () => {
      // The peer stops with the stack.
      const peer = await stack.startPeer();
      const order = await readOrder(peer.url);
      expect((await stack.merchant('POST', `/api/v1/orders/${order.id}/close`)).status).toBe(200);
      const refused = await fetch(`${peer.url}/api/v1/checkout/${order.checkoutToken}/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ paymentMethodType: 'PROMPTPAY', terminalType: 'WEB' }),
      });
      expect(refused.status).toBe(410);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('ORDER_CLOSED');
      expect(await listPayments(db(), order.id)).toHaveLength(0);
    },
  );
});
