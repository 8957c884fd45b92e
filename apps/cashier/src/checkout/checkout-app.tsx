// The cashier (S4–S20). It holds no payment truth (S17, docs/style.md §12): it renders what the server
// says — the first GET, then the event stream with the 2-second poll as fallback — and routes on the
// payment status alone (S16). Local state is only what the buyer is doing: the method they picked, an
// action in flight (Confirm stays disabled from the click until the flow ends, S11), and which finished
// payment they have acknowledged.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { CheckoutBranding, CheckoutStatus, TerminalType } from '@paydesk/api';
import { ApiError, type CheckoutApi } from '../api.ts';
import { remainingMs, secondsLeft } from '../lib/countdown.ts';
import { errorMessageKey } from '../lib/errors.ts';
import { en, translator, type Lang, type MessageKey, type Translate } from '../lib/i18n.ts';
import { formatMoney } from '../lib/money.ts';
import { reasonKey } from '../lib/reasons.ts';
import { safeReturnUrl } from '../lib/safe-url.ts';
import { canRefresh, screenFor, surplusOf, type Screen } from '../lib/routing.ts';
import { LockIcon, Spinner } from '../ui/icons.tsx';
import { LangSelect } from '../ui/lang-select.tsx';
import { useMessages } from '../ui/use-messages.ts';
import { CheckoutStore, isSettled, singleFlight, type Snapshot } from './checkout.store.ts';
import { CheckoutContext, type CheckoutContextValue } from './context.ts';
import { Dialog } from './dialog.tsx';
import { useLiveStatus } from './live-status.ts';
import { MethodList } from './method-list.tsx';
import { OrderSummary } from './order-summary.tsx';
import { Outcome, Receipt, type Tone } from './outcome.tsx';
import { PaymentPanel } from './payment-panel.tsx';

/** select: /checkout/:token · pay: /checkout/:token/pay (new-page presentation, S14) · result: the receipt. */
export type Route = 'select' | 'pay' | 'result';

export interface CheckoutAppProps {
  api: CheckoutApi;
  lang: Lang;
  onLang(lang: Lang): void;
  terminal: TerminalType;
  osType?: 'IOS' | 'ANDROID';
  route: Route;
  /** Moves between the cashier's pages (a real navigation when hosted, local state in the embed). */
  navigate(route: Route, replace?: boolean): void;
  /** S18: where to go once the success countdown ends (the order's returnUrl, else the result page). */
  finish(returnUrl: string | null): void;
  /** True inside the embed: no page landmarks, the backdrop dims the host page instead. */
  embedded?: boolean;
  /** Overrides the server's presentation (the embed's option). */
  presentation?: 'overlay' | 'page';
}

const FINAL_SCREENS: Screen[] = ['success', 'refunded', 'paid', 'expired', 'closed'];

/** The end of a flow: its tone, title and explanation (the words carry the difference). */
const OUTCOMES = {
  success: ['ok', 'successTitle', 'successBody'],
  paid: ['ok', 'paidTitle', 'paidBody'],
  refunded: ['info', 'refundedTitle', 'refundedDup'],
  expired: ['warn', 'expiredTitle', 'expiredBody'],
  closed: ['warn', 'closedTitle', 'closedBody'],
  failed: ['bad', 'failedTitle', 'failedBody'],
  reversed: ['info', 'reversedTitle', 'reversedBody'],
  timeout: ['warn', 'timeoutTitle', 'timeoutBody'],
} as const satisfies Partial<Record<Screen, readonly [Tone, MessageKey, MessageKey]>>;

/** The words for a payment the buyer was charged for beyond the one that paid (D11.3). */
const NOTICE_WORDS = {
  REFUND_PENDING: 'refundPending',
  REFUNDED: 'refundDone',
  REFUND_MANUAL: 'refundedManual',
  REVERSED: 'reversedBody',
} as const satisfies Record<string, MessageKey>;

/** Which words tell the buyer where the give-back of their surplus payment stands (S10). */
function refundedMessage(reason: string | null | undefined): MessageKey {
  const surplus = surplusOf(reason);
  return surplus?.manual ? 'refundedManual' : surplus?.late ? 'refundedLate' : 'refundedDup';
}

/** Re-renders on every change of the store; returns its snapshot. */
function useSnapshot(store: CheckoutStore): Snapshot | null {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const stop = store.subscribe(() => setVersion((n) => n + 1));
    return () => {
      stop();
    };
  }, [store]);
  return store.snapshot;
}

