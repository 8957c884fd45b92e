// The ops console's words for what the server records (D11): payment states and reasons, refunds,
// the money a buyer was charged beyond the order (a capture a cancel reversed, a surplus given back), the
// history's events, and what a refund does for the buyer. Operators read English (format.tsx); the raw
// codes stay beside the words for searching logs, never instead of them.
import type {
  MerchantPaymentMethod,
  OrderEventView,
  PaymentNotice,
  PaymentView,
  RefundView,
} from '@paydesk/api';
import { formatMoney } from '../lib/money.ts';

type Money = { currency: string; value: string };
const money = (m: Money) => formatMoney(m, 'en');

/** What the console knows about methods: display names and refund rules by paymentMethodType. */
export type MethodBook = ReadonlyMap<string, MerchantPaymentMethod>;

/** A method's display name, else its Antom code (a method since removed from the catalog). */
export function methodName(methods: MethodBook | null, type: string): string {
  return methods?.get(type)?.name ?? type;
}

/** A payment attempt's state (PaymentView.state) in words. */
export function stateWords(state: string): string {
  return (
    {
      PENDING: 'Starting',
      UNKNOWN: 'Outcome unknown, being checked with Antom',
      PROCESSING: 'Waiting for the buyer',
      CANCELLING: 'Being cancelled',
      ABANDONED: 'Cancel unconfirmed, being checked with Antom',
      SUCCESS: 'Paid',
      FAIL: 'Failed',
      CANCELLED: 'Cancelled',
      REVERSED: 'Charged, then reversed',
    }[state] ?? state
  );
}

/** The badge colour of an attempt state: a reversal is money that moved twice, so it is a warning. */
export function stateTone(state: string): 'ok' | 'bad' | 'live' | 'off' | 'warn' {
  if (state === 'SUCCESS') return 'ok';
  if (state === 'FAIL') return 'bad';
  if (state === 'REVERSED') return 'warn';
  if (['PENDING', 'UNKNOWN', 'PROCESSING', 'CANCELLING', 'ABANDONED'].includes(state)) return 'live';
  return 'off';
}

const REASONS: Record<string, string> = {
  TIMEOUT: 'The code expired unpaid',
  BUYER_CANCELLED: 'The buyer cancelled',
  ORDER_CLOSED: 'The order was closed',
  ORDER_PAID: 'The order was paid by another payment',
  GATEWAY_ERROR: 'Antom could not start the payment',
  GATEWAY_PENDING: 'Waiting for Antom to answer',
  GATEWAY_NOT_RECEIVED: 'Antom never received the payment',
  GATEWAY_UNAVAILABLE: 'Payments were briefly unavailable (integration fault)',
  CHARGE_REVERSED: "Charged, then reversed: Antom's cancel returned the money to the buyer",
  DUPLICATE_REFUND_PENDING: 'Paid twice: the surplus is being given back',
  DUPLICATE_REFUNDED: 'Paid twice: the surplus was given back',
  DUPLICATE_REFUND_MANUAL: 'Paid twice: Antom cannot give the surplus back, give it back yourself',
  LATE_PAYMENT_REFUND_PENDING: 'Paid after the order ended: being given back',
  LATE_PAYMENT_REFUNDED: 'Paid after the order ended: given back',
  LATE_PAYMENT_REFUND_MANUAL: 'Paid after the order ended: Antom cannot give it back, give it back yourself',
  CANCELLING: 'Being cancelled',
  // Antom's payment result codes (pay, inquiryPayment and notifyPayment result tables).
  USER_BALANCE_NOT_ENOUGH: "The buyer's balance was not enough",
  RISK_REJECT: "Declined by the wallet's risk control",
  USER_PAYMENT_VERIFICATION_FAILED: "The buyer's verification failed",
  PAYMENT_AMOUNT_EXCEED_LIMIT: "Over the method's amount limit",
  USER_AMOUNT_EXCEED_LIMIT: "Over the buyer's amount limit",
  PAYMENT_COUNT_EXCEED_LIMIT: "Over the buyer's number of payments",
  USER_KYC_NOT_QUALIFIED: "The buyer's account is not verified for this payment",
  USER_STATUS_ABNORMAL: "The buyer's account is restricted",
  USER_NOT_EXIST: 'The buyer has no account with this method',
  ORDER_IS_CLOSED: 'Antom had already closed the payment',
  ORDER_IS_EXPIRED: 'The code had expired at Antom',
  PAYMENT_FAILED: 'Declined',
  // Faults of the integration itself (gateway-health.ts): the operator's to fix.
  INVALID_SIGNATURE: 'Antom refused our signature (integration fault)',
  SIGNATURE_INVALID: "Antom's answer did not verify (integration fault)",
  KEY_NOT_FOUND: 'Antom knows no such key (integration fault)',
  ACCESS_DENIED: 'Antom denied access (integration fault)',
  INVALID_CLIENT: 'Antom does not accept this client id (integration fault)',
  CLIENT_INVALID: 'Antom does not accept this client id (integration fault)',
};

