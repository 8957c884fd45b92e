// The ops console's words (D11): every reason the server can put on a payment reads as words, a
// reversal and a surplus say what happened to the money, the refund confirmation says full or partial
// and what the buyer will see, and the history names each event.
import { describe, expect, it } from 'vitest';
import type { MerchantPaymentMethod, OrderEventView, PaymentView } from '@paydesk/api';
import {
  buyerSees,
  eventWords,
  methodName,
  noticeSentence,
  noticeTitle,
  reasonWords,
  refundScope,
  stateWords,
  type MethodBook,
} from '../src/admin/words.ts';

const TRUEMONEY: MerchantPaymentMethod = {
  type: 'TRUEMONEY',
  name: 'TrueMoney Wallet',
  category: 'QR',
  wallet: true,
  cancel: 'paid',
  refund: 'full_and_partial',
};
const QRIS: MerchantPaymentMethod = {
  ...TRUEMONEY,
  type: 'QRIS',
  name: 'QRIS',
  wallet: false,
  cancel: 'never',
};
const BNI: MerchantPaymentMethod = {
  ...QRIS,
  type: 'BANKTRANSFER_BNI',
  name: 'BNI virtual account',
  category: 'BANK_TRANSFER',
};
const BOOK: MethodBook = new Map([TRUEMONEY, QRIS, BNI].map((m) => [m.type, m]));
const thb = (value: string) => ({ currency: 'THB', value });

// The server's reasons (docs of D11's contract) and Antom result codes it passes on.
const SERVER_REASONS = [
  'TIMEOUT',
  'BUYER_CANCELLED',
  'ORDER_CLOSED',
  'ORDER_PAID',
  'GATEWAY_ERROR',
  'GATEWAY_PENDING',
  'GATEWAY_NOT_RECEIVED',
  'GATEWAY_UNAVAILABLE',
  'CHARGE_REVERSED',
  'DUPLICATE_REFUND_PENDING',
  'DUPLICATE_REFUNDED',
  'DUPLICATE_REFUND_MANUAL',
  'LATE_PAYMENT_REFUND_PENDING',
  'LATE_PAYMENT_REFUNDED',
  'LATE_PAYMENT_REFUND_MANUAL',
  'USER_BALANCE_NOT_ENOUGH',
  'RISK_REJECT',
  'PAYMENT_FAILED',
  'ORDER_IS_CLOSED',
  'USER_KYC_NOT_QUALIFIED',
  'INVALID_SIGNATURE',
];

describe('reasons and states', () => {
  it('gives every reason the server can record words of its own, never the code alone', () => {
    for (const reason of SERVER_REASONS) {
      const words = reasonWords(reason)!;
      expect(words, reason).not.toContain(reason);
      expect(words, reason).not.toMatch(/^Antom answered/);
    }
    expect(reasonWords('SOMETHING_NEW')).toBe('Antom answered SOMETHING_NEW');
    expect(reasonWords(null)).toBeNull();
  });

  it('calls a reversed payment "Charged, then reversed"', () => {
    expect(stateWords('REVERSED')).toBe('Charged, then reversed');
    expect(reasonWords('CHARGE_REVERSED')).toMatch(/^Charged, then reversed/);
    for (const state of ['PENDING', 'UNKNOWN', 'PROCESSING', 'CANCELLING', 'ABANDONED', 'SUCCESS', 'FAIL'])
      expect(stateWords(state)).not.toBe(state);
  });

  it('names methods by their display name, and an unknown one by its code', () => {
    expect(methodName(BOOK, 'TRUEMONEY')).toBe('TrueMoney Wallet');
    expect(methodName(BOOK, 'GONE_PAY')).toBe('GONE_PAY');
    expect(methodName(null, 'TRUEMONEY')).toBe('TRUEMONEY');
  });
});

describe('payments charged beyond the order', () => {
  const notice = {
    paymentId: 'pay_1',
    paymentMethodType: 'TRUEMONEY',
    amount: thb('150000'),
    at: '2026-01-02T03:04:05.000Z',
  };

  it('says a reversal returned the money, and where a surplus stands', () => {
    const reversed = { ...notice, cause: 'REVERSED', outcome: 'REVERSED' } as const;
    expect(noticeTitle(reversed)).toBe('Charged, then reversed');
    expect(noticeSentence(reversed, BOOK)).toBe(
      "The buyer paid ฿1,500.00 with TrueMoney Wallet while Paydesk was cancelling that code; Antom's cancel then returned the money to the buyer. Nothing is owed either way.",
    );
    const pending = { ...notice, cause: 'DUPLICATE', outcome: 'REFUND_PENDING' } as const;
    expect(noticeTitle(pending)).toBe('Paid twice: refund pending');
    expect(noticeSentence(pending, BOOK)).toContain('on its way back');
    const manual = { ...notice, cause: 'LATE_PAYMENT', outcome: 'REFUND_MANUAL' } as const;
    expect(noticeTitle(manual)).toBe('Paid late: refund by hand');
    expect(noticeSentence(manual, BOOK)).toContain('you must return it to the buyer yourself');
  });
});