export function CheckoutApp(props: CheckoutAppProps) {
  const { api, lang, terminal, route, navigate, embedded, finish, osType } = props;
  const messages = useMessages(lang);
  const t = useMemo(() => translator(messages ?? en), [messages]);
  const [store] = useState(() => new CheckoutStore());
  const snap = useSnapshot(store);
  const view = snap?.view ?? null;
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [selected, setSelected] = useState<string | null>(null);
  const [busy, setBusy] = useState<'confirm' | 'cancel' | null>(null);
  const [error, setError] = useState<MessageKey | null>(null);
  const [note, setNote] = useState<MessageKey | null>(null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [successSince, setSuccessSince] = useState<number | null>(null);
  const inFlightRef = useRef(false);
  const finishedRef = useRef(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const refocusRef = useRef(false);

  // One view request at a time; one asked for meanwhile runs once more after it (singleFlight).
  const loadRef = useRef<() => Promise<void>>(() => Promise.resolve());
  useEffect(() => {
    loadRef.current = singleFlight(() =>
      api.view(lang).then(
        (fresh) => {
          setLoadError(null);
          store.applyView(fresh);
          const previous = fresh.payment?.paymentMethodType;
          setSelected(
            (current) =>
              current ??
              (fresh.paymentMethods.some((m) => m.type === previous)
                ? previous
                : fresh.paymentMethods[0]?.type) ??
              null,
          );
        },
        (failure: unknown) => {
          setLoadError(failure instanceof ApiError ? failure : new ApiError(0, 'NETWORK', String(failure)));
        },
      ),
    );
    void loadRef.current();
  }, [api, lang, store]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);

  /** A status from the stream or the poll; fetches the full view when it names a code we lack. */
  const onStatus = useCallback(
    (next: CheckoutStatus) => {
      if (store.applyStatus(next)) void loadRef.current();
    },
    [store],
  );

  const offset = snap ? snap.at - snap.receivedAt : 0;
  const left = useCallback((iso: string) => remainingMs(iso, offset, now), [offset, now]);
  const status = snap?.status;
  const orderTimeOver = status ? left(status.expiresAt) <= 0 : false;
  const routed: Screen | null = status
    ? screenFor({
        orderStatus: status.orderStatus,
        payment: status.payment,
        dismissedId: dismissed,
        orderTimeOver,
        sawPaymentLive: status.payment ? store.sawLive(status.payment.id) : false,
      })
    : null;
  // The result page (S18) always celebrates a paid order, even one paid before this page was opened.
  const screen: Screen | null = route === 'result' && routed === 'paid' ? 'success' : routed;
  const presentation = props.presentation ?? view?.presentation ?? 'overlay';
  const payment = store.current();

  // D11: the page keeps listening until nothing about the checkout can change any more.
  const connection = useLiveStatus(
    api,
    view !== null && status !== undefined && !isSettled(status),
    onStatus,
  );

  // The order's time ran out on the server clock: ask the server at once rather than wait for the poll.
  useEffect(() => {
    if (orderTimeOver) api.status().then(onStatus, () => undefined);
  }, [orderTimeOver, api, onStatus]);

  // New-page presentation (S14): a live payment is shown on /pay, a method choice on /checkout/:token.
  useEffect(() => {
    if (!screen || presentation !== 'page') return;
    if (route === 'select' && (screen === 'paying' || screen === 'working')) navigate('pay', true);
    if (route === 'pay' && (screen === 'methods' || screen === 'cancelling')) navigate('select', true);
  }, [screen, route, presentation, navigate]);

  // S18: "payment successful", a visible countdown, then onward.
  const redirectSeconds = view?.successRedirectSeconds ?? 5;
  useEffect(() => {
    if (screen === 'success' && successSince === null) setSuccessSince(Date.now());
  }, [screen, successSince]);
  const redirectLeft = secondsLeft(redirectSeconds, successSince, now);
  const goOn = useCallback(() => {
    if (finishedRef.current) return;
    finishedRef.current = true;
    finish(store.snapshot?.status.returnUrl ?? null);
  }, [finish, store]);
  useEffect(() => {
    if (screen === 'success' && route !== 'result' && successSince !== null && redirectLeft <= 0) goOn();
  }, [screen, route, successSince, redirectLeft, goOn]);

  // The tab says what is being paid, and to whom (D15); the embed leaves the host page's title alone.
  const titleAmount = view ? formatMoney(view.order.amount, lang) : null;
  const titleMerchant = view ? view.branding.merchantName : null;
  useEffect(() => {
    if (!embedded && titleAmount && titleMerchant)
      document.title = t('pageTitle', { amount: titleAmount, merchant: titleMerchant });
  }, [embedded, titleAmount, titleMerchant, t]);

  // Back on the method list after Cancel or Escape, focus returns to Confirm (it was disabled while the
  // dialog was up, so the dialog itself cannot hand focus back to it).
  useEffect(() => {
    if (screen === 'paying' || screen === 'working' || screen === 'cancelling') refocusRef.current = true;
    else if (screen === 'methods' && busy === null && refocusRef.current) {
      refocusRef.current = false;
      confirmRef.current?.focus();
    }
  }, [screen, busy]);

  const pay = async (type: string | null | undefined) => {
    if (!type || inFlightRef.current) return;
    inFlightRef.current = true;
    setBusy('confirm');
    setError(null);
    setNote(null);
    try {
      const response = await api.pay({
        paymentMethodType: type,
        terminalType: terminal,
        ...(osType ? { osType } : {}),
      });
      setDismissed(null);
      store.applyPayment(response);
    } catch (failure) {
      setError(errorMessageKey(failure as ApiError));
      await loadRef.current();
    } finally {
      inFlightRef.current = false;
      setBusy(null);
    }
  };

  const cancel = async () => {
    const current = store.current();
    if (!current || inFlightRef.current) return;
    inFlightRef.current = true;
    setBusy('cancel');
    setError(null);
    try {
      const response = await api.cancel(current.id);
      store.applyPayment(response);
      if (response.status === 'CANCELLED') setNote('cancelledNote');
    } catch (failure) {
      setError(errorMessageKey(failure as ApiError));
      await loadRef.current();
    } finally {
      inFlightRef.current = false;
      setBusy(null);
    }
  };

  // A method Antom cannot cancel (QRIS, Indonesian virtual accounts) keeps its code payable: Cancel first
  // says so, with the deadline in the buyer's zone, and only a second choice stops waiting for it (D11.3).
  const [warnFor, setWarnFor] = useState<string | null>(null);
  const requestCancel = () => {
    const current = store.current();
    if (!current) return;
    const method = store.snapshot?.view?.paymentMethods.find((m) => m.type === current.paymentMethodType);
    if (method?.cancellable === false && warnFor !== current.id) setWarnFor(current.id);
    else void cancel();
  };

  const payAgain = () => {
    if (status?.payment) setDismissed(status.payment.id);
    if (payment) setSelected(payment.paymentMethodType);
    setError(null);
    setNote(null);
    if (route === 'pay') navigate('select');
  };

  const context: CheckoutContextValue = useMemo(
    () => ({ t, lang, api, terminal, left }),
    [t, lang, api, terminal, left],
  );

  if (!view || !snap || !screen || !messages) {
    const key = loadError ? errorMessageKey(loadError) : null;
    return (
      <div class={`pd${embedded ? ' pd-embed' : ''}`} lang={lang}>
        <div class="pd-page">
          <div class="pd-card pd-solo" aria-busy={!loadError}>
            {key ? (
              <div class="pd-outcome pd-bad" role="alert">
                <p class="pd-h2">{t(key)}</p>
                {key !== 'notFound' && (
                  <div class="pd-actions">
                    <button type="button" class="pd-btn pd-primary" onClick={() => void loadRef.current()}>
                      {t('retry')}
                    </button>
                  </div>
                )}
              </div>
            ) : (
              <p class="pd-working">
                <Spinner />
              </p>
            )}
          </div>
        </div>
      </div>
    );
  }

  const methodOf = (type: string | undefined) => view.paymentMethods.find((m) => m.type === type);
  // A display name, never the raw type (D11.4): the offered method's, the server's name for the
  // payment (the receipt page of a paid order offers no methods), else a readable form of the type.
  const methodName = (type: string | undefined): string =>
    (type &&
      (methodOf(type)?.name ??
        (payment?.paymentMethodType === type ? payment.paymentMethodName : undefined))) ||
    readableType(type);
  const branding = view.branding;
  const merchant = branding.merchantName;
  // A link on our page (and through the embed, on the merchant's) goes only where the server may send a
  // buyer: a `javascript:` or `data:` returnUrl stored by an older version is no link at all (D10).
  const returnUrl = safeReturnUrl(status?.returnUrl);
  const overlay =
    presentation === 'overlay' &&
    route !== 'pay' &&
    payment !== null &&
    (screen === 'paying' || screen === 'working');
  const inline = !overlay && payment !== null && (screen === 'paying' || screen === 'working');
  // Only a payment that itself succeeded (not a refunded duplicate) names the method that paid.
  const paidBy =
    payment?.status === 'SUCCESS' && !payment.reason ? methodName(payment.paymentMethodType) : null;
  const receipt = <Receipt view={view} methodName={paidBy} />;
  const panel = payment && (
    <PaymentPanel
      payment={payment}
      method={methodOf(payment.paymentMethodType)}
      sandbox={view.sandbox}
      merchantName={merchant}
      headingId="pd-pay-h"
      cancelling={busy === 'cancel'}
      warning={warnFor === payment.id}
      onKeep={() => setWarnFor(null)}
      onCancel={requestCancel}
    />
  );
  // Every final screen leads back to the shop when the order says where (D11.5).
  const back = returnUrl && (
    <a class="pd-btn pd-secondary" href={returnUrl} data-testid="return-link">
      {t(screen === 'expired' ? 'startAgain' : 'returnTo', { merchant })}
    </a>
  );

  let content;
  const outcome = OUTCOMES[screen as keyof typeof OUTCOMES];
  if (inline) content = panel;
  else if (outcome) {
    const reason = status?.payment?.reason;
    const ready = canRefresh(status?.payment ?? null);
    const counting = screen === 'success' && route !== 'result';
    const paidAmount = formatMoney(payment?.amount ?? view.order.amount, lang);
    const surplus = screen === 'refunded' ? surplusOf(reason) : null;
    // Every other payment the buyer was charged for, and what became of the money (D11.3); the one this
    // screen is about is told above.
    const told = screen === 'refunded' || screen === 'reversed' ? payment?.id : undefined;
    const notices = (status?.notices ?? []).filter((notice) => notice.paymentId !== told);
    content = (
      <Outcome
        tone={outcome[0]}
        testId={screen}
        title={t(outcome[1])}
        actions={
          counting ? (
            <button type="button" class="pd-btn pd-primary" onClick={goOn}>
              {returnUrl ? t('returnTo', { merchant }) : t('continue')}
            </button>
          ) : screen === 'failed' || (screen === 'reversed' && status?.orderStatus === 'OPEN') ? (
            <>
              <button type="button" class="pd-btn pd-primary" onClick={payAgain}>
                {t('payAgain')}
              </button>
              {back}
            </>
          ) : screen === 'timeout' ? (
            <>
              <button
                type="button"
                class="pd-btn pd-primary"
                disabled={!ready || busy !== null}
                onClick={() => void pay(payment?.paymentMethodType ?? selected)}
              >
                {busy === 'confirm' && <Spinner />}
                {t('refresh')}
              </button>
              <button
                type="button"
                class="pd-btn pd-ghost"
                disabled={!ready || busy !== null}
                onClick={payAgain}
              >
                {t('otherMethod')}
              </button>
            </>
          ) : (
            back || null
          )
        }
      >
        <p>
          {t(screen === 'refunded' ? refundedMessage(reason) : outcome[2], {
            amount: formatMoney(view.order.amount, lang),
            method: payment ? methodName(payment.paymentMethodType) : '',
          })}
        </p>
        {surplus && !surplus.manual && payment && (
          <p class="pd-muted" data-testid="refund-detail">
            {t(/_REFUNDED$/.test(reason ?? '') ? 'refundDone' : 'refundPending', {
              amount: paidAmount,
              method: methodName(payment.paymentMethodType),
            })}
          </p>
        )}
        {counting && (
          <p class="pd-muted" data-testid="redirect-countdown">
            {t('redirectIn', { s: redirectLeft })}
          </p>
        )}
        {screen === 'failed' && reasonKey(reason) && (
          <p class="pd-muted" data-testid="reason">
            {t(reasonKey(reason)!, {
              amount: paidAmount,
              method: payment ? methodName(payment.paymentMethodType) : '',
            })}
          </p>
        )}
        {screen === 'timeout' && !ready && (
          <p class="pd-muted">
            <Spinner />
            {t('closingCode')}
          </p>
        )}
        {notices.map((notice) => (
          <p key={notice.paymentId} class="pd-muted" data-testid="notice">
            {t(NOTICE_WORDS[notice.outcome], {
              amount: formatMoney(notice.amount, lang),
              method: methodName(notice.paymentMethodType),
            })}
          </p>
        ))}
        {status?.orderStatus === 'PAID' && receipt}
      </Outcome>
    );
  } else {
    // methods, cancelling, or a live payment shown in the overlay above this list
    const locked = busy !== null || screen !== 'methods';
    content = (
      <>
        {screen === 'cancelling' && (
          <p class="pd-note" role="status">
            <Spinner />
            {t('cancelling')}
          </p>
        )}
        {note && screen === 'methods' && (
          <p class="pd-note" role="status">
            {t(note)}
          </p>
        )}
        {error && (
          <p class="pd-alert" role="alert">
            {t(error)}
          </p>
        )}
        <MethodList
          methods={view.paymentMethods}
          selected={selected}
          disabled={locked}
          onSelect={setSelected}
        />
        {view.paymentMethods.length > 0 && (
          <button
            ref={confirmRef}
            type="button"
            class="pd-btn pd-primary pd-confirm"
            disabled={locked || !selected}
            aria-busy={busy === 'confirm'}
            onClick={(event) => {
              // Disable at once: a second click in the same task must not reach the server (S11).
              (event.currentTarget as HTMLButtonElement).disabled = true;
              void pay(selected);
            }}
          >
            {busy === 'confirm' ? (
              <>
                <Spinner />
                {t('confirming')}
              </>
            ) : (
              t('confirm')
            )}
          </button>
        )}
      </>
    );
  }

  const spoken: MessageKey | undefined =
    outcome?.[1] ?? (screen === 'paying' ? 'waiting' : screen === 'working' ? 'stillWorking' : undefined);
  const Main = embedded ? 'div' : 'main';
  // Shown where the buyer is looking: in the dialog while the code is up.
  const reconnecting = connection === 'reconnecting' && (
    <p class="pd-banner" role="status" data-testid="reconnecting">
      <Spinner />
      {t('reconnecting')}
    </p>
  );
  // One countdown at a time (D15): the order's is hidden while the code's own is on screen.
  const open =
    status?.orderStatus === 'OPEN' && !FINAL_SCREENS.includes(screen) && screen !== 'success' && !inline;
  const accent = branding.accentColor
    ? { '--pd-accent': branding.accentColor, '--pd-accent-hover': branding.accentColor }
    : undefined;

  return (
    <CheckoutContext.Provider value={context}>
      <div
        class={`pd${embedded ? ' pd-embed' : ''}`}
        lang={lang}
        style={accent}
        data-screen={screen}
        data-connection={connection}
      >
        <div class={`pd-page${overlay ? ' pd-dimmed' : ''}`} inert={overlay}>
          <header class="pd-top">
            <span class="pd-brand">
              {branding.logoUrl && (
                <img class="pd-merchant-logo" src={api.resolve(branding.logoUrl)} alt="" height={32} />
              )}
              {merchant}
            </span>
            {view.sandbox && <span class="pd-tag">{t('sandbox')}</span>}
            <LangSelect lang={lang} label={t('language')} onChange={props.onLang} />
          </header>
          <div class="pd-card">
            <OrderSummary view={view} showTimer={open} />
            <Main class="pd-main">
              {!overlay && reconnecting}
              {content}
            </Main>
          </div>
          <TrustFooter branding={branding} t={t} />
        </div>
        {overlay && (
          <Dialog labelledBy="pd-pay-h" onEscape={requestCancel}>
            {reconnecting}
            {panel}
          </Dialog>
        )}
        <p class="pd-sr" aria-live="polite">
          {spoken ? t(spoken) : ''}
        </p>
      </div>
    </CheckoutContext.Provider>
  );
}

/** "TRUEMONEY" → "Truemoney", "BANKTRANSFER_BNI" → "Banktransfer BNI": the last resort, never the raw code. */
export function readableType(type: string | undefined): string {
  return (type ?? '')
    .split('_')
    .map((word) => (word.length <= 3 ? word : word[0] + word.slice(1).toLowerCase()))
    .join(' ');
}

/** "Secured by Antom" with the lock, and the merchant's support, terms and privacy links (D15). */
function TrustFooter({ branding, t }: { branding: CheckoutBranding; t: Translate }) {
  const support = branding.supportUrl ?? (branding.supportEmail ? `mailto:${branding.supportEmail}` : null);
  const links: [string, string | null][] = [
    [t('support'), support],
    [t('terms'), branding.termsUrl],
    [t('privacy'), branding.privacyUrl],
  ];
  return (
    <footer class="pd-foot">
      <p class="pd-secured">
        <LockIcon size={14} />
        {t('securedBy')}
      </p>
      {links.some(([, href]) => href) && (
        <nav class="pd-foot-links" aria-label={branding.merchantName}>
          {links.map(([label, href]) =>
            href ? (
              <a key={label} class="pd-link" href={href} target="_blank" rel="noopener noreferrer">
                {label}
              </a>
            ) : null,
          )}
        </nav>
      )}
    </footer>
  );
}
