// The multi-instance checks must be able to fail: a cancel sent again after it was settled, two sweeper
// steps on one attempt at once, an attempt asked about twice in one cycle, a cancel no tap saw — each is
// reported, and the legitimate resends (no answer, a killed instance, a refusal asked about, a buyer's
// request) are not.
import { formatSignatureHeader, loadPrivateKey, loadPublicKey, signMessage } from '@paydesk/antom';
import type { OrderView } from '@paydesk/api';
import type { RequestRecord } from '@paydesk/sandbox';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../src/balancer.ts';
import { checkCluster, gatewayCalls, type ClusterRun, type GatewayCall } from '../src/cluster.checks.ts';
import { CLIENT_ID, reliabilityKeys } from '../src/stack.harness.ts';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function call(
  instance: number,
  api: GatewayCall['api'],
  from: number,
  to: number,
  answer?: 'S' | 'F' | 'U',
): GatewayCall {
  return {
    instance,
    api,
    subject: 'pay_A',
    sentAt: T0 + from,
    endedAt: T0 + to,
    answered: answer !== undefined,
    resultStatus: answer,
    resultCode: answer === 'F' ? 'ORDER_STATUS_INVALID' : undefined,
  };
}

/**
 * One attempt shown at 0.5 s with a 10 s timeout, asked about by the sweepers at 3.5 s and 8.5 s, and
 * once more at its timeout (1.5 s later, as the schedule does), then cancelled: the first cancel got no
 * answer, the resend was answered.
 */
function cleanRun(): ClusterRun {
  const order = {
    id: 'ord_1',
    checkoutToken: 'tok_1',
    status: 'OPEN',
    payments: [{ id: 'pay_A', state: 'CANCELLED', expiresAt: at(10_000) }],
    refunds: [],
    events: [
      { id: 'e1', type: 'payment.created', at: at(0), data: { paymentId: 'pay_A' } },
      { id: 'e2', type: 'payment.processing', at: at(500), data: { paymentId: 'pay_A' } },
      { id: 'e3', type: 'payment.cancelling', at: at(10_050), data: { paymentId: 'pay_A' } },
      { id: 'e4', type: 'payment.cancelled', at: at(12_400), data: { paymentId: 'pay_A' } },
      // The history lists gateway calls and notifications too; they change nothing.
      { id: 'c1', type: 'gateway.call', at: at(3_520), data: { paymentId: 'pay_A', api: 'inquiryPayment' } },
      { id: 'c2', type: 'gateway.call', at: at(3_720), data: { paymentId: 'pay_A', api: 'inquiryPayment' } },
      { id: 'n1', type: 'notification.received', at: at(3_600), data: { paymentId: 'pay_A' } },
    ],
  } as unknown as OrderView;
  return {
    orders: [order],
    calls: [
      call(1, 'pay', 100, 400, 'U'),
      call(1, 'inquiryPayment', 3_500, 3_520, 'S'),
      call(2, 'inquiryPayment', 8_500, 8_530, 'S'),
      call(3, 'inquiryPayment', 10_000, 10_030, 'S'),
      call(3, 'cancel', 10_060, 11_060),
      call(2, 'cancel', 12_200, 12_300, 'S'),
    ],
    served: [
      {
        instance: 1,
        method: 'POST',
        path: '/api/v1/checkout/tok_1/payments',
        paymentRequestId: undefined,
        status: 201,
        sentAt: T0 + 50,
        endedAt: T0 + 450,
      },
    ],
    kills: [],
    antomCancels: [
      { seq: 1, paymentRequestId: 'pay_A' },
      { seq: 2, paymentRequestId: 'pay_A' },
    ] as RequestRecord[],
    notifyPath: '/notify',
  };
}

const messages = (run: ClusterRun) =>
  checkCluster(run).violations.map((v) => `[${v.invariant}] ${v.message}`);

