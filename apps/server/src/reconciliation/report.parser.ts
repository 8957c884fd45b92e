// Reads an Antom report file (D16.2): UTF-8 CSV, a header line of field names, one row per
// transaction, `<END>` as the last line ("Transaction details report", "Settlement details report",
// "Settlement summary report"). Anything else is refused with the line and the reason, so a file cut short
// in transfer (no `<END>`) is never half-imported. Amounts arrive in the currency's major unit with a sign
// and leave as signed minor-unit strings, never through a float.
import { currencyExponent } from '@paydesk/antom';
import type { ReconFileKind } from '../db/schema.ts';

/** A report that cannot be imported: `line` is 1-based (0 for the file as a whole). */
export class ReportRefused extends Error {
  readonly line: number;
  constructor(line: number, reason: string) {
    super(line > 0 ? `line ${line}: ${reason}` : reason);
    this.name = 'ReportRefused';
    this.line = line;
  }
}

export interface TransactionRow {
  line: number;
  batchId: string | null;
  transactionType: string;
  transactionId: string;
  originalTransactionId: string | null;
  transactionRequestId: string | null;
  originalTransactionRequestId: string | null;
  paymentMethodType: string | null;
  currency: string;
  /** Signed minor units. */
  amount: string;
  /** Fee plus tax on the fee, signed minor units (negative: charged). */
  fee: string;
  settlementAmount: string;
  settlementCurrency: string;
  /** Epoch ms of `paymentTime`, when given. */
  time: number | null;
  raw: Record<string, string>;
}

export interface SummaryRow {
  line: number;
  batchId: string;
  summaryType: string;
  count: number;
  currency: string;
  settlementAmount: string;
  fee: string;
}

export type ParsedReport =
  | { kind: 'TRANSACTIONS'; day: string; rows: TransactionRow[] }
  | { kind: 'SETTLEMENT_DETAILS'; day: string; rows: TransactionRow[] }
  | { kind: 'SETTLEMENT_SUMMARY'; day: string; rows: SummaryRow[] };

const NAMES: readonly [RegExp, ReconFileKind][] = [
  [/^transactionItems_(\d{8})_\d{3}\.csv$/, 'TRANSACTIONS'],
  [/^settlementItems_[A-Z]{3}_([0-9A-Za-z]{1,64})_\d{3}\.csv$/, 'SETTLEMENT_DETAILS'],
  [/^settlementSummary_[A-Z]{3}_([0-9A-Za-z]{1,64})_\d{3}\.csv$/, 'SETTLEMENT_SUMMARY'],
];

/** The kind a file name announces (Antom's default names), or undefined. */
export function reportKindOf(name: string): ReconFileKind | undefined {
  return NAMES.find(([pattern]) => pattern.test(name))?.[1];
}

const REQUIRED: Record<ReconFileKind, readonly string[]> = {
  TRANSACTIONS: ['transactionId', 'transactionType', 'transactionAmountValue', 'transactionCurrency'],
  SETTLEMENT_DETAILS: [
    'settlementBatchId',
    'transactionId',
    'transactionType',
    'transactionAmountValue',
    'transactionCurrency',
  ],
  SETTLEMENT_SUMMARY: [
    'settlementBatchId',
    'summaryType',
    'count',
    'settlementAmountValue',
    'settlementCurrency',
  ],
};

/** Splits CSV text into records with their starting line numbers (RFC 4180 quoting, LF or CRLF). */
function records(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let atFieldStart = true;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line += 1;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      fields.push(field);
      out.push({ line: start, fields });
      fields = [];
      field = '';
      line += 1;
      start = line;
      atFieldStart = true;
    } else {
      field += ch;
      atFieldStart = false;
    }
  }
  if (quoted) throw new ReportRefused(start, 'a quoted field is never closed (the file is cut short)');
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    out.push({ line: start, fields });
  }
  return out;
}

/** "-1500.50" THB → "-150050"; refuses anything that is not a plain signed decimal in the currency. */
export function toSignedMinor(text: string, currency: string, line: number, column: string): string {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) throw new ReportRefused(line, `${column}: currency ${currency} is not known`);
  const match = /^(-?)(\d{1,18})(?:\.(\d+))?$/.exec(text);
  if (!match) throw new ReportRefused(line, `${column} "${text}" is not an amount`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.replace(/0+$/, '').length > exponent) {
    throw new ReportRefused(line, `${column} "${text}" has more than ${exponent} decimals for ${currency}`);
  }
  const minor = BigInt(whole! + fraction.padEnd(exponent, '0').slice(0, exponent));
  return (sign === '-' ? -minor : minor).toString();
}

const ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses a report file. Throws ReportRefused naming the line and the reason: not UTF-8, an unknown name,
 * no header, a missing column, a row of the wrong width, a bad amount, currency or time, or no `<END>`.
 */
