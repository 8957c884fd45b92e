// Reconciliation with Antom's reports in the ops console (D16.2, D16.4): the days and their
// state, an upload for files obtained by hand, and one day — totals per currency from Antom's report,
// its files and settlement batches, and each discrepancy with both sides, a link to its order, and a
// note to resolve it.
import { useCallback, useEffect, useState, useRef } from 'preact/hooks';
import type { CurrencyTotals, DayList, DayView, DiscrepancyView } from '@paydesk/api';
import { ApiError, type MerchantApi } from '../api.ts';
import { formatMoney } from '../lib/money.ts';
import { Spinner } from '../ui/icons.tsx';
import { when } from './format.tsx';
import '../styles/reports.css';

/** A signed minor-unit amount for people: "−฿500.00". */
export function signedMoney(value: string, currency: string): string {
  if (value === '0') return '—';
  const negative = value.startsWith('-');
  const text = formatMoney({ currency, value: negative ? value.slice(1) : value }, 'en');
  return negative ? `−${text}` : text;
}

const KIND_WORDS: Record<DiscrepancyView['kind'], string> = {
  ANTOM_ONLY: 'Antom has it, we do not',
  PAYDESK_ONLY: 'We have it, Antom does not',
  AMOUNT_MISMATCH: 'Amount or currency differs',
  STATE_MISMATCH: 'State differs',
};

const STATUS_TONE: Record<string, string> = {
  IMPORTED: 'adm-ok',
  WAITING: 'adm-live',
  REFUSED: 'adm-bad',
  MISSING: 'adm-warn',
};

