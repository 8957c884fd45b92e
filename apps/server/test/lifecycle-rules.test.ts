// The payment lifecycle's rules, proven without a database or a gateway (D12): every (state, event)
// pair of payments/lifecycle.ts decide(), in one table.
import { describe, expect, it } from 'vitest';
import type { AttemptStatus } from '../src/domain/state-machine.ts';
import { ATTEMPT_TRANSITIONS } from '../src/domain/state-machine.ts';
import type { InquiryResult } from '../src/gateway/payment-gateway.ts';
import {
  decide,
  NOTHING,
  STATE_RANK,
  type AttemptFacts,
  type DecideContext,
  type Decision,
  type LifecycleEvent,
} from '../src/payments/lifecycle.ts';
import { attemptDeadlines, DELAYS } from '../src/payments/lifecycle.schedule.ts';
import { settlementPlan } from '../src/payments/settlement.ts';

const NOW = 1_000_000_000;
const STATES: AttemptStatus[] = [
  'PENDING',
  'UNKNOWN',
  'PROCESSING',
  'CANCELLING',
  'ABANDONED',
  'SUCCESS',
  'FAIL',
  'CANCELLED',
  'REVERSED',
];

function attempt(status: AttemptStatus, extra: Partial<AttemptFacts> = {}): AttemptFacts {
  return {
    status,
    // Old enough that the pay lease (30 s here) is over; not yet at its deadline.
    created_at: NOW - 60_000,
    expires_at: NOW + 60_000,
    gateway_expires_at: NOW + 120_000,
    check_count: 0,
    cancel_reason: status === 'CANCELLING' || status === 'ABANDONED' ? 'BUYER_CANCELLED' : null,
    paid_at: status === 'SUCCESS' || status === 'REVERSED' ? NOW - 5_000 : null,
    final_at: ['SUCCESS', 'FAIL', 'CANCELLED', 'REVERSED'].includes(status) ? NOW - 10_000 : null,
    lease_until: null,
    gateway_payment_id: 'G1',
    currency: 'THB',
    amount: '150000',
    ...extra,
  };
}

const ctx = (extra: Partial<DecideContext> = {}): DecideContext => ({
  now: NOW,
  orderStatus: 'OPEN',
  cancelRule: 'paid',
  payLeaseMs: 30_000,
  callLeaseMs: 10_000,
  ...extra,
});

const found = (
  status: 'SUCCESS' | 'FAIL' | 'CANCELLED' | 'PROCESSING' | 'PENDING',
  extra = {},
): InquiryResult => ({
  kind: 'found',
  status,
  gatewayPaymentId: 'G1',
  resultCode: status === 'FAIL' ? 'USER_BALANCE_NOT_ENOUGH' : null,
  amount: { currency: 'THB', value: '150000' },
  paidAt: status === 'SUCCESS' ? NOW - 1_000 : null,
  reversal: null,
  ...extra,
});

/** One line per decision: the new state (or `=`), the call that follows, a flag; `-` for nothing. */
function summary(decision: Decision): string {
  if (decision === NOTHING) return '-';
  return [
    decision.to ?? '=',
    decision.effect ? `+${decision.effect.kind}` : '',
    decision.flag ? ' !flag' : '',
  ].join('');
}

