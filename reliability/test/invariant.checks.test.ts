// The checks themselves must be able to fail: each guarantee of D6, planted as a violation in an
// otherwise clean observation, is reported (and the clean one is not).
import type { OrderView } from '@paydesk/api';
import type { LedgerEntry, RequestRecord } from '@paydesk/sandbox';
import { describe, expect, it } from 'vitest';
import {
  checkAll,
  checkHistory,
  checkLiveness,
  checkMoney,
  checkReversals,
  checkPayOnce,
  checkRefundLedger,
  type LivenessBounds,
  type Observation,
} from '../src/invariant.checks.ts';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const THB = (value: string) => ({ currency: 'THB', value });

/** A paid order with one kept payment, a merchant refund, and a cancelled earlier attempt. */
function cleanObservation(): Observation {
  const order = {
    id: 'ord_1',
    status: 'PAID',
    amount: THB('1000'),
    refundedAmount: THB('300'),
    needsAttention: null,
    expiresAt: at(60_000),
    payments: [
      {
        id: 'pay_A',
        state: 'CANCELLED',
        kept: false,
        amount: THB('1000'),
        createdAt: at(0),
        expiresAt: at(10_000),
        finalAt: at(2_000),
        paidAt: null,
        nextCheckAt: null,
      },
      {
        id: 'pay_B',
        state: 'SUCCESS',
        kept: true,
        amount: THB('1000'),
        createdAt: at(3_000),
        expiresAt: at(13_000),
        finalAt: at(5_000),
        paidAt: at(5_000),
        nextCheckAt: null,
      },
    ],
    refunds: [
      {
        id: 'ref_1',
        paymentId: 'pay_B',
        kind: 'MERCHANT',
        method: 'REFUND',
        status: 'SUCCEEDED',
        amount: THB('300'),
      },
    ],
    events: [
      ['order.created', {}],
      ['payment.created', { paymentId: 'pay_A' }],
      ['payment.processing', { paymentId: 'pay_A', from: 'PENDING', to: 'PROCESSING' }],
      ['payment.cancelling', { paymentId: 'pay_A', from: 'PROCESSING', to: 'CANCELLING' }],
      ['payment.cancelled', { paymentId: 'pay_A', from: 'CANCELLING', to: 'CANCELLED' }],
      ['payment.created', { paymentId: 'pay_B' }],
      ['payment.processing', { paymentId: 'pay_B', from: 'PENDING', to: 'PROCESSING' }],
      ['payment.success', { paymentId: 'pay_B', from: 'PROCESSING', to: 'SUCCESS' }],
      ['order.paid', { from: 'OPEN', to: 'PAID' }],
      ['refund.requested', { refundId: 'ref_1' }],
      ['refund.succeeded', { refundId: 'ref_1', from: 'PENDING', to: 'SUCCEEDED' }],
    ].map(([type, data], i) => ({ id: `e${i}`, type, at: at(i), data })),
  } as unknown as OrderView;
  const entry = (id: string, captured: string, refunded: string, cancelled: string): LedgerEntry => ({
    paymentId: `G${id}`,
    paymentRequestId: id,
    paymentMethodType: 'TRUEMONEY',
    currency: 'THB',
    amount: '1000',
    status: captured === '0' ? 'CANCELLED' : 'SUCCESS',
    captured,
    refunded,
    reversed: cancelled,
    reversedAt: null,
    cancelled,
    pendingRefund: '0',
    net: String(Number(captured) - Number(refunded) - Number(cancelled)),
  });
  const pay = (seq: number, id: string, extra: Partial<RequestRecord> = {}): RequestRecord => ({
    seq,
    at: at(seq),
    api: 'pay',
    path: '/ams/sandbox/api/v1/payments/pay',
    paymentRequestId: id,
    resultStatus: 'U',
    resultCode: 'PAYMENT_IN_PROCESS',
    httpStatus: 200,
    ...extra,
  });
  return {
    orders: [order],
    ledger: [entry('pay_A', '0', '0', '0'), entry('pay_B', '1000', '300', '0')],
    antomPayments: [
      {
        paymentId: 'Gpay_A',
        paymentRequestId: 'pay_A',
        status: 'CANCELLED',
        expiresAt: at(11_000),
        amount: THB('1000'),
      },
      {
        paymentId: 'Gpay_B',
        paymentRequestId: 'pay_B',
        status: 'SUCCESS',
        expiresAt: at(14_000),
        amount: THB('1000'),
      },
    ],
    antomRefunds: [
      {
        refundId: 'R1',
        refundRequestId: 'ref_1',
        paymentId: 'Gpay_B',
        status: 'SUCCESS',
        amount: THB('300'),
      },
    ],
    payRequests: [pay(1, 'pay_A'), pay(2, 'pay_B')],
    at: T0 + 60_000,
  };
}

const bounds: LivenessBounds = {
  faultsStoppedAt: T0,
  sweepIntervalMs: 250,
  retryAfterFaultsMs: 5_000,
  slackMs: 2_000,
  payLeaseMs: 9_000,
};

