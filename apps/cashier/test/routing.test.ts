import { describe, expect, it } from 'vitest';
import { canRefresh, isLive, screenFor, surplusOf, type LivePayment } from '../src/lib/routing.ts';

const payment = (
  status: LivePayment['status'],
  reason: string | null = null,
  hasCode = true,
): LivePayment => ({
  id: 'pay_1',
  status,
  reason,
  hasCode,
});

describe('screenFor (S16 routing on the payment status)', () => {
  it('shows the method list when there is no payment yet', () => {
    expect(screenFor({ orderStatus: 'OPEN', payment: null })).toBe('methods');
  });

  it('keeps waiting on PROCESSING, with the code or "still working" without one', () => {
    expect(screenFor({ orderStatus: 'OPEN', payment: payment('PROCESSING') })).toBe('paying');
    expect(screenFor({ orderStatus: 'OPEN', payment: payment('PROCESSING', 'GATEWAY_PENDING', false) })).toBe(
      'working',
    );
  });

  it('goes to success on SUCCESS (S18)', () => {
    expect(screenFor({ orderStatus: 'PAID', payment: payment('SUCCESS') })).toBe('success');
    expect(screenFor({ orderStatus: 'PAID', payment: payment('SUCCESS'), sawPaymentLive: true })).toBe(
      'success',
    );
  });

  it('says "already paid" for a success this page never saw waiting (a buyer coming back, S9)', () => {
    expect(screenFor({ orderStatus: 'PAID', payment: payment('SUCCESS'), sawPaymentLive: false })).toBe(
      'paid',
    );
  });

  it('tells the buyer about a refunded duplicate or late payment (S10)', () => {
    expect(screenFor({ orderStatus: 'PAID', payment: payment('SUCCESS', 'DUPLICATE_REFUNDED') })).toBe(
      'refunded',
    );
    expect(screenFor({ orderStatus: 'CLOSED', payment: payment('SUCCESS', 'LATE_PAYMENT_REFUNDED') })).toBe(
      'refunded',
    );
    for (const reason of [
      'DUPLICATE_REFUND_PENDING',
      'DUPLICATE_REFUND_MANUAL',
      'LATE_PAYMENT_REFUND_PENDING',
    ]) {
      expect(screenFor({ orderStatus: 'PAID', payment: payment('SUCCESS', reason) })).toBe('refunded');
    }
  });

  it('knows where the give-back of a surplus payment stands', () => {
    expect(surplusOf('DUPLICATE_REFUND_PENDING')).toEqual({ late: false, manual: false });
    expect(surplusOf('LATE_PAYMENT_REFUNDED')).toEqual({ late: true, manual: false });
    expect(surplusOf('DUPLICATE_REFUND_MANUAL')).toEqual({ late: false, manual: true });
    expect(surplusOf('TIMEOUT')).toBeNull();
    expect(surplusOf(null)).toBeNull();
  });

  it('shows failure with Pay again on FAIL and on a CANCELLED the buyer did not ask for', () => {
    expect(screenFor({ orderStatus: 'OPEN', payment: payment('FAIL', 'USER_BALANCE_NOT_ENOUGH') })).toBe(
      'failed',
    );
    expect(screenFor({ orderStatus: 'OPEN', payment: payment('CANCELLED', 'GATEWAY_ERROR') })).toBe('failed');
  });

  it('says "charged and reversed" for a payment Antom captured and a cancel reversed (D11)', () => {
    expect(screenFor({ orderStatus: 'OPEN', payment: payment('CANCELLED', 'CHARGE_REVERSED') })).toBe(
      'reversed',
    );
    expect(screenFor({ orderStatus: 'CLOSED', payment: payment('CANCELLED', 'CHARGE_REVERSED') })).toBe(
      'reversed',
    );
  });

  it('returns to the method list after the buyer cancelled (S20)', () => {
    expect(screenFor({ orderStatus: 'OPEN', payment: payment('CANCELLED', 'BUYER_CANCELLED') })).toBe(
      'methods',
    );
    expect(screenFor({ orderStatus: 'OPEN', payment: payment('PROCESSING', 'BUYER_CANCELLED') })).toBe(
      'cancelling',
    );
  });

  it('shows "timed out" as soon as the server times the code out, while and after it cancels (S19)', () => {
    expect(screenFor({ orderStatus: 'OPEN', payment: payment('PROCESSING', 'TIMEOUT', false) })).toBe(
      'timeout',
    );
    expect(screenFor({ orderStatus: 'OPEN', payment: payment('CANCELLED', 'TIMEOUT') })).toBe('timeout');
    expect(screenFor({ orderStatus: 'OPEN', payment: payment('FAIL', 'TIMEOUT') })).toBe('timeout');
  });

  it('forgets a finished payment the buyer dismissed, but never a live or successful one', () => {
    expect(screenFor({ orderStatus: 'OPEN', payment: payment('FAIL'), dismissedId: 'pay_1' })).toBe(
      'methods',
    );
    expect(
      screenFor({ orderStatus: 'OPEN', payment: payment('CANCELLED', 'TIMEOUT'), dismissedId: 'pay_1' }),
    ).toBe('methods');
    expect(screenFor({ orderStatus: 'OPEN', payment: payment('PROCESSING'), dismissedId: 'pay_1' })).toBe(
      'paying',
    );
    expect(screenFor({ orderStatus: 'PAID', payment: payment('SUCCESS'), dismissedId: 'pay_1' })).toBe(
      'success',
    );
  });

  it('offers no way to pay an order that is paid, expired or closed (S9)', () => {
    expect(screenFor({ orderStatus: 'PAID', payment: null })).toBe('paid');
    expect(screenFor({ orderStatus: 'PAID', payment: payment('CANCELLED', 'BUYER_CANCELLED') })).toBe('paid');
    expect(screenFor({ orderStatus: 'EXPIRED', payment: null })).toBe('expired');
    expect(screenFor({ orderStatus: 'CLOSED', payment: payment('PROCESSING') })).toBe('closed');
  });

  it('treats an order whose time is over on the server clock as expired before the server says so', () => {
    expect(screenFor({ orderStatus: 'OPEN', payment: null, orderTimeOver: true })).toBe('expired');
    expect(screenFor({ orderStatus: 'OPEN', payment: payment('PROCESSING'), orderTimeOver: true })).toBe(
      'paying',
    );
  });
});

describe('isLive and canRefresh', () => {
  it('keeps Confirm disabled while an attempt is open (S11)', () => {
    expect(isLive('paying')).toBe(true);
    expect(isLive('working')).toBe(true);
    expect(isLive('cancelling')).toBe(true);
    expect(isLive('methods')).toBe(false);
    expect(isLive('failed')).toBe(false);
  });

  it('allows Refresh only once the timed-out payment is final', () => {
    expect(canRefresh(payment('PROCESSING', 'TIMEOUT'))).toBe(false);
    expect(canRefresh(payment('CANCELLED', 'TIMEOUT'))).toBe(true);
    expect(canRefresh(null)).toBe(false);
  });
});
