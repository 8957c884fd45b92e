// The guarantees of D6, as checks over what the server says (the Merchant API, with each order's
// event history) and what Antom holds (the sandbox ledger, payments, refunds and request log). Each check
// returns violations instead of throwing, so one run reports everything it found.
import { addMinor, compareMinor, RETRYABLE_UNKNOWN_CODES, subtractMinor } from '@paydesk/antom';
import type { OrderView } from '@paydesk/api';
import type { LedgerEntry, RequestRecord } from '@paydesk/sandbox';
import {
  ATTEMPT_TRANSITIONS,
  FINAL_ATTEMPT_STATUSES,
  ORDER_TRANSITIONS,
  REFUND_TRANSITIONS,
} from '@paydesk/server';

/** `cancel-once` and `one-handler` are the multi-instance checks of cluster.checks.ts (D7). */
export type InvariantName =
  | 'money'
  | 'ledger'
  | 'liveness'
  | 'history'
  | 'pay-once'
  | 'api'
  | 'cancel-once'
  | 'one-handler'
  /** Antom's transaction report of the run's days, imported by Paydesk, leaves a discrepancy (D16). */
  | 'reconciliation';

export interface Violation {
  invariant: InvariantName;
  orderId?: string;
  paymentId?: string;
  refundId?: string;
  message: string;
}

/** A payment as Antom holds it (from GET /sandbox/api/payments). */
export interface AntomPayment {
  paymentId: string;
  paymentRequestId: string;
  status: string;
  expiresAt: string;
  amount: { currency: string; value: string };
}

/** A refund as Antom holds it (from GET /sandbox/api/refunds). */
export interface AntomRefund {
  refundId: string;
  refundRequestId: string;
  paymentId: string;
  status: string;
  amount: { currency: string; value: string };
}

/** Everything observed at the end of a run. */
export interface Observation {
  orders: OrderView[];
  ledger: LedgerEntry[];
  antomPayments: AntomPayment[];
  antomRefunds: AntomRefund[];
  /** Every `pay` request Antom received during the run (collected as it went: the log is bounded). */
  payRequests: RequestRecord[];
  /** When the observation was taken (epoch ms). */
  at: number;
}

/**
 * The liveness bound (D6.2). An attempt is due at its own timeout (`expiresAt`); one that was
 * left ABANDONED (Antom would not cancel it) is due when Antom's own expiry passes; one whose `pay` may
 * still have been on its way is due no earlier than the server's pay lease. Once faults stop, it must be
 * final within: max(due, faultsStoppedAt + retryAfterFaultsMs) + one sweep interval + slackMs.
 */
export interface LivenessBounds {
  faultsStoppedAt: number;
  sweepIntervalMs: number;
  /** The longest retry delay the server may have scheduled for an attempt while faults were on (ms). */
  retryAfterFaultsMs: number;
  /** For the gateway calls themselves (ms). */
  slackMs: number;
  payLeaseMs: number;
}

const FINAL = new Set<string>(FINAL_ATTEMPT_STATUSES);
const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);
const sum = (values: string[]) => (values.length === 0 ? '0' : addMinor(...values));
const subtract = (a: string, b: string) => subtractMinor(a, b);

