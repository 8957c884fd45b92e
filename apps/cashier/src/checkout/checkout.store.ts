// What the server last said about one checkout (S15–S17, docs/style.md §12): the cashier holds no payment
// truth, only this snapshot of the server's answers. Answers arrive out of order (the first GET, the event
// stream, the 2-second poll, the answers to confirm and cancel), so the newest status wins by server time,
// and every full payment seen is kept by id, because a status names the live payment but carries no code.
// Plain TypeScript, no hooks, so the rules are unit-tested (D12.5).
import type { CheckoutPayment, CheckoutStatus, CheckoutView, CreatePaymentResponse } from '@paydesk/api';

export type LivePayment = NonNullable<CheckoutStatus['payment']>;

export interface Snapshot {
  /** The last full view (order, methods, branding); null until the first GET answers. */
  view: CheckoutView | null;
  /** The newest status by server time. */
  status: CheckoutStatus;
  /** Server time of `status`, epoch ms. */
  at: number;
  /** The local clock when `status` arrived: `at - receivedAt` is the server clock's offset (S6). */
  receivedAt: number;
  /** Every full payment seen, by id; one with a code is never replaced by one without. */
  payments: Readonly<Record<string, CheckoutPayment>>;
}

/** The live-payment part of a status, as a full payment states it. */
export function liveOf(payment: CheckoutPayment): LivePayment {
  return { id: payment.id, status: payment.status, reason: payment.reason, hasCode: payment.code !== null };
}

/** The status a full view implies (a view is a status plus more). */
export function statusOf(view: CheckoutView): CheckoutStatus {
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

/** True when nothing about this checkout can change any more: the page listens until then (D11.3). */
export function isSettled(status: CheckoutStatus): boolean {
  return status.settled;
}

export class CheckoutStore {
  #snap: Snapshot | null = null;
  #seenLive = new Set<string>();
  #listeners = new Set<() => void>();
  readonly #localNow: () => number;

  /** `localNow` is the browser's clock (injected by tests). */
  constructor(localNow: () => number = Date.now) {
    this.#localNow = localNow;
  }

  /** The current snapshot (a new object after every change), or null before anything was heard. */
  get snapshot(): Snapshot | null {
    return this.#snap;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A full view from GET /checkout/:token. */
  applyView(view: CheckoutView): void {
    this.#apply(statusOf(view), view.payment, view);
  }

  /**
   * A status from the stream or the poll. Returns true when the page should fetch the full view: the
   * status names a payment we hold no full copy of, a code we lack, or the order moved.
   */
  applyStatus(status: CheckoutStatus): boolean {
    const before = this.#snap;
    this.#apply(status, null, null);
    const live = status.payment;
    const known = live && this.#snap?.payments[live.id];
    return Boolean(
      (live && (!known || (live.hasCode && !known.code))) ||
      (before && before.status.orderStatus !== status.orderStatus),
    );
  }

  /** A payment the server just created or cancelled for this page: the answer carries all of it. */
  applyPayment(response: CreatePaymentResponse): void {
    const base = this.#snap?.status;
    if (!base) return;
    const { serverTime, ...payment } = response;
    this.#seenLive.add(payment.id);
    this.#apply({ ...base, payment: liveOf(payment), serverTime }, payment, null);
  }

  /** Whether this page saw the payment waiting (or started it): only then is its success celebrated (S18). */
  sawLive(id: string): boolean {
    return this.#seenLive.has(id);
  }

  /** The payment the status names, with the code held for it while the status says it has one. */
  current(): CheckoutPayment | null {
    const snap = this.#snap;
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

  #apply(status: CheckoutStatus, full: CheckoutPayment | null, view: CheckoutView | null): void {
    const prev = this.#snap;
    const at = Date.parse(status.serverTime);
    const newer = !prev || !(at < prev.at);
    const payments = { ...prev?.payments };
    if (full && (!payments[full.id]?.code || full.code)) payments[full.id] = full;
    const kept = view ?? prev?.view ?? null;
    const next: Snapshot =
      newer || !prev
        ? { view: kept, status, at, receivedAt: this.#localNow(), payments }
        : { ...prev, view: kept, payments };
    const live = next.status.payment;
    if (live?.status === 'PROCESSING') this.#seenLive.add(live.id);
    this.#snap = next;
    for (const listener of this.#listeners) listener();
  }
}

/**
 * Runs `task` one at a time: a call made while one runs makes it run once more after, and every caller
 * gets the promise of the run that ends with the newest answer (so the page shows what the server said last).
 */
export function singleFlight(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await task();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}