const EVENTS: Record<string, LifecycleEvent> = {
  'pay: code': {
    type: 'pay_answered',
    result: {
      kind: 'created',
      gatewayPaymentId: 'G1',
      code: { kind: 'qr', value: 'c' },
      codeExpiresAt: null,
      deepLink: null,
      walletUrl: null,
    },
  },
  'pay: success': { type: 'pay_answered', result: { kind: 'succeeded', gatewayPaymentId: 'G1' } },
  'pay: F': { type: 'pay_answered', result: { kind: 'failed', code: 'RISK_REJECT', message: 'x' } },
  'pay: unknown': { type: 'pay_answered', result: { kind: 'unknown', code: 'TIMEOUT', message: 'x' } },
  'inquiry: no answer': { type: 'inquiry_answered', result: { kind: 'unknown', code: 'TIMEOUT' } },
  'inquiry: not found': { type: 'inquiry_answered', result: { kind: 'not_found' } },
  'inquiry: SUCCESS': { type: 'inquiry_answered', result: found('SUCCESS') },
  'inquiry: SUCCESS, cancel refused': {
    type: 'inquiry_answered',
    result: found('SUCCESS'),
    cancelRefused: 'ORDER_STATUS_INVALID',
  },
  'inquiry: reversed': {
    type: 'inquiry_answered',
    result: found('CANCELLED', { paidAt: NOW - 1_000, reversal: { at: NOW - 500 } }),
  },
  'inquiry: FAIL': { type: 'inquiry_answered', result: found('FAIL') },
  'inquiry: CANCELLED': { type: 'inquiry_answered', result: found('CANCELLED') },
  'inquiry: PROCESSING': { type: 'inquiry_answered', result: found('PROCESSING') },
  'inquiry: PROCESSING, cancel refused': {
    type: 'inquiry_answered',
    result: found('PROCESSING'),
    cancelRefused: 'ORDER_STATUS_INVALID',
  },
  'inquiry: PENDING (buyer completed)': { type: 'inquiry_answered', result: found('PENDING') },
  'inquiry: another amount': {
    type: 'inquiry_answered',
    result: found('SUCCESS', { amount: { currency: 'THB', value: '1' } }),
  },
  'cancel: cancelled': { type: 'cancel_answered', result: { kind: 'cancelled' } },
  'cancel: refused': {
    type: 'cancel_answered',
    result: { kind: 'rejected', code: 'ORDER_STATUS_INVALID', message: 'x' },
  },
  'cancel: no answer': { type: 'cancel_answered', result: { kind: 'unknown', code: 'TIMEOUT' } },
  'notified: SUCCESS': {
    type: 'notified',
    outcome: 'SUCCESS',
    resultCode: 'SUCCESS',
    gatewayPaymentId: 'G1',
    paidAt: NOW - 1_000,
  },
  'notified: FAIL': {
    type: 'notified',
    outcome: 'FAIL',
    resultCode: 'USER_BALANCE_NOT_ENOUGH',
    gatewayPaymentId: 'G1',
    paidAt: null,
  },
  'notified: PENDING': {
    type: 'notified',
    outcome: 'PENDING',
    resultCode: 'PAYMENT_IN_PROCESS',
    gatewayPaymentId: 'G1',
    paidAt: null,
  },
  'buyer stops': { type: 'stop_requested', reason: 'BUYER_CANCELLED' },
  due: { type: 'due' },
};