/** Guarantee 1: at most one kept payment, every other capture given back or flagged, PAID iff kept. */
export function checkMoney(obs: Observation): Violation[] {
  const out: Violation[] = [];
  const ledger = new Map(obs.ledger.map((entry) => [entry.paymentRequestId, entry]));
  const ours = new Set<string>();
  for (const order of obs.orders) {
    const v = (message: string, extra: Partial<Violation> = {}) =>
      out.push({ invariant: 'money', orderId: order.id, message, ...extra });
    const kept = order.payments.filter((p) => p.kept);
    if (kept.length > 1) v(`${kept.length} payments are kept`);
    const paid = kept[0];
    if (order.status === 'PAID') {
      if (!paid) v('the order is PAID but keeps no payment');
      else if (paid.state !== 'SUCCESS') v(`the kept payment is ${paid.state}`, { paymentId: paid.id });
      else if (ledger.get(paid.id)?.captured !== paid.amount.value)
        v('the kept payment was not captured at Antom', { paymentId: paid.id });
    } else if (paid) v(`the order is ${order.status} yet keeps payment ${paid.id}`, { paymentId: paid.id });

    const merchantRefunds = order.refunds.filter((r) => r.kind === 'MERCHANT');
    const refunded = sum(merchantRefunds.filter((r) => r.status === 'SUCCEEDED').map((r) => r.amount.value));
    if (refunded !== order.refundedAmount.value)
      v(`refundedAmount ${order.refundedAmount.value} ≠ succeeded refunds ${refunded}`);
    if (compareMinor(refunded, order.amount.value) > 0) v(`refunded ${refunded} exceeds the paid amount`);
    for (const refund of merchantRefunds) {
      if (!paid || refund.paymentId !== paid.id)
        v('a merchant refund is not on the kept payment', { refundId: refund.id });
    }

    for (const payment of order.payments) {
      ours.add(payment.id);
      const at = ledger.get(payment.id);
      const captured = at?.captured ?? '0';
      const pv = (message: string) => v(message, { paymentId: payment.id });
      const duplicates = order.refunds.filter((r) => r.kind === 'DUPLICATE' && r.paymentId === payment.id);
      if (duplicates.length > 1) pv(`${duplicates.length} duplicate refunds for one payment`);
      if (payment.amount.value !== order.amount.value || payment.amount.currency !== order.amount.currency)
        pv('the payment amount is not the order amount');
      if (!FINAL.has(payment.state)) continue; // reported by the liveness check
      if (payment.state === 'SUCCESS') {
        if (captured !== payment.amount.value) pv(`SUCCESS here but Antom captured ${captured}`);
        if (payment.kept) {
          if (duplicates.length > 0) pv('the kept payment has a duplicate refund');
          if (at && at.cancelled !== '0') pv('the kept payment was cancelled at Antom');
          const mine = sum(
            merchantRefunds
              .filter((r) => r.status === 'SUCCEEDED' && r.paymentId === payment.id)
              .map((r) => r.amount.value),
          );
          if (at && at.refunded !== mine) pv(`Antom refunded ${at.refunded}, our refunds say ${mine}`);
          continue;
        }
        if (order.status === 'OPEN') pv('an OPEN order has a captured payment it does not keep');
        const duplicate = duplicates[0];
        if (!duplicate) {
          pv('a surplus captured payment has no duplicate refund');
          continue;
        }
        if (duplicate.amount.value !== payment.amount.value)
          pv('the duplicate refund is not the full amount');
        if (duplicate.status === 'SUCCEEDED') {
          if (!at || at.net !== '0') pv(`a duplicate given back here, but Antom still holds ${at?.net}`);
          else if (duplicate.method === 'CANCEL' && at.cancelled !== payment.amount.value)
            pv('a duplicate given back by cancel, but Antom cancelled nothing');
          else if (duplicate.method === 'REFUND' && at.refunded !== payment.amount.value)
            pv('a duplicate given back by refund, but Antom refunded another amount');
        } else if (duplicate.status === 'MANUAL') {
          if (!order.needsAttention) pv('a duplicate left to an operator, but the order is not flagged');
          if (at && at.net !== payment.amount.value)
            pv('a duplicate left to an operator, but Antom moved money');
        } else {
          pv(`the duplicate refund ended ${duplicate.status}`);
        }
      } else {
        if (payment.kept) pv(`a ${payment.state} payment is kept`);
        if (duplicates.length > 0) pv(`a ${payment.state} payment has a duplicate refund`);
        if (compareMinor(captured, '0') > 0) {
          // Antom took the money: only a cancel that gave it all back (docs/antom-notes.md §5.2) makes this
          // final, and then it is recorded as a reversal (D11), never as a plain cancel.
          if (payment.state !== 'REVERSED' || at?.cancelled !== captured || at.net !== '0')
            pv(`${payment.state} here, but Antom captured ${captured} and holds ${at?.net}`);
        } else if (payment.state === 'REVERSED') {
          pv('REVERSED here, but Antom captured nothing');
        }
      }
    }
  }
  for (const entry of obs.ledger) {
    if (!ours.has(entry.paymentRequestId)) {
      out.push({
        invariant: 'ledger',
        paymentId: entry.paymentRequestId,
        message: `Antom has payment ${entry.paymentId} (${entry.status}, net ${entry.net}) that we do not know`,
      });
    }
    if (entry.pendingRefund !== '0')
      out.push({
        invariant: 'ledger',
        paymentId: entry.paymentRequestId,
        message: `a refund of ${entry.pendingRefund} is still processing at Antom`,
      });
    if (compareMinor(entry.net, '0') < 0)
      out.push({ invariant: 'ledger', paymentId: entry.paymentRequestId, message: `net ${entry.net} < 0` });
  }
  return out;
}

