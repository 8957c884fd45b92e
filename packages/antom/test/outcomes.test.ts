// Typed outcomes and the closed error set (D2.7; docs/antom-notes.md §6): S / F / U with the result code,
// so "created, show the code", "unknown, ask again" and "failed, here is why" never look alike.
import { describe, expect, it } from 'vitest';
import {
  AntomConfigError,
  AntomError,
  AntomGatewayError,
  AntomNotificationError,
  AntomSignatureError,
  AntomTimeoutError,
  AntomTransportError,
  cancelOutcome,
  consultOutcome,
  inquiryPaymentOutcome,
  inquiryRefundOutcome,
  isIntegrationFault,
  isOutcomeUnknown,
  payOutcome,
  refundOutcome,
  type AntomResult,
  type PaymentStatus,
} from '../src/index.ts';

const r = (
  resultStatus: AntomResult['resultStatus'],
  resultCode: string,
  resultMessage?: string,
): AntomResult => ({
  resultStatus,
  resultCode,
  ...(resultMessage ? { resultMessage } : {}),
});

describe('payOutcome', () => {
  it('U + PAYMENT_IN_PROCESS with a paymentId is "created": the payment exists, show the code', () => {
    const response = { result: r('U', 'PAYMENT_IN_PROCESS', 'in process'), paymentId: 'p1' };
    expect(payOutcome(response)).toEqual({
      kind: 'created',
      status: 'U',
      resultCode: 'PAYMENT_IN_PROCESS',
      resultMessage: 'in process',
      paymentId: 'p1',
      response,
    });
  });

  it('U + PAYMENT_IN_PROCESS without a paymentId is "unknown": nothing to show, ask again', () => {
    expect(payOutcome({ result: r('U', 'PAYMENT_IN_PROCESS') }).kind).toBe('unknown');
  });

  it.each(['UNKNOWN_EXCEPTION', 'REQUEST_TRAFFIC_EXCEED_LIMIT', 'SOMETHING_NEW'])(
    'U %s is "unknown"',
    (code) => {
      expect(payOutcome({ result: r('U', code), paymentId: 'p1' })).toMatchObject({
        kind: 'unknown',
        status: 'U',
        resultCode: code,
      });
    },
  );

  it('F is "failed" with an AntomGatewayError carrying the code and message', () => {
    const outcome = payOutcome({ result: r('F', 'USER_BALANCE_NOT_ENOUGH', 'balance too low') });
    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') throw new Error('unreachable');
    expect(outcome.error).toBeInstanceOf(AntomGatewayError);
    expect(outcome.error).toBeInstanceOf(AntomError);
    expect(outcome.error).toMatchObject({
      type: 'gateway',
      code: 'USER_BALANCE_NOT_ENOUGH',
      resultStatus: 'F',
      message: 'USER_BALANCE_NOT_ENOUGH: balance too low',
    });
  });

  it('S is "succeeded" (already paid)', () => {
    expect(payOutcome({ result: r('S', 'SUCCESS'), paymentId: 'p1' })).toMatchObject({
      kind: 'succeeded',
      paymentId: 'p1',
    });
  });
});

