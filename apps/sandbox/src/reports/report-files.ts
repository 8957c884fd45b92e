// Antom's reconciliation reports for one day, built from the sandbox's own ledger (D16.1):
// the Transaction details report of day T and the Settlement details / Settlement summary of the batch
// that settles day T. CSV in UTF-8, a header line of field names, one row per transaction, `<END>` as
// the last line ("Transaction details report", "Settlement details report", "Settlement summary report").
// Column names follow Antom's report field summary; amounts are written in the currency's major unit with
// its decimals and a sign (money back to the buyer is negative) — a sandbox choice, see the README.
import { currencyExponent, fromMinorUnits, roundMinorUnits } from '@paydesk/antom';
import { findMethod } from '../methods.ts';
import type { PaymentRecord, RefundRecord } from '../store.ts';
import { antomDate, formatAntomTime } from '../time.ts';

const UTC8_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

export type TransactionType = 'PAYMENT' | 'CANCEL' | 'REFUND';

/** The Transaction details report's columns, in Antom's order. */
export const TRANSACTION_COLUMNS = [
  'customerId',
  'acquirer',
  'acquirerReferenceNo',
  'referenceMerchantId',
  'referenceStoreId',
  'transactionId',
  'originalTransactionId',
  'transactionRequestId',
  'originalTransactionRequestId',
  'referenceTransactionId',
  'orderDescription',
  'paymentMethodType',
  'transactionType',
  'paymentTime',
  'settlementTime',
  'productCode',
  'transactionAmountValue',
  'transactionCurrency',
  'settlementAmountValue',
  'settlementCurrency',
  'quoteCurrencyPair',
  'quotePrice',
  'feeAmountValue',
  'feeCurrency',
  'taxFeeAmountValue',
  'taxFeeCurrency',
] as const;

/** Settlement details: the batch id, then the transaction columns without the order description. */
export const SETTLEMENT_DETAIL_COLUMNS = [
  'settlementBatchId',
  ...TRANSACTION_COLUMNS.filter((column) => column !== 'orderDescription'),
] as const;

export const SETTLEMENT_SUMMARY_COLUMNS = [
  'settlementBatchId',
  'customerId',
  'acquirer',
  'summaryType',
  'count',
  'settlementTime',
  'settlementAmountValue',
  'settlementCurrency',
  'feeAmountValue',
  'feeCurrency',
  'taxFeeAmountValue',
  'taxFeeCurrency',
] as const;

type Row = Record<string, string>;

/** One transaction of day T as the ledger shows it, amounts signed in minor units. */
export interface LedgerTransaction {
  type: TransactionType;
  at: number;
  payment: PaymentRecord;
  refund?: RefundRecord;
  amount: bigint;
  fee: bigint;
  taxFee: bigint;
}

/** A report file: its name (Antom's default), its folder under the SFTP root, and its bytes. */
export interface ReportFile {
  name: string;
  /** `<customerId>/<yyyyMMdd>` — the folder under `/v1/settlements`. */
  folder: string;
  content: string;
}

export interface DayReports {
  /** yyyyMMdd in UTC+8, Antom's day T. */
  day: string;
  transactions: ReportFile;
  settlementDetails: ReportFile[];
  settlementSummaries: ReportFile[];
}

/** Day T (yyyyMMdd, UTC+8) → its window [start, end) in epoch ms. */
export function dayWindow(day: string): { start: number; end: number } {
  const start =
    Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8))) - UTC8_MS;
  return { start, end: start + DAY_MS };
}

/** The day after `day` (yyyyMMdd). */
export function nextDay(day: string): string {
  return antomDate(dayWindow(day).end);
}

/** Acquiring fee in basis points by method category (plausible, not published by Antom). */
const FEE_BPS: Readonly<Record<string, number>> = {
  WALLET: 180,
  MOBILE_BANKING_APP: 100,
  BANK_TRANSFER: 90,
  OTC: 250,
};
/** A value-added tax on the fee, in basis points of the fee (7 %). */
const TAX_BPS = 700n;

