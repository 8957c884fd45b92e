// The pure parts of reconciliation (D16), as tables: reading an Antom report (and refusing a bad one
// with its line and reason) and classing a day's rows against our books. No database, no network.
import { describe, expect, it } from 'vitest';
import type { PaymentRow, RefundRow } from '../src/db/schema.ts';
import { matchDay, type Books, type ReportRow } from '../src/reconciliation/matching.ts';
import { parseReport, ReportRefused } from '../src/reconciliation/report.parser.ts';

const HEADER =
  'customerId,acquirer,transactionId,originalTransactionId,transactionRequestId,orderDescription,transactionType,paymentTime,transactionAmountValue,transactionCurrency,settlementAmountValue,settlementCurrency,feeAmountValue,feeCurrency,taxFeeAmountValue,taxFeeCurrency';
const NAME = 'transactionItems_20261203_000.csv';
const bytes = (text: string) => new TextEncoder().encode(text);

describe('parseReport', () => {
  it('reads quoted commas, CRLF, signed amounts in major units, zero-decimal currencies and fees with tax', () => {
    const text = [
      HEADER,
      '2188,Antom,P1,,pay_1,"Tea, green ""sencha""",PAYMENT,2026-12-03T10:00:00+08:00,1500.50,THB,1473.20,THB,-27.01,THB,-0.29,THB',
      '2188,Antom,R1,P1,ref_1,,REFUND,2026-12-03T11:00:00+08:00,-500,THB,-500,THB,0,THB,0,THB',
      '2188,Antom,P2,,pay_2,,PAYMENT,2026-12-03T12:00:00+08:00,1200,JPY,1170,JPY,-30,JPY,,',
      '<END>',
      '',
    ].join('\r\n');
    const report = parseReport(NAME, bytes(text));
    expect(report.kind).toBe('TRANSACTIONS');
    expect(report.day).toBe('2026-12-03');
    const [payment, refund, yen] = report.rows as Extract<typeof report, { kind: 'TRANSACTIONS' }>['rows'];
    expect(payment).toMatchObject({ line: 2, amount: '150050', fee: '-2730', settlementAmount: '147320' });
    expect(payment!.raw.orderDescription).toBe('Tea, green "sencha"');
    expect(payment!.time).toBe(Date.parse('2026-12-03T02:00:00Z'));
    expect(refund).toMatchObject({
      amount: '-50000',
      originalTransactionId: 'P1',
      transactionRequestId: 'ref_1',
    });
    expect(yen).toMatchObject({ currency: 'JPY', amount: '1200', fee: '-30' });
  });

  const refusals: [string, string, string | Uint8Array, RegExp][] = [
    ['a name that is not Antom’s', 'report.csv', `${HEADER}\n<END>\n`, /not an Antom report name/],
    ['bytes that are not UTF-8', NAME, new Uint8Array([0x63, 0xff, 0xfe, 0x0a]), /not UTF-8/],
    [
      'a file cut short',
      NAME,
      `${HEADER}\n2188,Antom,P1,,pay_1,,PAYMENT,,15`,
      /line 2: the file does not end with <END>/,
    ],
    [
      'a quote never closed',
      NAME,
      `${HEADER}\n2188,Antom,P1,,pay_1,"Tea,PAYMENT`,
      /line 2: a quoted field is never closed/,
    ],
    ['no header', NAME, '<END>\n', /line 1: the header line is missing/],
    ['a missing column', NAME, 'customerId,transactionId\n<END>\n', /line 1: missing column transactionType/],
    [
      'a row of the wrong width',
      NAME,
      `${HEADER}\n2188,Antom\n<END>\n`,
      /line 2: 2 fields where the header has 16/,
    ],
    [
      'too many decimals',
      NAME,
      `${HEADER}\n2188,Antom,P1,,pay_1,,PAYMENT,,15.001,THB,,,,,,\n<END>\n`,
      /line 2: transactionAmountValue "15.001" has more than 2 decimals/,
    ],
    [
      'an unknown currency',
      NAME,
      `${HEADER}\n2188,Antom,P1,,pay_1,,PAYMENT,,15,XYZ,,,,,,\n<END>\n`,
      /line 2: transactionCurrency "XYZ"/,
    ],
    [
      'a word for an amount',
      NAME,
      `${HEADER}\n2188,Antom,P1,,pay_1,,PAYMENT,,ten,THB,,,,,,\n<END>\n`,
      /"ten" is not an amount/,
    ],
    [
      'a payment without request id',
      NAME,
      `${HEADER}\n2188,Antom,P1,,,,PAYMENT,,15,THB,,,,,,\n<END>\n`,
      /transactionRequestId is empty/,
    ],
    [
      'a time without offset',
      NAME,
      `${HEADER}\n2188,Antom,P1,,pay_1,,PAYMENT,2026-12-03T10:00:00,15,THB,,,,,,\n<END>\n`,
      /not an ISO-8601 time with an offset/,
    ],
    [
      'rows after <END>',
      NAME,
      `${HEADER}\n<END>\n2188,Antom,P1,,pay_1,,PAYMENT,,15,THB,,,,,,\n<END>\n`,
      /line 2: rows follow <END>/,
    ],
  ];
  it.each(refusals)('refuses %s with the line and reason', (_what, name, content, reason) => {
    const run = () => parseReport(name, typeof content === 'string' ? bytes(content) : content);
    expect(run).toThrow(ReportRefused);
    expect(run).toThrow(reason);
  });
});

const payment = (id: string, patch: Partial<PaymentRow> = {}): PaymentRow =>
  ({
    id,
    order_id: `ord_${id}`,
    status: 'SUCCESS',
    currency: 'THB',
    amount: '150000',
    gateway_payment_id: `G_${id}`,
    paid_at: Date.parse('2026-12-03T02:00:00Z'),
    ...patch,
  }) as PaymentRow;