// One row per event, one column per state: the new state (or `=`), `+` the gateway call that follows,
// `!flag` when an operator is asked to look, `-` when nothing happens.
// prettier-ignore
const TABLE: Record<keyof typeof EVENTS, string[]> = {
  //                                     PENDING             UNKNOWN             PROCESSING   CANCELLING   ABANDONED   SUCCESS   FAIL                 CANCELLED            REVERSED
  'pay: code':                           ['PROCESSING',       'PROCESSING',       '-',         '-',         '-',        '-',      '=+cancel_late_code','=+cancel_late_code','-'],
  'pay: success':                        ['SUCCESS',          'SUCCESS',          'SUCCESS',   '=',         'SUCCESS',  '-',      'SUCCESS',           '=',                 '-'],
  'pay: F':                              ['FAIL',             '-',                '-',         '-',         '-',        '-',      '-',                 '-',                 '-'],
  'pay: unknown':                        ['UNKNOWN',          '-',                '-',         '-',         '-',        '-',      '-',                 '-',                 '-'],
  'inquiry: no answer':                  ['=',                '=',                '=',         '=',         '=',        '=',      '=',                 '=',                 '='],
  'inquiry: not found':                  ['FAIL',             'FAIL',             'FAIL',      'CANCELLED', 'FAIL',     '=',      '=',                 '=',                 '='],
  'inquiry: SUCCESS':                    ['SUCCESS',          'SUCCESS',          'SUCCESS',   '=',         'SUCCESS',  '-',      'SUCCESS',           'SUCCESS',           '-'],
  'inquiry: SUCCESS, cancel refused':    ['SUCCESS',          'SUCCESS',          'SUCCESS',   'SUCCESS',   'SUCCESS',  '-',      'SUCCESS',           'SUCCESS',           '-'],
  'inquiry: reversed':                   ['REVERSED',         'REVERSED',         'REVERSED',  'REVERSED',  'REVERSED', '-',      'REVERSED',          'REVERSED',          '-'],
  'inquiry: FAIL':                       ['FAIL',             'FAIL',             'FAIL',      'FAIL',      'FAIL',     '-',      '=',                 '=',                 '-'],
  'inquiry: CANCELLED':                  ['CANCELLED',        'CANCELLED',        'CANCELLED', 'CANCELLED', 'CANCELLED','-',      '=',                 '=',                 '-'],
  'inquiry: PROCESSING':                 ['CANCELLING+cancel','CANCELLING+cancel','=',         '=',         '=',        '-',      '=',                 '=',                 '-'],
  'inquiry: PROCESSING, cancel refused': ['CANCELLING+cancel','CANCELLING+cancel','=',         '=',         '=',        '-',      '=',                 '=',                 '-'],
  'inquiry: PENDING (buyer completed)':  ['=',                '=',                '=',         '=',         '=',        '-',      '=',                 '=',                 '-'],
  'inquiry: another amount':             ['= !flag',          '= !flag',          '= !flag',   '= !flag',   '= !flag',  '= !flag','= !flag',           '= !flag',           '= !flag'],
  'cancel: cancelled':                   ['-',                '-',                '-',         'CANCELLED', '-',        '-',      '-',                 '-',                 '-'],
  'cancel: refused':                     ['-',                '-',                '-',         '=+inquire', '-',        '-',      '-',                 '-',                 '-'],
  'cancel: no answer':                   ['-',                '-',                '-',         '=',         '-',        '-',      '-',                 '-',                 '-'],
  'notified: SUCCESS':                   ['SUCCESS',          'SUCCESS',          'SUCCESS',   '=',         'SUCCESS',  '-',      'SUCCESS',           '=',                 '-'],
  'notified: FAIL':                      ['FAIL',             'FAIL',             'FAIL',      'FAIL',      'FAIL',     '-',      '-',                 '-',                 '-'],
  'notified: PENDING':                   ['-',                '=',                '=',         '-',         '=',        '-',      '-',                 '-',                 '-'],
  'buyer stops':                         ['CANCELLING+cancel','CANCELLING+cancel','=+inquire', '=+cancel',  '-',        '-',      '-',                 '-',                 '-'],
  'due':                                 ['UNKNOWN+inquire',  '=+inquire',        '=+inquire', '=+cancel',  '=+inquire','=',      '=+inquire',         '=+inquire',         '='],
};

describe('decide(): every state against every event', () => {
  for (const [name, event] of Object.entries(EVENTS)) {
    it(name, () => {
      const got = STATES.map((status) => summary(decide(attempt(status), event, ctx())));
      expect(Object.fromEntries(STATES.map((s, i) => [s, got[i]]))).toEqual(
        Object.fromEntries(STATES.map((s, i) => [s, TABLE[name]![i]])),
      );
    });
  }
});

