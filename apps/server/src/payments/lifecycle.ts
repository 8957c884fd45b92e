// The payment lifecycle as one pure decision (D12): given an attempt as it stands, what just happened
// (an answer from Antom, a notification, a buyer's or merchant's request, the clock) and the time, it
// says where the attempt goes, what else is written with it, and which gateway call follows. No I/O:
// payment.service.ts loads, calls decide(), writes the decision as one compare-and-set, then runs the call
// and feeds its answer back in. Table and property tests cover every (state, event) pair.
//
// Rules it keeps (S9–S11, S16–S20, docs/antom-notes.md §5–§6, D11):
//  - an unknown answer is never a failure: it is settled by inquiry, never by a second `pay`;
//  - ask before you cancel: a code the buyer could have paid is cancelled only after an inquiry says it
//    is still unpaid, so a close or a buyer's cancel never reverses a payment Antom already had;
//  - while our cancel is out, Antom's answer to it decides; a capture reported meanwhile is kept as
//    evidence, and a cancel that then succeeds is recorded as a reversal (REVERSED), never dropped;
//  - a verified capture is never dropped: on a failed or cancelled attempt it becomes SUCCESS (settled as
//    a late payment: it pays an open order or is given back) unless Antom reversed it;
//  - every attempt that is not final always has a next look scheduled.
import type { AttemptStatus, OrderStatus, PaymentPatch } from '../db/schema.ts';
import { FINAL_ATTEMPT_STATUSES } from '../domain/state-machine.ts';
import type { CancelResult, CreatePaymentResult, InquiryResult } from '../gateway/payment-gateway.ts';
import {
  abandonedCheckAt,
  DELAYS,
  INQUIRY_SCHEDULE_SECONDS,
  nextInquiryAt,
  refusedCancelRetryMs,
} from './lifecycle.schedule.ts';

/** Why we stop a code: the buyer, the merchant, the clock (S19), another payment, or a lost `pay`. */
export type StopReason = 'BUYER_CANCELLED' | 'TIMEOUT' | 'ORDER_CLOSED' | 'ORDER_PAID' | 'GATEWAY_ERROR';

/** Where a report of a capture came from; a stale inquiry is one sent before the attempt ended. */
export type CaptureSource = 'pay' | 'inquiry' | 'stale inquiry' | 'notification';

export type LifecycleEvent =
  /** `pay` answered (or did not). */
  | { type: 'pay_answered'; result: CreatePaymentResult }
  /**
   * An inquiry answered; `cancelRefused` when it was asked because Antom refused our cancel. `askedAt` is
   * when it was sent (absent: just now): an answer sent before the attempt ended describes Antom before
   * our cancel, and says nothing about what that cancel did.
   */
  | { type: 'inquiry_answered'; result: InquiryResult; cancelRefused?: string; askedAt?: number }
  | { type: 'cancel_answered'; result: CancelResult }
  /** A verified PAYMENT_RESULT / PAYMENT_PENDING notification. */
  | {
      type: 'notified';
      outcome: 'SUCCESS' | 'FAIL' | 'PENDING';
      resultCode: string;
      gatewayPaymentId: string;
      paidAt: number | null;
    }
  /** The buyer, the merchant's close, or the order's payment elsewhere asks for the code to stop. */
  | { type: 'stop_requested'; reason: StopReason }
  /** The attempt's next look is due (the sweeper). */
  | { type: 'due' };

/** The fields of an attempt the lifecycle reads. */
export interface AttemptFacts {
  status: AttemptStatus;
  created_at: number;
  expires_at: number;
  gateway_expires_at: number;
  check_count: number;
  cancel_reason: string | null;
  paid_at: number | null;
  /** When the attempt reached its final state (null while it is live). */
  final_at: number | null;
  /** Until when a gateway call for the attempt is out (a look or a cancel); null or past when none is. */
  lease_until: number | null;
  gateway_payment_id: string | null;
  currency: string;
  amount: string;
}

export interface DecideContext {
  now: number;
  /** The order's status as last read (a settlement re-reads it under the order's lock). */
  orderStatus: OrderStatus;
  /** Antom's cancel rule for the method (catalog.ts): `never` means a refused cancel is final. */
  cancelRule: 'paid' | 'unpaid' | 'never' | undefined;
  /** How long a PENDING attempt is left to the confirm that is waiting on `pay`. */
  payLeaseMs: number;
  /** How long one gateway call may take: an attempt whose call is out is claimed that long. */
  callLeaseMs: number;
}

