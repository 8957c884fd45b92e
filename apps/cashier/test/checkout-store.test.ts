// The cashier's snapshot of what the server said (D12.5): newest status wins, codes are kept,
// the view is fetched when a status names what the page lacks, and listening ends only when settled.
import { describe, expect, it } from 'vitest';
import type { CheckoutPayment, CheckoutStatus, CheckoutView } from '@paydesk/api';
import { CheckoutStore, isSettled, singleFlight, statusOf } from '../src/checkout/checkout.store.ts';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function payment(overrides: Partial<CheckoutPayment> = {}): CheckoutPayment {
  return {
    id: 'pay_1',
    status: 'PROCESSING',
    reason: null,
    paymentMethodType: 'PROMPTPAY',
    amount: { currency: 'THB', value: '118000' },
    code: { kind: 'qr', value: 'http://sandbox/wallet/c/abc' },
    expiresAt: at(300_000),
    deepLink: null,
    links: null,
    walletUrl: null,
    ...overrides,
  };
}

function view(overrides: Partial<CheckoutView> = {}, serverMs = 0): CheckoutView {
  return {
    order: {
      id: 'ord_1',
      reference: 'R-1',
      description: 'Tea',
      amount: { currency: 'THB', value: '118000' },
      items: [],
      status: 'OPEN',
      expiresAt: at(1_800_000),
      returnUrl: null,
      merchantName: 'Tea House',
    },
    serverTime: at(serverMs),
    paymentMethods: [],
    payment: null,
    presentation: 'overlay',
    paidPayment: null,
    notices: [],
    settled: false,
    sandbox: true,
    successRedirectSeconds: 5,
    ...overrides,
  } as CheckoutView;
}

/** A status as a server from before `settled` sent it (the store then derives it). */
function status(overrides: Partial<CheckoutStatus>, serverMs: number): CheckoutStatus {
  return {
    orderStatus: 'OPEN',
    expiresAt: at(1_800_000),
    payment: null,
    returnUrl: null,
    paidPayment: null,
    notices: [],
    ...overrides,
    serverTime: at(serverMs),
  } as CheckoutStatus;
}

describe('CheckoutStore', () => {
  it('keeps the newest status by server time, whatever order the answers arrive in', () => {
    const store = new CheckoutStore(() => T0);
    store.applyView(view({ payment: payment() }, 0));
    store.applyStatus(
      status({ payment: { id: 'pay_1', status: 'SUCCESS', reason: null, hasCode: false } }, 2_000),
    );
    // A poll answered before the success but delivered after it changes nothing.
    store.applyStatus(
      status({ payment: { id: 'pay_1', status: 'PROCESSING', reason: null, hasCode: true } }, 1_000),
    );
    expect(store.snapshot?.status.payment?.status).toBe('SUCCESS');
    expect(store.current()?.status).toBe('SUCCESS');
  });

  it('shows the code it holds only while the status says the payment has one', () => {
    const store = new CheckoutStore();
    store.applyView(view({ payment: payment() }));
    expect(store.current()?.code?.value).toBe('http://sandbox/wallet/c/abc');
    store.applyStatus(
      status({ payment: { id: 'pay_1', status: 'PROCESSING', reason: 'TIMEOUT', hasCode: false } }, 1),
    );
    expect(store.current()).toMatchObject({ code: null, deepLink: null, reason: 'TIMEOUT' });
  });

  it('never replaces a payment with a code by a copy without one', () => {
    const store = new CheckoutStore();
    store.applyView(view({ payment: payment() }));
    store.applyView(view({ payment: payment({ code: null }) }, 1));
    expect(store.snapshot?.payments.pay_1?.code).not.toBeNull();
  });

  it('asks for the full view when a status names an unknown payment, a missing code or a moved order', () => {
    const store = new CheckoutStore();
    store.applyView(view({}, 0));
    const live = { id: 'pay_2', status: 'PROCESSING' as const, reason: null, hasCode: true };
    expect(store.applyStatus(status({ payment: live }, 1))).toBe(true);
    store.applyView(view({ payment: payment({ id: 'pay_2' }) }, 2));
    expect(store.applyStatus(status({ payment: live }, 3))).toBe(false);
    expect(
      store.applyStatus(
        status({ orderStatus: 'PAID', payment: { ...live, status: 'SUCCESS', hasCode: false } }, 4),
      ),
    ).toBe(true);
  });

  it('remembers which payments this page saw waiting, so only their success is celebrated (S18)', () => {
    const store = new CheckoutStore();
    store.applyView(
      view({
        order: { ...view().order, status: 'PAID' },
        payment: payment({ status: 'SUCCESS', code: null }),
      }),
    );
    expect(store.sawLive('pay_1')).toBe(false);
    const other = new CheckoutStore();
    other.applyView(view({ payment: payment() }));
    expect(other.sawLive('pay_1')).toBe(true);
    other.applyPayment({ ...payment({ id: 'pay_9', status: 'FAIL', code: null }), serverTime: at(5) });
    expect(other.sawLive('pay_9')).toBe(true);
    expect(other.current()?.id).toBe('pay_9');
  });

  it('measures the server clock offset when the newest status arrives (S6)', () => {
    let local = T0 + 180_000; // the browser runs three minutes ahead
    const store = new CheckoutStore(() => local);
    store.applyView(view({}, 0));
    const snap = store.snapshot!;
    expect(snap.at - snap.receivedAt).toBe(-180_000);
    local += 10_000;
    store.applyStatus(status({}, -5_000)); // older: the offset stays
    expect(store.snapshot!.receivedAt).toBe(T0 + 180_000);
  });

  it('tells its listeners about every change and stops when asked', () => {
    const store = new CheckoutStore();
    let heard = 0;
    const stop = store.subscribe(() => (heard += 1));
    store.applyView(view());
    stop();
    store.applyView(view());
    expect(heard).toBe(1);
  });
});

describe('isSettled', () => {
  it('follows the server: listening goes on until it says nothing can change any more (D11.3)', () => {
    const paid = {
      id: 'pay_1',
      status: 'SUCCESS' as const,
      reason: 'DUPLICATE_REFUND_PENDING',
      hasCode: false,
    };
    expect(isSettled({ ...status({ orderStatus: 'PAID', payment: paid }, 0), settled: false })).toBe(false);
    expect(isSettled({ ...status({ orderStatus: 'PAID', payment: paid }, 0), settled: true })).toBe(true);
    expect(statusOf({ ...view(), settled: true } as CheckoutView)).toMatchObject({ settled: true });
  });
});

describe('singleFlight', () => {
  it('runs one at a time and once more for calls made meanwhile, however many', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const task = singleFlight(
      () =>
        new Promise<void>((resolve) => {
          runs += 1;
          release = resolve;
        }),
    );
    const first = task();
    const second = task();
    const third = task();
    expect(second).toBe(first);
    expect(third).toBe(first);
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(runs).toBe(2);
    release();
    await first;
    expect(runs).toBe(2);
    // Idle again: the next call starts a run of its own.
    const later = task();
    expect(later).not.toBe(first);
    release();
    await later;
    expect(runs).toBe(3);
  });
});