/** Our refunds and Antom's agree one by one (no refund Antom made that we do not know). */
export function checkRefundLedger(obs: Observation): Violation[] {
  const out: Violation[] = [];
  const ours = new Map(
    obs.orders.flatMap((o) => o.refunds.map((r) => [r.id, { refund: r, order: o }] as const)),
  );
  for (const antom of obs.antomRefunds) {
    const mine = ours.get(antom.refundRequestId);
    if (!mine) {
      out.push({
        invariant: 'ledger',
        refundId: antom.refundRequestId,
        message: `Antom has refund ${antom.refundId} (${antom.status}) that we do not know`,
      });
      continue;
    }
    const expected =
      antom.status === 'SUCCESS' ? 'SUCCEEDED' : antom.status === 'FAIL' ? 'FAILED' : undefined;
    const status = mine.refund.status;
    const agrees =
      expected === status ||
      // A duplicate Antom refused is left to an operator (MANUAL), not FAILED (S10).
      (expected === 'FAILED' && status === 'MANUAL' && mine.refund.kind === 'DUPLICATE');
    if (!agrees) {
      out.push({
        invariant: 'ledger',
        orderId: mine.order.id,
        refundId: mine.refund.id,
        message: `refund ${status} here but ${antom.status} at Antom`,
      });
    }
  }
  return out;
}

interface Chain {
  current: string;
  label: string;
}

/**
 * Guarantee 3 on the record: every transition in each order's history is allowed by the tables, follows
 * from the state before it, and the chain ends in the state the order view shows.
 */
export function checkHistory(obs: Observation): Violation[] {
  const out: Violation[] = [];
  for (const order of obs.orders) {
    const v = (message: string) => out.push({ invariant: 'history', orderId: order.id, message });
    const events = order.events ?? [];
    const chains = new Map<string, Chain>();
    chains.set(order.id, { current: 'OPEN', label: 'order' });
    const tables: Record<string, Readonly<Record<string, readonly string[]>>> = {
      order: ORDER_TRANSITIONS,
      payment: ATTEMPT_TRANSITIONS,
      refund: REFUND_TRANSITIONS,
    };
    for (const event of events) {
      const data = event.data as Record<string, unknown>;
      if (event.type === 'payment.created') {
        chains.set(String(data.paymentId), { current: 'PENDING', label: 'payment' });
        continue;
      }
      if (event.type === 'refund.requested') {
        chains.set(String(data.refundId), { current: 'PENDING', label: 'refund' });
        continue;
      }
      if (event.type === 'payment.duplicate') {
        const id = String(data.refundId);
        if (chains.has(id)) v(`a second duplicate event for refund ${id}`);
        else chains.set(id, { current: data.method === 'NONE' ? 'MANUAL' : 'PENDING', label: 'refund' });
        continue;
      }
      if (typeof data.from !== 'string' || typeof data.to !== 'string') continue;
      const kind = event.type.split('.')[0] ?? '';
      const id =
        kind === 'order' ? order.id : kind === 'payment' ? String(data.paymentId) : String(data.refundId);
      const chain = chains.get(id);
      if (!chain) {
        v(`${event.type} for ${id}, which has no creation event`);
        continue;
      }
      const table = tables[chain.label];
      if (data.from !== chain.current)
        v(`${chain.label} ${id}: ${data.from} → ${data.to} recorded while it was ${chain.current}`);
      if (!table?.[data.from]?.includes(data.to))
        v(`${chain.label} ${id}: ${data.from} → ${data.to} is not in the transition table`);
      chain.current = data.to;
    }
    const end = (id: string, label: string, state: string) => {
      const chain = chains.get(id);
      if (!chain) v(`${label} ${id} has no history`);
      else if (chain.current !== state)
        v(`${label} ${id} is ${state} but its history ends at ${chain.current}`);
    };
    end(order.id, 'order', order.status);
    for (const payment of order.payments) end(payment.id, 'payment', payment.state);
    for (const refund of order.refunds) end(refund.id, 'refund', refund.status);
  }
  return out;
}

/**
 * D6.5: one `pay` per paymentRequestId, except the documented resend after a *signed*
 * UNKNOWN_EXCEPTION / REQUEST_TRAFFIC_EXCEED_LIMIT answer (lost, unsigned or badly signed answers are not
 * trusted, so they are never followed by a second pay).
 */
