// Reconciliation with Antom's reports and the merchant's overview of money (D16), Merchant API.
import Type, { type Static } from 'typebox';
import { IsoDateTime } from './common.ts';

/** A signed amount in minor units ("-50000" is money back to the buyer). */
export const SignedMoney = Type.Object(
  {
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    value: Type.String({ pattern: '^-?(0|[1-9][0-9]{0,17})$' }),
  },
  { additionalProperties: false },
);
export type SignedMoney = Static<typeof SignedMoney>;

export const DiscrepancyKind = Type.Union(
  [
    Type.Literal('ANTOM_ONLY'),
    Type.Literal('PAYDESK_ONLY'),
    Type.Literal('AMOUNT_MISMATCH'),
    Type.Literal('STATE_MISMATCH'),
  ],
  {
    description:
      'ANTOM_ONLY: in the report, not with us; PAYDESK_ONLY: a capture, cancel or refund we hold final is missing from the report; AMOUNT_MISMATCH: amount or currency differ; STATE_MISMATCH: the states differ',
  },
);
export type DiscrepancyKind = Static<typeof DiscrepancyKind>;

export const DiscrepancyView = Type.Object({
  id: Type.String({ description: 'dsc_…' }),
  day: Type.String({ description: 'Antom’s day T, YYYY-MM-DD (UTC+8)' }),
  kind: DiscrepancyKind,
  transactionType: Type.String({ description: 'PAYMENT, CANCEL or REFUND' }),
  requestId: Type.String({ description: 'our paymentRequestId (pay_…) or refundRequestId (ref_…)' }),
  reason: Type.String({ description: 'what differs, for people' }),
  orderId: Type.Union([Type.String(), Type.Null()]),
  paymentId: Type.Union([Type.String(), Type.Null()]),
  refundId: Type.Union([Type.String(), Type.Null()]),
  ours: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
    description: 'our side when the discrepancy was last seen',
  }),
  antom: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
    description: 'the report row, as Antom wrote it',
  }),
  status: Type.Union([Type.Literal('OPEN'), Type.Literal('RESOLVED')]),
  resolution: Type.Union([Type.Literal('REPORT'), Type.Literal('OPERATOR'), Type.Null()], {
    description: 'REPORT: a later report or our own state settled it; OPERATOR: resolved by hand with a note',
  }),
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoDateTime,
  resolvedAt: Type.Union([IsoDateTime, Type.Null()]),
});
export type DiscrepancyView = Static<typeof DiscrepancyView>;

export const ReportFileView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Union([
    Type.Literal('TRANSACTIONS'),
    Type.Literal('SETTLEMENT_DETAILS'),
    Type.Literal('SETTLEMENT_SUMMARY'),
  ]),
  day: Type.String(),
  source: Type.Union([Type.Literal('SFTP'), Type.Literal('UPLOAD')]),
  sha256: Type.String(),
  rows: Type.Integer(),
  status: Type.Union([Type.Literal('IMPORTED'), Type.Literal('SUPERSEDED')]),
  importedAt: IsoDateTime,
});
export type ReportFileView = Static<typeof ReportFileView>;

export const ImportReportBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'Antom’s file name, e.g. transactionItems_20261203_000.csv',
    }),
    content: Type.String({ maxLength: 8_000_000, description: 'the file as Antom wrote it (CSV, UTF-8)' }),
  },
  { additionalProperties: false },
);
export type ImportReportBody = Static<typeof ImportReportBody>;

export const ImportReportResult = Type.Object({
  status: Type.Union([Type.Literal('IMPORTED'), Type.Literal('DUPLICATE')], {
    description: 'DUPLICATE: this name with these bytes was imported before; nothing changed',
  }),
  file: ReportFileView,
  discrepancies: Type.Array(DiscrepancyView, { description: 'open discrepancies of the file’s day' }),
});
export type ImportReportResult = Static<typeof ImportReportResult>;

export const CurrencyTotals = Type.Object({
  currency: Type.String(),
  captured: Type.String({ description: 'PAYMENT rows, minor units' }),
  reversed: Type.String({ description: 'CANCEL rows (positive), minor units' }),
  refunded: Type.String({ description: 'REFUND rows (positive), minor units' }),
  net: Type.String({ description: 'captured − reversed − refunded' }),
  fees: Type.String({ description: 'Antom’s fees and tax on fees (signed, negative is charged)' }),
  settlement: Type.String({ description: 'what Antom settles for the day (signed)' }),
});
export type CurrencyTotals = Static<typeof CurrencyTotals>;

