// The cashier (S4–S20). It holds no payment truth (S17, STYLE point 12): it renders what the server
// says — the first GET, then the event stream with the 2-second poll as fallback — and routes on the
// payment status alone (S16). Local state is only what the buyer is doing: the method they picked, an
// action in flight (Confirm stays disabled from the click until the flow ends, S11), and which finished
// payment they have acknowledged.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type {
  CheckoutPayment,
  CheckoutStatus,
  CheckoutView,
  CreatePaymentResponse,
  PaymentMethodView,
  TerminalType,
} from '@paydesk/api';
import { ApiError, type CheckoutApi } from '../api.ts';
import { clockOffset, remainingMs } from '../lib/countdown.ts';
import { errorMessageKey } from '../lib/errors.ts';
import { translator, type Lang, type MessageKey } from '../lib/i18n.ts';
import { formatMoney } from '../lib/money.ts';
import { canRefresh, screenFor, surplusOf, type Screen } from '../lib/routing.ts';
import { LockIcon, Spinner } from '../ui/icons.tsx';
import { LangSelect } from '../ui/lang-select.tsx';
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
  /** Remembers method names for the receipt page (hosted pages use sessionStorage). */
  methodNames?: { get(type: string): string | null; set(methods: PaymentMethodView[]): void };
}

/**
 * What the server last said: the newest status wins (by server time; answers can arrive out of order),
 * and every full payment seen (with its code) is kept by id, as a status carries no code.
 */
interface Snapshot {
  status: CheckoutStatus;
  at: number;
  payments: Record<string, CheckoutPayment>;
}

/** The payment the status names, with the code we hold for it while the status says it has one. */
function currentOf(snap: Snapshot | null): CheckoutPayment | null {
  const live = snap?.status.payment;
  const full = live && snap.payments[live.id];
  if (!live || !full) return null;
  return {
    ...full,
    status: live.status,
    reason: live.reason,
    ...(live.hasCode ? {} : { code: null, deepLink: null, walletUrl: null }),
  };
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
  timeout: ['warn', 'timeoutTitle', 'timeoutBody'],
} as const satisfies Partial<Record<Screen, readonly [Tone, MessageKey, MessageKey]>>;

/** Which words tell the buyer where the give-back of their surplus payment stands (S10). */
function refundedMessage(reason: string | null | undefined): MessageKey {
  const surplus = surplusOf(reason);
  return surplus?.manual ? 'refundedManual' : surplus?.late ? 'refundedLate' : 'refundedDup';
}

const liveOf = (p: CheckoutPayment) => ({
  id: p.id,
  status: p.status,
  reason: p.reason,
  hasCode: p.code !== null,
});

function statusOf(view: CheckoutView): CheckoutStatus {
  return {
    orderStatus: view.order.status,
    expiresAt: view.order.expiresAt,
    payment: view.payment && liveOf(view.payment),
    serverTime: view.serverTime,
    returnUrl: view.order.returnUrl,
    paidPayment: view.paidPayment,
    notices: view.notices,
    settled: view.settled,
  };
}