const refund = (id: string, paymentId: string, patch: Partial<RefundRow> = {}): RefundRow =>
  ({
    id,
    order_id: `ord_${paymentId}`,
    payment_id: paymentId,
    method: 'REFUND',
    status: 'SUCCEEDED',
    currency: 'THB',
    amount: '50000',
    gateway_refund_id: `G_${id}`,
    final_at: Date.parse('2026-12-03T03:00:00Z'),
    ...patch,
  }) as RefundRow;
const row = (type: string, requestId: string, amount: string, patch: Partial<ReportRow> = {}): ReportRow => ({
  file: NAME,
  line: 2,
  transactionType: type,
  transactionId: type === 'REFUND' ? `G_${requestId}` : `G_${requestId}`,
  originalTransactionId: null,
  transactionRequestId: requestId,
  currency: 'THB',
  amount,
  fee: '0',
  settlementAmount: amount,
  time: null,
  ...patch,
});
function books(
  payments: PaymentRow[],
  refunds: RefundRow[],
  expected: Books['expected'],
  reported: string[] = [],
): Books {
  return {
    payments: new Map(payments.map((p) => [p.id, p])),
    refunds: new Map(refunds.map((r) => [r.id, r])),
    expected,
    reportedAnywhere: new Set(reported),
  };
}

describe('matchDay', () => {
  const p1 = payment('pay_1');
  const cases: [string, ReportRow[], Books, [string, string, string][]][] = [
    [
      'a payment and its refund that agree',
      [
        row('PAYMENT', 'pay_1', '150000'),
        row('REFUND', 'ref_1', '-50000', { originalTransactionId: 'G_pay_1' }),
      ],
      books(
        [p1],
        [refund('ref_1', 'pay_1')],
        [
          { transactionType: 'PAYMENT', requestId: 'pay_1' },
          { transactionType: 'REFUND', requestId: 'ref_1' },
        ],
        ['PAYMENT:pay_1', 'REFUND:ref_1'],
      ),
      [],
    ],
    [
      'a row we do not know',
      [row('PAYMENT', 'pay_9', '100')],
      books([], [], []),
      [['ANTOM_ONLY', 'PAYMENT', 'pay_9']],
    ],
    [
      'another amount',
      [row('PAYMENT', 'pay_1', '149900')],
      books([p1], [], []),
      [['AMOUNT_MISMATCH', 'PAYMENT', 'pay_1']],
    ],
    [
      'another currency',
      [row('PAYMENT', 'pay_1', '150000', { currency: 'SGD' })],
      books([p1], [], []),
      [['AMOUNT_MISMATCH', 'PAYMENT', 'pay_1']],
    ],
    [
      'a capture we hold as failed',
      [row('PAYMENT', 'pay_1', '150000')],
      books([payment('pay_1', { status: 'FAIL', paid_at: null })], [], []),
      [['STATE_MISMATCH', 'PAYMENT', 'pay_1']],
    ],
    [
      'a CANCEL for a payment we hold as SUCCESS',
      [row('PAYMENT', 'pay_1', '150000'), row('CANCEL', 'pay_1', '-150000')],
      books([p1], [], []),
      [['STATE_MISMATCH', 'CANCEL', 'pay_1']],
    ],
    [
      'a CANCEL matched by our give-back by cancel',
      [row('PAYMENT', 'pay_1', '150000'), row('CANCEL', 'pay_1', '-150000')],
      books([p1], [refund('ref_g', 'pay_1', { method: 'CANCEL', amount: '150000' })], []),
      [],
    ],
    [
      'a CANCEL matched by our REVERSED state (D11.2)',
      [row('PAYMENT', 'pay_1', '150000'), row('CANCEL', 'pay_1', '-150000')],
      books([payment('pay_1', { status: 'REVERSED' })], [], []),
      [],
    ],
    [
      'another Antom id for the same request',
      [row('PAYMENT', 'pay_1', '150000', { transactionId: 'OTHER' })],
      books([p1], [], []),
      [['STATE_MISMATCH', 'PAYMENT', 'pay_1']],
    ],
    [
      'a refund we still hold as processing',
      [row('REFUND', 'ref_1', '-50000')],
      books([p1], [refund('ref_1', 'pay_1', { status: 'PROCESSING' })], []),
      [['STATE_MISMATCH', 'REFUND', 'ref_1']],
    ],
    [
      'a capture and a refund we hold that Antom does not show',
      [],
      books(
        [p1],
        [refund('ref_1', 'pay_1')],
        [
          { transactionType: 'PAYMENT', requestId: 'pay_1' },
          { transactionType: 'REFUND', requestId: 'ref_1' },
        ],
      ),
      [
        ['PAYDESK_ONLY', 'PAYMENT', 'pay_1'],
        ['PAYDESK_ONLY', 'REFUND', 'ref_1'],
      ],
    ],
    [
      'a capture Antom shows on the next day (near midnight)',
      [],
      books([p1], [], [{ transactionType: 'PAYMENT', requestId: 'pay_1' }], ['PAYMENT:pay_1']),
      [],
    ],
    [
      'a transaction type Paydesk does not handle',
      [row('DISPUTE', 'pay_1', '-100')],
      books([p1], [], []),
      [['ANTOM_ONLY', 'DISPUTE', 'pay_1']],
    ],
  ];
  it.each(cases)('classes %s', (_what, rows, ourBooks, expected) => {
    expect(matchDay(rows, ourBooks).map((f) => [f.kind, f.transactionType, f.requestId])).toEqual(expected);
  });
});
