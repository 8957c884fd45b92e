// The multi-instance guarantees of D7.2, over what the taps (each instance's Antom calls,
// with whether the answer got back) and the balancer (which instance served which request) recorded:
//  - cancel once: a cancel is sent again for an attempt only when the earlier one settled nothing — its
//    answer did not reach its instance as a signed S or F (a fault, a timeout, a kill), or it was refused
//    and Antom was asked again since (the server asks after every refusal, and only that answer may call
//    for another cancel), or a buyer's or merchant's request on the order sent it (routes cancel inline);
//  - one handler: two sweeper steps on the same attempt or refund are never in flight at once, whichever
//    instances run them, and an attempt is not asked about again sooner than the server's schedule allows
//    with nothing changed — each due item is claimed by one instance per cycle.
import type { KeyObject } from 'node:crypto';
import { apiFromPath, assertSignedMessage, RETRYABLE_UNKNOWN_CODES, type AntomApi } from '@paydesk/antom';
import type { OrderView } from '@paydesk/api';
import type { RequestRecord } from '@paydesk/sandbox';
import type { Exchange } from './balancer.ts';
import type { Violation } from './invariant.checks.ts';

/** One Antom call an instance made, as its tap saw it. */
export interface GatewayCall {
  instance: number;
  api: AntomApi | undefined;
  /** The attempt (paymentRequestId) or refund (refundRequestId) the call is about. */
  subject: string | undefined;
  sentAt: number;
  /** When the answer reached the instance, or the instance stopped waiting (its timeout, a kill). */
  endedAt: number;
  /** The answer reached the instance with HTTP 200 and Antom's valid signature: the server acts on it. */
  answered: boolean;
  resultStatus: string | undefined;
  resultCode: string | undefined;
}

/** One request the balancer carried to an instance (buyers, the merchant, Antom's notifications). */
export interface ServedRequest {
  instance: number;
  method: string;
  path: string;
  /** A notification's attempt (from its body). */
  paymentRequestId: string | undefined;
  status: number | undefined;
  sentAt: number;
  endedAt: number;
}

/** Everything a multi-instance run is checked on, once it has settled. */
export interface ClusterRun {
  orders: OrderView[];
  calls: GatewayCall[];
  served: ServedRequest[];
  kills: { instance: number; at: number; holding: GatewayCall[] }[];
  /** Where Antom notifies (the balancer's path): notifications are told from other requests by it. */
  notifyPath: string;
  /** Every cancel Antom received (sandbox request log): what is counted. */
  antomCancels: RequestRecord[];
}

/**
 * An answer written to an instance whose connection dropped this soon after was not read: the instance
 * gave up at its timeout (or died) as it came. Idle connections live 4 s or more.
 */
const DROPPED_WITH_ANSWER_MS = 2_000;

/** Reads a tap's exchanges as Antom calls, verifying each answer as the server's client does. */
export function gatewayCalls(
  instance: number,
  exchanges: readonly Exchange[],
  antom: { clientId: string; publicKey: KeyObject },
): GatewayCall[] {
  return exchanges.map((e) => {
    let result: { resultStatus?: string; resultCode?: string } | undefined;
    let signed = false;
    if (e.answer && e.status === 200) {
      const header = (name: string) => [e.answer?.headers[name]].flat()[0];
      try {
        assertSignedMessage(
          { path: e.path, clientId: antom.clientId, time: header('response-time'), body: e.answer.body },
          header('signature'),
          antom.publicKey,
        );
        signed = header('client-id') === undefined || header('client-id') === antom.clientId;
        result = (JSON.parse(e.answer.body) as { result?: typeof result }).result;
      } catch {
        signed = false;
      }
    }
    const id = e.json?.paymentRequestId ?? e.json?.refundRequestId;
    return {
      instance,
      api: apiFromPath(e.path),
      subject: typeof id === 'string' ? id : undefined,
      sentAt: e.sentAt,
      endedAt: e.endedAt ?? Infinity,
      answered:
        e.delivered &&
        !(
          e.clientGoneAt !== undefined &&
          e.endedAt !== undefined &&
          e.clientGoneAt - e.endedAt < DROPPED_WITH_ANSWER_MS
        ) &&
        signed &&
        result !== undefined,
      resultStatus: result?.resultStatus,
      resultCode: result?.resultCode,
    };
  });
}