/** A payment's reason in words; an unknown code is named as Antom's answer. Null when there is none. */
export function reasonWords(reason: string | null | undefined): string | null {
  if (!reason) return null;
  return REASONS[reason] ?? `Antom answered ${reason}`;
}

/** Every reason with words of its own (the unit test walks them). */
export function knownReasonCodes(): string[] {
  return Object.keys(REASONS);
}

/** How money goes back to the buyer. */
export function refundMethodWords(method: RefundView['method']): string {
  return {
    REFUND: 'Antom refund',
    CANCEL: 'Antom cancel (the whole payment goes back)',
    NONE: 'Not possible through Antom: give it back yourself',
  }[method];
}

/** Where a refund stands. */
export function refundStatusWords(status: RefundView['status']): string {
  return {
    PENDING: 'Being sent to Antom',
    PROCESSING: 'Antom is processing it',
    SUCCEEDED: 'Back with the buyer',
    FAILED: 'Failed: nothing was given back',
    MANUAL: 'Needs you: give it back outside Antom',
  }[status];
}

/** What a refund is for. */
export function refundKindWords(refund: Pick<RefundView, 'kind' | 'reason'>): string {
  if (refund.kind === 'MERCHANT') return 'Refund';
  return refund.reason === 'LATE_PAYMENT' ? 'Late payment given back' : 'Surplus payment given back';
}

/** The marker of an order-list row and the heading of a notice in the order. */
export function noticeTitle(notice: Pick<PaymentNotice, 'cause' | 'outcome'>): string {
  if (notice.cause === 'REVERSED') return 'Charged, then reversed';
  const what = notice.cause === 'DUPLICATE' ? 'Paid twice' : 'Paid late';
  return {
    REFUND_PENDING: `${what}: refund pending`,
    REFUNDED: `${what}: refunded`,
    REFUND_MANUAL: `${what}: refund by hand`,
    REVERSED: `${what}: reversed`,
  }[notice.outcome];
}

export function noticeTone(notice: Pick<PaymentNotice, 'outcome'>): 'ok' | 'live' | 'warn' {
  if (notice.outcome === 'REFUNDED') return 'ok';
  if (notice.outcome === 'REFUND_PENDING') return 'live';
  return 'warn';
}

/** What a surplus or reversed payment means, in one sentence for the order page. */
export function noticeSentence(notice: PaymentNotice, methods: MethodBook | null): string {
  const name = methodName(methods, notice.paymentMethodType);
  const amount = money(notice.amount);
  if (notice.cause === 'REVERSED') {
    return `The buyer paid ${amount} with ${name} while Paydesk was cancelling that code; Antom's cancel then returned the money to the buyer. Nothing is owed either way.`;
  }
  const why =
    notice.cause === 'DUPLICATE'
      ? 'after the order had already been paid by another payment'
      : 'after the order had expired or been closed';
  const state = {
    REFUND_PENDING: 'it is on its way back to the buyer',
    REFUNDED: 'it has been given back to the buyer',
    REFUND_MANUAL: 'Antom cannot give it back, so you must return it to the buyer yourself',
    REVERSED: 'a cancel returned it to the buyer',
  }[notice.outcome];
  return `The buyer paid ${amount} with ${name} ${why}; ${state}.`;
}

export interface RefundPlan {
  amount: Money;
  /** What is left to refund before this one. */
  refundable: Money;
  paid: Money;
  method: MerchantPaymentMethod | null;
  paymentMethodType: string;
}

/** Full when the refund returns all that is left to refund; the detail says what that means. */
export function refundScope(plan: Pick<RefundPlan, 'amount' | 'refundable' | 'paid'>): {
  full: boolean;
  detail: string;
} {
  const after = BigInt(plan.refundable.value) - BigInt(plan.amount.value);
  if (after <= 0n) {
    return {
      full: true,
      detail:
        plan.refundable.value === plan.paid.value
          ? `All ${money(plan.paid)} paid goes back.`
          : `What is left goes back: ${money(plan.amount)} of the ${money(plan.paid)} paid.`,
    };
  }
  return {
    full: false,
    detail: `${money({ currency: plan.amount.currency, value: after.toString() })} stays refundable afterwards.`,
  };
}

/**
 * What the buyer will see after a refund. Antom refunds digital wallets synchronously and every other
 * method asynchronously (https://docs.antom.com/ac/questions/refund_question).
 */