/** The gateway call that follows a decision, once it is written. */
export type Effect =
  | { kind: 'inquire'; cancelRefused?: string }
  | { kind: 'cancel' }
  /** `pay` landed on an attempt we had already closed: close it at Antom too, whatever it answers. */
  | { kind: 'cancel_late_code' };

export interface Decision {
  /** The new status; absent when the status stays (the patch is still a compare-and-set on it). */
  to?: AttemptStatus;
  patch: PaymentPatch;
  effect?: Effect;
  /** Why an operator must look at the order (written in the same transaction). */
  flag?: string;
}

/** Nothing to write and nothing to do: the event changes nothing for this attempt. */
export const NOTHING: Decision = Object.freeze({ patch: Object.freeze({}) }) as Decision;

/**
 * Ranks of the states: a decision never lowers it. Knowledge of the money only grows: a live attempt ends
 * FAIL or CANCELLED; a capture found later raises it to SUCCESS; a reversal found later to REVERSED.
 */
export const STATE_RANK: Readonly<Record<AttemptStatus, number>> = {
  PENDING: 0,
  UNKNOWN: 1,
  PROCESSING: 2,
  CANCELLING: 3,
  ABANDONED: 3,
  FAIL: 4,
  CANCELLED: 4,
  SUCCESS: 5,
  REVERSED: 6,
};

const isFinal = (status: AttemptStatus) => FINAL_ATTEMPT_STATUSES.includes(status);

export function decide(attempt: AttemptFacts, event: LifecycleEvent, ctx: DecideContext): Decision {
  switch (event.type) {
    case 'pay_answered':
      return payAnswered(attempt, event.result, ctx);
    case 'inquiry_answered':
      return inquiryAnswered(attempt, event.result, event.cancelRefused, event.askedAt ?? ctx.now, ctx);
    case 'cancel_answered':
      return cancelAnswered(attempt, event.result, ctx);
    case 'notified':
      if (event.outcome === 'SUCCESS')
        return captured(attempt, 'notification', event.paidAt ?? ctx.now, event.gatewayPaymentId, ctx);
      if (event.outcome === 'FAIL')
        return isFinal(attempt.status) ? NOTHING : failed(attempt, event.resultCode);
      // PAYMENT_PENDING: the buyer acted; ask Antom now rather than wait for the schedule.
      return ['PROCESSING', 'UNKNOWN', 'ABANDONED'].includes(attempt.status)
        ? { patch: { next_check_at: ctx.now } }
        : NOTHING;
    case 'stop_requested':
      return stopRequested(attempt, event.reason, ctx);
    case 'due':
      return due(attempt, ctx);
  }
}

// ---------------------------------------------------------------- the events

function payAnswered(attempt: AttemptFacts, result: CreatePaymentResult, ctx: DecideContext): Decision {
  const { now } = ctx;
  switch (result.kind) {
    case 'succeeded':
      return captured(attempt, 'pay', now, result.gatewayPaymentId, ctx);
    case 'created': {
      const code = {
        gateway_payment_id: result.gatewayPaymentId,
        code_kind: result.code?.kind ?? null,
        code_value: result.code?.value ?? null,
        deep_link: result.deepLink,
        links: result.links ? JSON.stringify(result.links) : null,
        wallet_url: result.walletUrl,
      };
      if (attempt.status === 'PENDING' || attempt.status === 'UNKNOWN') {
        // The order stopped being open (paid or closed) while `pay` was out, or a stop was asked for: the
        // code never reached the buyer, so nobody can have paid it — cancel it without asking first.
        const stop = attempt.cancel_reason ?? orderStop(ctx);
        if (stop) return cancelNow({ ...code, cancel_reason: stop }, ctx);
        return {
          to: 'PROCESSING',
          patch: {
            ...code,
            reason: null,
            next_check_at: now + INQUIRY_SCHEDULE_SECONDS[0] * 1000,
            check_count: 0,
            lease_until: null,
          },
        };
      }
      // Cancelling or settled meanwhile: keep Antom's id for the record, show no code.
      const keepId = attempt.gateway_payment_id ? {} : { gateway_payment_id: result.gatewayPaymentId };
      if (attempt.status === 'CANCELLED' || attempt.status === 'FAIL') {
        // `pay` landed after we had closed the attempt (a cancel that found nothing): close it at Antom.
        return { patch: keepId, effect: { kind: 'cancel_late_code' } };
      }
      return Object.keys(keepId).length > 0 ? { patch: keepId } : NOTHING;
    }
    case 'failed':
      return attempt.status === 'PENDING' ? { to: 'FAIL', patch: { reason: result.code } } : NOTHING;
    case 'unknown':
      // Unknown: ask Antom soon; the buyer sees "still working" meanwhile (D4.7).
      return attempt.status === 'PENDING'
        ? {
            to: 'UNKNOWN',
            patch: { reason: 'GATEWAY_PENDING', next_check_at: now + DELAYS.payUnknownMs, check_count: 0 },
          }
        : NOTHING;
  }
}

