// Orders, newest first: filter by status and attention flag, search by order id, reference or payment
// id, and page with the server's cursor (a stack of cursors lets the operator page back).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { OrderStatus, OrderSummary } from '@paydesk/api';
import { ApiError, type MerchantApi } from '../api.ts';
import { formatMoney } from '../lib/money.ts';
import { Spinner } from '../ui/icons.tsx';
import { Badge, when } from './format.tsx';
import { NoticeMarkers } from './notices.tsx';

export interface Filter {
  status: OrderStatus | '';
  q: string;
  needsAttention: boolean;
}

const STATUSES: OrderStatus[] = ['OPEN', 'PAID', 'EXPIRED', 'CLOSED'];

export function OrderList(props: {
  api: MerchantApi;
  filter: Filter;
  onFilter(filter: Filter): void;
  onUnauthorized(): void;
}) {
  const { api, filter } = props;
  const [search, setSearch] = useState(filter.q);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<{ data: OrderSummary[]; nextCursor: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1] ?? null;
  // The newest sign-out callback, without refetching the page each time the parent renders a new one.
  const unauthorizedRef = useRef(props.onUnauthorized);
  useEffect(() => {
    unauthorizedRef.current = props.onUnauthorized;
  });

  useEffect(() => {
    let current = true;
    setError(null);
    api.orders({ ...filter, cursor, limit: 20 }).then(
      (result) => current && setPage(result),
      (failure: unknown) => {
        if (failure instanceof ApiError && failure.status === 401) unauthorizedRef.current();
        else if (current) setError(failure instanceof Error ? failure.message : 'Could not load orders');
      },
    );
    return () => {
      current = false;
    };
  }, [api, filter, cursor]);

  const change = (next: Partial<Filter>) => {
    setCursors([null]);
    props.onFilter({ ...filter, ...next });
  };

  return (
    <section aria-labelledby="adm-orders-h">
      <div class="adm-bar">
        <h1 id="adm-orders-h" class="adm-h1">
          Orders
        </h1>
        <form
          class="adm-search"
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            change({ q: search.trim() });
          }}
        >
          <label class="adm-field adm-grow">
            <span class="pd-sr">Search by order id, reference or payment id</span>
            <input
              type="search"
              placeholder="Order id, reference or payment id"
              value={search}
              onInput={(event) => setSearch((event.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" class="pd-btn pd-secondary">
            Search
          </button>
        </form>
        <label class="adm-field adm-inline">
          <span>Status</span>
          <select
            value={filter.status}
            onChange={(event) =>
              change({ status: (event.currentTarget as HTMLSelectElement).value as OrderStatus | '' })
            }
          >
            <option value="">All</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </label>
        <label class="adm-check">
          <input
            type="checkbox"
            checked={filter.needsAttention}
            onChange={(event) =>
              change({ needsAttention: (event.currentTarget as HTMLInputElement).checked })
            }
          />
          Needs attention
        </label>
      </div>

      {error && (
        <p class="pd-alert" role="alert">
          {error}
        </p>
      )}
      {!page ? (
        <p class="adm-empty">
          <Spinner />
        </p>
      ) : page.data.length === 0 ? (
        <p class="adm-empty pd-muted">No orders match.</p>
      ) : (
        <div class="adm-table-wrap" tabIndex={0} role="region" aria-label="Orders">
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
                <th scope="col" class="adm-num">
                  Refunded
                </th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((order) => (
                <tr key={order.id} onClick={() => (location.hash = `#/orders/${order.id}`)}>
                  <td>{when(order.createdAt)}</td>
                  <td>
                    <a class="pd-mono" href={`#/orders/${order.id}`}>
                      {order.id}
                    </a>
                    {order.needsAttention && (
                      <span class="adm-badge adm-warn adm-flag" title={order.needsAttention}>
                        Needs attention
                      </span>
                    )}
                    <NoticeMarkers notices={order.notices} />
                  </td>
                  <td class="pd-mono">{order.reference}</td>
                  <td class="adm-num">{formatMoney(order.amount, 'en')}</td>
                  <td>
                    <Badge status={order.status} />
                  </td>
                  <td class="adm-num">
                    {order.refundedAmount.value === '0' ? '—' : formatMoney(order.refundedAmount, 'en')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="adm-pager" aria-label="Pages">
        <button
          type="button"
          class="pd-btn pd-secondary"
          disabled={cursors.length < 2}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          ← Newer
        </button>
        <span class="pd-muted">Page {cursors.length}</span>
        <button
          type="button"
          class="pd-btn pd-secondary"
          disabled={!page?.nextCursor}
          onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}
        >
          Older →
        </button>
      </nav>
    </section>
  );
}
