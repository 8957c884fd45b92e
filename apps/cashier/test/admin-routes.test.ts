// The ops console's routes: the overview by default, and a plain address for every page and figure.
import { describe, expect, it } from 'vitest';
import { figureHref, parseRoute } from '../src/admin/admin-routes.ts';

describe('parseRoute', () => {
  it('opens on the overview, for an empty or unknown hash', () => {
    expect(parseRoute('')).toEqual({ page: 'overview' });
    expect(parseRoute('#/')).toEqual({ page: 'overview' });
    expect(parseRoute('#/nothing/here')).toEqual({ page: 'overview' });
  });

  it('reads orders, one order, the reconciliation days and one day', () => {
    expect(parseRoute('#/orders')).toEqual({ page: 'orders' });
    expect(parseRoute('#/orders/ord_01ABC')).toEqual({ page: 'order', id: 'ord_01ABC' });
    expect(parseRoute('#/reconciliation')).toEqual({ page: 'reconciliation' });
    expect(parseRoute('#/reconciliation/2026-12-03')).toEqual({ page: 'day', day: '2026-12-03' });
  });

  it('reads the figure links it writes, and refuses unknown figures and periods', () => {
    expect(parseRoute(figureHref('captured', '7d', { currency: 'THB' }))).toEqual({
      page: 'figure',
      figure: 'captured',
      period: '7d',
      currency: 'THB',
    });
    expect(parseRoute(figureHref('paid', 'today', { method: 'TRUEMONEY' }))).toMatchObject({
      method: 'TRUEMONEY',
    });
    expect(parseRoute('#/reports/orders?figure=stolen&period=7d')).toEqual({ page: 'overview' });
    expect(parseRoute('#/reports/orders?figure=paid&period=1y')).toEqual({ page: 'overview' });
    expect(parseRoute('#/reports/orders?figure=paid&method=<script>')).toEqual({
      page: 'figure',
      figure: 'paid',
      period: 'today',
    });
  });
});