/** Reads the balancer's exchanges as requests served by instance (1-based). */
export function servedRequests(exchanges: readonly Exchange[]): ServedRequest[] {
  return exchanges
    .filter((e) => e.upstream !== undefined)
    .map((e) => ({
      instance: (e.upstream ?? 0) + 1,
      method: e.method,
      path: e.path,
      paymentRequestId: typeof e.json?.paymentRequestId === 'string' ? e.json.paymentRequestId : undefined,
      status: e.status,
      sentAt: e.sentAt,
      endedAt: e.endedAt ?? Infinity,
    }));
}

interface Owner {
  order: OrderView;
  /** When the attempt became SUCCESS: a cancel after it gives a surplus payment back (a refund's step). */
  succeededAt: number;
  /** The attempt's own timeout (Infinity for a refund). */
  expiresAt: number;
  /** When something happened to the attempt or its order (its history): what may make it due early. */
  changes: number[];
}

function owners(orders: readonly OrderView[]): Map<string, Owner> {
  const out = new Map<string, Owner>();
  for (const order of orders) {
    const events = (order.events ?? []).map((e) => ({ ...e, at: Date.parse(e.at) }));
    // State changes only: the history also lists gateway calls and raw notifications, which move nothing.
    const changesOf = (paymentId: string) =>
      events
        .filter(
          (e) =>
            e.type.startsWith('order.') || (e.type.startsWith('payment.') && e.data.paymentId === paymentId),
        )
        .map((e) => e.at);
    for (const p of order.payments)
      out.set(p.id, {
        order,
        succeededAt:
          events.find((e) => e.type === 'payment.success' && e.data.paymentId === p.id)?.at ?? Infinity,
        expiresAt: Date.parse(p.expiresAt),
        changes: changesOf(p.id),
      });
    for (const r of order.refunds)
      out.set(r.id, { order, succeededAt: Infinity, expiresAt: Infinity, changes: [] });
  }
  return out;
}

/**
 * True when the call was made inside a buyer's or merchant's request on the same order, served by the
 * same instance (confirm, buyer cancel, close and refunds call Antom inline, outside any sweeper claim).
 */
function requestDriven(call: GatewayCall, owner: Owner | undefined, served: readonly ServedRequest[]) {
  if (!owner) return false;
  const prefixes = [`/api/v1/checkout/${owner.order.checkoutToken}/`, `/api/v1/orders/${owner.order.id}/`];
  return served.some(
    (r) =>
      r.instance === call.instance &&
      r.method === 'POST' &&
      r.sentAt <= call.sentAt &&
      call.sentAt <= r.endedAt &&
      prefixes.some((prefix) => r.path.startsWith(prefix)),
  );
}

/** Only these are ever sent by a sweeper (`pay` and `consult` only in a buyer's request). */
const SWEEPER_APIS = new Set<string | undefined>(['inquiryPayment', 'cancel', 'refund', 'inquiryRefund']);

/** Tells, for calls of this run, whether a buyer's or merchant's request made them, or a sweeper. */
export function callOrigin(run: ClusterRun): (call: GatewayCall) => 'request' | 'sweeper' {
  const owner = owners(run.orders);
  return (call) =>
    !SWEEPER_APIS.has(call.api) ||
    requestDriven(call, call.subject ? owner.get(call.subject) : undefined, run.served)
      ? 'request'
      : 'sweeper';
}

type ResendReason = 'no answer' | 'instance killed' | 'refused, asked again' | 'buyer or merchant request';