export function buyerSees(plan: Pick<RefundPlan, 'amount' | 'method' | 'paymentMethodType'>): string {
  const amount = money(plan.amount);
  const name = plan.method?.name ?? plan.paymentMethodType;
  if (plan.method?.wallet) {
    const wallet = /wallet$/i.test(name) ? name : `${name} wallet`;
    return `${amount} is returned to the buyer's ${wallet}, usually at once.`;
  }
  const where =
    plan.method?.category === 'BANK_TRANSFER'
      ? 'to the bank account they paid from'
      : plan.method?.category === 'PAYMENT_CODE'
        ? `the way ${name} pays refunds back`
        : `through ${name}`;
  return `${amount} is returned to the buyer ${where}, usually within a few days; Antom confirms it later.`;
}

/** The words of one history event; gateway calls and notifications keep their technical summary. */
export function eventWords(
  event: OrderEventView,
  context: { payments: readonly PaymentView[]; methods: MethodBook | null },
): string {
  const d = event.data as Record<string, unknown>;
  const text = (key: string) => (typeof d[key] === 'string' ? (d[key] as string) : null);
  const paymentId = text('paymentId');
  const payment = paymentId ? context.payments.find((p) => p.id === paymentId) : undefined;
  const described = payment
    ? `${methodName(context.methods, payment.paymentMethodType)} payment ${payment.id} (${money(payment.amount)})`
    : paymentId
      ? `payment ${paymentId}`
      : 'a payment';
  const reason = reasonWords(text('reason'));
  const because = reason ? `: ${lower(reason)}` : '';
  const amountOf = (key: string) => {
    const value = text(key);
    const currency = payment?.amount.currency ?? context.payments[0]?.amount.currency;
    return value && currency ? money({ currency, value }) : null;
  };
  switch (event.type) {
    case 'gateway.call':
      return `Called Antom ${String(d.api)}: ${String(d.resultCode ?? d.httpStatus ?? d.error ?? 'no answer')}${
        d.durationMs != null ? ` in ${String(d.durationMs)} ms` : ''
      }`;
    case 'notification.received':
      return `Antom notified ${String(d.notifyType)}: ${String(d.outcome)}${d.verified ? '' : ' (did not verify)'}`;
    case 'order.created':
      return 'Order created';
    case 'order.paid':
      return `Order paid${paymentId ? ` by ${described}` : ''}`;
    case 'order.expired':
      return 'Order expired unpaid';
    case 'order.closed':
      return 'Order closed by the merchant';
    case 'payment.created':
      return `${cap(described)} started`;
    case 'payment.processing':
      return `${cap(described)}: code shown, waiting for the buyer`;
    case 'payment.unknown':
      return `${cap(described)}: Antom's answer was unclear, asking Antom`;
    case 'payment.cancelling':
      return `Cancelling ${described}${because}`;
    case 'payment.abandoned':
      return `${cap(described)}: Antom did not confirm the cancel, checking again later`;
    case 'payment.success':
      return `${cap(described)} captured`;
    case 'payment.fail':
      return `${cap(described)} failed${because}`;
    case 'payment.cancelled':
      return `${cap(described)} cancelled${because}`;
    case 'payment.reversed':
      return `${cap(described)} was charged, then reversed: Antom's cancel returned the money to the buyer`;
    case 'payment.duplicate':
      return `${cap(described)} is a surplus: giving it back${
        d.method === 'CANCEL' ? ' by an Antom cancel' : d.method === 'REFUND' ? ' by an Antom refund' : ''
      }`;
    case 'payment.duplicate_refunded':
      return `Surplus ${described} given back to the buyer`;
    case 'payment.duplicate_manual':
      return `Surplus ${described} cannot be given back through Antom: give it back yourself`;
    case 'refund.requested': {
      const amount = amountOf('amount');
      const why = text('reason');
      return `Refund ${text('refundId') ?? ''}${amount ? ` of ${amount}` : ''} asked for${why ? ` (${why})` : ''}`;
    }
    default: {
      const refund = /^refund\.(pending|processing|succeeded|failed|manual)$/.exec(event.type);
      if (refund) {
        const status = refund[1]!.toUpperCase() as RefundView['status'];
        const amount = amountOf('amount');
        const kind = d.kind === 'DUPLICATE' ? 'Surplus give-back' : 'Refund';
        return `${kind} ${text('refundId') ?? ''}${amount ? ` of ${amount}` : ''}: ${lower(refundStatusWords(status))}`;
      }
      return cap(event.type.replace(/[._]/g, ' '));
    }
  }
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** Lower-cases the first letter to continue a sentence, but not a name (Antom, Paydesk). */
export const lower = (s: string) =>
  /^(Antom|Paydesk)\b/.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1);