function inquiryAnswered(
  attempt: AttemptFacts,
  result: InquiryResult,
  cancelRefused: string | undefined,
  askedAt: number,
  ctx: DecideContext,
): Decision {
  const { now } = ctx;
  const { status } = attempt;
  // An answer to a look sent before the attempt ended says nothing about what happened after the end: on a
  // cancelled or failed attempt only a capture in it is news (kept as evidence, below); anything else must
  // not end the looks the end scheduled (the model found a slow "unpaid" stopping the look that would have
  // found a reversal).
  const sentBeforeEnd = attempt.final_at !== null && askedAt <= attempt.final_at;
  if (
    sentBeforeEnd &&
    (status === 'CANCELLED' || status === 'FAIL') &&
    !(result.kind === 'found' && (result.status === 'SUCCESS' || result.reversal))
  )
    return NOTHING;
  if (result.kind === 'unknown') {
    if (status === 'CANCELLED' || status === 'FAIL') return verifyAgain(attempt, ctx);
    const stop = attempt.cancel_reason ?? (now >= attempt.expires_at ? 'TIMEOUT' : null);
    if (status === 'PROCESSING' && stop) {
      // A stop (or the deadline) and no answer we can trust: ask again soon — an unsigned answer may say
      // the buyer has paid — and only after a few such looks cancel without one (docs/antom-notes.md §5.1):
      // Antom's answer to the cancel then decides, and a capture it reverses is recorded, not lost.
      // Looks are counted from the stop (its reason resets the count; the deadline's look is the first).
      const looks = attempt.cancel_reason ? attempt.check_count + 1 : 1;
      if (looks >= DELAYS.stopLooks) return cancelNow({ cancel_reason: stop }, ctx);
      return {
        patch: {
          cancel_reason: stop,
          next_check_at: now + DELAYS.stopNoAnswerMs,
          check_count: looks,
          lease_until: null,
        },
      };
    }
    return reschedule(attempt, now + DELAYS.inquiryNoAnswerMs, ctx);
  }
  if (result.kind === 'not_found') {
    // `pay` never landed at Antom. Before the lease ends it may still be on its way (a cancel sent now
    // would find nothing and the late `pay` would open a payment nobody watches); after, it is over.
    if (isFinal(status)) return { patch: { next_check_at: null } };
    if (now < attempt.created_at + ctx.payLeaseMs)
      return reschedule(attempt, attempt.created_at + ctx.payLeaseMs, ctx);
    return {
      to: status === 'CANCELLING' ? 'CANCELLED' : 'FAIL',
      patch: { reason: attempt.cancel_reason ?? 'GATEWAY_NOT_RECEIVED' },
    };
  }
  if (
    result.amount &&
    (result.amount.currency !== attempt.currency || result.amount.value !== attempt.amount)
  ) {
    // A verified answer about another amount: never settle on it; an operator must look.
    return {
      patch: {
        next_check_at: now + DELAYS.amountMismatchMs,
        check_count: attempt.check_count + 1,
        lease_until: null,
      },
      flag: `Antom reports ${result.amount.value} ${result.amount.currency} for a payment of ${attempt.amount} ${attempt.currency}`,
    };
  }
  const withId =
    result.gatewayPaymentId && !attempt.gateway_payment_id
      ? { gateway_payment_id: result.gatewayPaymentId }
      : {};
  const paidAt = result.paidAt ?? attempt.paid_at ?? now;
  // Antom reports the capture was cancelled afterwards (funds back to the buyer): a reversal, whoever
  // sent the cancel. Also when Antom says CANCELLED of an attempt a verified notification said was paid.
  if (result.reversal || (result.status === 'CANCELLED' && attempt.paid_at !== null)) {
    if (status === 'SUCCESS' || status === 'REVERSED') return NOTHING;
    return reversed(attempt, paidAt, result.reversal?.at ?? now, withId);
  }
  switch (result.status) {
    case 'SUCCESS':
      // Sent before the attempt ended, the answer is Antom before our cancel: on a CANCELLED attempt it
      // is evidence of a capture, not news that the capture stands (the cancel may have reversed it).
      return captured(
        attempt,
        // Strictly after: a look sent in the very millisecond the attempt ended may predate the end.
        attempt.final_at === null || askedAt > attempt.final_at ? 'inquiry' : 'stale inquiry',
        paidAt,
        result.gatewayPaymentId,
        ctx,
        cancelRefused !== undefined,
      );
    case 'FAIL':
      return failed(attempt, now >= attempt.expires_at ? 'TIMEOUT' : (result.resultCode ?? 'PAYMENT_FAILED'));
    case 'CANCELLED':
      if (status === 'CANCELLED' || status === 'FAIL') return { patch: { ...withId, next_check_at: null } };
      if (isFinal(status)) return NOTHING;
      return {
        to: 'CANCELLED',
        patch: { ...withId, reason: attempt.cancel_reason ?? result.resultCode ?? 'CANCELLED' },
      };
    case 'PROCESSING':
    case 'PENDING':
      return stillOpen(attempt, cancelRefused, result.status === 'PENDING', withId, ctx);
  }
}