export function checkPayOnce(obs: Observation): Violation[] {
  const out: Violation[] = [];
  const attempts = new Set(obs.orders.flatMap((o) => o.payments.map((p) => p.id)));
  const byId = new Map<string, RequestRecord[]>();
  for (const request of obs.payRequests) {
    if (!request.paymentRequestId) continue;
    const list = byId.get(request.paymentRequestId) ?? [];
    list.push(request);
    byId.set(request.paymentRequestId, list);
  }
  for (const [id, list] of byId) {
    if (!attempts.has(id))
      out.push({ invariant: 'pay-once', paymentId: id, message: 'a pay for an attempt we do not know' });
    list.sort((a, b) => a.seq - b.seq);
    for (const earlier of list.slice(0, -1)) {
      const fault = earlier.fault ?? '';
      const trusted =
        earlier.httpStatus === 200 &&
        earlier.resultStatus === 'U' &&
        RETRYABLE_UNKNOWN_CODES.has(earlier.resultCode ?? '') &&
        !/badSignature|unsigned|lostReply/.test(fault);
      if (!trusted) {
        out.push({
          invariant: 'pay-once',
          paymentId: id,
          message:
            `pay was sent again after ${earlier.httpStatus ?? 'no reply'} ${earlier.resultStatus ?? ''} ${earlier.resultCode ?? ''} ${fault}`.trim(),
        });
      }
    }
  }
  return out;
}

/** When an attempt must be final by (epoch ms), per LivenessBounds; also whether it was abandoned. */
export function attemptDeadline(
  order: OrderView,
  payment: OrderView['payments'][number],
  atAntom: AntomPayment | undefined,
  bounds: LivenessBounds,
): { deadline: number; abandoned: boolean } {
  const abandoned = (order.events ?? []).some(
    (e) => e.type === 'payment.abandoned' && (e.data as { paymentId?: string }).paymentId === payment.id,
  );
  let due = ms(payment.expiresAt);
  if (abandoned && atAntom) due = Math.max(due, ms(atAntom.expiresAt));
  if (!atAntom) due = Math.max(due, ms(payment.createdAt) + bounds.payLeaseMs);
  const deadline =
    Math.max(due, bounds.faultsStoppedAt + bounds.retryAfterFaultsMs) +
    bounds.sweepIntervalMs +
    bounds.slackMs;
  return { deadline, abandoned };
}

/** Guarantee 2: every attempt final, and final in time (see LivenessBounds); no order left open past due. */
export function checkLiveness(obs: Observation, bounds: LivenessBounds): Violation[] {
  const out: Violation[] = [];
  const antom = new Map(obs.antomPayments.map((p) => [p.paymentRequestId, p]));
  for (const order of obs.orders) {
    let lastFinal = 0;
    for (const payment of order.payments) {
      const v = (message: string) =>
        out.push({ invariant: 'liveness', orderId: order.id, paymentId: payment.id, message });
      const { deadline, abandoned } = attemptDeadline(order, payment, antom.get(payment.id), bounds);
      if (!FINAL.has(payment.state)) {
        v(
          `still ${payment.state} at ${new Date(obs.at).toISOString()} (deadline ${new Date(deadline).toISOString()})`,
        );
        continue;
      }
      const finalAt = ms(payment.finalAt);
      lastFinal = Math.max(lastFinal, finalAt);
      if (finalAt > deadline)
        v(
          `${payment.state} ${Math.round(finalAt - deadline)} ms after its deadline${abandoned ? ' (abandoned)' : ''}`,
        );
    }
    for (const refund of order.refunds) {
      if (refund.status === 'PENDING' || refund.status === 'PROCESSING')
        out.push({
          invariant: 'liveness',
          orderId: order.id,
          refundId: refund.id,
          message: `refund still ${refund.status}`,
        });
    }
    if (order.status === 'OPEN') {
      const deadline =
        Math.max(ms(order.expiresAt), lastFinal, bounds.faultsStoppedAt + bounds.retryAfterFaultsMs) +
        bounds.sweepIntervalMs +
        bounds.slackMs;
      if (obs.at > deadline)
        out.push({
          invariant: 'liveness',
          orderId: order.id,
          message: 'the order is still OPEN past its expiry',
        });
    }
  }
  return out;
}

/**
 * The smallest margin any attempt kept to its liveness deadline (ms; negative = late), over attempts
 * that ended after the faults stopped — the ones the bound is about.
 */
export function tightestMargin(obs: Observation, bounds: LivenessBounds): number | null {
  const antom = new Map(obs.antomPayments.map((p) => [p.paymentRequestId, p]));
  let tightest: number | null = null;
  for (const order of obs.orders) {
    for (const payment of order.payments) {
      const finalAt = ms(payment.finalAt);
      if (!(finalAt > bounds.faultsStoppedAt)) continue;
      const margin = attemptDeadline(order, payment, antom.get(payment.id), bounds).deadline - finalAt;
      tightest = tightest === null ? margin : Math.min(tightest, margin);
    }
  }
  return tightest;
}