/** Rounds a non-negative minor-unit amount times bps / 10 000, half up, to what the currency allows. */
function share(amount: bigint, bps: bigint, currency: string): bigint {
  const raw = (amount * bps + 5_000n) / 10_000n;
  return BigInt(roundMinorUnits(raw.toString(), currency));
}

function feesOf(payment: PaymentRecord): { fee: bigint; taxFee: bigint } {
  const category = findMethod(payment.paymentMethodType)?.category ?? 'WALLET';
  const amount = BigInt(payment.amount.value);
  const fee = share(amount, BigInt(FEE_BPS[category] ?? 150), payment.amount.currency);
  return { fee, taxFee: share(fee, TAX_BPS, payment.amount.currency) };
}

/**
 * The transactions that completed on day T: a PAYMENT when the buyer paid, a CANCEL when a paid payment
 * was cancelled (its funds returned, Antom's fee given back), a REFUND when a refund succeeded (no fee
 * returned). Oldest first, ties by id, so the same ledger always gives the same bytes.
 */
export function transactionsOfDay(
  day: string,
  payments: readonly PaymentRecord[],
  refunds: readonly RefundRecord[],
): LedgerTransaction[] {
  const { start, end } = dayWindow(day);
  const within = (at: number | undefined): at is number => at !== undefined && at >= start && at < end;
  const out: LedgerTransaction[] = [];
  for (const payment of payments) {
    const { fee, taxFee } = feesOf(payment);
    const amount = BigInt(payment.amount.value);
    if (within(payment.paidAt)) {
      out.push({ type: 'PAYMENT', at: payment.paidAt, payment, amount, fee: -fee, taxFee: -taxFee });
    }
    if (payment.paidAt !== undefined && payment.reversedAmount !== '0' && within(payment.cancelledAt)) {
      out.push({
        type: 'CANCEL',
        at: payment.cancelledAt,
        payment,
        amount: -BigInt(payment.reversedAmount),
        fee,
        taxFee,
      });
    }
  }
  const byId = new Map(payments.map((payment) => [payment.paymentId, payment]));
  for (const refund of refunds) {
    const payment = byId.get(refund.paymentId);
    if (!payment || refund.status !== 'SUCCESS' || !within(refund.finishedAt)) continue;
    out.push({
      type: 'REFUND',
      at: refund.finishedAt,
      payment,
      refund,
      amount: -BigInt(refund.amount.value),
      fee: 0n,
      taxFee: 0n,
    });
  }
  const idOf = (t: LedgerTransaction) => `${t.refund?.refundId ?? t.payment.paymentId}:${t.type}`;
  return out.sort((a, b) => a.at - b.at || idOf(a).localeCompare(idOf(b)));
}

/** A signed minor-unit amount in the currency's major unit: -150050 THB → "-1500.50". */
export function formatReportAmount(minor: bigint, currency: string): string {
  const digits = fromMinorUnits((minor < 0n ? -minor : minor).toString(), currency);
  return minor < 0n ? `-${digits}` : digits;
}

/** One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A whole report: header, rows, `<END>`; each line ends with a line feed. */
export function toCsv(columns: readonly string[], rows: readonly Row[]): string {
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => field(row[c] ?? '')).join(','))];
  return `${lines.join('\n')}\n<END>\n`;
}

export interface ReportContext {
  customerId: string;
  acquirer: string;
}

function transactionRow(t: LedgerTransaction, ctx: ReportContext, settlementTime: string): Row {
  const { payment, refund } = t;
  const currency = payment.amount.currency;
  const money = (value: bigint) => formatReportAmount(value, currency);
  return {
    customerId: ctx.customerId,
    acquirer: ctx.acquirer,
    // Antom: PAYMENT and CANCEL carry the paymentId; REFUND the refundId and its payment as the original.
    transactionId: refund?.refundId ?? payment.paymentId,
    originalTransactionId: t.type === 'PAYMENT' ? '' : payment.paymentId,
    transactionRequestId: refund?.refundRequestId ?? payment.paymentRequestId,
    originalTransactionRequestId: t.type === 'REFUND' ? payment.paymentRequestId : '',
    referenceTransactionId: t.type === 'PAYMENT' ? payment.referenceOrderId : '',
    orderDescription: t.type === 'PAYMENT' ? payment.orderDescription : '',
    paymentMethodType: payment.paymentMethodType,
    transactionType: t.type,
    paymentTime: formatAntomTime(t.at),
    settlementTime,
    productCode: 'CASHIER_PAYMENT',
    transactionAmountValue: money(t.amount),
    transactionCurrency: currency,
    settlementAmountValue: money(t.amount + t.fee + t.taxFee),
    settlementCurrency: currency,
    feeAmountValue: money(t.fee),
    feeCurrency: currency,
    taxFeeAmountValue: money(t.taxFee),
    taxFeeCurrency: currency,
  };
}