describe('decide(): the rules of D11', () => {
  it('asks before it cancels: a stop on a shown code first inquires, and only an unpaid answer cancels', () => {
    const asked = decide(attempt('PROCESSING'), { type: 'stop_requested', reason: 'ORDER_CLOSED' }, ctx());
    expect(asked).toMatchObject({ patch: { cancel_reason: 'ORDER_CLOSED' }, effect: { kind: 'inquire' } });
    expect(asked.to).toBeUndefined();
    const stopping = attempt('PROCESSING', { cancel_reason: 'ORDER_CLOSED' });
    expect(decide(stopping, EVENTS['inquiry: SUCCESS']!, ctx())).toMatchObject({ to: 'SUCCESS' });
    expect(decide(stopping, EVENTS['inquiry: PROCESSING']!, ctx())).toMatchObject({
      to: 'CANCELLING',
      patch: { cancel_reason: 'ORDER_CLOSED' },
      effect: { kind: 'cancel' },
    });
    // A buyer who has completed at Antom (PENDING) is never cancelled: the result is near.
    expect(summary(decide(stopping, EVENTS['inquiry: PENDING (buyer completed)']!, ctx()))).toBe('=');
  });

  it('sends one look at a time: a stop while a look is out is recorded, and that look’s answer cancels', () => {
    // Found by the race campaign on a loaded machine: the sweeper's look (sent before the buyer paid) and the
    // stop's look (sent after) were out at once; the older "unpaid" answered first and its cancel reversed
    // the payment the newer one had seen.
    const looking = attempt('PROCESSING', { lease_until: NOW + 5_000 });
    const stop: LifecycleEvent = { type: 'stop_requested', reason: 'ORDER_CLOSED' };
    expect(decide(looking, stop, ctx())).toEqual({
      patch: { cancel_reason: 'ORDER_CLOSED', check_count: 0, next_check_at: NOW + DELAYS.callOutMs },
    });
    expect(decide({ ...looking, cancel_reason: 'ORDER_CLOSED' }, stop, ctx())).toBe(NOTHING);
    // The look's answer, decided on the attempt as it now stands, sends the cancel at once…
    expect(
      decide({ ...looking, cancel_reason: 'ORDER_CLOSED' }, EVENTS['inquiry: PROCESSING']!, ctx()),
    ).toMatchObject({ to: 'CANCELLING', effect: { kind: 'cancel' } });
    // …and a lease that has run out (its process died) no longer holds the stop back.
    const lapsed = attempt('PROCESSING', { lease_until: NOW - 1 });
    expect(decide(lapsed, stop, ctx())).toMatchObject({ effect: { kind: 'inquire' } });
    // The sweeper's own claim holds the lease when it finds an order no longer open: it still asks.
    expect(decide(looking, EVENTS.due!, ctx({ orderStatus: 'CLOSED' }))).toMatchObject({
      patch: { cancel_reason: 'ORDER_CLOSED' },
      effect: { kind: 'inquire' },
    });
  });

  it('keeps a capture reported while our cancel is out, and calls an accepted cancel after it a reversal', () => {
    const cancelling = attempt('CANCELLING');
    const kept = decide(cancelling, EVENTS['notified: SUCCESS']!, ctx());
    expect(kept).toMatchObject({ patch: { paid_at: NOW - 1_000, next_check_at: NOW } });
    const withEvidence = attempt('CANCELLING', { paid_at: NOW - 1_000 });
    expect(decide(withEvidence, EVENTS['cancel: cancelled']!, ctx())).toMatchObject({
      to: 'REVERSED',
      patch: { paid_at: NOW - 1_000, reversed_at: NOW, reason: 'CHARGE_REVERSED' },
    });
  });

  it('never drops a verified success for a cancelled attempt: it looks again, and the look decides', () => {
    const cancelled = attempt('CANCELLED', { cancel_reason: 'TIMEOUT', check_count: 3 });
    expect(decide(cancelled, EVENTS['notified: SUCCESS']!, ctx())).toMatchObject({
      patch: { paid_at: NOW - 1_000, next_check_at: NOW, check_count: 0 },
    });
    const evidence = attempt('CANCELLED', { paid_at: NOW - 1_000 });
    expect(summary(decide(evidence, EVENTS['inquiry: CANCELLED']!, ctx()))).toBe('REVERSED');
    expect(summary(decide(evidence, EVENTS['inquiry: SUCCESS']!, ctx()))).toBe('SUCCESS');
  });

  it('takes an inquiry sent before our cancel ended the attempt as evidence only, never as a capture that stands', () => {
    // Two looks were out at once: the first saw the code unpaid, so we cancelled; the buyer paid, and the
    // second, sent before the cancel, answers SUCCESS only after the cancel was accepted (and reversed it).
    const cancelled = attempt('CANCELLED', { cancel_reason: 'BUYER_CANCELLED', final_at: NOW - 200 });
    const stale: LifecycleEvent = { type: 'inquiry_answered', result: found('SUCCESS'), askedAt: NOW - 900 };
    expect(decide(cancelled, stale, ctx())).toEqual({
      patch: { paid_at: NOW - 1_000, next_check_at: NOW, check_count: 0 },
    });
    // One sent in the very millisecond the attempt ended may predate the end: evidence too.
    const sameMs: LifecycleEvent = { type: 'inquiry_answered', result: found('SUCCESS'), askedAt: NOW - 200 };
    expect(summary(decide(cancelled, sameMs, ctx()))).toBe('=');
    // Any other answer to a look sent before the end is no news: the looks the end scheduled go on.
    for (const answer of ['inquiry: PROCESSING', 'inquiry: CANCELLED', 'inquiry: FAIL', 'inquiry: no answer'])
      expect(decide(cancelled, { ...EVENTS[answer]!, askedAt: NOW - 900 } as LifecycleEvent, ctx())).toBe(
        NOTHING,
      );
    // A look sent after the end that still says SUCCESS is a capture that stands (a late payment).
    const fresh: LifecycleEvent = { type: 'inquiry_answered', result: found('SUCCESS'), askedAt: NOW - 100 };
    expect(summary(decide(cancelled, fresh, ctx()))).toBe('SUCCESS');
  });

  it('gives an accepted cancel one look shortly after, to find a capture it reversed', () => {
    expect(decide(attempt('CANCELLING'), EVENTS['cancel: cancelled']!, ctx())).toMatchObject({
      to: 'CANCELLED',
      patch: { next_check_at: NOW + DELAYS.verifyAfterCancelMs },
    });
  });

  it('a capture after a failure is a late payment, not dropped', () => {
    expect(summary(decide(attempt('FAIL'), EVENTS['notified: SUCCESS']!, ctx()))).toBe('SUCCESS');
  });

  it('cancels a code nobody was shown without asking first when the order was paid meanwhile', () => {
    const decision = decide(attempt('PENDING'), EVENTS['pay: code']!, ctx({ orderStatus: 'PAID' }));
    expect(decision).toMatchObject({
      to: 'CANCELLING',
      patch: { cancel_reason: 'ORDER_PAID', code_value: 'c' },
      effect: { kind: 'cancel' },
    });
  });

  it('lets a buyer leave a method Antom cannot cancel, and keeps watching the code (ABANDONED)', () => {
    const refused = decide(
      attempt('CANCELLING'),
      EVENTS['inquiry: PROCESSING, cancel refused']!,
      ctx({ cancelRule: 'never' }),
    );
    expect(refused).toMatchObject({ to: 'ABANDONED', patch: { next_check_at: NOW + 30_000 } });
  });

  it('times a shown code out at its deadline: one last inquiry, then the cancel (S19)', () => {
    const late = ctx({ now: NOW + 60_000 });
    expect(decide(attempt('PROCESSING'), EVENTS['inquiry: PROCESSING']!, late)).toMatchObject({
      to: 'CANCELLING',
      patch: { cancel_reason: 'TIMEOUT' },
      effect: { kind: 'cancel' },
    });
  });

  it('asks again, a few times, before it cancels without an answer (a stop, or the deadline)', () => {
    // The race campaign: a buyer's cancel, the look's answer unsigned (it said SUCCESS, but an answer we
    // cannot verify is no answer), the cancel sent at once reversed the payment. Now: look again soon.
    const noAnswer = EVENTS['inquiry: no answer']!;
    const stopping = attempt('PROCESSING', { cancel_reason: 'BUYER_CANCELLED', check_count: 0 });
    expect(decide(stopping, noAnswer, ctx())).toEqual({
      patch: {
        cancel_reason: 'BUYER_CANCELLED',
        next_check_at: NOW + DELAYS.stopNoAnswerMs,
        check_count: 1,
        lease_until: null,
      },
    });
    const lastLook = { ...stopping, check_count: DELAYS.stopLooks - 1 };
    expect(decide(lastLook, noAnswer, ctx())).toMatchObject({
      to: 'CANCELLING',
      patch: { cancel_reason: 'BUYER_CANCELLED' },
      effect: { kind: 'cancel' },
    });
    // At the deadline, however many looks came before, the first unanswered one starts the count.
    const late = ctx({ now: NOW + 60_000 });
    expect(decide(attempt('PROCESSING', { check_count: 9 }), noAnswer, late)).toMatchObject({
      patch: { cancel_reason: 'TIMEOUT', check_count: 1 },
    });
    // A stop starts the count afresh.
    const asked = decide(attempt('PROCESSING', { check_count: 9 }), EVENTS['buyer stops']!, ctx());
    expect(asked.patch).toMatchObject({ cancel_reason: 'BUYER_CANCELLED', check_count: 0 });
  });

  it('leaves a PENDING attempt to its confirm while `pay` may still answer', () => {
    const fresh = attempt('PENDING', { created_at: NOW - 1_000 });
    expect(decide(fresh, EVENTS.due!, ctx())).toMatchObject({
      patch: { next_check_at: NOW - 1_000 + 30_000 },
    });
    expect(decide(fresh, EVENTS['inquiry: not found']!, ctx())).toMatchObject({
      patch: { next_check_at: NOW - 1_000 + 30_000 },
    });
  });
});

