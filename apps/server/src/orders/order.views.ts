// Rows to contract shapes (@paydesk/api). One place, so the Merchant API, webhooks and the ops console agree.
import type {
  OrderEventView,
  OrderItem,
  OrderSummary,
  OrderView,
  PaymentNotice,
  PaymentView,
  RefundView,
} from '@paydesk/api';
import { iso } from '../domain/clock.ts';
import { buyerPaymentStatus } from '../domain/state-machine.ts';
import type { OrderRow, PaymentRow, RefundRow } from '../db/schema.ts';

export function checkoutUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/checkout/${token}`;
}

/**
 * An order as lists and webhooks show it; given its payments (or those of them that may be notices), it
 * also names every other payment the buyer was charged for (the order list's markers, D11).
 */
export function orderSummary(
  order: OrderRow,
  publicUrl: string,
  payments?: readonly PaymentRow[],
): OrderSummary {
  return {
    id: order.id,
    reference: order.reference,
    status: order.status,
    amount: { currency: order.currency, value: order.amount },
    description: order.description,
    region: order.region,
    checkoutUrl: checkoutUrl(publicUrl, order.checkout_token),
    checkoutToken: order.checkout_token,
    expiresAt: iso(order.expires_at),
    createdAt: iso(order.created_at),
    paidAt: iso(order.paid_at),
    refundedAmount: { currency: order.currency, value: order.refunded },
    needsAttention: order.needs_attention,
    ...(payments ? { notices: payments.flatMap((p) => noticeOf(p) ?? []) } : {}),
  };
}

/** The notice for a payment the buyer was charged for that does not pay the order, if it is one. */
export function noticeOf(p: PaymentRow): PaymentNotice | null {
  const base = {
    paymentId: p.id,
    paymentMethodType: p.method_type,
    amount: { currency: p.currency, value: p.amount },
  };
  if (p.status === 'REVERSED')
    return { ...base, outcome: 'REVERSED', cause: 'REVERSED', at: iso(p.reversed_at) };
  const surplus = /^(DUPLICATE|LATE_PAYMENT)_(REFUND_PENDING|REFUNDED|REFUND_MANUAL)$/.exec(p.reason ?? '');
  if (p.status !== 'SUCCESS' || !surplus) return null;
  return {
    ...base,
    cause: surplus[1] as 'DUPLICATE' | 'LATE_PAYMENT',
    outcome: surplus[2] as 'REFUND_PENDING' | 'REFUNDED' | 'REFUND_MANUAL',
    at: iso(p.paid_at),
  };
}

/** The reason a buyer or operator sees: our own reasons first, then Antom's code. */
export function paymentReason(payment: PaymentRow): string | null {
  if (payment.status === 'CANCELLING') return payment.cancel_reason ?? 'CANCELLING';
  return payment.reason;
}

export function paymentView(payment: PaymentRow): PaymentView {
  return {
    id: payment.id,
    status: buyerPaymentStatus(payment.status),
    reason: paymentReason(payment),
    paymentMethodType: payment.method_type,
    terminalType: payment.terminal_type,
    amount: { currency: payment.currency, value: payment.amount },
    gatewayPaymentId: payment.gateway_payment_id,
    createdAt: iso(payment.created_at),
    expiresAt: iso(payment.expires_at),
    paidAt: iso(payment.paid_at),
    reversedAt: iso(payment.reversed_at),
    finalAt: iso(payment.final_at),
    state: payment.status,
    kept: payment.kept === 1,
    nextCheckAt: iso(payment.next_check_at),
  };
}

export function refundView(refund: RefundRow): RefundView {
  return {
    id: refund.id,
    paymentId: refund.payment_id,
    kind: refund.kind,
    method: refund.method,
    status: refund.status,
    amount: { currency: refund.currency, value: refund.amount },
    reason: refund.reason,
    failureCode: refund.failure_code,
    createdAt: iso(refund.created_at),
    finalAt: iso(refund.final_at),
  };
}

export function orderView(
  order: OrderRow,
  payments: PaymentRow[],
  refunds: RefundRow[],
  events: OrderEventView[] | undefined,
  publicUrl: string,
): OrderView {
  return {
    ...orderSummary(order, publicUrl, payments),
    items: JSON.parse(order.items) as OrderItem[],
    buyer: order.buyer ? JSON.parse(order.buyer) : null,
    returnUrl: order.return_url,
    metadata: JSON.parse(order.metadata) as Record<string, string>,
    payments: payments.map(paymentView),
    refunds: refunds.map(refundView),
    ...(events ? { events } : {}),
  };
}