export function CheckoutApp(props: CheckoutAppProps) {
  const { api, lang, terminal, route, navigate, embedded } = props;
  const t = useMemo(() => translator(lang), [lang]);
  const [view, setView] = useState<CheckoutView | null>(null);
  const [snap, setSnap] = useState<Snapshot | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [offset, setOffset] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [selected, setSelected] = useState<string | null>(null);
  const [busy, setBusy] = useState<'confirm' | 'cancel' | null>(null);
  const [error, setError] = useState<MessageKey | null>(null);
  const [note, setNote] = useState<MessageKey | null>(null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [successSince, setSuccessSince] = useState<number | null>(null);
  const inFlight = useRef(false);
  const finished = useRef(false);
  const snapRef = useRef(snap);
  snapRef.current = snap;

  // Payments this page saw waiting or started: only their success runs the success flow (S18).
  const seenLive = useRef(new Set<string>());
  const apply = useCallback((status: CheckoutStatus, full: CheckoutPayment | null) => {
    const prev = snapRef.current;
    const at = Date.parse(status.serverTime);
    const newer = !prev || at >= prev.at;
    const payments = { ...prev?.payments };
    if (full && (!payments[full.id]?.code || full.code)) payments[full.id] = full;
    const next: Snapshot = newer ? { status, at, payments } : { ...prev, payments };
    const live = next.status.payment;
    if (live?.status === 'PROCESSING') seenLive.current.add(live.id);
    snapRef.current = next;
    setSnap(next);
    if (newer) setOffset(clockOffset(status.serverTime, Date.now()));
  }, []);

  // One view request at a time; a request made meanwhile runs once more after it, so the page always
  // ends up with what the server said last.
  const loading = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  const load = useCallback((): Promise<void> => {
    if (loading.current) {
      again.current = true;
      return loading.current;
    }
    const once = () =>
      api.view(lang).then(
        (fresh) => {
          setView(fresh);
          setLoadError(null);
          apply(statusOf(fresh), fresh.payment);
          props.methodNames?.set(fresh.paymentMethods);
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
      );
    const run = async () => {
      do {
        again.current = false;
        await once();
      } while (again.current);
    };
    loading.current = run().finally(() => {
      loading.current = null;
    });
    return loading.current;
  }, [api, lang, apply]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);

  /** A status from the stream or the poll; fetches the full view when it names a code we lack. */
  const onStatus = useCallback(
    (status: CheckoutStatus) => {
      const prev = snapRef.current;
      apply(status, null);
      const live = status.payment;
      const known = live && snapRef.current?.payments[live.id];
      const stale =
        (live && (!known || (live.hasCode && !known.code))) ||
        (prev && prev.status.orderStatus !== status.orderStatus);
      if (stale) void load();
    },
    [apply, load],
  );

  /** A payment the server just created or cancelled for us: the answer carries the whole payment. */
  const applyPayment = useCallback(
    (response: CreatePaymentResponse) => {
      const { serverTime, ...payment } = response;
      const base = snapRef.current?.status;
      if (!base) return;
      seenLive.current.add(payment.id);
      apply({ ...base, payment: liveOf(payment), serverTime }, payment);
    },
    [apply],
  );

  const left = useCallback((iso: string) => remainingMs(iso, offset, now), [offset, now]);
  const status = snap?.status;
  const orderTimeOver = status ? left(status.expiresAt) <= 0 : false;
  const routed: Screen | null = status
    ? screenFor({
        orderStatus: status.orderStatus,
        payment: status.payment,
        dismissedId: dismissed,
        orderTimeOver,
        sawPaymentLive: status.payment ? seenLive.current.has(status.payment.id) : false,
      })
    : null;
  // The result page (S18) always celebrates a paid order, even one paid before this page was opened.
  const screen: Screen | null = route === 'result' && routed === 'paid' ? 'success' : routed;
  const presentation = props.presentation ?? view?.presentation ?? 'overlay';
  const payment = currentOf(snap);

  const connection = useLiveStatus(
    api,
    view !== null && screen !== null && !FINAL_SCREENS.includes(screen),
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
  const redirectLeft =
    successSince === null
      ? redirectSeconds
      : Math.max(0, redirectSeconds - Math.floor((now - successSince) / 1000));
  const goOn = useCallback(() => {
    if (finished.current) return;
    finished.current = true;
    props.finish(snapRef.current?.status.returnUrl ?? null);
  }, []);
  useEffect(() => {
    if (screen === 'success' && route !== 'result' && successSince !== null && redirectLeft <= 0) goOn();
  }, [screen, route, successSince, redirectLeft, goOn]);

  const pay = async (type: string | null | undefined) => {
    if (!type || inFlight.current) return;
    inFlight.current = true;
    setBusy('confirm');
    setError(null);
    setNote(null);
    try {
      const response = await api.pay({
        paymentMethodType: type,
        terminalType: terminal,
        ...(props.osType ? { osType: props.osType } : {}),
      });
      setDismissed(null);
      applyPayment(response);
    } catch (failure) {
      setError(errorMessageKey(failure as ApiError));
      await load();
    } finally {
      inFlight.current = false;
      setBusy(null);
    }
  };

  const cancel = async () => {
    const current = currentOf(snapRef.current);
    if (!current || inFlight.current) return;
    inFlight.current = true;
    setBusy('cancel');
    setError(null);
    try {
      const response = await api.cancel(current.id);
      applyPayment(response);
      if (response.status === 'CANCELLED') setNote('cancelledNote');
    } catch (failure) {
      setError(errorMessageKey(failure as ApiError));
      await load();
    } finally {
      inFlight.current = false;
      setBusy(null);
    }
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

  if (!view || !snap || !screen) {
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
                    <button type="button" class="pd-btn pd-primary" onClick={() => void load()}>
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
  const methodName = (type: string | undefined) =>
    (type && (methodOf(type)?.name ?? props.methodNames?.get(type))) ?? type ?? null;
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
      headingId="pd-pay-h"
      cancelling={busy === 'cancel'}
      onCancel={() => void cancel()}
    />
  );

  let content;
  const outcome = OUTCOMES[screen as keyof typeof OUTCOMES];
  if (inline) content = panel;
  else if (outcome) {
    const reason = status?.payment?.reason;
    const ready = canRefresh(status?.payment ?? null);
    const counting = screen === 'success' && route !== 'result';
    content = (
      <Outcome
        tone={outcome[0]}
        testId={screen}
        title={t(outcome[1])}
        actions={
          counting ? (
            <button type="button" class="pd-btn pd-primary" onClick={goOn}>
              {t('continue')}
            </button>
          ) : screen === 'failed' ? (
            <button type="button" class="pd-btn pd-primary" onClick={payAgain}>
              {t('payAgain')}
            </button>
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
          ) : null
        }
      >
        <p>
          {t(screen === 'refunded' ? refundedMessage(reason) : outcome[2], {
            amount: formatMoney(view.order.amount, lang),
          })}
        </p>
        {counting && (
          <p class="pd-muted" data-testid="redirect-countdown">
            {t('redirectIn', { s: redirectLeft })}
          </p>
        )}
        {screen === 'failed' &&
          reason &&
          (reason === 'USER_BALANCE_NOT_ENOUGH' ? (
            <p class="pd-muted">{t('reasonBalance')}</p>
          ) : (
            <p class="pd-reason">{reason}</p>
          ))}
        {screen === 'timeout' && !ready && (
          <p class="pd-muted">
            <Spinner />
            {t('closingCode')}
          </p>
        )}
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
  const open = status?.orderStatus === 'OPEN' && !FINAL_SCREENS.includes(screen) && screen !== 'success';

  return (
    <CheckoutContext.Provider value={context}>
      <div
        class={`pd${embedded ? ' pd-embed' : ''}`}
        lang={lang}
        data-screen={screen}
        data-connection={connection}
      >
        <div class={`pd-page${overlay ? ' pd-dimmed' : ''}`} inert={overlay}>
          <header class="pd-top">
            <span class="pd-brand">{view.order.merchantName}</span>
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
          <p class="pd-foot">
            <LockIcon size={14} />
            {t('secure')}
          </p>
        </div>
        {overlay && (
          <Dialog labelledBy="pd-pay-h" onEscape={() => void cancel()}>
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
