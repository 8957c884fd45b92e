// The ops console's first page (D16.5): today, the last 7 or the last 30 days at a glance —
// orders placed, paid, expired and closed; conversion from confirm to paid per method; money captured,
// refunded and reversed per currency; open discrepancies and orders needing attention. Charts where
// people would rather look than read; every figure is a link to the orders behind it.
import { useEffect, useState, useRef } from 'preact/hooks';
import type { Overview, OverviewPeriod } from '@paydesk/api';
import { ApiError, type MerchantApi } from '../api.ts';
import { exponentOf, formatMoney } from '../lib/money.ts';
import { Spinner } from '../ui/icons.tsx';
import { figureHref } from './admin-routes.ts';
import { BarChart } from './chart.tsx';
import '../styles/reports.css';

const PERIODS: { period: OverviewPeriod; label: string }[] = [
  { period: 'today', label: 'Today' },
  { period: '7d', label: 'Last 7 days' },
  { period: '30d', label: 'Last 30 days' },
];

const percent = (rate: number) => `${Math.round(rate * 1000) / 10}%`;
const shortDay = (day: string) => day.slice(5).replace('-', '/');

export function OverviewPage({ api, onUnauthorized }: { api: MerchantApi; onUnauthorized(): void }) {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [period, setPeriod] = useState<OverviewPeriod>('7d');
  const [error, setError] = useState<string | null>(null);

  // The newest sign-out callback, without refetching each time the parent renders a new one.
  const unauthorizedRef = useRef(onUnauthorized);
  useEffect(() => {
    unauthorizedRef.current = onUnauthorized;
  });
  useEffect(() => {
    let current = true;
    api.overview().then(
      (result) => current && setOverview(result),
      (failure: unknown) => {
        if (failure instanceof ApiError && failure.status === 401) unauthorizedRef.current();
        else if (current) setError('Could not load the overview.');
      },
    );
    return () => {
      current = false;
    };
  }, [api]);

  if (error) {
    return (
      <p class="pd-alert" role="alert">
        {error}
      </p>
    );
  }
  if (!overview) {
    return (
      <p class="adm-empty">
        <Spinner />
      </p>
    );
  }
  const view = overview.periods.find((p) => p.period === period)!;
  const figure = (name: Parameters<typeof figureHref>[0], extra = {}) => figureHref(name, period, extra);

  return (
    <section aria-labelledby="adm-overview-h" class="rpt">
      <div class="adm-bar">
        <h1 id="adm-overview-h" class="adm-h1">
          Overview
        </h1>
        <div class="rpt-periods" role="group" aria-label="Period">
          {PERIODS.map((p) => (
            <button
              key={p.period}
              type="button"
              class={`pd-btn ${p.period === period ? 'pd-primary' : 'pd-secondary'}`}
              aria-pressed={p.period === period}
              onClick={() => setPeriod(p.period)}
            >
              {p.label}
            </button>
          ))}
        </div>
      </div>

      <div class="rpt-tiles">
        <Tile label="Orders placed" value={view.orders.placed} href={figure('placed')} />
        <Tile label="Paid" value={view.orders.paid} href={figure('paid')} tone="ok" />
        <Tile label="Expired" value={view.orders.expired} href={figure('expired')} />
        <Tile label="Closed" value={view.orders.closed} href={figure('closed')} />
        <Tile
          label="Open discrepancies"
          value={overview.openDiscrepancies}
          href="#/reconciliation"
          tone={overview.openDiscrepancies > 0 ? 'warn' : undefined}
        />
        <Tile
          label="Needs attention"
          value={overview.needsAttention}
          href={figureHref('attention', period)}
          tone={overview.needsAttention > 0 ? 'warn' : undefined}
        />
      </div>

      <div class="rpt-cols">
        <section class="adm-card" aria-labelledby="rpt-daily-h">
          <h2 id="rpt-daily-h" class="adm-h2">
            Orders per day
          </h2>
          <BarChart
            label={`Orders placed and paid per day, ${PERIODS.find((p) => p.period === period)!.label.toLowerCase()}`}
            categories={view.daily.map((d) => shortDay(d.day))}
            series={[
              { label: 'Placed', values: view.daily.map((d) => d.placed), color: '#93b4f5' },
              { label: 'Paid', values: view.daily.map((d) => d.paid), color: '#11784a' },
            ]}
          />
        </section>
        <section class="adm-card" aria-labelledby="rpt-conv-h">
          <h2 id="rpt-conv-h" class="adm-h2">
            Confirm → paid, per method
          </h2>
          {view.conversion.length === 0 ? (
            <p class="pd-muted">No payment was confirmed in this period.</p>
          ) : (
            <>
              <BarChart
                label="Share of confirmed orders that were paid, per payment method"
                categories={view.conversion.map((c) => c.method)}
                series={[
                  { label: 'Paid', values: view.conversion.map((c) => c.rate * 100), color: '#1d4ed8' },
                ]}
                format={(v) => `${Math.round(v)}%`}
                height={180}
              />
              <table class="adm-table rpt-table">
                <thead>
                  <tr>
                    <th scope="col">Method</th>
                    <th scope="col" class="adm-num">
                      Confirmed
                    </th>
                    <th scope="col" class="adm-num">
                      Paid
                    </th>
                    <th scope="col" class="adm-num">
                      Conversion
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {view.conversion.map((c) => (
                    <tr key={c.method} data-method={c.method}>
                      <td class="pd-mono">{c.method}</td>
                      <td class="adm-num">
                        <a href={figure('confirmed', { method: c.method })}>{c.confirmed}</a>
                      </td>
                      <td class="adm-num">
                        <a href={figure('paid', { method: c.method })}>{c.paid}</a>
                      </td>
                      <td class="adm-num">{percent(c.rate)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
      </div>

      <section class="adm-card" aria-labelledby="rpt-money-h">
        <h2 id="rpt-money-h" class="adm-h2">
          Money
        </h2>
        {view.money.length === 0 ? (
          <p class="pd-muted">No money moved in this period.</p>
        ) : (
          <div class="rpt-cols">
            <BarChart
              label="Captured, refunded and reversed per currency (in each currency's own units)"
              categories={view.money.map((m) => m.currency)}
              series={[
                {
                  label: 'Captured',
                  values: view.money.map((m) => major(m.captured, m.currency)),
                  color: '#11784a',
                },
                {
                  label: 'Refunded',
                  values: view.money.map((m) => major(m.refunded, m.currency)),
                  color: '#b42318',
                },
                {
                  label: 'Reversed',
                  values: view.money.map((m) => major(m.reversed, m.currency)),
                  color: '#935300',
                },
              ]}
              height={180}
            />
            <table class="adm-table rpt-table">
              <thead>
                <tr>
                  <th scope="col">Currency</th>
                  <th scope="col" class="adm-num">
                    Captured
                  </th>
                  <th scope="col" class="adm-num">
                    Refunded
                  </th>
                  <th scope="col" class="adm-num">
                    Reversed
                  </th>
                </tr>
              </thead>
              <tbody>
                {view.money.map((m) => (
                  <tr key={m.currency} data-currency={m.currency}>
                    <td>{m.currency}</td>
                    {(['captured', 'refunded', 'reversed'] as const).map((kind) => (
                      <td key={kind} class="adm-num">
                        <a href={figure(kind, { currency: m.currency })}>
                          {formatMoney({ currency: m.currency, value: m[kind] }, 'en')}
                        </a>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  );
}

/** Minor units to a plain number for the chart's scale only (the table shows the exact amounts). */
function major(value: string, currency: string): number {
  return Number(value) / 10 ** exponentOf(currency);
}

function Tile(props: { label: string; value: number; href: string; tone?: 'ok' | 'warn' }) {
  return (
    <a class={`rpt-tile${props.tone ? ` rpt-${props.tone}` : ''}`} href={props.href}>
      <span class="rpt-tile-label">{props.label}</span>
      <span class="rpt-tile-value" data-figure={props.label}>
        {props.value}
      </span>
    </a>
  );
}