export function parseReport(name: string, bytes: Uint8Array): ParsedReport {
  const kind = reportKindOf(name);
  if (!kind) {
    throw new ReportRefused(
      0,
      `"${name}" is not an Antom report name (transactionItems_<date>_000.csv, settlementItems_<CCY>_<batch>_000.csv or settlementSummary_<CCY>_<batch>_000.csv)`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ReportRefused(0, 'the file is not UTF-8');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const all = records(text).filter((r) => !(r.fields.length === 1 && r.fields[0]!.trim() === ''));
  const last = all.at(-1);
  if (!last || last.fields.length !== 1 || last.fields[0]!.trim() !== '<END>') {
    throw new ReportRefused(last?.line ?? 1, 'the file does not end with <END> (it is incomplete)');
  }
  const header = all[0];
  if (!header || all.length < 2 || header === last) throw new ReportRefused(1, 'the header line is missing');
  const columns = header.fields.map((f) => f.trim());
  const missing = REQUIRED[kind].filter((column) => !columns.includes(column));
  if (missing.length > 0) throw new ReportRefused(header.line, `missing column ${missing.join(', ')}`);
  const body = all.slice(1, -1);
  const endAt = all.findIndex((r) => r.fields.length === 1 && r.fields[0]!.trim() === '<END>');
  if (endAt !== all.length - 1) throw new ReportRefused(all[endAt]!.line, 'rows follow <END>');

  const objects = body.map((record) => {
    if (record.fields.length !== columns.length) {
      throw new ReportRefused(
        record.line,
        `${record.fields.length} fields where the header has ${columns.length}`,
      );
    }
    return {
      line: record.line,
      row: Object.fromEntries(columns.map((c, i) => [c, record.fields[i]!.trim()])),
    };
  });

  if (kind === 'SETTLEMENT_SUMMARY') {
    const rows = objects.map(({ line, row }): SummaryRow => {
      const currency = currencyOf(row.settlementCurrency, line, 'settlementCurrency');
      if (!/^\d{1,9}$/.test(row.count ?? ''))
        throw new ReportRefused(line, `count "${row.count}" is not a number`);
      return {
        line,
        batchId: required(row, 'settlementBatchId', line),
        summaryType: required(row, 'summaryType', line),
        count: Number(row.count),
        currency,
        settlementAmount: toSignedMinor(
          row.settlementAmountValue ?? '',
          currency,
          line,
          'settlementAmountValue',
        ),
        fee: feeOf(row, currency, line),
      };
    });
    return { kind, day: dayOfName(name) ?? '', rows };
  }

  const rows = objects.map(({ line, row }) => transactionRow(row, line, kind));
  return { kind, day: dayOfName(name) ?? '', rows } as ParsedReport;
}

function required(row: Record<string, string>, column: string, line: number): string {
  const value = row[column];
  if (!value) throw new ReportRefused(line, `${column} is empty`);
  if (value.length > 64) throw new ReportRefused(line, `${column} is longer than 64 characters`);
  return value;
}

function optional(row: Record<string, string>, column: string): string | null {
  return row[column] ? row[column]! : null;
}

function currencyOf(value: string | undefined, line: number, column: string): string {
  if (!value || !/^[A-Z]{3}$/.test(value) || currencyExponent(value) === undefined) {
    throw new ReportRefused(line, `${column} "${value ?? ''}" is not a known currency`);
  }
  return value;
}

function feeOf(row: Record<string, string>, currency: string, line: number): string {
  const fee = row.feeAmountValue
    ? BigInt(toSignedMinor(row.feeAmountValue, currency, line, 'feeAmountValue'))
    : 0n;
  const tax = row.taxFeeAmountValue
    ? BigInt(toSignedMinor(row.taxFeeAmountValue, currency, line, 'taxFeeAmountValue'))
    : 0n;
  return (fee + tax).toString();
}

function transactionRow(row: Record<string, string>, line: number, kind: ReconFileKind): TransactionRow {
  const transactionType = required(row, 'transactionType', line);
  if (!/^[A-Z_]{1,32}$/.test(transactionType)) {
    throw new ReportRefused(line, `transactionType "${transactionType}" is not one of Antom's types`);
  }
  const currency = currencyOf(row.transactionCurrency, line, 'transactionCurrency');
  const amount = toSignedMinor(row.transactionAmountValue ?? '', currency, line, 'transactionAmountValue');
  const settlementCurrency = row.settlementCurrency
    ? currencyOf(row.settlementCurrency, line, 'settlementCurrency')
    : currency;
  const settlementAmount = row.settlementAmountValue
    ? toSignedMinor(row.settlementAmountValue, settlementCurrency, line, 'settlementAmountValue')
    : amount;
  const requestId = optional(row, 'transactionRequestId');
  if (['PAYMENT', 'CANCEL', 'REFUND'].includes(transactionType) && !requestId) {
    throw new ReportRefused(line, `transactionRequestId is empty for a ${transactionType}`);
  }
  const timeText = row.paymentTime ?? '';
  if (timeText !== '' && !ISO.test(timeText)) {
    throw new ReportRefused(line, `paymentTime "${timeText}" is not an ISO-8601 time with an offset`);
  }
  return {
    line,
    batchId: kind === 'SETTLEMENT_DETAILS' ? required(row, 'settlementBatchId', line) : null,
    transactionType,
    transactionId: required(row, 'transactionId', line),
    originalTransactionId: optional(row, 'originalTransactionId'),
    transactionRequestId: requestId,
    originalTransactionRequestId: optional(row, 'originalTransactionRequestId'),
    paymentMethodType: optional(row, 'paymentMethodType'),
    currency,
    amount,
    fee: feeOf(row, currency, line),
    settlementAmount,
    settlementCurrency,
    time: timeText === '' ? null : Date.parse(timeText.replace(' ', 'T')),
    raw: row,
  };
}

/** `transactionItems_20261203_000.csv` → `2026-12-03`; undefined for names without a date. */
function dayOfName(name: string): string | undefined {
  const match = /^transactionItems_(\d{4})(\d{2})(\d{2})_/.exec(name);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
}
