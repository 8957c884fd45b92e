// Matching a day's report against our books (D16.3), as a pure function a table test can drive:
// every PAYMENT, CANCEL and REFUND row is looked up by its request id (our paymentRequestId is the attempt
// id, our refundRequestId the refund id) and checked against Antom's id, the amount and currency, and the
// state; every capture, reversal and refund we hold final for the day must appear in the report.
import { fromMinorUnits } from '@paydesk/antom';
import type { DiscrepancyKind, PaymentRow, RefundRow } from '../db/schema.ts';

/** A report row as matching needs it (amounts signed minor units). */
export interface ReportRow {
  file: string;
  line: number;
  transactionType: string;
  transactionId: string;
  originalTransactionId: string | null;
  transactionRequestId: string | null;
  currency: string;
  amount: string;
  fee: string;
  settlementAmount: string;
  time: number | null;
}

/** Our side: the attempts and refunds the rows name or the day expects (REVERSED per D11.2). */
export interface Books {
  payments: ReadonlyMap<string, PaymentRow>;
  refunds: ReadonlyMap<string, RefundRow>;
  /** Captures, reversals and refunds we hold final within day T, each with the row Antom must show. */
  expected: readonly { transactionType: 'PAYMENT' | 'CANCEL' | 'REFUND'; requestId: string }[];
  /** `<type>:<requestId>` of every row of every imported transaction report (a boundary may move a day). */
  reportedAnywhere: ReadonlySet<string>;
}

export interface Finding {
  kind: DiscrepancyKind;
  transactionType: string;
  requestId: string;
  reason: string;
  orderId: string | null;
  paymentId: string | null;
  refundId: string | null;
  ours: Record<string, unknown> | null;
  antom: Record<string, unknown> | null;
}

const keyOf = (type: string, requestId: string) => `${type}:${requestId}`;

/** `THB 1180.00` for people (reasons are read in the ops console and in webhooks). */
function shown(currency: string, minor: string): string {
  try {
    return `${currency} ${fromMinorUnits(minor, currency)}`;
  } catch {
    return `${currency} ${minor}`;
  }
}

function paymentSide(p: PaymentRow): Record<string, unknown> {
  return {
    state: p.status,
    amount: { currency: p.currency, value: p.amount },
    gatewayPaymentId: p.gateway_payment_id,
    paidAt: p.paid_at === null ? null : new Date(p.paid_at).toISOString(),
    ...(p.reversed_at ? { reversedAt: new Date(p.reversed_at).toISOString() } : {}),
  };
}

function refundSide(r: RefundRow): Record<string, unknown> {
  return {
    state: r.status,
    method: r.method,
    amount: { currency: r.currency, value: r.amount },
    gatewayRefundId: r.gateway_refund_id,
    finalAt: r.final_at === null ? null : new Date(r.final_at).toISOString(),
  };
}

function antomSide(row: ReportRow): Record<string, unknown> {
  return {
    transactionType: row.transactionType,
    transactionId: row.transactionId,
    originalTransactionId: row.originalTransactionId,
    amount: { currency: row.currency, value: row.amount },
    fee: row.fee,
    settlementAmount: row.settlementAmount,
    time: row.time === null ? null : new Date(row.time).toISOString(),
    file: row.file,
    line: row.line,
  };
}

/** A payment Antom captured and we hold as captured (paid_at is set on every captured attempt). */
const captured = (p: PaymentRow) => p.paid_at !== null;