export const DaySummary = Type.Object({
  day: Type.String({ description: 'YYYY-MM-DD (UTC+8, Antom’s day)' }),
  status: Type.Union(
    [Type.Literal('WAITING'), Type.Literal('IMPORTED'), Type.Literal('REFUSED'), Type.Literal('MISSING')],
    {
      description:
        'WAITING: not fetched yet; IMPORTED: the transaction report is in; REFUSED: the last file was malformed (retried); MISSING: never arrived within the catch-up window',
    },
  ),
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  importedAt: Type.Union([IsoDateTime, Type.Null()]),
  rows: Type.Integer(),
  openDiscrepancies: Type.Integer(),
  totals: Type.Array(CurrencyTotals),
});
export type DaySummary = Static<typeof DaySummary>;

export const SettlementBatchView = Type.Object({
  batchId: Type.String(),
  currency: Type.String(),
  summaryType: Type.String(),
  count: Type.Integer(),
  settlement: Type.String(),
  fees: Type.String(),
});

export const DayView = Type.Object({
  ...DaySummary.properties,
  files: Type.Array(ReportFileView),
  settlements: Type.Array(SettlementBatchView),
  discrepancies: Type.Array(DiscrepancyView),
});
export type DayView = Static<typeof DayView>;

export const DayList = Type.Object({ data: Type.Array(DaySummary) });
export type DayList = Static<typeof DayList>;

export const DayParams = Type.Object({
  date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }),
});
export const DiscrepancyParams = Type.Object({ id: Type.String({ pattern: '^dsc_[0-9A-Za-z]{1,40}$' }) });
export const ResolveBody = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 1000, description: 'what the operator found and did' }) },
  { additionalProperties: false },
);
export type ResolveBody = Static<typeof ResolveBody>;

/** The webhook `reconciliation.discrepancy`, sent through the outbox when a discrepancy opens. */
export const DiscrepancyWebhookEvent = Type.Object({
  id: Type.String(),
  type: Type.Literal('reconciliation.discrepancy'),
  createdAt: IsoDateTime,
  data: Type.Object({ discrepancy: DiscrepancyView }),
});
export type DiscrepancyWebhookEvent = Static<typeof DiscrepancyWebhookEvent>;

// ------------------------------------------------------------------------------------------ overview

export const OverviewPeriod = Type.Union([Type.Literal('today'), Type.Literal('7d'), Type.Literal('30d')]);
export type OverviewPeriod = Static<typeof OverviewPeriod>;

export const MethodConversion = Type.Object({
  method: Type.String(),
  confirmed: Type.Integer({ description: 'orders with a confirmed payment of this method' }),
  paid: Type.Integer({ description: 'of those, orders paid with this method' }),
  rate: Type.Number({ description: 'paid / confirmed, 0 when none' }),
});

export const CurrencyFlow = Type.Object({
  currency: Type.String(),
  captured: Type.String(),
  refunded: Type.String(),
  reversed: Type.String(),
});

export const OverviewPeriodView = Type.Object({
  period: OverviewPeriod,
  from: IsoDateTime,
  to: IsoDateTime,
  orders: Type.Object({
    placed: Type.Integer(),
    paid: Type.Integer(),
    expired: Type.Integer(),
    closed: Type.Integer(),
  }),
  conversion: Type.Array(MethodConversion),
  money: Type.Array(CurrencyFlow),
  daily: Type.Array(Type.Object({ day: Type.String(), placed: Type.Integer(), paid: Type.Integer() }), {
    description: 'per day (UTC+8), oldest first',
  }),
});
export type OverviewPeriodView = Static<typeof OverviewPeriodView>;

export const Overview = Type.Object({
  generatedAt: IsoDateTime,
  periods: Type.Array(OverviewPeriodView),
  openDiscrepancies: Type.Integer(),
  needsAttention: Type.Integer(),
});
export type Overview = Static<typeof Overview>;

export const OverviewFigure = Type.Union([
  Type.Literal('placed'),
  Type.Literal('paid'),
  Type.Literal('expired'),
  Type.Literal('closed'),
  Type.Literal('confirmed'),
  Type.Literal('captured'),
  Type.Literal('refunded'),
  Type.Literal('reversed'),
  Type.Literal('attention'),
]);
export type OverviewFigure = Static<typeof OverviewFigure>;

export const OverviewOrdersQuery = Type.Object(
  {
    figure: OverviewFigure,
    period: Type.Optional(OverviewPeriod),
    method: Type.Optional(Type.String({ pattern: '^[A-Z0-9_]{1,64}$' })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 })),
  },
  { additionalProperties: false },
);
export type OverviewOrdersQuery = Static<typeof OverviewOrdersQuery>;
