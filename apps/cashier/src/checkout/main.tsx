// The hosted cashier pages: /checkout/:token (choose and pay), /checkout/:token/pay (the new-page
// presentation, S14) and /checkout/:token/result (the receipt). Served by the checkout server.
import '../styles/base.css';
import '../styles/checkout.css';
import '../styles/page.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { checkoutApi } from '../api.ts';
import { asLang, pickLanguage, type Lang } from '../lib/i18n.ts';
import { leaveOnce } from '../lib/leave-once.ts';
import { safeReturnUrl } from '../lib/safe-url.ts';
import { detectTerminal, osTypeOf } from '../lib/terminal.ts';
import { CheckoutApp, type Route } from './checkout-app.tsx';

const match = /^\/checkout\/([A-Za-z0-9_-]+)(?:\/(pay|result))?\/?$/.exec(location.pathname);
const params = new URLSearchParams(location.search);
const token = match?.[1] ?? '';
const route = (match?.[2] ?? 'select') as Route;
const api = checkoutApi('', token);
const terminal = detectTerminal(navigator.userAgent, params.get('terminal'));
const osType = osTypeOf(navigator.userAgent, terminal);

const pathOf = (to: Route) => `/checkout/${token}${to === 'select' ? '' : `/${to}`}${location.search}`;
const leave = leaveOnce((path, replace) => (replace ? location.replace(path) : location.assign(path)));
addEventListener('pageshow', (event) => {
  if (event.persisted) leave.reset();
});
const navigate = (to: Route, replace = false) => void leave.go(pathOf(to), replace);

function Hosted() {
  const [lang, setLang] = useState<Lang>(asLang(params.get('lang')) ?? pickLanguage(navigator.languages));
  useEffect(() => {
    document.documentElement.lang = lang;
    if (params.get('lang') !== lang && params.has('lang')) {
      params.set('lang', lang);
      history.replaceState(null, '', `${location.pathname}?${params}`);
    }
  }, [lang]);
  return (
    <CheckoutApp
      api={api}
      lang={lang}
      onLang={(next) => {
        params.set('lang', next);
        history.replaceState(null, '', `${location.pathname}?${params}`);
        setLang(next);
      }}
      terminal={terminal}
      osType={osType}
      route={route}
      navigate={navigate}
      finish={(returnUrl) => void leave.go(safeReturnUrl(returnUrl) ?? pathOf('result'))}
    />
  );
}

render(<Hosted />, document.getElementById('app')!);
