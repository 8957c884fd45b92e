// The overview (D16.5) on both dialects: its figures equal those computed here from the orders
// the Merchant API shows, and every figure opens as exactly the orders behind it. The clocks sit at midday
// of Antom's day (UTC+8) and move by hand to expire an order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { antomDay, dayWindow } from '../src/reconciliation/antom-day.ts';
import { DIALECTS, startStack, waitFor, type Stack } from '@paydesk/testkit';

interface Payment {
  paymentMethodType: string;
  amount: { currency: string; value: string };
  paidAt: string | null;
  kept: boolean;
}
interface Refund {
  status: string;
  method: string;
  amount: { currency: string; value: string };
}
interface Order {
  id: string;
  status: string;
  createdAt: string;
  paidAt: string | null;
  needsAttention: string | null;
  payments: Payment[];
  refunds: Refund[];
}

describe.each(DIALECTS)('GET /api/v1/reports/overview on %s', (dialect) => {
  let stack: Stack;
  let offset = dayWindow(antomDay(Date.now())).start + 12 * 3_600_000 - Date.now();
  const now = () => Date.now() + offset;

  beforeAll(async () => {
    stack = await startStack({ dialect, clock: { now }, sandbox: { now } });
  });
  afterAll(() => stack?.close());

  async function pay(orderOverrides: Record<string, unknown>, method: string) {
    const order = await stack.createOrder(orderOverrides);
    const confirmed = await stack.confirm(order.checkoutToken, method);
    expect(confirmed.status).toBe(201);
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: confirmed.body.code.value });
    await waitFor(
      async () => (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body.status === 'PAID',
      'PAID',
    );
    return order.id as string;
  }

  it('shows the figures computed from the orders, and the orders behind each figure', async () => {
    const thb = await pay({}, 'TRUEMONEY');
    await pay({ amount: { currency: 'THB', value: '99000' } }, 'TRUEMONEY');
    const sgd = await pay({ amount: { currency: 'SGD', value: '5000' }, region: 'SG' }, 'PAYNOW');
    expect(
      (
        await stack.merchant('POST', `/api/v1/orders/${thb}/refunds`, {
          amount: { currency: 'THB', value: '30000' },
        })
      ).body.status,
    ).toBe('SUCCEEDED');
    const abandoned = await stack.createOrder();
    expect((await stack.confirm(abandoned.checkoutToken, 'PROMPTPAY')).status).toBe(201);
    expect((await stack.merchant('POST', `/api/v1/orders/${abandoned.id}/close`)).body.status).toBe('CLOSED');
    await stack.createOrder();
    const expiring = await stack.createOrder({ expiresInSeconds: 60 });
    offset += 70_000;
    await waitFor(
      async () => (await stack.merchant('GET', `/api/v1/orders/${expiring.id}`)).body.status === 'EXPIRED',
      'EXPIRED',
    );

    const list = (await stack.merchant('GET', '/api/v1/orders?limit=100')).body.data as { id: string }[];
    const orders: Order[] = await Promise.all(
      list.map(async (o) => (await stack.merchant('GET', `/api/v1/orders/${o.id}`)).body as Order),
    );
    const count = (test: (o: Order) => boolean) => orders.filter(test).length;
    const conversion = new Map<string, { confirmed: Set<string>; paid: Set<string> }>();
    const money = new Map<string, { captured: bigint; refunded: bigint; reversed: bigint }>();
    const flow = (c: string) =>
      money.get(c) ?? money.set(c, { captured: 0n, refunded: 0n, reversed: 0n }).get(c)!;
    for (const order of orders) {
      for (const p of order.payments) {
        const m =
          conversion.get(p.paymentMethodType) ??
          conversion
            .set(p.paymentMethodType, { confirmed: new Set(), paid: new Set() })
            .get(p.paymentMethodType)!;
        m.confirmed.add(order.id);
        if (p.kept) m.paid.add(order.id);
        if (p.paidAt) flow(p.amount.currency).captured += BigInt(p.amount.value);
      }
      for (const r of order.refunds.filter((r) => r.status === 'SUCCEEDED')) {
        if (r.method === 'REFUND') flow(r.amount.currency).refunded += BigInt(r.amount.value);
        if (r.method === 'CANCEL') flow(r.amount.currency).reversed += BigInt(r.amount.value);
      }
    }
    const expected = {
      orders: {
        placed: orders.length,
        paid: count((o) => o.paidAt !== null),
        expired: count((o) => o.status === 'EXPIRED'),
        closed: count((o) => o.status === 'CLOSED'),
      },
      conversion: [...conversion]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([method, m]) => ({
          method,
          confirmed: m.confirmed.size,
          paid: m.paid.size,
          rate: Math.round((m.paid.size / m.confirmed.size) * 10_000) / 10_000,
        })),
      money: [...money]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, m]) => ({
          currency,
          captured: m.captured.toString(),
          refunded: m.refunded.toString(),
          reversed: m.reversed.toString(),
        })),
    };
    expect(expected.orders).toEqual({ placed: 6, paid: 3, expired: 1, closed: 1 });

    const overview = await stack.merchant('GET', '/api/v1/reports/overview');
    expect(overview.status).toBe(200);
    expect(overview.body.periods.map((p: { period: string }) => p.period)).toEqual(['today', '7d', '30d']);
    for (const period of overview.body.periods) {
      expect(period).toMatchObject(expected);
      expect(period.daily.at(-1)).toEqual({ day: antomDay(now()), placed: 6, paid: 3 });
      expect(period.daily).toHaveLength(period.period === 'today' ? 1 : period.period === '7d' ? 7 : 30);
    }
    expect(overview.body.needsAttention).toBe(count((o) => o.needsAttention !== null));
    expect(overview.body.openDiscrepancies).toBe(0);

    const behind = async (query: string) =>
      (
        (await stack.merchant('GET', `/api/v1/reports/overview/orders?${query}`)).body.data as {
          id: string;
        }[]
      )
        .map((o) => o.id)
        .sort();
    const ids = (test: (o: Order) => boolean) =>
      orders
        .filter(test)
        .map((o) => o.id)
        .sort();
    expect(await behind('figure=paid&period=7d')).toEqual(ids((o) => o.paidAt !== null));
    expect(await behind('figure=placed')).toEqual(ids(() => true));
    expect(await behind('figure=expired&period=30d')).toEqual([expiring.id]);
    expect(await behind('figure=closed')).toEqual([abandoned.id]);
    expect(await behind('figure=confirmed&method=PROMPTPAY')).toEqual([abandoned.id]);
    expect(await behind('figure=paid&method=PAYNOW')).toEqual([sgd]);
    expect(await behind('figure=captured&currency=SGD')).toEqual([sgd]);
    expect(await behind('figure=refunded&currency=THB')).toEqual([thb]);
    expect(await behind('figure=reversed')).toEqual([]);

    expect((await stack.merchant('GET', '/api/v1/reports/overview/orders?figure=nope')).status).toBe(400);
    expect(
      (await stack.merchant('GET', '/api/v1/reports/overview/orders?figure=paid&period=1y')).status,
    ).toBe(400);
    expect((await stack.call('GET', '/api/v1/reports/overview')).status).toBe(401);
  });
});