describe('inquiryPaymentOutcome', () => {
  it.each<PaymentStatus>(['SUCCESS', 'FAIL', 'PROCESSING', 'CANCELLED', 'PENDING'])(
    'S with paymentStatus %s is "found" with that status',
    (paymentStatus) => {
      expect(inquiryPaymentOutcome({ result: r('S', 'SUCCESS'), paymentStatus })).toMatchObject({
        kind: 'found',
        paymentStatus,
      });
    },
  );

  it('F ORDER_NOT_EXIST is "failed" and notFound; another F is failed but not notFound', () => {
    expect(inquiryPaymentOutcome({ result: r('F', 'ORDER_NOT_EXIST') })).toMatchObject({
      kind: 'failed',
      notFound: true,
    });
    expect(inquiryPaymentOutcome({ result: r('F', 'ACCESS_DENIED') })).toMatchObject({
      kind: 'failed',
      notFound: false,
    });
  });

  it('U, or S without a paymentStatus, is "unknown"', () => {
    expect(inquiryPaymentOutcome({ result: r('U', 'UNKNOWN_EXCEPTION') }).kind).toBe('unknown');
    expect(inquiryPaymentOutcome({ result: r('S', 'SUCCESS') }).kind).toBe('unknown');
  });

  // D11: a cancel of a paid payment gives the money back; the inquiry says CANCELLED, and the CANCEL
  // transaction (or a kept paymentTime) tells it apart from a cancel of an unpaid code.
  it('CANCELLED with a CANCEL transaction that moved money is a reversal, with its time and amount', () => {
    const amount = { currency: 'THB', value: '15000' };
    const outcome = inquiryPaymentOutcome({
      result: r('S', 'SUCCESS'),
      paymentStatus: 'CANCELLED',
      paymentAmount: amount,
      transactions: [
        {
          transactionType: 'CANCEL',
          transactionStatus: 'SUCCESS',
          transactionAmount: amount,
          transactionTime: '2026-11-25T19:45:00+08:00',
        },
      ],
    });
    expect(outcome).toMatchObject({
      kind: 'found',
      reversal: { time: '2026-11-25T19:45:00+08:00', amount },
    });
    expect(
      inquiryPaymentOutcome({
        result: r('S', 'SUCCESS'),
        paymentStatus: 'CANCELLED',
        paymentAmount: amount,
        paymentTime: '2026-11-25T19:41:07+08:00',
      }),
    ).toMatchObject({ reversal: { time: undefined, amount } });
  });

  it('CANCELLED without a capture, and every other status, is no reversal', () => {
    const cancelledUnpaid = { result: r('S', 'SUCCESS'), paymentStatus: 'CANCELLED' as const };
    expect(inquiryPaymentOutcome(cancelledUnpaid)).toMatchObject({ kind: 'found', reversal: undefined });
    expect(
      inquiryPaymentOutcome({
        ...cancelledUnpaid,
        transactions: [
          {
            transactionType: 'CANCEL',
            transactionStatus: 'SUCCESS',
            transactionAmount: { currency: 'THB', value: '0' },
          },
          { transactionType: 'CANCEL', transactionStatus: 'FAIL' },
        ],
      }),
    ).toMatchObject({ reversal: undefined });
    expect(
      inquiryPaymentOutcome({
        result: r('S', 'SUCCESS'),
        paymentStatus: 'SUCCESS',
        paymentTime: '2026-11-25T19:41:07+08:00',
      }),
    ).toMatchObject({ reversal: undefined });
  });
});

describe('isIntegrationFault', () => {
  it('is true for configuration faults under either spelling of the client fault, false for payment results', () => {
    for (const code of [
      'INVALID_SIGNATURE',
      'KEY_NOT_FOUND',
      'ACCESS_DENIED',
      'INVALID_CLIENT',
      'CLIENT_INVALID',
    ]) {
      expect(isIntegrationFault(code)).toBe(true);
    }
    for (const code of ['RISK_REJECT', 'ORDER_IS_CLOSED', 'PARAM_ILLEGAL', 'USER_BALANCE_NOT_ENOUGH']) {
      expect(isIntegrationFault(code)).toBe(false);
    }
  });
});

