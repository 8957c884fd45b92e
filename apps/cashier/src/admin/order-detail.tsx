// One order for an operator: its facts, payments, refunds, a refund form, and the full event history —
// state changes, every gateway call and every notification, with their bodies, expandable.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { OrderEventView, OrderView, RefundView } from '@paydesk/api';
import { ApiError, type MerchantApi } from '../api.ts';
import { formatMoney, minorToDecimal, parseMajor } from '../lib/money.ts';
import { Spinner } from '../ui/icons.tsx';
import { Badge, when } from './format.tsx';

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

  const refundable = BigInt(order.amount.value) - BigInt(order.refundedAmount.value);
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
        <RefundForm api={api} order={order} refundable={refundable} onDone={load} />
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
                  <tr key={p.id}>
                    <td class="pd-mono">
                      {p.id}
                      {p.kept && <span class="adm-badge adm-ok adm-flag">paid the order</span>}
                    </td>
                    <td>
                      {p.paymentMethodType} <span class="pd-muted">· {p.terminalType}</span>
                    </td>
                    <td>
                      <Badge status={p.status} /> <span class="pd-muted">{p.state}</span>
                    </td>
                    <td class="pd-mono">{p.reason ?? '—'}</td>
                    <td class="adm-num">{formatMoney(p.amount, 'en')}</td>
                    <td>{when(p.createdAt)}</td>
                    <td class="pd-mono">{p.gatewayPaymentId ?? '—'}</td>
                  </tr>
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
                      {r.kind} <span class="pd-muted">· {r.method}</span>
                    </td>
                    <td>
                      <Badge status={r.status} />
                      {r.failureCode && <span class="pd-mono pd-muted"> {r.failureCode}</span>}
                    </td>
                    <td class="adm-num">{formatMoney(r.amount, 'en')}</td>
                    <td>{r.reason ?? '—'}</td>
                    <td>{when(r.createdAt)}</td>
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
            <EventRow key={event.id} event={event} />
          ))}
        </ol>
      </section>
    </article>
  );
}

function RefundForm(props: { api: MerchantApi; order: OrderView; refundable: bigint; onDone(): void }) {
  const { order, refundable } = props;
  const currency = order.amount.currency;
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const possible = order.status === 'PAID' && refundable > 0n;
  const left = { currency, value: refundable > 0n ? refundable.toString() : '0' };

  const submit = async (event: Event) => {
    event.preventDefault();
    const minor = amount.trim() === '' ? left.value : parseMajor(amount, currency);
    if (!minor || BigInt(minor) <= 0n || BigInt(minor) > refundable) {
      setResult({ ok: false, text: `Enter an amount up to ${formatMoney(left, 'en')}.` });
      return;
    }
    setBusy(true);
    setResult(null);
    try {
      const refund: RefundView = await props.api.refund(order.id, {
        amount: { currency, value: minor },
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      setResult({
        ok: refund.status !== 'FAILED',
        text: `Refund ${refund.id}: ${refund.status} — ${formatMoney(refund.amount, 'en')}`,
      });
      setAmount('');
      setReason('');
      props.onDone();
    } catch (failure) {
      setResult({
        ok: false,
        text: failure instanceof ApiError ? `${failure.code}: ${failure.message}` : 'Failed.',
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="adm-card" aria-labelledby="adm-refund-h">
      <h2 id="adm-refund-h" class="adm-h2">
        Refund
      </h2>
      {possible ? (
        <form onSubmit={(event) => void submit(event)}>
          <p class="pd-muted adm-small">Up to {formatMoney(left, 'en')} can be refunded.</p>
          <label class="adm-field">
            <span>Amount ({currency})</span>
            <input
              inputMode="decimal"
              placeholder={minorToDecimal(left.value, currency)}
              value={amount}
              onInput={(event) => setAmount((event.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <label class="adm-field">
            <span>Reason (optional)</span>
            <input
              value={reason}
              maxLength={256}
              onInput={(event) => setReason((event.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" class="pd-btn pd-primary adm-wide" disabled={busy}>
            {busy ? 'Refunding…' : 'Refund'}
          </button>
        </form>
      ) : (
        <p class="pd-muted">
          {order.status === 'PAID'
            ? 'Everything paid has been refunded.'
            : 'Only paid orders can be refunded.'}
        </p>
      )}
      {result && (
        <p class={result.ok ? 'pd-note adm-result' : 'pd-alert adm-result'} role="status">
          {result.text}
        </p>
      )}
    </section>
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

function EventRow({ event }: { event: OrderEventView }) {
  const d = event.data as Record<string, unknown>;
  let brief = '';
  if (event.type === 'gateway.call') {
    brief = `${String(d.api)} → ${String(d.resultCode ?? d.httpStatus ?? d.error ?? 'no answer')}${
      d.durationMs != null ? ` · ${String(d.durationMs)} ms` : ''
    }`;
  } else if (event.type === 'notification.received') {
    brief = `${String(d.notifyType)} · ${String(d.outcome)}${d.verified ? '' : ' · not verified'}`;
  } else if (typeof d.paymentId === 'string') {
    brief = d.paymentId + (typeof d.reason === 'string' ? ` · ${d.reason}` : '');
  }
  const shown =
    event.type === 'gateway.call'
      ? { ...d, request: pretty(d.request), response: pretty(d.response) }
      : event.type === 'notification.received'
        ? { ...d, body: pretty(d.body) }
        : d;
  return (
    <li>
      <details class="adm-event" data-type={event.type}>
        <summary>
          <span class="adm-when">{when(event.at)}</span>
          <span class="adm-type pd-mono">{event.type}</span>
          <span class="pd-muted adm-brief">{brief}</span>
        </summary>
        {/* Focusable, so keyboard users can scroll a long body. */}
        <pre tabIndex={0}>{JSON.stringify(shown, null, 2)}</pre>
      </details>
    </li>
  );
}