/** Checks one report row; undefined when it matches our books. */
function checkRow(row: ReportRow, books: Books): Finding | undefined {
  const requestId = row.transactionRequestId ?? '';
  const base = { transactionType: row.transactionType, requestId, antom: antomSide(row) };
  const amountOf = (value: bigint) => (value < 0n ? -value : value).toString();
  if (row.transactionType === 'PAYMENT' || row.transactionType === 'CANCEL') {
    const p = books.payments.get(requestId);
    if (!p) {
      return {
        ...base,
        kind: 'ANTOM_ONLY',
        reason: `Antom reports a ${row.transactionType} for ${requestId}, which we do not know`,
        orderId: null,
        paymentId: null,
        refundId: null,
        ours: null,
      };
    }
    const ids = { orderId: p.order_id, paymentId: p.id, refundId: null, ours: paymentSide(p) };
    if (p.gateway_payment_id && p.gateway_payment_id !== row.transactionId) {
      return {
        ...base,
        ...ids,
        kind: 'STATE_MISMATCH',
        reason: `Antom's paymentId is ${row.transactionId}; we hold ${p.gateway_payment_id}`,
      };
    }
    if (p.currency !== row.currency || p.amount !== amountOf(BigInt(row.amount))) {
      return {
        ...base,
        ...ids,
        kind: 'AMOUNT_MISMATCH',
        reason: `Antom's ${row.transactionType} is ${shown(row.currency, amountOf(BigInt(row.amount)))}; ours is ${shown(p.currency, p.amount)}`,
      };
    }
    if (row.transactionType === 'PAYMENT' && !captured(p)) {
      return {
        ...base,
        ...ids,
        kind: 'STATE_MISMATCH',
        reason: `Antom captured this payment; we hold it as ${p.status}`,
      };
    }
    if (row.transactionType === 'CANCEL') {
      const reversed =
        p.status === 'REVERSED' ||
        [...books.refunds.values()].some(
          (r) => r.payment_id === p.id && r.method === 'CANCEL' && r.status === 'SUCCEEDED',
        );
      if (!reversed) {
        return {
          ...base,
          ...ids,
          kind: 'STATE_MISMATCH',
          reason: `Antom cancelled (reversed) this captured payment; we hold it as ${p.status}`,
        };
      }
    }
    return undefined;
  }
  if (row.transactionType === 'REFUND') {
    const r = books.refunds.get(requestId);
    if (!r) {
      return {
        ...base,
        kind: 'ANTOM_ONLY',
        reason: `Antom reports a refund ${requestId}, which we do not know`,
        orderId: null,
        paymentId: null,
        refundId: null,
        ours: null,
      };
    }
    const ids = { orderId: r.order_id, paymentId: r.payment_id, refundId: r.id, ours: refundSide(r) };
    const payment = books.payments.get(r.payment_id);
    if (
      (r.gateway_refund_id && r.gateway_refund_id !== row.transactionId) ||
      (payment?.gateway_payment_id &&
        row.originalTransactionId &&
        payment.gateway_payment_id !== row.originalTransactionId)
    ) {
      return {
        ...base,
        ...ids,
        kind: 'STATE_MISMATCH',
        reason: `Antom's refund ${row.transactionId} of ${row.originalTransactionId ?? '?'} does not carry our ids`,
      };
    }
    if (r.currency !== row.currency || r.amount !== amountOf(BigInt(row.amount))) {
      return {
        ...base,
        ...ids,
        kind: 'AMOUNT_MISMATCH',
        reason: `Antom's refund is ${shown(row.currency, amountOf(BigInt(row.amount)))}; ours is ${shown(r.currency, r.amount)}`,
      };
    }
    if (r.status !== 'SUCCEEDED') {
      return {
        ...base,
        ...ids,
        kind: 'STATE_MISMATCH',
        reason: `Antom refunded it; we hold the refund as ${r.status}`,
      };
    }
    return undefined;
  }
  return {
    ...base,
    kind: 'ANTOM_ONLY',
    reason: `Antom reports a ${row.transactionType}, which Paydesk does not handle`,
    orderId: null,
    paymentId: null,
    refundId: null,
    ours: null,
  };
}

/** Every discrepancy of day T: rows that do not match, then what we hold final that Antom does not show. */
export function matchDay(rows: readonly ReportRow[], books: Books): Finding[] {
  const findings: Finding[] = [];
  for (const row of rows) {
    const finding = checkRow(row, books);
    if (finding) findings.push(finding);
  }
  for (const { transactionType, requestId } of books.expected) {
    if (books.reportedAnywhere.has(keyOf(transactionType, requestId))) continue;
    if (transactionType === 'REFUND') {
      const r = books.refunds.get(requestId)!;
      findings.push({
        kind: 'PAYDESK_ONLY',
        transactionType,
        requestId,
        reason: `we hold refund ${requestId} as ${r.status}; Antom's report does not show it`,
        orderId: r.order_id,
        paymentId: r.payment_id,
        refundId: r.id,
        ours: refundSide(r),
        antom: null,
      });
      continue;
    }
    const p = books.payments.get(requestId)!;
    findings.push({
      kind: 'PAYDESK_ONLY',
      transactionType,
      requestId,
      reason:
        transactionType === 'PAYMENT'
          ? `we hold payment ${requestId} as captured; Antom's report does not show it`
          : `we hold payment ${requestId} as reversed; Antom's report shows no CANCEL`,
      orderId: p.order_id,
      paymentId: p.id,
      refundId: null,
      ours: paymentSide(p),
      antom: null,
    });
  }
  return findings;
}

export { keyOf as reportKey };
