// The orders behind one figure of the overview (D16.5): what "paid, last 7 days" or "captured
// in THB today" is made of, each order a link to its page.
import { useEffect, useState, useRef } from 'preact/hooks';
import type { OrderSummary } from '@paydesk/api';
import { ApiError, type MerchantApi } from '../api.ts';
import { formatMoney } from '../lib/money.ts';
import { Spinner } from '../ui/icons.tsx';
import type { AdminRoute } from './admin-routes.ts';
import { Badge, when } from './format.tsx';
import { NoticeMarkers } from './notices.tsx';

const TITLES: Record<string, string> = {
  placed: 'Orders placed',
  paid: 'Orders paid',
  expired: 'Orders expired',
  closed: 'Orders closed',
  confirmed: 'Orders with a confirmed payment',
  captured: 'Orders with money captured',
  refunded: 'Orders with money refunded',
  reversed: 'Orders with money reversed',
  attention: 'Orders needing attention',
};
const PERIOD: Record<string, string> = {
  today: 'today',
  '7d': 'in the last 7 days',
  '30d': 'in the last 30 days',
};

export function FigureOrders(props: {
  api: MerchantApi;
  route: Extract<AdminRoute, { page: 'figure' }>;
  onUnauthorized(): void;
}) {
  const { api, route } = props;
  const [orders, setOrders] = useState<OrderSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The newest sign-out callback, without refetching each time the parent renders a new one.
  const unauthorizedRef = useRef(props.onUnauthorized);
  useEffect(() => {
    unauthorizedRef.current = props.onUnauthorized;
  });
  useEffect(() => {
    let current = true;
    setOrders(null);
    api
      .overviewOrders({
        figure: route.figure,
        period: route.period,
        ...(route.method ? { method: route.method } : {}),
        ...(route.currency ? { currency: route.currency } : {}),
      })
      .then(
        (list) => current && setOrders(list.data),
        (failure: unknown) => {
          if (failure instanceof ApiError && failure.status === 401) unauthorizedRef.current();
          else if (current) setError('Could not load the orders.');
        },
      );
    return () => {
      current = false;
    };
  }, [api, route.figure, route.period, route.method, route.currency]);

  const title = `${TITLES[route.figure]}${route.figure === 'attention' ? '' : ` ${PERIOD[route.period]}`}`;
  const qualifier = [route.method, route.currency].filter(Boolean).join(', ');
  return (
    <section aria-labelledby="adm-figure-h">
      <a class="pd-link adm-back" href="#/">
        ← Overview
      </a>
      <div class="adm-bar">
        <h1 id="adm-figure-h" class="adm-h1">
          {title}
          {qualifier && <span class="pd-muted"> · {qualifier}</span>}
        </h1>
        {orders && <span class="adm-badge adm-off">{orders.length}</span>}
      </div>
      {error && (
        <p class="pd-alert" role="alert">
          {error}
        </p>
      )}
      {!orders ? (
        <p class="adm-empty">
          <Spinner />
        </p>
      ) : orders.length === 0 ? (
        <p class="adm-empty pd-muted">No orders.</p>
      ) : (
        <div class="adm-table-wrap" tabIndex={0} role="region" aria-label="Orders behind the figure">
          <table class="adm-table">
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Order</th>
                <th scope="col">Reference</th>
                <th scope="col" class="adm-num">
                  Amount
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((order) => (
                <tr key={order.id}>
                  <td>{when(order.createdAt)}</td>
                  <td>
                    <a class="pd-mono" href={`#/orders/${order.id}`}>
                      {order.id}
                    </a>
                    <NoticeMarkers notices={order.notices} />
                  </td>
                  <td class="pd-mono">{order.reference}</td>
                  <td class="adm-num">{formatMoney(order.amount, 'en')}</td>
                  <td>
                    <Badge status={order.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