/** Antom says the payment is neither paid nor closed; PENDING means the buyer has completed at Antom. */
function stillOpen(
  attempt: AttemptFacts,
  cancelRefused: string | undefined,
  buyerCompleted: boolean,
  withId: PaymentPatch,
  ctx: DecideContext,
): Decision {
  const { now } = ctx;
  // The buyer has completed at Antom: never cancel a payment that is finishing; its result is near.
  if (buyerCompleted && attempt.status !== 'CANCELLING' && !isFinal(attempt.status))
    return reschedule(attempt, now + DELAYS.completingMs, ctx, withId);
  switch (attempt.status) {
    case 'CANCELLING': {
      if (!cancelRefused) return reschedule(attempt, now + DELAYS.callOutMs, ctx, withId);
      // Refused while the buyer has completed (Antom PENDING), or by a method that can normally be
      // cancelled: the result is near, so keep the buyer waiting and ask again rather than letting
      // them pay a second code (docs/antom-notes.md §5.1, §5.2).
      if (buyerCompleted || ctx.cancelRule !== 'never')
        return reschedule(attempt, now + refusedCancelRetryMs(attempt.check_count), ctx, withId);
      // Antom will not cancel it (e.g. Indonesian methods): the buyer may move on, we keep watching
      // until it is paid or Antom's own expiry ends it.
      return {
        to: 'ABANDONED',
        patch: {
          ...withId,
          reason: attempt.cancel_reason,
          next_check_at: abandonedCheckAt(attempt.gateway_expires_at, 0, now),
          check_count: 0,
          lease_until: null,
        },
      };
    }
    case 'PENDING':
      if (now < attempt.created_at + ctx.payLeaseMs)
        return reschedule(attempt, attempt.created_at + ctx.payLeaseMs, ctx, withId);
      return cancelNow({ ...withId, cancel_reason: attempt.cancel_reason ?? 'GATEWAY_ERROR' }, ctx);
    case 'UNKNOWN':
      // The payment exists but its code never reached us (lost reply): close it; the buyer starts again
      // with a new paymentRequestId rather than a second `pay` under this one (D6.5).
      return cancelNow(
        { ...withId, cancel_reason: attempt.cancel_reason ?? orderStop(ctx) ?? 'GATEWAY_ERROR' },
        ctx,
      );
    case 'PROCESSING': {
      const stop = attempt.cancel_reason ?? (now >= attempt.expires_at ? 'TIMEOUT' : null);
      if (!stop)
        return reschedule(
          attempt,
          Math.min(nextInquiryAt(attempt.check_count, now), attempt.expires_at),
          ctx,
          withId,
        );
      // Asked, and still unpaid: now the cancel (S19, S20).
      return cancelNow({ ...withId, cancel_reason: stop }, ctx);
    }
    case 'ABANDONED':
      return reschedule(
        attempt,
        abandonedCheckAt(attempt.gateway_expires_at, attempt.check_count, now),
        ctx,
        withId,
      );
    case 'CANCELLED':
    case 'FAIL':
      // A look after the end found it open at Antom: nothing we can settle; stop looking.
      return { patch: { ...withId, next_check_at: null } };
    default:
      return NOTHING;
  }
}