describe('settlement and deadlines', () => {
  it('pays an open order; gives back a duplicate or a late payment by cancel or refund (S10)', () => {
    expect(settlementPlan({ status: 'OPEN' }, { cancel: 'paid', refund: 'full_and_partial' })).toEqual({
      keeps: true,
    });
    expect(settlementPlan({ status: 'PAID' }, { cancel: 'paid', refund: 'full_and_partial' })).toEqual({
      keeps: false,
      how: 'CANCEL',
      surplus: 'DUPLICATE',
    });
    expect(settlementPlan({ status: 'CLOSED' }, { cancel: 'unpaid', refund: 'full' })).toEqual({
      keeps: false,
      how: 'REFUND',
      surplus: 'LATE_PAYMENT',
    });
    expect(settlementPlan({ status: 'EXPIRED' }, { cancel: 'never', refund: 'none' })).toMatchObject({
      how: 'CANCEL',
    });
  });

  it('keeps a code inside the order, the method and Antom’s limit, with Antom’s deadline a grace later', () => {
    const base = { now: 0, timeoutSeconds: 3600, orderExpiresAt: 7_200_000, graceMs: 60_000 };
    expect(attemptDeadlines({ ...base, category: 'QR' })).toEqual({
      expiresAt: 10 * 60_000 - 15_000 - 60_000,
      gatewayExpiresAt: 10 * 60_000 - 15_000,
    });
    expect(attemptDeadlines({ ...base, category: 'BANK_TRANSFER' }).expiresAt).toBe(3_600_000);
    expect(attemptDeadlines({ ...base, category: 'PAYMENT_CODE', orderExpiresAt: 1_000 }).expiresAt).toBe(
      1_000,
    );
  });
});

describe('the transition table', () => {
  it('allows exactly the moves that never lower the state’s rank', () => {
    for (const from of STATES) {
      for (const to of ATTEMPT_TRANSITIONS[from])
        expect(STATE_RANK[to]).toBeGreaterThan(STATE_RANK[from] - 1);
    }
  });
});
