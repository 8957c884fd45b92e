// One order for an operator: its facts, every payment the buyer was charged beyond the order (D11:
// a capture a cancel reversed, a surplus given back), payments and refunds in words, the refund form with
// its confirmation, and the full event history — each event in words, with every gateway call and
// notification body expandable.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { OrderEventView, OrderView, PaymentView } from '@paydesk/api';
import { ApiError, type MerchantApi } from '../api.ts';
import { formatMoney } from '../lib/money.ts';
import { Spinner } from '../ui/icons.tsx';
import { Badge, when } from './format.tsx';
import { NoticeCards } from './notices.tsx';
import { RefundForm } from './refund-form.tsx';
import { useMethods } from './use-methods.ts';
import {
  eventWords,
  methodName,
  reasonWords,
  refundKindWords,
  refundMethodWords,
  refundStatusWords,
  stateTone,
  stateWords,
  type MethodBook,
} from './words.ts';

const money = (m: { currency: string; value: string }) => (m.value === '0' ? '—' : formatMoney(m, 'en'));

export function OrderDetail({
  api,
  id,
  onUnauthorized,
}: {
  api: MerchantApi;
  id: string;
  onUnauthorized(): void;
}) {
  const [order, setOrder] = useState<OrderView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const methods = useMethods(api);

  const load = useCallback(() => {
    api.order(id).then(setOrder, (failure: unknown) => {
      if (failure instanceof ApiError && failure.status === 401) onUnauthorized();
      else
        setError(
          failure instanceof ApiError && failure.status === 404
            ? 'No such order.'
            : 'Could not load the order.',
        );
    });
  }, [api, id, onUnauthorized]);
  useEffect(load, [load]);

  if (error) {
    return (
      <p class="pd-alert" role="alert">
        {error} <a href="#/orders">Back to orders</a>
      </p>
    );
  }
  if (!order) {
    return (
      <p class="adm-empty">
        <Spinner />
      </p>
    );
  }

  return (
    <article class="adm-detail" aria-labelledby="adm-order-h">
      <a class="pd-link adm-back" href="#/orders">
        ← Orders
      </a>
      <div class="adm-bar">
        <h1 id="adm-order-h" class="adm-h1 pd-mono">
          {order.id}
        </h1>
        <Badge status={order.status} />
      </div>
      {order.needsAttention && (
        <p class="pd-banner" role="note">
          Needs attention: {order.needsAttention}
        </p>
      )}
      <NoticeCards order={order} methods={methods} />
      <div class="adm-cols">
        <section class="adm-card" aria-labelledby="adm-facts-h">
          <h2 id="adm-facts-h" class="adm-h2">
            Order
          </h2>
          <dl class="adm-facts">
            <dt>Reference</dt>
            <dd class="pd-mono">{order.reference}</dd>
            <dt>Amount</dt>
            <dd>{formatMoney(order.amount, 'en')}</dd>
            <dt>Refunded</dt>
            <dd data-testid="refunded-amount">{money(order.refundedAmount)}</dd>
            <dt>Description</dt>
            <dd>{order.description}</dd>
            <dt>Region</dt>
            <dd>{order.region ?? '—'}</dd>
            <dt>Created</dt>
            <dd>{when(order.createdAt)}</dd>
            <dt>Expires</dt>
            <dd>{when(order.expiresAt)}</dd>
            <dt>Paid</dt>
            <dd>{when(order.paidAt)}</dd>
            <dt>Checkout</dt>
            <dd>
              <a class="pd-link" href={order.checkoutUrl} target="_blank" rel="noopener noreferrer">
                Open the cashier
              </a>
            </dd>
          </dl>
        </section>
        <RefundForm api={api} order={order} methods={methods} onDone={load} />
      </div>

      <section class="adm-card" aria-labelledby="adm-pay-h">
        <h2 id="adm-pay-h" class="adm-h2">
          Payments
        </h2>
        {order.payments.length === 0 ? (
          <p class="pd-muted">No payment yet.</p>
        ) : (
          <div class="adm-table-wrap" tabIndex={0} role="region" aria-label="Payments">
            <table class="adm-table">
              <thead>
                <tr>
                  <th scope="col">Payment</th>
                  <th scope="col">Method</th>
                  <th scope="col">Status</th>
                  <th scope="col">Reason</th>
                  <th scope="col" class="adm-num">
                    Amount
                  </th>
                  <th scope="col">Created</th>
                  <th scope="col">Antom id</th>
                </tr>
              </thead>
              <tbody>
                {order.payments.map((p) => (
                  <PaymentRow key={p.id} payment={p} methods={methods} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="adm-card" aria-labelledby="adm-ref-h">
        <h2 id="adm-ref-h" class="adm-h2">
          Refunds
        </h2>
        {order.refunds.length === 0 ? (
          <p class="pd-muted">No refund.</p>
        ) : (
          <div class="adm-table-wrap" tabIndex={0} role="region" aria-label="Refunds">
            <table class="adm-table" data-testid="refunds">
              <thead>
                <tr>
                  <th scope="col">Refund</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="adm-num">
                    Amount
                  </th>
                  <th scope="col">Reason</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {order.refunds.map((r) => (
                  <tr key={r.id}>
                    <td class="pd-mono">{r.id}</td>
                    <td>
                      {refundKindWords(r)}
                      <span class="pd-muted adm-sub">
                        {refundMethodWords(r.method)} · <span class="pd-mono">{r.paymentId}</span>
                      </span>
                    </td>
                    <td>
                      <Badge status={r.status} />
                      <span class="adm-sub">{refundStatusWords(r.status)}</span>
                      {r.failureCode && <span class="pd-mono pd-muted adm-sub">{r.failureCode}</span>}
                    </td>
                    <td class="adm-num">{formatMoney(r.amount, 'en')}</td>
                    <td>{r.reason ?? '—'}</td>
                    <td>
                      {when(r.createdAt)}
                      {r.finalAt && <span class="pd-muted adm-sub">ended {when(r.finalAt)}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="adm-card" aria-labelledby="adm-ev-h">
        <h2 id="adm-ev-h" class="adm-h2">
          History <span class="pd-muted">({order.events?.length ?? 0} events)</span>
        </h2>
        <ol class="adm-events">
          {(order.events ?? []).map((event) => (
            <EventRow key={event.id} event={event} payments={order.payments} methods={methods} />
          ))}
        </ol>
      </section>
    </article>
  );
}

/** JSON text (a request or response body) pretty-printed; other text as it is. */
function pretty(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function EventRow(props: {
  event: OrderEventView;
  payments: readonly PaymentView[];
  methods: MethodBook | null;
}) {
  const { event } = props;
  const d = event.data as Record<string, unknown>;
  const shown =
    event.type === 'gateway.call'
      ? { ...d, request: pretty(d.request), response: pretty(d.response) }
      : event.type === 'notification.received'
        ? { ...d, body: pretty(d.body) }
        : d;
  const tone = event.type === 'payment.reversed' ? ' adm-event-warn' : '';
  return (
    <li>
      <details class={`adm-event${tone}`} data-type={event.type}>
        <summary>
          <span class="adm-when">{when(event.at)}</span>
          <span class="adm-words">{eventWords(event, props)}</span>
          <span class="adm-type pd-mono pd-muted">{event.type}</span>
        </summary>
        {/* Focusable, so keyboard users can scroll a long body. */}
        <pre tabIndex={0}>{JSON.stringify(shown, null, 2)}</pre>
      </details>
    </li>
  );
}

/** One payment attempt: method by name, its state and reason in words, and both times of a reversal. */
function PaymentRow({ payment: p, methods }: { payment: PaymentView; methods: MethodBook | null }) {
  const reason = reasonWords(p.reason);
  return (
    <tr data-state={p.state}>
      <td class="pd-mono">
        {p.id}
        {p.kept && <span class="adm-badge adm-ok adm-flag">paid the order</span>}
      </td>
      <td>
        {methodName(methods, p.paymentMethodType)}{' '}
        <span class="pd-muted">
          · <span class="pd-mono">{p.paymentMethodType}</span> · {p.terminalType}
        </span>
      </td>
      <td>
        <span class={`adm-badge adm-${stateTone(p.state)}`}>{stateWords(p.state)}</span>
        {p.state === 'REVERSED' ? (
          <span class="adm-sub" data-testid="reversal-times">
            Charged {when(p.paidAt)} · reversed {when(p.reversedAt)}
          </span>
        ) : (
          p.paidAt && <span class="pd-muted adm-sub">Charged {when(p.paidAt)}</span>
        )}
      </td>
      <td>
        {reason ?? '—'}
        {p.reason && reason && <span class="pd-mono pd-muted adm-sub">{p.reason}</span>}
      </td>
      <td class="adm-num">{formatMoney(p.amount, 'en')}</td>
      <td>{when(p.createdAt)}</td>
      <td class="pd-mono">{p.gatewayPaymentId ?? '—'}</td>
    </tr>
  );
}