export interface CancelFigures {
  /** Attempts by the number of cancels Antom received for them. */
  cancelsPerAttempt: Record<string, number>;
  /** Why each cancel after an attempt's first was allowed. */
  resends: Record<string, number>;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
/** The run's first recorded moment: reports give times after it. */
const startOf = (run: ClusterRun) =>
  Math.min(...run.calls.map((c) => c.sentAt), ...run.served.map((r) => r.sentAt));
const answerOf = (c: GatewayCall) =>
  c.answered ? `${c.resultStatus} ${c.resultCode}` : 'no signed answer back at its instance';

/**
 * Cancel once (see the header). Antom's request log is the count; every cancel in it must be one a tap
 * saw, so each is known by its instance and by whether its answer got back.
 */
export function checkCancelOnce(run: ClusterRun): { violations: Violation[]; figures: CancelFigures } {
  const violations: Violation[] = [];
  const figures: CancelFigures = { cancelsPerAttempt: {}, resends: {} };
  const owner = owners(run.orders);
  const t0 = startOf(run);
  const bySubject = new Map<string, GatewayCall[]>();
  for (const call of run.calls) {
    if (call.api !== 'cancel' || !call.subject) continue;
    bySubject.set(call.subject, [...(bySubject.get(call.subject) ?? []), call]);
  }
  const atAntom = new Map<string, number>();
  for (const r of run.antomCancels)
    if (r.paymentRequestId) atAntom.set(r.paymentRequestId, (atAntom.get(r.paymentRequestId) ?? 0) + 1);
  const attempts = run.orders.flatMap((order) => order.payments.map((p) => p.id));
  for (const id of new Set([...attempts, ...atAntom.keys(), ...bySubject.keys()])) {
    const calls = (bySubject.get(id) ?? []).sort((a, b) => a.sentAt - b.sentAt);
    const o = owner.get(id);
    const v = (message: string) =>
      violations.push({
        invariant: 'cancel-once',
        paymentId: id,
        ...(o ? { orderId: o.order.id } : {}),
        message,
      });
    const counted = atAntom.get(id) ?? 0;
    figures.cancelsPerAttempt[counted] = (figures.cancelsPerAttempt[counted] ?? 0) + 1;
    if (counted !== calls.length) {
      v(`Antom received ${counted} cancels, the instances' taps saw ${calls.length}`);
      continue;
    }
    for (let k = 1; k < calls.length; k += 1) {
      const [prev, next] = [calls[k - 1]!, calls[k]!];
      const where = `cancel by instance ${next.instance} at +${seconds(next.sentAt - t0)} after instance ${prev.instance}'s at +${seconds(prev.sentAt - t0)}`;
      let reason: ResendReason | undefined;
      if (requestDriven(next, o, run.served)) reason = 'buyer or merchant request';
      // The client's own resend of a cancel it gave up on (see checkOneHandler): on a loaded machine the
      // abandoned request's end is recorded a little after the resend leaves.
      else if (prev.instance === next.instance && !prev.answered) reason = 'no answer';
      else if (prev.endedAt > next.sentAt) {
        // Routes cancel outside any claim, so a sweeper's resend may cross a buyer's cancel; two sweeper
        // cancels in flight at once mean two instances ran the same step.
        if (requestDriven(prev, o, run.served)) reason = 'buyer or merchant request';
        else v(`${where}: both in flight at once (two instances ran one cancel step)`);
      } else if (!prev.answered || prev.resultStatus === 'U') reason = 'no answer';
      else if (
        run.kills.some(
          (kill) => kill.instance === prev.instance && kill.at > prev.sentAt && kill.at < next.sentAt,
        )
      )
        reason = 'instance killed';
      else if (
        prev.resultStatus === 'F' &&
        run.calls.some(
          (c) =>
            c.api === 'inquiryPayment' &&
            c.subject === id &&
            c.sentAt >= prev.endedAt &&
            c.sentAt < next.sentAt,
        )
      )
        reason = 'refused, asked again';
      else v(`${where}, which had been answered ${answerOf(prev)}: cancelled twice`);
      if (reason) figures.resends[reason] = (figures.resends[reason] ?? 0) + 1;
    }
  }
  return { violations, figures };
}

export interface HandlerFigures {
  /** Sweeper calls (made outside any buyer's or merchant's request) by instance. */
  sweeperCallsByInstance: Record<string, number>;
  /** Consecutive sweeper steps on one item that different instances ran (the work is shared). */
  handoffs: number;
  /** Sweeper `inquiryPayment` calls per attempt: the most any attempt got, and the mean. */
  inquiriesPerAttempt: { max: number; mean: number };
}

/** The lease a sweeper call runs under: the attempt's, or the refund's (a surplus given back by cancel). */
function claimOf(call: GatewayCall, owner: Owner | undefined): string | undefined {
  if (!call.subject) return undefined;
  if (call.api === 'cancel' && owner && call.sentAt >= owner.succeededAt) return `${call.subject} give-back`;
  return call.subject;
}

/**
 * After an inquiry before the timeout, the server asks again no sooner than its schedule's next step
 * (5 s; 5 s after an unknown answer too) or the timeout itself: a second inquiry sooner, with nothing
 * changed in between, is the same due step taken twice in one sweep cycle.
 */
const ASKED_AGAIN_WITHIN_MS = 2_000;

/**
 * One handler (see the header): no two sweeper steps on one item in flight at once, and no attempt
 * asked about twice in one cycle.
 */
export function checkOneHandler(run: ClusterRun): { violations: Violation[]; figures: HandlerFigures } {
  const violations: Violation[] = [];
  const owner = owners(run.orders);
  const byClaim = new Map<string, GatewayCall[]>();
  const figures: HandlerFigures = {
    sweeperCallsByInstance: {},
    handoffs: 0,
    inquiriesPerAttempt: { max: 0, mean: 0 },
  };
  for (const call of run.calls) {
    if (!SWEEPER_APIS.has(call.api)) continue;
    const o = call.subject ? owner.get(call.subject) : undefined;
    const claim = claimOf(call, o);
    if (!claim || requestDriven(call, o, run.served)) continue;
    byClaim.set(claim, [...(byClaim.get(claim) ?? []), call]);
    figures.sweeperCallsByInstance[call.instance] = (figures.sweeperCallsByInstance[call.instance] ?? 0) + 1;
  }
  const inquiries: number[] = [];
  for (const [claim, calls] of byClaim) {
    calls.sort((a, b) => a.sentAt - b.sentAt);
    inquiries.push(calls.filter((c) => c.api === 'inquiryPayment').length);
    const o = owner.get(calls[0]?.subject ?? '');
    const v = (call: GatewayCall, message: string) =>
      violations.push({
        invariant: 'one-handler',
        ...(o ? { orderId: o.order.id } : {}),
        ...(call.subject?.startsWith('ref_') ? { refundId: call.subject } : { paymentId: call.subject }),
        message: claim === call.subject ? message : `${claim}: ${message}`,
      });
    let latest: GatewayCall | undefined;
    calls.forEach((call, k) => {
      const prev = calls[k - 1];
      if (latest && latest.instance !== call.instance) figures.handoffs += 1;
      // The client's own resend of a call it gave up on (no signed answer back) is one call, not two steps:
      // on a loaded machine the abandoned request's end is recorded a little after the resend leaves.
      const clientResend =
        latest !== undefined &&
        latest.instance === call.instance &&
        latest.api === call.api &&
        !latest.answered;
      if (latest && latest.endedAt > call.sentAt && !clientResend) {
        v(
          call,
          `instance ${call.instance} sent ${call.api} while instance ${latest.instance}'s ${latest.api} was in flight (${seconds(latest.endedAt - call.sentAt)} overlap): one due step run twice`,
        );
      } else if (
        o &&
        prev?.api === 'inquiryPayment' &&
        call.api === 'inquiryPayment' &&
        // The client resends an unanswered inquiry, or one answered U UNKNOWN_EXCEPTION or
        // REQUEST_TRAFFIC_EXCEED_LIMIT, itself: one call, not two steps.
        (prev.instance !== call.instance ||
          (prev.answered &&
            !(prev.resultStatus === 'U' && RETRYABLE_UNKNOWN_CODES.has(prev.resultCode ?? '')))) &&
        // "Not found" before the pay lease ends is asked again at the lease's end (lifecycle.ts), however
        // soon that is: `pay` can no longer land after it.
        prev.resultCode !== 'ORDER_NOT_EXIST' &&
        call.sentAt - prev.endedAt < ASKED_AGAIN_WITHIN_MS &&
        call.sentAt < o.expiresAt &&
        !o.changes.some((at) => at >= prev.sentAt && at <= call.sentAt) &&
        !run.kills.some(
          (kill) => kill.instance === prev.instance && kill.at >= prev.sentAt && kill.at <= call.sentAt,
        )
      ) {
        v(
          call,
          `asked again by instance ${call.instance} ${Math.round(call.sentAt - prev.endedAt)} ms after instance ${prev.instance}'s inquiry (${answerOf(prev)}), before its timeout and with nothing changed: one due step run twice in a cycle`,
        );
      }
      if (!latest || call.endedAt > latest.endedAt) latest = call;
    });
  }
  const attempts = inquiries.filter((n) => n > 0);
  figures.inquiriesPerAttempt = {
    max: Math.max(0, ...attempts),
    mean: attempts.length === 0 ? 0 : attempts.reduce((a, b) => a + b, 0) / attempts.length,
  };
  return { violations, figures };
}

export interface ClusterFigures {
  servedByInstance: Record<string, number>;
  antomCallsByInstance: Record<string, number>;
  /** Antom's notifications acknowledged, by instance; how many landed on another instance than the pay. */
  notifications: { byInstance: Record<string, number>; elsewhere: number; total: number };
  kills: { instance: number; atMs: number; holding: string[] }[];
  cancels: CancelFigures;
  handlers: HandlerFigures;
}

const tally = (keys: (string | number)[]) =>
  keys.reduce<Record<string, number>>((acc, key) => ((acc[key] = (acc[key] ?? 0) + 1), acc), {});

/** Both multi-instance checks, and the figures that show the work was really spread. */
export function checkCluster(run: ClusterRun): { violations: Violation[]; figures: ClusterFigures } {
  const once = checkCancelOnce(run);
  const handlers = checkOneHandler(run);
  const origin = callOrigin(run);
  const t0 = startOf(run);
  const paidBy = new Map(run.calls.filter((c) => c.api === 'pay').map((c) => [c.subject, c.instance]));
  const notified = run.served.filter(
    (r) => r.method === 'POST' && r.path === run.notifyPath && r.status === 200 && r.paymentRequestId,
  );
  return {
    violations: [...once.violations, ...handlers.violations],
    figures: {
      servedByInstance: tally(run.served.map((r) => r.instance)),
      antomCallsByInstance: tally(run.calls.map((c) => c.instance)),
      notifications: {
        byInstance: tally(notified.map((r) => r.instance)),
        elsewhere: notified.filter((r) => {
          const payer = paidBy.get(r.paymentRequestId);
          return payer !== undefined && payer !== r.instance;
        }).length,
        total: notified.length,
      },
      kills: run.kills.map((kill) => ({
        instance: kill.instance,
        atMs: kill.at - t0,
        holding: kill.holding.map((c) => `${c.api} ${c.subject} (${origin(c)})`),
      })),
      cancels: once.figures,
      handlers: handlers.figures,
    },
  };
}

/**
 * What happened to the attempt or refund of a violation, for the report: its Antom calls (instance,
 * sweeper or request, answer), the buyer's and merchant's requests on its order and Antom's notifications
 * (instance), and its order's state changes, in time order.
 */
export function clusterEvidence(run: ClusterRun, violation: Violation): string[] {
  const id = violation.paymentId ?? violation.refundId;
  const order = run.orders.find((o) => o.id === violation.orderId);
  if (!order || !id) return [];
  const origin = callOrigin(run);
  const t0 = startOf(run);
  const t = (ms: number) => `+${((ms - t0) / 1000).toFixed(3)} s`;
  const payments = new Set(order.payments.map((p) => p.id));
  const rows: { at: number; text: string }[] = [
    ...run.calls
      .filter((c) => c.subject === id)
      .map((c) => ({
        at: c.sentAt,
        text: `#${c.instance} ${c.api} (${origin(c)}) → ${c.answered ? `${c.resultStatus} ${c.resultCode}` : 'no signed answer back'}, until ${Number.isFinite(c.endedAt) ? t(c.endedAt) : 'open'}`,
      })),
    ...run.served
      .filter(
        (r) =>
          (r.method === 'POST' && (r.path.includes(order.checkoutToken) || r.path.includes(order.id))) ||
          (r.paymentRequestId !== undefined && payments.has(r.paymentRequestId)),
      )
      .map((r) => ({
        at: r.sentAt,
        text: `#${r.instance} ${r.method} ${r.path.replace(order.checkoutToken, '<token>')} → ${r.status ?? 'no answer'}, until ${Number.isFinite(r.endedAt) ? t(r.endedAt) : 'open'}`,
      })),
    ...run.kills.map((k) => ({ at: k.at, text: `#${k.instance} killed (SIGKILL)` })),
    ...(order.events ?? [])
      .filter(
        (e) => e.type.startsWith('order.') || e.type.startsWith('payment.') || e.type.startsWith('refund.'),
      )
      .map((e) => ({
        at: Date.parse(e.at),
        text: `${e.type} ${String(e.data.paymentId ?? e.data.refundId ?? '')} ${e.data.from ? `${String(e.data.from)} → ${String(e.data.to)}` : ''} ${e.data.reason ? `(${String(e.data.reason)})` : ''}`.trim(),
      })),
  ];
  return rows.sort((a, b) => a.at - b.at).map((r) => `${t(r.at)}  ${r.text}`);
}