/** Settlement batch of day T in one currency: settled on T+1, its id the settlement date and a sequence. */
export function batchIdOf(day: string, currency: string, index: number): string {
  const exponent = currencyExponent(currency) ?? 2;
  return `${nextDay(day)}${String(exponent)}${String(index + 1).padStart(5, '0')}`;
}

/**
 * Every report Antom would publish for day T: transactionItems_<T>_000.csv in `<customerId>/<T>`, and per
 * settlement currency settlementItems_<CCY>_<batchId>_000.csv and settlementSummary_<CCY>_<batchId>_000.csv
 * in `<customerId>/<T+1>` (Antom's "Obtain reports" default names and folders).
 */
export function buildDayReports(
  day: string,
  payments: readonly PaymentRecord[],
  refunds: readonly RefundRecord[],
  ctx: ReportContext,
): DayReports {
  const transactions = transactionsOfDay(day, payments, refunds);
  const settlementDay = nextDay(day);
  const settlementTime = formatAntomTime(dayWindow(settlementDay).start + 10 * 3_600_000);
  const txRows = transactions.map((t) => transactionRow(t, ctx, ''));
  const currencies = [...new Set(transactions.map((t) => t.payment.amount.currency))].sort();
  const settlementDetails: ReportFile[] = [];
  const settlementSummaries: ReportFile[] = [];
  currencies.forEach((currency, index) => {
    const batchId = batchIdOf(day, currency, index);
    const inBatch = transactions.filter((t) => t.payment.amount.currency === currency);
    const detailRows = inBatch.map((t) => ({
      settlementBatchId: batchId,
      ...transactionRow(t, ctx, settlementTime),
    }));
    const money = (value: bigint) => formatReportAmount(value, currency);
    const summaryOf = (summaryType: string, group: LedgerTransaction[]): Row => ({
      settlementBatchId: batchId,
      customerId: ctx.customerId,
      acquirer: ctx.acquirer,
      summaryType,
      count: String(group.length),
      settlementTime,
      settlementAmountValue: money(group.reduce((sum, t) => sum + t.amount + t.fee + t.taxFee, 0n)),
      settlementCurrency: currency,
      feeAmountValue: money(group.reduce((sum, t) => sum + t.fee, 0n)),
      feeCurrency: currency,
      taxFeeAmountValue: money(group.reduce((sum, t) => sum + t.taxFee, 0n)),
      taxFeeCurrency: currency,
    });
    const summaryRows = [
      summaryOf('TOTAL', inBatch),
      ...(['PAYMENT', 'CANCEL', 'REFUND'] as const)
        .map((type) => [type, inBatch.filter((t) => t.type === type)] as const)
        .filter(([, group]) => group.length > 0)
        .map(([type, group]) => summaryOf(type, group)),
    ];
    const folder = `${ctx.customerId}/${settlementDay}`;
    settlementDetails.push({
      name: `settlementItems_${currency}_${batchId}_000.csv`,
      folder,
      content: toCsv(SETTLEMENT_DETAIL_COLUMNS, detailRows),
    });
    settlementSummaries.push({
      name: `settlementSummary_${currency}_${batchId}_000.csv`,
      folder,
      content: toCsv(SETTLEMENT_SUMMARY_COLUMNS, summaryRows),
    });
  });
  return {
    day,
    transactions: {
      name: `transactionItems_${day}_000.csv`,
      folder: `${ctx.customerId}/${day}`,
      content: toCsv(TRANSACTION_COLUMNS, txRows),
    },
    settlementDetails,
    settlementSummaries,
  };
}
