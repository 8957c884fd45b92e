// The ops console (D5.10): sign in with the Merchant API key (kept in sessionStorage only),
// find orders by status, attention flag or id / reference / payment id, read an order's payments,
// refunds and full event history (gateway calls and notifications with their bodies), and refund. Every
// signed-in page carries the integration fault banner (D11).
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { OrderStatus } from '@paydesk/api';
import { ApiError, merchantApi, type MerchantApi } from '../api.ts';
import { parseRoute, type AdminRoute } from './admin-routes.ts';
import { FigureOrders } from './figure-orders.tsx';
import { HealthBanner, useHealth } from './health-banner.tsx';
import { OrderDetail } from './order-detail.tsx';
import { OrderList } from './order-list.tsx';
import { OverviewPage } from './overview-page.tsx';
import { ReconciliationDay, ReconciliationDays } from './reconciliation-page.tsx';

const KEY = 'paydesk.merchantKey';

/** The hash route (admin-routes.ts); the console opens on the overview. */
function useRoute(): AdminRoute {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

export function AdminApp() {
  const [key, setKey] = useState(() => sessionStorage.getItem(KEY));
  const [api, setApi] = useState<MerchantApi | null>(() => (key ? merchantApi(key) : null));
  const [filter, setFilter] = useState<{ status: OrderStatus | ''; q: string; needsAttention: boolean }>({
    status: '',
    q: '',
    needsAttention: false,
  });
  const route = useRoute();

  const signOut = () => {
    sessionStorage.removeItem(KEY);
    setKey(null);
    setApi(null);
  };

  if (!api || !key) {
    return (
      <SignIn
        onSignedIn={(value) => {
          sessionStorage.setItem(KEY, value);
          setKey(value);
          setApi(merchantApi(value));
        }}
      />
    );
  }
  return (
    <Console api={api} route={route} signOut={signOut}>
      {route.page === 'order' ? (
        <OrderDetail api={api} id={route.id} onUnauthorized={signOut} />
      ) : route.page === 'orders' ? (
        <OrderList api={api} filter={filter} onFilter={setFilter} onUnauthorized={signOut} />
      ) : route.page === 'reconciliation' ? (
        <ReconciliationDays api={api} onUnauthorized={signOut} />
      ) : route.page === 'day' ? (
        <ReconciliationDay api={api} day={route.day} onUnauthorized={signOut} />
      ) : route.page === 'figure' ? (
        <FigureOrders api={api} route={route} onUnauthorized={signOut} />
      ) : (
        <OverviewPage api={api} onUnauthorized={signOut} />
      )}
    </Console>
  );
}

/** The signed-in shell: header, navigation, the integration fault banner (D11), then the page. */
function Console(props: {
  api: MerchantApi;
  route: AdminRoute;
  signOut(): void;
  children: ComponentChildren;
}) {
  const { route, signOut } = props;
  const health = useHealth(props.api, signOut);
  return (
    <div class="pd adm">
      <header class="adm-top">
        <a class="adm-brand" href="#/">
          <span class="adm-logo" aria-hidden="true">
            P
          </span>
          Paydesk <span class="pd-muted">Ops console</span>
        </a>
        <nav class="adm-nav" aria-label="Ops console">
          {(
            [
              ['#/', 'Overview', ['overview', 'figure']],
              ['#/orders', 'Orders', ['orders', 'order']],
              ['#/reconciliation', 'Reconciliation', ['reconciliation', 'day']],
            ] as const
          ).map(([href, label, pages]) => (
            <a
              key={href}
              href={href}
              aria-current={(pages as readonly string[]).includes(route.page) ? 'page' : undefined}
            >
              {label}
            </a>
          ))}
        </nav>
        <button type="button" class="pd-btn pd-ghost" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main class="adm-main">
        <HealthBanner health={health} />
        {props.children}
      </main>
    </div>
  );
}

function SignIn({ onSignedIn }: { onSignedIn(key: string): void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const key = value.trim();
    if (!key) return;
    setBusy(true);
    setError(null);
    try {
      await merchantApi(key).orders({ limit: 1 });
      onSignedIn(key);
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401
          ? 'That key was not accepted. Use the MERCHANT_API_KEY printed when Paydesk started.'
          : 'The server could not be reached. Try again.',
      );
      setBusy(false);
    }
  };
  return (
    <div class="pd adm adm-signin">
      <main class="adm-card">
        <span class="adm-logo" aria-hidden="true">
          P
        </span>
        <h1 class="adm-h1">Paydesk ops console</h1>
        <p class="pd-muted">Sign in with your Merchant API key. It is kept in this tab only.</p>
        <form onSubmit={(event) => void submit(event)}>
          <label class="adm-field">
            <span>Merchant API key</span>
            <input
              type="password"
              autoComplete="off"
              spellcheck={false}
              value={value}
              onInput={(event) => setValue((event.currentTarget as HTMLInputElement).value)}
              required
            />
          </label>
          {error && (
            <p class="pd-alert" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="pd-btn pd-primary adm-wide" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