/**
 * D11 on the record: per order, what we hold (captured − reversed − refunded) is what Antom's ledger
 * holds; no payment was reversed by a cancel we decided after an inquiry had told us it was paid; and
 * every reversal was announced (its history has payment.reversed, the merchant's webhook follows it).
 */
export function checkReversals(obs: Observation): Violation[] {
  const out: Violation[] = [];
  const ledger = new Map(obs.ledger.map((entry) => [entry.paymentRequestId, entry]));
  for (const order of obs.orders) {
    const v = (message: string, paymentId?: string) =>
      out.push({ invariant: 'money', orderId: order.id, ...(paymentId ? { paymentId } : {}), message });
    const captured = sum(order.payments.filter((p) => Boolean(p.paidAt)).map((p) => p.amount.value));
    const reversed = sum(order.payments.filter((p) => p.state === 'REVERSED').map((p) => p.amount.value));
    const refunded = sum(order.refunds.filter((r) => r.status === 'SUCCEEDED').map((r) => r.amount.value));
    const ours = subtract(subtract(captured, reversed), refunded);
    const theirs = sum(order.payments.map((p) => ledger.get(p.id)?.net ?? '0'));
    if (ours !== theirs)
      v(
        `we hold ${ours} (captured ${captured} − reversed ${reversed} − refunded ${refunded}), Antom ${theirs}`,
      );

    const events = order.events ?? [];
    for (const payment of order.payments) {
      if (payment.state !== 'REVERSED') continue;
      const mine = events.filter((e) => (e.data as { paymentId?: string }).paymentId === payment.id);
      if (!mine.some((e) => e.type === 'payment.reversed'))
        v('a reversal with no payment.reversed event', payment.id);
      // The decision to cancel is the last move to CANCELLING; an inquiry answered SUCCESS before it
      // means we had seen the payment and cancelled it anyway. Only a verified answer counts: one whose
      // signature is missing or wrong is indistinguishable from a forgery, and is rightly no answer.
      const decided = mine.filter((e) => e.type === 'payment.cancelling').at(-1);
      if (!decided) continue;
      const seenPaid = mine.find(
        (e) =>
          e.type === 'gateway.call' &&
          (e.data as { api?: string }).api === 'inquiryPayment' &&
          !(e.data as { error?: string | null }).error &&
          /"paymentStatus"\s*:\s*"SUCCESS"/.test(String((e.data as { response?: string }).response ?? '')) &&
          ms(e.at) < ms(decided.at),
      );
      if (seenPaid)
        v(`reversed by a cancel decided after an inquiry at ${seenPaid.at} saw it paid`, payment.id);
    }
  }
  return out;
}

/** Every check of D6 over one observation. */
export function checkAll(obs: Observation, bounds: LivenessBounds): Violation[] {
  return [
    ...checkMoney(obs),
    ...checkReversals(obs),
    ...checkRefundLedger(obs),
    ...checkHistory(obs),
    ...checkPayOnce(obs),
    ...checkLiveness(obs, bounds),
  ];
}

/** True once every attempt and refund of every order is final (the run has settled). */
/** What keeps a run from settling: each attempt not final or with a look due, each refund in flight. */
export function unsettled(orders: readonly OrderView[], clockNow?: number): string {
  const open = orders.flatMap((o) => [
    ...o.payments
      .filter((p) => !(FINAL.has(p.state) && p.nextCheckAt === null))
      .map((p) => `${o.id} (${o.status}) attempt ${JSON.stringify(p)}`),
    ...o.refunds
      .filter((r) => r.status === 'PENDING' || r.status === 'PROCESSING')
      .map((r) => `${o.id} (${o.status}) refund ${JSON.stringify(r)}`),
  ]);
  return `${open.length} unsettled${clockNow === undefined ? '' : ` at ${new Date(clockNow).toISOString()}`}: ${open.join('; ')}`;
}

export function settled(orders: readonly OrderView[]): boolean {
  return orders.every(
    (o) =>
      // A final attempt may still have a look after the end due (a cancel that may have reversed a capture).
      o.payments.every((p) => FINAL.has(p.state) && p.nextCheckAt === null) &&
      o.refunds.every((r) => r.status !== 'PENDING' && r.status !== 'PROCESSING'),
  );
}