describe('cancel, refund, inquiryRefund and consult outcomes', () => {
  it('cancel: S cancelled, F failed (e.g. out of the window), U unknown', () => {
    expect(cancelOutcome({ result: r('S', 'SUCCESS') }).kind).toBe('cancelled');
    expect(cancelOutcome({ result: r('F', 'CANCEL_WINDOW_EXCEED') })).toMatchObject({
      kind: 'failed',
      resultCode: 'CANCEL_WINDOW_EXCEED',
    });
    expect(cancelOutcome({ result: r('U', 'UNKNOWN_EXCEPTION') }).kind).toBe('unknown');
  });

  it('refund: U PAYMENT_IN_PROCESS is unknown, not a processing refund (no refund exists yet)', () => {
    expect(refundOutcome({ result: r('U', 'PAYMENT_IN_PROCESS') }).kind).toBe('unknown');
  });

  it('refund: S succeeded, U REFUND_IN_PROCESS processing, other U unknown, F failed', () => {
    expect(refundOutcome({ result: r('S', 'SUCCESS'), refundId: 'r1' })).toMatchObject({
      kind: 'succeeded',
      refundId: 'r1',
    });
    expect(refundOutcome({ result: r('U', 'REFUND_IN_PROCESS'), refundId: 'r1' })).toMatchObject({
      kind: 'processing',
      refundId: 'r1',
    });
    expect(refundOutcome({ result: r('U', 'UNKNOWN_EXCEPTION') }).kind).toBe('unknown');
    expect(refundOutcome({ result: r('F', 'REFUND_AMOUNT_EXCEED') })).toMatchObject({
      kind: 'failed',
      error: { code: 'REFUND_AMOUNT_EXCEED' },
    });
  });

  it('inquiryRefund: S with refundStatus found, F REFUND_NOT_EXIST notFound, U unknown', () => {
    expect(inquiryRefundOutcome({ result: r('S', 'SUCCESS'), refundStatus: 'FAIL' })).toMatchObject({
      kind: 'found',
      refundStatus: 'FAIL',
    });
    expect(inquiryRefundOutcome({ result: r('F', 'REFUND_NOT_EXIST') })).toMatchObject({ notFound: true });
    expect(inquiryRefundOutcome({ result: r('U', 'UNKNOWN_EXCEPTION') }).kind).toBe('unknown');
  });

  it('consult: S ok, F failed, U unknown', () => {
    expect(consultOutcome({ result: r('S', 'SUCCESS'), paymentOptions: [] }).kind).toBe('ok');
    expect(consultOutcome({ result: r('F', 'INVALID_CLIENT') }).kind).toBe('failed');
    expect(consultOutcome({ result: r('U', 'UNKNOWN_EXCEPTION') }).kind).toBe('unknown');
  });
});

describe('AntomError.from, the one factory', () => {
  it('builds a gateway error from an Antom result', () => {
    const error = AntomError.from({ type: 'gateway', result: r('F', 'RISK_REJECT', 'risk') });
    expect(error).toBeInstanceOf(AntomGatewayError);
    expect(error).toMatchObject({ type: 'gateway', code: 'RISK_REJECT', name: 'AntomGatewayError' });
  });

  it('builds a transport error with the HTTP status in its code', () => {
    const withStatus = AntomError.from({ type: 'transport', message: 'bad gateway', httpStatus: 502 });
    expect(withStatus).toBeInstanceOf(AntomTransportError);
    expect(withStatus).toMatchObject({ type: 'transport', code: 'HTTP_502', httpStatus: 502 });
    const cause = new Error('ECONNRESET');
    const network = AntomError.from({ type: 'transport', message: 'reset', cause });
    expect(network).toMatchObject({ code: 'NETWORK_ERROR', httpStatus: undefined, cause });
  });

  it('builds a timeout error, which is also a transport error', () => {
    const error = AntomError.from({ type: 'timeout', timeoutMs: 250 });
    expect(error).toBeInstanceOf(AntomTimeoutError);
    expect(error).toBeInstanceOf(AntomTransportError);
    expect(error).toMatchObject({ type: 'timeout', code: 'TIMEOUT', timeoutMs: 250 });
    expect(error.message).toContain('250 ms');
  });

  it.each([
    ['signature', AntomSignatureError],
    ['config', AntomConfigError],
    ['notification', AntomNotificationError],
  ] as const)('builds a %s error with its code', (type, klass) => {
    const error = AntomError.from({ type, code: 'SOME_CODE', message: 'why' });
    expect(error).toBeInstanceOf(klass);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ type, code: 'SOME_CODE', message: 'why', name: klass.name });
  });

  it('calls transport, timeout and signature errors "outcome unknown", and nothing else', () => {
    expect(isOutcomeUnknown(AntomError.from({ type: 'transport', message: 'x' }))).toBe(true);
    expect(isOutcomeUnknown(AntomError.from({ type: 'timeout', timeoutMs: 1 }))).toBe(true);
    expect(isOutcomeUnknown(AntomError.from({ type: 'signature', code: 'X', message: 'x' }))).toBe(true);
    expect(isOutcomeUnknown(AntomError.from({ type: 'gateway', result: r('F', 'X') }))).toBe(false);
    expect(isOutcomeUnknown(AntomError.from({ type: 'config', code: 'X', message: 'x' }))).toBe(false);
    expect(isOutcomeUnknown(new Error('other'))).toBe(false);
  });
});
