// The sandbox's transition table (D12.4): every (status, event) pair, and that a refused move
// changes nothing and says which rule refused it, in domain terms (the routes add HTTP).
import { describe, expect, it } from 'vitest';
import { SandboxRuleError } from '../src/errors.ts';
import { httpErrorOf } from '../src/http-errors.ts';
import type { PaymentRecord, RefundRecord, SandboxPaymentStatus } from '../src/store.ts';
import {
  movePayment,
  moveRefund,
  nextPaymentStatus,
  PAYMENT_TRANSITIONS,
  REFUND_TRANSITIONS,
  type PaymentEvent,
} from '../src/transitions.ts';

const STATUSES: SandboxPaymentStatus[] = ['PROCESSING', 'SUCCESS', 'FAIL', 'CANCELLED'];
const EVENTS: PaymentEvent[] = ['PAID', 'DECLINED', 'EXPIRED', 'CANCELLED', 'REVERSED'];

// The whole table, written out: what each event does from each status (undefined = refused).
const EXPECTED: Record<SandboxPaymentStatus, Record<PaymentEvent, SandboxPaymentStatus | undefined>> = {
  PROCESSING: {
    PAID: 'SUCCESS',
    DECLINED: 'FAIL',
    EXPIRED: 'FAIL',
    CANCELLED: 'CANCELLED',
    REVERSED: undefined,
  },
  SUCCESS: {
    PAID: undefined,
    DECLINED: undefined,
    EXPIRED: undefined,
    CANCELLED: undefined,
    REVERSED: 'CANCELLED',
  },
  FAIL: {
    PAID: undefined,
    DECLINED: undefined,
    EXPIRED: undefined,
    CANCELLED: undefined,
    REVERSED: undefined,
  },
  CANCELLED: {
    PAID: undefined,
    DECLINED: undefined,
    EXPIRED: undefined,
    CANCELLED: undefined,
    REVERSED: undefined,
  },
};

function payment(status: SandboxPaymentStatus, extra: Partial<PaymentRecord> = {}): PaymentRecord {
  return {
    paymentId: 'p1',
    paymentRequestId: 'att_1',
    referenceOrderId: 'o1',
    orderDescription: 'x',
    paymentMethodType: 'TRUEMONEY',
    amount: { currency: 'THB', value: '1000' },
    terminalType: 'WEB',
    status,
    resultCode: 'PAYMENT_IN_PROCESS',
    resultMessage: 'waiting',
    createdAt: 0,
    expiresAt: 1,
    expired: false,
    reversedAmount: '0',
    codeValue: 'c',
    token: 't',
    redirectUrl: 'https://shop.example',
    payAnswer: {},
    notificationIds: [],
    ...extra,
  };
}

describe('the payment transition table', () => {
  it.each(STATUSES.flatMap((status) => EVENTS.map((event) => [status, event] as const)))(
    'from %s, %s',
    (status, event) => {
      expect(nextPaymentStatus(status, event)).toBe(EXPECTED[status][event]);
      const record = payment(status);
      const before = structuredClone(record);
      if (EXPECTED[status][event] === undefined) {
        expect(() => movePayment(record, event, { resultCode: 'CHANGED' })).toThrow(SandboxRuleError);
        expect(record).toEqual(before);
      } else {
        movePayment(record, event, { resultCode: 'CHANGED' });
        expect(record).toMatchObject({ status: EXPECTED[status][event], resultCode: 'CHANGED' });
      }
    },
  );

  it('never leaves a final status, and only a capture can be reversed', () => {
    expect(PAYMENT_TRANSITIONS.FAIL).toEqual({});
    expect(PAYMENT_TRANSITIONS.CANCELLED).toEqual({});
    const reversible = STATUSES.filter((status) => nextPaymentStatus(status, 'REVERSED') !== undefined);
    expect(reversible).toEqual(['SUCCESS']);
  });

  it.each([
    [payment('SUCCESS'), 'PAYMENT_ALREADY_PAID'],
    [payment('CANCELLED'), 'PAYMENT_CANCELLED'],
    [payment('FAIL', { expired: true }), 'PAYMENT_EXPIRED'],
    [payment('FAIL', { resultCode: 'RISK_REJECT' }), 'PAYMENT_FAILED'],
  ])('names why a buyer cannot pay a payment in its state (%#)', (record, code) => {
    const error = catchError(() => movePayment(record, 'PAID', {}));
    expect(error).toMatchObject({ name: 'SandboxRuleError', code });
    // The routes, not the services, make it HTTP: a refused rule is a 409 with the same code.
    expect(httpErrorOf(error)).toMatchObject({ statusCode: 409, code });
  });
});

describe('the refund transition table', () => {
  const refund = (status: RefundRecord['status']): RefundRecord => ({
    refundId: 'r1',
    refundRequestId: 'ref_1',
    paymentId: 'p1',
    amount: { currency: 'THB', value: '100' },
    status,
    resultCode: 'REFUND_IN_PROCESS',
    resultMessage: 'x',
    mode: 'ASYNC',
    createdAt: 0,
    notificationIds: [],
  });

  it('settles or fails a processing refund once, and nothing moves a final one', () => {
    expect(REFUND_TRANSITIONS).toEqual({
      PROCESSING: { SETTLED: 'SUCCESS', FAILED: 'FAIL' },
      SUCCESS: {},
      FAIL: {},
    });
    expect(moveRefund(refund('PROCESSING'), 'SETTLED', {}).status).toBe('SUCCESS');
    expect(moveRefund(refund('PROCESSING'), 'FAILED', {}).status).toBe('FAIL');
    for (const status of ['SUCCESS', 'FAIL'] as const) {
      expect(catchError(() => moveRefund(refund(status), 'SETTLED', {}))).toMatchObject({
        code: 'REFUND_ALREADY_FINAL',
      });
    }
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