function useLoad<T>(load: () => Promise<T>, onUnauthorized: () => void, deps: unknown[]) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The newest loader and sign-out callback; the caller's `deps` say when to load again.
  const loadRef = useRef(load);
  const unauthorizedRef = useRef(onUnauthorized);
  useEffect(() => {
    loadRef.current = load;
    unauthorizedRef.current = onUnauthorized;
  });
  const reload = useCallback(() => {
    loadRef.current().then(setValue, (failure: unknown) => {
      if (failure instanceof ApiError && failure.status === 401) unauthorizedRef.current();
      else setError(failure instanceof Error ? failure.message : 'Could not load.');
    });
    // A generic loader: the caller names its dependencies.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(reload, [reload]);
  return { value, error, reload };
}

export function ReconciliationDays({ api, onUnauthorized }: { api: MerchantApi; onUnauthorized(): void }) {
  const days = useLoad<DayList>(() => api.reconciliationDays(), onUnauthorized, [api]);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const upload = async (event: Event) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('report') as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    setMessage(null);
    try {
      const result = await api.importReport(file.name, await file.text());
      setMessage(
        result.status === 'DUPLICATE'
          ? `${file.name} was imported before; nothing changed.`
          : `${file.name} imported (${result.file.rows} rows); ${result.discrepancies.length} open discrepancies on ${result.file.day}.`,
      );
      input.value = '';
      days.reload();
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 401) onUnauthorized();
      else setMessage(`Refused: ${failure instanceof Error ? failure.message : 'the upload failed'}`);
    } finally {
      setBusy(false);
    }
  };

  const fetchNow = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const result = await api.fetchReports();
      setMessage(
        result.days.length === 0
          ? 'Nothing is due: every published day is in.'
          : result.days.map((d) => `${d.day}: ${d.status}${d.error ? ` (${d.error})` : ''}`).join('; '),
      );
      days.reload();
    } catch (failure) {
      setMessage(failure instanceof Error ? failure.message : 'The fetch failed.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="adm-recon-h" class="rpt">
      <div class="adm-bar">
        <h1 id="adm-recon-h" class="adm-h1">
          Reconciliation
        </h1>
        <button type="button" class="pd-btn pd-secondary" disabled={busy} onClick={() => void fetchNow()}>
          Fetch reports now
        </button>
      </div>
      <form class="adm-card rpt-upload" onSubmit={(event) => void upload(event)}>
        <label class="adm-field">
          <span>Antom report file (obtained by hand)</span>
          <input type="file" name="report" accept=".csv,text/csv" required />
        </label>
        <button type="submit" class="pd-btn pd-primary" disabled={busy}>
          Import
        </button>
      </form>
      {message && (
        <p class="pd-banner" role="status">
          {message}
        </p>
      )}
      {days.error && (
        <p class="pd-alert" role="alert">
          {days.error}
        </p>
      )}
      {!days.value ? (
        <p class="adm-empty">
          <Spinner />
        </p>
      ) : days.value.data.length === 0 ? (
        <p class="adm-empty pd-muted">No report yet. Antom publishes day T’s report on T+1.</p>
      ) : (
        <div class="adm-table-wrap" tabIndex={0} role="region" aria-label="Reconciliation days">
          <table class="adm-table">
            <thead>
              <tr>
                <th scope="col">Day (UTC+8)</th>
                <th scope="col">Report</th>
                <th scope="col" class="adm-num">
                  Rows
                </th>
                <th scope="col" class="adm-num">
                  Open discrepancies
                </th>
                <th scope="col">Net</th>
              </tr>
            </thead>
            <tbody>
              {days.value.data.map((d) => (
                <tr key={d.day} onClick={() => (location.hash = `#/reconciliation/${d.day}`)}>
                  <td>
                    <a href={`#/reconciliation/${d.day}`}>{d.day}</a>
                  </td>
                  <td>
                    <span class={`adm-badge ${STATUS_TONE[d.status] ?? 'adm-off'}`} title={d.lastError ?? ''}>
                      {d.status}
                    </span>
                  </td>
                  <td class="adm-num">{d.rows}</td>
                  <td class="adm-num">
                    {d.openDiscrepancies > 0 ? (
                      <span class="adm-badge adm-warn">{d.openDiscrepancies}</span>
                    ) : (
                      '0'
                    )}
                  </td>
                  <td>{d.totals.map((t) => signedMoney(t.net, t.currency)).join(' · ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function ReconciliationDay(props: { api: MerchantApi; day: string; onUnauthorized(): void }) {
  const { api, day } = props;
  const view = useLoad<DayView>(() => api.reconciliationDay(day), props.onUnauthorized, [api, day]);
  if (view.error) {
    return (
      <p class="pd-alert" role="alert">
        {view.error} <a href="#/reconciliation">Back to reconciliation</a>
      </p>
    );
  }
  if (!view.value) {
    return (
      <p class="adm-empty">
        <Spinner />
      </p>
    );
  }
  const d = view.value;
  const open = d.discrepancies.filter((x) => x.status === 'OPEN');
  const resolved = d.discrepancies.filter((x) => x.status === 'RESOLVED');
  return (
    <article aria-labelledby="adm-day-h" class="rpt">
      <a class="pd-link adm-back" href="#/reconciliation">
        ← Reconciliation
      </a>
      <div class="adm-bar">
        <h1 id="adm-day-h" class="adm-h1">
          {d.day}
        </h1>
        <span class={`adm-badge ${STATUS_TONE[d.status] ?? 'adm-off'}`}>{d.status}</span>
        {d.lastError && <span class="pd-muted">{d.lastError}</span>}
      </div>

      <section class="adm-card" aria-labelledby="rpt-totals-h">
        <h2 id="rpt-totals-h" class="adm-h2">
          Totals from Antom’s report
        </h2>
        {d.totals.length === 0 ? (
          <p class="pd-muted">No transaction report for this day yet.</p>
        ) : (
          <Totals totals={d.totals} />
        )}
        {d.settlements.length > 0 && (
          <p class="adm-small pd-muted">
            Settlement batches:{' '}
            {d.settlements
              .filter((s) => s.summaryType === 'TOTAL')
              .map((s) => `${s.batchId} (${s.count} transactions, ${signedMoney(s.settlement, s.currency)})`)
              .join(' · ')}
          </p>
        )}
      </section>

      <section class="adm-card" aria-labelledby="rpt-disc-h">
        <h2 id="rpt-disc-h" class="adm-h2">
          Discrepancies <span class="pd-muted">({open.length} open)</span>
        </h2>
        {open.length === 0 ? (
          <p class="pd-muted">No open discrepancy for this day.</p>
        ) : (
          <ul class="rpt-discrepancies">
            {open.map((x) => (
              <Discrepancy key={x.id} api={api} discrepancy={x} onResolved={view.reload} />
            ))}
          </ul>
        )}
        {resolved.length > 0 && (
          <details class="rpt-resolved">
            <summary>{resolved.length} resolved</summary>
            <ul class="rpt-discrepancies">
              {resolved.map((x) => (
                <Discrepancy key={x.id} api={api} discrepancy={x} onResolved={view.reload} />
              ))}
            </ul>
          </details>
        )}
      </section>

      <section class="adm-card" aria-labelledby="rpt-files-h">
        <h2 id="rpt-files-h" class="adm-h2">
          Files
        </h2>
        {d.files.length === 0 ? (
          <p class="pd-muted">None.</p>
        ) : (
          <ul class="rpt-files">
            {d.files.map((f) => (
              <li key={f.id}>
                <span class="pd-mono">{f.name}</span> — {f.kind.toLowerCase().replace('_', ' ')}, {f.rows}{' '}
                rows, {f.source === 'SFTP' ? 'fetched' : 'uploaded'} {when(f.importedAt)}
                {f.status === 'SUPERSEDED' && <span class="adm-badge adm-off adm-flag">superseded</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}

function Totals({ totals }: { totals: CurrencyTotals[] }) {
  const columns = ['captured', 'reversed', 'refunded', 'net', 'fees', 'settlement'] as const;
  return (
    <div class="adm-table-wrap" tabIndex={0} role="region" aria-label="Totals per currency">
      <table class="adm-table rpt-table" data-testid="day-totals">
        <thead>
          <tr>
            <th scope="col">Currency</th>
            {columns.map((c) => (
              <th key={c} scope="col" class="adm-num">
                {c === 'settlement' ? 'Settlement' : c[0]!.toUpperCase() + c.slice(1)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {totals.map((t) => (
            <tr key={t.currency}>
              <td>{t.currency}</td>
              {columns.map((c) => (
                <td key={c} class="adm-num">
                  {signedMoney(t[c], t.currency)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function side(value: Record<string, unknown> | null): string {
  if (!value) return 'nothing';
  const amount = value.amount as { currency: string; value: string } | undefined;
  const state = (value.state as string | undefined) ?? (value.transactionType as string | undefined) ?? '';
  const id = (value.transactionId ?? value.gatewayPaymentId ?? value.gatewayRefundId ?? '') as string;
  return [state, amount ? signedMoney(amount.value, amount.currency) : '', id].filter(Boolean).join(' · ');
}

function Discrepancy(props: { api: MerchantApi; discrepancy: DiscrepancyView; onResolved(): void }) {
  const { discrepancy: x } = props;
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const resolve = async (event: Event) => {
    event.preventDefault();
    if (!note.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await props.api.resolveDiscrepancy(x.id, note.trim());
      props.onResolved();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'Could not resolve.');
      setBusy(false);
    }
  };
  return (
    <li class="rpt-discrepancy" data-discrepancy={x.id} data-kind={x.kind}>
      <div class="rpt-disc-head">
        <span class={`adm-badge ${x.status === 'OPEN' ? 'adm-warn' : 'adm-off'}`}>{KIND_WORDS[x.kind]}</span>
        <span class="pd-mono">
          {x.transactionType} {x.requestId}
        </span>
        {x.orderId ? (
          <a class="pd-link" href={`#/orders/${x.orderId}`}>
            Order {x.orderId}
          </a>
        ) : (
          <span class="pd-muted">no order of ours</span>
        )}
      </div>
      <p class="rpt-reason">{x.reason}</p>
      <dl class="adm-facts">
        <dt>Ours</dt>
        <dd>{side(x.ours)}</dd>
        <dt>Antom</dt>
        <dd>{side(x.antom)}</dd>
        {x.status === 'RESOLVED' && (
          <>
            <dt>Resolved</dt>
            <dd>
              {x.resolution === 'OPERATOR' ? `by an operator: ${x.note ?? ''}` : 'by a later report'} ·{' '}
              {when(x.resolvedAt)}
            </dd>
          </>
        )}
      </dl>
      {x.status === 'OPEN' && (
        <form class="rpt-resolve" onSubmit={(event) => void resolve(event)}>
          <label class="adm-field adm-grow">
            <span>Note</span>
            <input
              value={note}
              maxLength={1000}
              required
              placeholder="What you found and did"
              onInput={(event) => setNote((event.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" class="pd-btn pd-secondary" disabled={busy}>
            Resolve
          </button>
          {error && (
            <p class="pd-alert" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </li>
  );
}