function cancelAnswered(attempt: AttemptFacts, result: CancelResult, ctx: DecideContext): Decision {
  if (attempt.status !== 'CANCELLING') return NOTHING;
  const { now } = ctx;
  switch (result.kind) {
    case 'cancelled':
      // A capture was reported while our cancel was out: Antom's cancel returned it to the buyer.
      if (attempt.paid_at !== null) return reversed(attempt, attempt.paid_at, now, {});
      // One more look shortly, in case the buyer paid just before the cancel arrived (D11).
      return {
        to: 'CANCELLED',
        patch: {
          reason: attempt.cancel_reason,
          next_check_at: now + DELAYS.verifyAfterCancelMs,
          check_count: 0,
        },
      };
    case 'rejected':
      return {
        patch: { next_check_at: now + DELAYS.callOutMs },
        effect: { kind: 'inquire', cancelRefused: result.code },
      };
    case 'unknown':
      // The sweeper sends the same cancel again (cancel is idempotent at Antom).
      return reschedule(attempt, now + DELAYS.callOutMs, ctx);
  }
}

function stopRequested(attempt: AttemptFacts, reason: StopReason, ctx: DecideContext): Decision {
  switch (attempt.status) {
    case 'PENDING':
    case 'UNKNOWN':
      // No code has reached the buyer: nobody can have paid it; cancel at once.
      return cancelNow({ cancel_reason: reason }, ctx);
    case 'PROCESSING':
      // One look at a time (D11.1): a look already out (the sweeper's, another stop's) answers soon and,
      // decided on the attempt as it then stands, finds this reason and sends the cancel. A second look
      // could see the payment while the first one's older "unpaid" decides the cancel.
      // The next look is made due soon too: the look out may have been decided on a read taken before this
      // reason was written, and scheduled itself late.
      if (attempt.lease_until !== null && attempt.lease_until > ctx.now)
        return attempt.cancel_reason
          ? NOTHING
          : {
              patch: { cancel_reason: reason, check_count: 0, next_check_at: ctx.now + DELAYS.callOutMs },
            };
      return askBeforeCancel(attempt, reason, ctx);
    case 'CANCELLING':
      return { patch: { lease_until: ctx.now + ctx.callLeaseMs }, effect: { kind: 'cancel' } };
    default:
      return NOTHING;
  }
}

function due(attempt: AttemptFacts, ctx: DecideContext): Decision {
  const { now } = ctx;
  const ask: Decision = {
    patch: { next_check_at: now + DELAYS.callOutMs, lease_until: now + ctx.callLeaseMs },
    effect: { kind: 'inquire' },
  };
  switch (attempt.status) {
    case 'PENDING':
      if (now < attempt.created_at + ctx.payLeaseMs)
        return reschedule(attempt, attempt.created_at + ctx.payLeaseMs, ctx);
      // The confirm that sent `pay` is gone (its process died): its answer is unknown (D6.5).
      return { ...ask, to: 'UNKNOWN', patch: { ...ask.patch, reason: 'GATEWAY_PENDING' } };
    case 'PROCESSING':
      // The order was paid by another code, or closed: this one must stop, asking first.
      // (The sweeper's own claim holds the lease here, so this look is the one look out.)
      if (!attempt.cancel_reason && orderStop(ctx)) return askBeforeCancel(attempt, orderStop(ctx)!, ctx);
      return ask;
    case 'UNKNOWN': {
      // Its code never reached the buyer, so nobody can have paid it: an order no longer open stops it now.
      const stop = orderStop(ctx);
      return stop ? cancelNow({ cancel_reason: stop }, ctx) : ask;
    }
    case 'ABANDONED':
      return ask;
    case 'CANCELLING':
      return {
        patch: { next_check_at: now + DELAYS.callOutMs, lease_until: now + ctx.callLeaseMs },
        effect: { kind: 'cancel' },
      };
    case 'CANCELLED':
    case 'FAIL':
      // A look after the end (D11): did a capture happen that Antom then reversed, or still holds?
      return {
        patch: { next_check_at: now + DELAYS.verifyAfterCancelMs, lease_until: now + ctx.callLeaseMs },
        effect: { kind: 'inquire' },
      };
    default:
      return { patch: { next_check_at: null } };
  }
}

// ---------------------------------------------------------------- what the events lead to

