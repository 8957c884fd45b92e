// The embeddable cashier (docs/style.md §13): one ES module, one entry. It renders into a shadow root on
// the given element, so the host page's styles and globals are left alone: our styles are constructable
// stylesheets adopted by that root (no <style> or inline <script>, so a strict CSP with nonces is fine),
// and nothing is put on `window`. The Paydesk origin defaults to the one this module was loaded from.
import base from './styles/base.css?inline';
import checkout from './styles/checkout.css?inline';
import { h, render } from 'preact';
import { useState } from 'preact/hooks';
import type { TerminalType } from '@paydesk/api';
import { checkoutApi } from './api.ts';
import { CheckoutApp, type Route } from './checkout/checkout-app.tsx';
import { asLang, pickLanguage, type Lang } from './lib/i18n.ts';
import { safeReturnUrl } from './lib/safe-url.ts';
import { detectTerminal, osTypeOf } from './lib/terminal.ts';

/** Options of `mount`. Only `token` is required. */
export interface MountOptions {
  /** The checkout token from the Merchant API's `checkoutToken`. */
  token: string;
  /** The Paydesk server's origin; default: where embed.js was loaded from. */
  baseUrl?: string;
  /** en, zh, th or id; default: the browser's preference. */
  lang?: string;
  /** WEB, WAP or APP (S1); default: guessed from the user agent. */
  terminal?: TerminalType;
  /** Overlay or in-place payment step (S12); default: the server's setting. */
  presentation?: 'overlay' | 'page';
  /**
   * Called when the success countdown ends (S18) instead of navigating to the order's returnUrl; it gets
   * the returnUrl only when it is https: (or loopback http:), else null.
   */
  onSuccess?(info: { returnUrl: string | null }): void;
}

/** A mounted cashier. */
export interface Mounted {
  /** Removes the cashier and its shadow content. */
  unmount(): void;
}

const HOST = ':host{all:initial;display:block}';

function sheetsFor(root: ShadowRoot): void {
  const css = HOST + base + checkout;
  if (
    'adoptedStyleSheets' in root &&
    typeof CSSStyleSheet === 'function' &&
    'replaceSync' in CSSStyleSheet.prototype
  ) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = css;
    root.append(style);
  }
}

function Embedded({ options, lang: initialLang }: { options: MountOptions; lang: Lang }) {
  const [lang, setLang] = useState(initialLang);
  const [route, setRoute] = useState<Route>('select');
  const baseUrl = options.baseUrl ?? new URL(import.meta.url).origin;
  const [api] = useState(() => checkoutApi(baseUrl, options.token));
  const terminal = detectTerminal(navigator.userAgent, options.terminal);
  return h(CheckoutApp, {
    api,
    lang,
    onLang: setLang,
    terminal,
    osType: osTypeOf(navigator.userAgent, terminal),
    route,
    navigate: (to: Route) => setRoute(to),
    finish: (given: string | null) => {
      // Checked here too: the embed runs on the merchant's page, where a `javascript:` URL would run.
      const returnUrl = safeReturnUrl(given);
      if (options.onSuccess) options.onSuccess({ returnUrl });
      else if (returnUrl) location.assign(returnUrl);
      else setRoute('result');
    },
    embedded: true,
    ...(options.presentation ? { presentation: options.presentation } : {}),
  });
}

/** Renders the cashier for `options.token` inside `element` (in its shadow root) and returns a handle. */
export function mount(element: HTMLElement, options: MountOptions): Mounted {
  if (!options?.token) throw new TypeError('paydesk mount: options.token is required');
  const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  sheetsFor(root);
  const container = document.createElement('div');
  root.append(container);
  const lang = asLang(options.lang) ?? pickLanguage(navigator.languages);
  render(h(Embedded, { options, lang }), container);
  return {
    unmount() {
      render(null, container);
      container.remove();
    },
  };
}