describe('the refund confirmation', () => {
  it('tells a full refund from a partial one, and a full refund of what is left', () => {
    expect(refundScope({ amount: thb('118000'), refundable: thb('118000'), paid: thb('118000') })).toEqual({
      full: true,
      detail: 'All ฿1,180.00 paid goes back.',
    });
    expect(refundScope({ amount: thb('68000'), refundable: thb('68000'), paid: thb('118000') })).toEqual({
      full: true,
      detail: 'What is left goes back: ฿680.00 of the ฿1,180.00 paid.',
    });
    expect(refundScope({ amount: thb('50000'), refundable: thb('118000'), paid: thb('118000') })).toEqual({
      full: false,
      detail: '฿680.00 stays refundable afterwards.',
    });
  });

  it('says a wallet has the money back at once and other methods within days', () => {
    const base = { amount: thb('50000') };
    expect(buyerSees({ ...base, method: TRUEMONEY, paymentMethodType: 'TRUEMONEY' })).toBe(
      "฿500.00 is returned to the buyer's TrueMoney Wallet, usually at once.",
    );
    expect(buyerSees({ ...base, method: { ...TRUEMONEY, name: 'GCash' }, paymentMethodType: 'GCASH' })).toBe(
      "฿500.00 is returned to the buyer's GCash wallet, usually at once.",
    );
    expect(buyerSees({ ...base, method: QRIS, paymentMethodType: 'QRIS' })).toBe(
      '฿500.00 is returned to the buyer through QRIS, usually within a few days; Antom confirms it later.',
    );
    expect(buyerSees({ ...base, method: BNI, paymentMethodType: 'BANKTRANSFER_BNI' })).toContain(
      'to the bank account they paid from, usually within a few days',
    );
    // A method the catalog no longer has: nothing promised about speed.
    expect(buyerSees({ ...base, method: null, paymentMethodType: 'GONE_PAY' })).toContain(
      'usually within a few days',
    );
  });
});

describe('the history in words', () => {
  const payment = {
    id: 'pay_1',
    paymentMethodType: 'TRUEMONEY',
    amount: thb('150000'),
  } as PaymentView;
  const event = (type: string, data: Record<string, unknown>): OrderEventView => ({
    id: 'evt_1',
    type,
    at: '2026-01-02T03:04:05.000Z',
    data,
  });
  const words = (type: string, data: Record<string, unknown>) =>
    eventWords(event(type, data), { payments: [payment], methods: BOOK });

  it('tells the reversal and what led to it', () => {
    expect(words('payment.reversed', { paymentId: 'pay_1', reason: 'CHARGE_REVERSED' })).toBe(
      "TrueMoney Wallet payment pay_1 (฿1,500.00) was charged, then reversed: Antom's cancel returned the money to the buyer",
    );
    expect(words('payment.cancelling', { paymentId: 'pay_1', reason: 'BUYER_CANCELLED' })).toBe(
      'Cancelling TrueMoney Wallet payment pay_1 (฿1,500.00): the buyer cancelled',
    );
  });

  it('tells refunds and surplus give-backs with their amounts', () => {
    expect(words('refund.succeeded', { refundId: 'ref_1', kind: 'MERCHANT', amount: '50000' })).toBe(
      'Refund ref_1 of ฿500.00: back with the buyer',
    );
    expect(words('payment.duplicate', { paymentId: 'pay_1', method: 'CANCEL' })).toBe(
      'TrueMoney Wallet payment pay_1 (฿1,500.00) is a surplus: giving it back by an Antom cancel',
    );
    expect(words('refund.requested', { refundId: 'ref_1', amount: '50000', reason: 'broken cup' })).toBe(
      'Refund ref_1 of ฿500.00 asked for (broken cup)',
    );
  });

  it('keeps a technical summary for gateway calls and a readable fallback for new events', () => {
    expect(words('gateway.call', { api: 'cancel', resultCode: 'SUCCESS', durationMs: 12 })).toBe(
      'Called Antom cancel: SUCCESS in 12 ms',
    );
    expect(words('order.looked_into', {})).toBe('Order looked into');
  });
});