const order = (obs: Observation) => obs.orders[0] as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the invariant checks', () => {
  it('find nothing wrong in a clean observation', () => {
    expect(checkAll(cleanObservation(), bounds)).toEqual([]);
  });

  it('report a second kept payment and an order PAID without its capture', () => {
    const obs = cleanObservation();
    order(obs).payments[0].state = 'SUCCESS';
    order(obs).payments[0].kept = true;
    expect(checkMoney(obs).map((v) => v.message)).toEqual(
      expect.arrayContaining(['2 payments are kept', 'SUCCESS here but Antom captured 0']),
    );
  });

  it('report money Antom took that we think failed or cancelled', () => {
    const obs = cleanObservation();
    obs.ledger[0]!.captured = '1000';
    obs.ledger[0]!.net = '1000';
    expect(checkMoney(obs)).toEqual([
      expect.objectContaining({
        paymentId: 'pay_A',
        message: 'CANCELLED here, but Antom captured 1000 and holds 1000',
      }),
    ]);
  });

  it('report a reversal recorded as a plain cancel, one never announced, and one decided after a paid inquiry', () => {
    // Antom captured pay_A and a cancel gave it back: we must hold it as REVERSED (D11).
    const obs = cleanObservation();
    Object.assign(obs.ledger[0]!, { captured: '1000', cancelled: '1000', net: '0' });
    expect(checkMoney(obs).map((v) => v.message)).toEqual([
      'CANCELLED here, but Antom captured 1000 and holds 0',
    ]);
    const reversed = order(obs).payments[0];
    Object.assign(reversed, { state: 'REVERSED', paidAt: at(1_500) });
    expect(checkMoney(obs)).toEqual([]);
    expect(checkReversals(obs).map((v) => v.message)).toEqual(['a reversal with no payment.reversed event']);
    // What we hold per order must be what Antom holds: here Antom kept pay_A's money.
    Object.assign(obs.ledger[0]!, { cancelled: '0', net: '1000' });
    expect(checkReversals(obs).map((v) => v.message)).toContain(
      'we hold 700 (captured 2000 − reversed 1000 − refunded 300), Antom 1700',
    );
    Object.assign(obs.ledger[0]!, { cancelled: '1000', net: '0' });
    // Announced, but the cancel was decided after an inquiry had answered SUCCESS.
    const events = order(obs).events;
    events.push(
      { id: 'x1', type: 'payment.reversed', at: at(2_100), data: { paymentId: 'pay_A' } },
      {
        id: 'x0',
        type: 'gateway.call',
        at: at(2),
        data: { api: 'inquiryPayment', paymentId: 'pay_A', response: '{"paymentStatus":"SUCCESS"}' },
      },
    );
    expect(checkReversals(obs).map((v) => v.message)).toEqual([
      `reversed by a cancel decided after an inquiry at ${at(2)} saw it paid`,
    ]);
    // An answer whose signature failed is no answer (it could be a forgery): it saw nothing.
    Object.assign(events.at(-1)!.data, { error: 'SIGNATURE_MISSING: the signature header is missing' });
    expect(checkReversals(obs)).toEqual([]);
  });

  it('report a surplus capture that was neither given back nor flagged', () => {
    const obs = cleanObservation();
    order(obs).payments[0].state = 'SUCCESS';
    obs.ledger[0]!.captured = '1000';
    obs.ledger[0]!.net = '1000';
    expect(checkMoney(obs).map((v) => v.message)).toContain(
      'a surplus captured payment has no duplicate refund',
    );
  });

  it('report a payment or a refund at Antom that we do not know, and refunds that disagree', () => {
    const obs = cleanObservation();
    obs.ledger.push({ ...obs.ledger[1]!, paymentRequestId: 'pay_GHOST', paymentId: 'GHOST' });
    obs.antomRefunds.push({
      refundId: 'R2',
      refundRequestId: 'ref_GHOST',
      paymentId: 'Gpay_B',
      status: 'SUCCESS',
      amount: THB('1'),
    });
    obs.antomRefunds[0]!.status = 'FAIL';
    expect(checkMoney(obs).map((v) => v.invariant)).toContain('ledger');
    expect(checkRefundLedger(obs).map((v) => v.message)).toEqual([
      'refund SUCCEEDED here but FAIL at Antom',
      'Antom has refund R2 (SUCCESS) that we do not know',
    ]);
  });

  it('report refunds above what was paid', () => {
    const obs = cleanObservation();
    order(obs).refunds.push({ ...order(obs).refunds[0], id: 'ref_2', amount: THB('900') });
    order(obs).refundedAmount = THB('1200');
    expect(checkMoney(obs).map((v) => v.message)).toContain('refunded 1200 exceeds the paid amount');
  });

  it('report a backwards move, a transition not in the table and a history that ends elsewhere', () => {
    const obs = cleanObservation();
    order(obs).events.push({
      id: 'x',
      type: 'payment.processing',
      at: at(99),
      data: { paymentId: 'pay_B', from: 'SUCCESS', to: 'PROCESSING' },
    });
    const messages = checkHistory(obs).map((v) => v.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'payment pay_B: SUCCESS → PROCESSING is not in the transition table',
        'payment pay_B is SUCCESS but its history ends at PROCESSING',
      ]),
    );
  });

  it('report a second pay after a lost reply, but not after a signed UNKNOWN_EXCEPTION', () => {
    const obs = cleanObservation();
    obs.payRequests = [
      { ...obs.payRequests[0]!, seq: 1, httpStatus: null, fault: 'lostReply' },
      { ...obs.payRequests[0]!, seq: 2 },
      { ...obs.payRequests[1]!, seq: 3, resultCode: 'UNKNOWN_EXCEPTION', fault: 'unknown' },
      { ...obs.payRequests[1]!, seq: 4 },
    ];
    expect(checkPayOnce(obs)).toEqual([
      expect.objectContaining({ paymentId: 'pay_A', invariant: 'pay-once' }),
    ]);
  });

  it('report an attempt still open, or final after its deadline', () => {
    const obs = cleanObservation();
    order(obs).payments[1].finalAt = at(13_000 + 250 + 2_000 + 1);
    order(obs).payments[0].state = 'PROCESSING';
    const found = checkLiveness(obs, bounds).map((v) => v.message);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^still PROCESSING/);
    expect(found[1]).toBe('SUCCESS 1 ms after its deadline');
  });
});