describe('multi-instance checks', () => {
  it('find nothing in a clean run, and count one resend after no answer', () => {
    const { violations, figures } = checkCluster(cleanRun());
    expect(violations).toEqual([]);
    expect(figures.cancels.resends).toEqual({ 'no answer': 1 });
    expect(figures.cancels.cancelsPerAttempt).toEqual({ 2: 1 });
    expect(figures.handlers.sweeperCallsByInstance).toEqual({ 1: 1, 2: 2, 3: 2 });
    expect(figures.handlers.handoffs).toBe(3);
  });

  it('report a cancel sent again after one was answered', () => {
    const run = cleanRun();
    run.calls[4] = call(3, 'cancel', 10_060, 10_200, 'S');
    expect(messages(run)).toEqual([expect.stringMatching(/^\[cancel-once\].*answered S.*cancelled twice/)]);
  });

  it('report two sweeper cancels in flight at once, by both checks', () => {
    const run = cleanRun();
    run.calls[5] = call(2, 'cancel', 10_500, 10_700, 'S');
    expect(messages(run)).toEqual([
      expect.stringMatching(/^\[cancel-once\].*both in flight at once/),
      expect.stringMatching(/^\[one-handler\].*while instance 3's cancel was in flight/),
    ]);
  });

  it('take a client’s resend of an inquiry it gave up on as one call, though the abandoned one ends later', () => {
    // Seen in a loaded run: instance 2's look got no answer back, the client resent it, and the abandoned
    // request's end was recorded 60 ms after the resend left.
    const run = cleanRun();
    run.calls.push(call(2, 'inquiryPayment', 5_600, 6_460), call(2, 'inquiryPayment', 6_400, 6_420, 'S'));
    expect(messages(run)).toEqual([]);
    // Another instance's look meanwhile is still two steps at once.
    run.calls[run.calls.length - 1] = call(1, 'inquiryPayment', 6_400, 6_420, 'S');
    expect(messages(run)).toEqual([expect.stringMatching(/^\[one-handler\].*in flight/)]);
  });

  it('take a client’s resend of a cancel it gave up on as a resend after no answer, though they overlap', () => {
    // Seen in a loaded run: the abandoned cancel's end was recorded 30 ms after the resend left.
    const run = cleanRun();
    run.calls[5] = call(3, 'cancel', 11_030, 11_200, 'S');
    const { violations, figures } = checkCluster(run);
    expect(violations).toEqual([]);
    expect(figures.cancels.resends).toEqual({ 'no answer': 1 });
  });

  it('let a "not found" be asked again at the pay lease’s end, however soon', () => {
    // Seen in a loaded run: an unknown `pay`, the look found nothing, the next look came 1.9 s later — at
    // the end of the pay lease, as the lifecycle schedules it.
    const run = cleanRun();
    run.calls[1] = { ...call(1, 'inquiryPayment', 3_500, 3_520, 'F'), resultCode: 'ORDER_NOT_EXIST' };
    run.calls.push(call(1, 'inquiryPayment', 5_400, 5_420, 'S'));
    expect(messages(run)).toEqual([]);
  });

  it('report a cancel at Antom that no tap saw', () => {
    const run = cleanRun();
    run.antomCancels.push({ seq: 3, paymentRequestId: 'pay_A' } as RequestRecord);
    expect(messages(run)).toEqual([expect.stringMatching(/received 3 cancels, the instances' taps saw 2/)]);
  });

  it('report an attempt asked about twice in one cycle, unless something changed or its time was up', () => {
    const run = cleanRun();
    run.calls.push(call(3, 'inquiryPayment', 3_700, 3_720, 'S'));
    expect(messages(run)).toEqual([
      expect.stringMatching(/^\[one-handler\].*asked again by instance 3 180 ms/),
    ]);
    // A notification moved it meanwhile: asking again is the server's reaction, not a second claim.
    const changed = cleanRun();
    changed.calls.push(call(3, 'inquiryPayment', 3_700, 3_720, 'S'));
    changed.orders[0]!.events!.push({
      id: 'e9',
      type: 'payment.unknown',
      at: at(3_600),
      data: { paymentId: 'pay_A' },
    });
    expect(messages(changed)).toEqual([]);
  });

  it('allow a resend after a kill, after a refusal asked about, and from a buyer request', () => {
    const killed = cleanRun();
    killed.calls[4] = call(3, 'cancel', 10_060, 10_100, 'S');
    killed.kills.push({ instance: 3, at: T0 + 10_150, holding: [] });
    expect(checkCluster(killed).figures.cancels.resends).toEqual({ 'instance killed': 1 });
    expect(messages(killed)).toEqual([]);

    const refused = cleanRun();
    refused.calls[4] = call(3, 'cancel', 10_060, 10_100, 'F');
    expect(messages(refused)).toEqual([
      expect.stringMatching(/answered F ORDER_STATUS_INVALID.*cancelled twice/),
    ]);
    refused.calls.push(call(3, 'inquiryPayment', 10_110, 10_130, 'S'));
    expect(messages(refused)).toEqual([]);

    const buyer = cleanRun();
    buyer.calls[4] = call(3, 'cancel', 10_060, 10_100, 'S');
    buyer.served.push({
      instance: 2,
      method: 'POST',
      path: '/api/v1/checkout/tok_1/payments/pay_A/cancel',
      paymentRequestId: undefined,
      status: 200,
      sentAt: T0 + 12_100,
      endedAt: T0 + 12_350,
    });
    expect(checkCluster(buyer).figures.cancels.resends).toEqual({ 'buyer or merchant request': 1 });
    expect(messages(buyer)).toEqual([]);
  });
});

describe('reading a tap', () => {
  const keys = reliabilityKeys();
  const path = '/ams/sandbox/api/v1/payments/cancel';
  /** A cancel answered S, signed with `key` (Antom's unless told), handed over at 1 s. */
  function exchange(changes: Partial<Exchange> = {}, key = keys.gateway.privateKeyPem): Exchange {
    const body = JSON.stringify({
      result: { resultStatus: 'S', resultCode: 'SUCCESS', resultMessage: 'ok' },
    });
    const time = '2026-11-25T18:00:00+08:00';
    const signature = signMessage({ path, clientId: CLIENT_ID, time, body }, loadPrivateKey(key));
    return {
      seq: 1,
      upstream: 0,
      method: 'POST',
      path,
      json: { paymentRequestId: 'pay_A' },
      sentAt: T0,
      endedAt: T0 + 1_000,
      delivered: true,
      clientGoneAt: undefined,
      status: 200,
      answer: {
        headers: {
          'client-id': CLIENT_ID,
          'response-time': time,
          signature: formatSignatureHeader(signature),
        },
        body,
      },
      ...changes,
    };
  }
  const read = (e: Exchange) =>
    gatewayCalls(2, [e], { clientId: CLIENT_ID, publicKey: loadPublicKey(keys.gateway.publicKeyPem) })[0]!;

  it('takes a signed answer the instance kept its connection after as answered', () => {
    expect(read(exchange())).toMatchObject({ instance: 2, api: 'cancel', subject: 'pay_A', answered: true });
    expect(read(exchange({ clientGoneAt: T0 + 6_000 })).answered).toBe(true);
  });

  it('takes an answer the instance dropped its connection on, or never got, or could not trust, as none', () => {
    expect(read(exchange({ clientGoneAt: T0 + 1_005 })).answered).toBe(false);
    expect(read(exchange({ delivered: false })).answered).toBe(false);
    expect(read(exchange({ status: 503 })).answered).toBe(false);
    expect(read(exchange({}, keys.merchant.privateKeyPem)).answered).toBe(false);
  });
});