/** A verified capture (S18, S10): settled unless our cancel is out or Antom reversed it. */
function captured(
  attempt: AttemptFacts,
  source: CaptureSource,
  paidAt: number,
  gatewayPaymentId: string | null,
  ctx: DecideContext,
  cancelRefused = false,
): Decision {
  const withId =
    gatewayPaymentId && !attempt.gateway_payment_id ? { gateway_payment_id: gatewayPaymentId } : {};
  const success: Decision = { to: 'SUCCESS', patch: { ...withId, paid_at: paidAt, reason: null } };
  switch (attempt.status) {
    case 'PENDING':
    case 'UNKNOWN':
    case 'PROCESSING':
    case 'ABANDONED':
      return success;
    case 'CANCELLING':
      // A refused cancel leaves the capture standing; otherwise Antom's answer to our cancel decides, and
      // the capture is kept as evidence (a cancel that then succeeds is a reversal).
      if (cancelRefused) return success;
      return { patch: { ...withId, paid_at: attempt.paid_at ?? paidAt, next_check_at: ctx.now } };
    case 'FAIL':
      // Antom's capture wins over an earlier failure: settled as a late payment (D11).
      return success;
    case 'CANCELLED':
      // Only an inquiry says whether the capture stands (a late payment) or was reversed by the cancel:
      // keep the evidence and ask now. An inquiry sent after the attempt ended that says SUCCESS (no
      // reversal) is that answer; one sent before it ended predates our cancel and is only evidence.
      if (source === 'inquiry') return success;
      return {
        patch: { ...withId, paid_at: attempt.paid_at ?? paidAt, next_check_at: ctx.now, check_count: 0 },
      };
    default:
      return Object.keys(withId).length > 0 ? { patch: withId } : NOTHING;
  }
}

/** A verified failure (notification F, inquiry FAIL). Successful and reversed attempts keep their state. */
function failed(attempt: AttemptFacts, code: string): Decision {
  switch (attempt.status) {
    case 'PENDING':
    case 'UNKNOWN':
    case 'PROCESSING':
      return { to: 'FAIL', patch: { reason: code } };
    case 'CANCELLING':
    case 'ABANDONED':
      return { to: 'FAIL', patch: { reason: attempt.cancel_reason ?? code } };
    case 'CANCELLED':
    case 'FAIL':
      // The answer to a look after the end: nothing was captured; stop looking.
      return { patch: { next_check_at: null } };
    default:
      return NOTHING;
  }
}

function reversed(attempt: AttemptFacts, paidAt: number, at: number, extra: PaymentPatch): Decision {
  return {
    to: 'REVERSED',
    patch: { ...extra, paid_at: attempt.paid_at ?? paidAt, reversed_at: at, reason: 'CHARGE_REVERSED' },
  };
}

/** Why a code must stop because of its order: paid by another code, or closed or expired. */
function orderStop(ctx: DecideContext): StopReason | null {
  if (ctx.orderStatus === 'OPEN') return null;
  return ctx.orderStatus === 'PAID' ? 'ORDER_PAID' : 'ORDER_CLOSED';
}

/** Ask before you cancel (D11.1): the buyer may have paid this very code a moment ago. */
function askBeforeCancel(attempt: AttemptFacts, reason: StopReason, ctx: DecideContext): Decision {
  return {
    patch: {
      // A new stop counts its looks from here (see inquiryAnswered: no answer while stopping).
      ...(attempt.cancel_reason ? {} : { cancel_reason: reason, check_count: 0 }),
      next_check_at: ctx.now + DELAYS.callOutMs,
      lease_until: ctx.now + ctx.callLeaseMs,
    },
    effect: { kind: 'inquire' },
  };
}

/** Moves to CANCELLING and sends the cancel; the sweeper resends it if this process dies meanwhile. */
function cancelNow(patch: PaymentPatch, ctx: DecideContext): Decision {
  return {
    to: 'CANCELLING',
    patch: { ...patch, next_check_at: ctx.now + DELAYS.callOutMs, lease_until: ctx.now + ctx.callLeaseMs },
    effect: { kind: 'cancel' },
  };
}

function reschedule(
  attempt: AttemptFacts,
  at: number,
  _ctx: DecideContext,
  extra: PaymentPatch = {},
): Decision {
  return { patch: { ...extra, next_check_at: at, check_count: attempt.check_count + 1, lease_until: null } };
}

/** A look after the end that got no answer: a few more, then stop asking. */
function verifyAgain(attempt: AttemptFacts, ctx: DecideContext): Decision {
  if (attempt.check_count + 1 >= DELAYS.verifyAttempts)
    return { patch: { next_check_at: null, lease_until: null } };
  return reschedule(attempt, ctx.now + DELAYS.inquiryNoAnswerMs * 2 ** attempt.check_count, ctx);
}
