// The ops console's hash routes, as data: the console opens on the overview (D16.5); orders,
// one order, the reconciliation days and one day, and the orders behind an overview figure each have
// their own address, so every figure and discrepancy is a plain link.
import type { OverviewFigure, OverviewPeriod } from '@paydesk/api';

export type AdminRoute =
  | { page: 'overview' }
  | { page: 'orders' }
  | { page: 'order'; id: string }
  | { page: 'reconciliation' }
  | { page: 'day'; day: string }
  | {
      page: 'figure';
      figure: OverviewFigure;
      period: OverviewPeriod;
      method?: string;
      currency?: string;
    };

const FIGURES: readonly OverviewFigure[] = [
  'placed',
  'paid',
  'expired',
  'closed',
  'confirmed',
  'captured',
  'refunded',
  'reversed',
  'attention',
];
const PERIODS: readonly OverviewPeriod[] = ['today', '7d', '30d'];

/** The route of a location hash; anything unknown is the overview. */
export function parseRoute(hash: string): AdminRoute {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const order = /^\/orders\/(ord_[0-9A-Za-z]+)$/.exec(path);
  if (order) return { page: 'order', id: order[1]! };
  if (path === '/orders') return { page: 'orders' };
  if (path === '/reconciliation') return { page: 'reconciliation' };
  const day = /^\/reconciliation\/(\d{4}-\d{2}-\d{2})$/.exec(path);
  if (day) return { page: 'day', day: day[1]! };
  if (path === '/reports/orders') {
    const query = new URLSearchParams(search);
    const figure = query.get('figure') as OverviewFigure | null;
    const period = (query.get('period') ?? 'today') as OverviewPeriod;
    if (figure && FIGURES.includes(figure) && PERIODS.includes(period)) {
      const method = query.get('method');
      const currency = query.get('currency');
      return {
        page: 'figure',
        figure,
        period,
        ...(method && /^[A-Z0-9_]{1,64}$/.test(method) ? { method } : {}),
        ...(currency && /^[A-Z]{3}$/.test(currency) ? { currency } : {}),
      };
    }
  }
  return { page: 'overview' };
}

/** The hash of the orders behind one figure. */
export function figureHref(
  figure: OverviewFigure,
  period: OverviewPeriod,
  extra: { method?: string; currency?: string } = {},
): string {
  const query = new URLSearchParams({ figure, period });
  if (extra.method) query.set('method', extra.method);
  if (extra.currency) query.set('currency', extra.currency);
  return `#/reports/orders?${query}`;
}
