// The ops console (issue point 10): sign in with the Merchant API key (kept in sessionStorage only),
// find orders by status, attention flag or id / reference / payment id, read an order's payments,
// refunds and full event history (gateway calls and notifications with their bodies), and refund.
import { useEffect, useState } from 'preact/hooks';
import type { OrderStatus } from '@paydesk/api';
import { ApiError, merchantApi, type MerchantApi } from '../api.ts';
import { OrderDetail } from './order-detail.tsx';
import { OrderList } from './order-list.tsx';

const KEY = 'paydesk.merchantKey';

/** The hash route: `#/orders/ord_…` shows one order, anything else the list. */
function useOrderRoute(): string | null {
  const read = () => /^#\/orders\/(ord_[0-9A-Za-z]+)$/.exec(location.hash)?.[1] ?? null;
  const [id, setId] = useState(read);
  useEffect(() => {
    const onHash = () => setId(read());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return id;
}

export function AdminApp() {
  const [key, setKey] = useState(() => sessionStorage.getItem(KEY));
  const [api, setApi] = useState<MerchantApi | null>(() => (key ? merchantApi(key) : null));
  const [filter, setFilter] = useState<{ status: OrderStatus | ''; q: string; needsAttention: boolean }>({
    status: '',
    q: '',
    needsAttention: false,
  });
  const orderId = useOrderRoute();

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
    <div class="pd adm">
      <header class="adm-top">
        <a class="adm-brand" href="#/">
          <span class="adm-logo" aria-hidden="true">
            P
          </span>
          Paydesk <span class="pd-muted">Ops console</span>
        </a>
        <button type="button" class="pd-btn pd-ghost" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main class="adm-main">
        {orderId ? (
          <OrderDetail api={api} id={orderId} onUnauthorized={signOut} />
        ) : (
          <OrderList api={api} filter={filter} onFilter={setFilter} onUnauthorized={signOut} />
        )}
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
