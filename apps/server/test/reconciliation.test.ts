// Reconciliation with Antom's reports (D16), on both dialects, against the sandbox's real SFTP
// server: the scheduled fetch (called directly, with its own clock) imports a day once, refuses a file
// cut short and takes it on the next run; matching classes what differs; discrepancies are resolved by a
// later report or by an operator; the webhook and the gauge follow. Both clocks are set to midday of
// Antom's day (UTC+8) so no payment of a test falls on the other side of midnight.
import { AntomClient } from '@paydesk/antom';
import { generateSshKeyPair } from '@paydesk/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/domain/clock.ts';
import { dayWindow, antomDay } from '../src/reconciliation/antom-day.ts';
import { ReportFetcher } from '../src/reconciliation/report.fetcher.ts';
import {
  API_KEY,
  CLIENT_ID,
  DIALECTS,
  startReceiver,
  startStack,
  testKeys,
  waitFor,
  type Receiver,
  type Stack,
} from '@paydesk/testkit';
import { reconcileSandboxDay } from './helpers/reconcile.ts';

const CUSTOMER = '2188400000004242';

/** Midday (UTC+8) of the current Antom day, as an offset from the wall clock. */
function middayOffset(): number {
  const day = antomDay(Date.now());
  return dayWindow(day).start + 12 * 3_600_000 - Date.now();
}

describe.each(DIALECTS)('reconciliation on %s', (dialect) => {
  let stack: Stack;
  let receiver: Receiver;
  let fetcher: ReportFetcher;
  let fetchClock: ManualClock;
  let day: string;
  const offset = middayOffset();
  const now = () => Date.now() + offset;
  const key = generateSshKeyPair();

  beforeAll(async () => {
    receiver = await startReceiver();
    stack = await startStack({
      dialect,
      clock: { now },
      sandbox: { now, reports: { customerId: CUSTOMER } },
      config: { webhook: { url: receiver.url, secret: 'whsec_0123456789abcdef' } },
    });
    const port = await stack.sandbox.reports.listenSftp({
      username: 'paydesk',
      authorizedKeys: [key.public],
    });
    day = antomDay(now());
    fetchClock = new ManualClock(dayWindow(day).end + 4 * 3_600_000);
    fetcher = new ReportFetcher({
      settings: {
        host: '127.0.0.1',
        port,
        username: 'paydesk',
        privateKey: key.private,
        password: null,
        root: '/v1/settlements',
        customerId: CUSTOMER,
        hostKeyFingerprint: stack.sandbox.reports.sftp!.hostKeyFingerprint,
      },
      clock: fetchClock,
      service: stack.server.paydesk.reconciliation.service,
      publishAfterMinutes: 180,
      catchUpDays: 7,
    });
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  /** An order paid with `method`; returns its id, attempt id (paymentRequestId) and Antom's paymentId. */
  async function paidOrder(method = 'TRUEMONEY', value = '150000') {
    const order = await stack.createOrder({ amount: { currency: 'THB', value } });
    const confirmed = await stack.confirm(order.checkoutToken, method);
    expect(confirmed.status).toBe(201);
    expect(
      (await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: confirmed.body.code.value }))
        .status,
    ).toBe(200);
    const paid = await waitFor(async () => {
      const view = await stack.merchant('GET', `/api/v1/orders/${order.id}`);
      return view.body.status === 'PAID' ? view.body : undefined;
    }, 'PAID');
    const payment = paid.payments.find((p: { kept: boolean }) => p.kept);
    return {
      orderId: order.id as string,
      paymentId: payment.id as string,
      gatewayPaymentId: payment.gatewayPaymentId as string,
    };
  }

  const antom = () =>
    new AntomClient({
      clientId: CLIENT_ID,
      privateKey: testKeys().merchant.privateKeyPem,
      antomPublicKey: testKeys().gateway.publicKeyPem,
      gatewayUrl: stack.sandboxUrl,
      maxRetries: 0,
    });

  /** The sandbox's transaction report of the day as it stands now. */
  async function report(): Promise<{ name: string; content: string }> {
    const answer = await stack.control('GET', `/sandbox/api/reports/${day}`);
    const file = answer.body.files.find((f: { kind: string }) => f.kind === 'TRANSACTIONS');
    return { name: file.name, content: file.content };
  }

  /** Rewrites one column of the row whose type and request id match. */
  function edit(
    content: string,
    type: string,
    requestId: string,
    column: string,
    value: string | null,
  ): string {
    const lines = content.split('\n');
    const header = lines[0]!.split(',');
    const at = header.indexOf(column);
    return lines
      .flatMap((line) => {
        const fields = line.split(',');
        if (
          fields[header.indexOf('transactionType')] !== type ||
          fields[header.indexOf('transactionRequestId')] !== requestId
        )
          return [line];
        if (value === null) return [];
        fields[at] = value;
        return [fields.join(',')];
      })
      .join('\n');
  }

  it('fetches the day over SFTP after publication, refuses a truncated file, takes it on the next run, and imports each file once', async () => {
    const first = await paidOrder();
    const refund = await stack.merchant('POST', `/api/v1/orders/${first.orderId}/refunds`, {
      amount: { currency: 'THB', value: '50000' },
    });
    expect(refund.body.status).toBe('SUCCEEDED');

    // Before Antom's publication time nothing is due.
    const early = new ReportFetcher({
      ...fetcherDeps(),
      clock: new ManualClock(dayWindow(day).end + 60_000),
    });
    expect((await early.fetchOnce()).some((o) => o.day === day)).toBe(false);

    await stack.control('POST', `/sandbox/api/reports/${day}/publish`, { truncate: true });
    const refused = await fetcher.fetchOnce();
    expect(refused.find((o) => o.day === day)).toMatchObject({ status: 'REFUSED' });
    expect(refused.find((o) => o.day === day)!.error).toMatch(/line \d+: the file does not end with <END>/);
    const afterRefusal = await stack.merchant('GET', `/api/v1/reconciliation/days/${day}`);
    expect(afterRefusal.body).toMatchObject({ status: 'REFUSED', rows: 0 });
    expect(afterRefusal.body.files.filter((f: { kind: string }) => f.kind === 'TRANSACTIONS')).toEqual([]);

    await stack.control('POST', `/sandbox/api/reports/${day}/publish`, {});
    const fetched = await fetcher.fetchOnce();
    const outcome = fetched.find((o) => o.day === day)!;
    expect(outcome.status).toBe('IMPORTED');
    // The settlement files came whole on the refused run; arriving again, they are imported once.
    const settlementFiles = (o: (typeof fetched)[number]) =>
      o.files.filter((f) => f.name.startsWith('settlement')).map((f) => f.status);
    expect(settlementFiles(refused.find((o) => o.day === day)!)).toEqual(['IMPORTED', 'IMPORTED']);
    expect(settlementFiles(outcome)).toEqual(['DUPLICATE', 'DUPLICATE']);
    expect(outcome.files.map((f) => f.name).sort()).toEqual(
      expect.arrayContaining([
        `transactionItems_${day.replaceAll('-', '')}_000.csv`,
        expect.stringMatching(/^settlementItems_THB_\d+_000\.csv$/),
        expect.stringMatching(/^settlementSummary_THB_\d+_000\.csv$/),
      ]),
    );
    // Imported days are not fetched again; the days before the sandbox existed stay WAITING (empty folders).
    expect((await fetcher.fetchOnce()).some((o) => o.day === day)).toBe(false);

    const view = (await stack.merchant('GET', `/api/v1/reconciliation/days/${day}`)).body;
    expect(view).toMatchObject({ status: 'IMPORTED', openDiscrepancies: 0, rows: 2 });
    expect(view.totals).toEqual([
      {
        currency: 'THB',
        captured: '150000',
        reversed: '0',
        refunded: '50000',
        net: '100000',
        fees: '-2889', // 1.8 % + 7 % tax on it, charged on the payment only
        settlement: String(150000 - 2889 - 50000),
      },
    ]);
    expect(view.settlements.find((s: { summaryType: string }) => s.summaryType === 'TOTAL')).toMatchObject({
      currency: 'THB',
      count: 2,
      settlement: String(150000 - 2889 - 50000),
    });

    // The same file by hand: imported once.
    const again = await report();
    const upload = await stack.merchant('POST', '/api/v1/reconciliation/reports', again);
    expect(upload.status).toBe(200);
    expect(upload.body.status).toBe('DUPLICATE');
    const files = (await stack.merchant('GET', `/api/v1/reconciliation/days/${day}`)).body.files;
    expect(files.filter((f: { name: string }) => f.name === again.name)).toHaveLength(1);
  });

  it('catches up on the days missed while it was down, and never fetches an imported day again', async () => {
    // Down for three days: the two published days since are due, the third is not published yet.
    const back = new ReportFetcher({
      ...fetcherDeps(),
      clock: new ManualClock(dayWindow(day).end + 3 * 86_400_000 - 3_600_000),
    });
    const later = (n: number) => antomDay(dayWindow(day).start + n * 86_400_000);
    expect(await back.dueDays()).toEqual([later(1), later(2)]);
    const outcomes = await back.fetchOnce();
    expect(outcomes.map((o) => [o.day, o.status])).toEqual([
      [later(1), 'WAITING'],
      [later(2), 'WAITING'],
    ]);
    // Past the catch-up window a day is given up as MISSING (Antom deletes reports after seven days).
    const late = new ReportFetcher({
      ...fetcherDeps(),
      clock: new ManualClock(dayWindow(later(8)).start + 12 * 3_600_000),
    });
    const lastChance = (await late.fetchOnce()).find((o) => o.day === later(1));
    expect(lastChance).toMatchObject({ status: 'MISSING' });
  });

  it('answers a harness the open discrepancies of the sandbox’s day over HTTP: none when the books agree', async () => {
    const clean = await reconcileSandboxDay({
      serverUrl: stack.url,
      merchantApiKey: API_KEY,
      sandboxUrl: stack.sandboxUrl,
      day,
    });
    expect(clean).toEqual([]);
  });

  function fetcherDeps() {
    return {
      settings: {
        host: '127.0.0.1',
        port: stack.sandbox.reports.sftp!.port!,
        username: 'paydesk',
        privateKey: key.private,
        password: null,
        root: '/v1/settlements',
        customerId: CUSTOMER,
        hostKeyFingerprint: stack.sandbox.reports.sftp!.hostKeyFingerprint,
      },
      clock: fetchClock,
      service: stack.server.paydesk.reconciliation.service,
      publishAfterMinutes: 180,
      catchUpDays: 7,
    };
  }

  it('finds exactly a payment removed locally, a refund made only at Antom and an amount changed in the file, by class', async () => {
    const removed = await paidOrder();
    const refundedAtAntom = await paidOrder();
    const changed = await paidOrder();
    await stack.server.paydesk.database.db
      .deleteFrom('payments')
      .where('id', '=', removed.paymentId)
      .execute();
    const outside = await antom().refund({
      refundRequestId: 'ref_made_at_antom_only_1',
      paymentId: refundedAtAntom.gatewayPaymentId,
      refundAmount: { currency: 'THB', value: '20000' },
    });
    expect(outside.kind).toBe('succeeded');
    const { name, content } = await report();
    const tampered = edit(content, 'PAYMENT', changed.paymentId, 'transactionAmountValue', '1499.00');

    const found = await stack.server.paydesk.reconciliation.service.reconcileReport(name, tampered);
    expect(found.map((d) => [d.kind, d.transactionType, d.requestId]).sort()).toEqual(
      [
        ['AMOUNT_MISMATCH', 'PAYMENT', changed.paymentId],
        ['ANTOM_ONLY', 'PAYMENT', removed.paymentId],
        ['ANTOM_ONLY', 'REFUND', 'ref_made_at_antom_only_1'],
      ].sort(),
    );
    const mismatch = found.find((d) => d.kind === 'AMOUNT_MISMATCH')!;
    expect(mismatch.ours).toMatchObject({ amount: { currency: 'THB', value: '150000' } });
    expect(mismatch.antom).toMatchObject({
      amount: { currency: 'THB', value: '149900' },
      transactionId: changed.gatewayPaymentId,
    });
    expect(mismatch.orderId).toBe(changed.orderId);

    // The true report, later: the amount agrees again and that discrepancy is resolved by the report.
    const truth = await report();
    await stack.server.paydesk.reconciliation.service.reconcileReport(truth.name, truth.content);
    const dayView = (await stack.merchant('GET', `/api/v1/reconciliation/days/${day}`)).body;
    expect(dayView.discrepancies.find((d: { id: string }) => d.id === mismatch.id)).toMatchObject({
      status: 'RESOLVED',
      resolution: 'REPORT',
    });
    expect(dayView.openDiscrepancies).toBe(2);
  });

  it('classes a capture missing from the report and a cancel we did not make, announces them, and lets an operator resolve one', async () => {
    const missing = await paidOrder();
    const cancelled = await paidOrder();
    expect((await antom().cancel({ paymentId: cancelled.gatewayPaymentId })).kind).toBe('cancelled');
    const { name, content } = await report();
    const found = await stack.server.paydesk.reconciliation.service.reconcileReport(
      name,
      edit(content, 'PAYMENT', missing.paymentId, 'transactionId', null),
    );
    const mine = found.filter((d) => [missing.paymentId, cancelled.paymentId].includes(d.requestId));
    expect(mine.map((d) => [d.kind, d.transactionType, d.requestId]).sort()).toEqual(
      [
        ['PAYDESK_ONLY', 'PAYMENT', missing.paymentId],
        ['STATE_MISMATCH', 'CANCEL', cancelled.paymentId],
      ].sort(),
    );
    const state = mine.find((d) => d.kind === 'STATE_MISMATCH')!;
    expect(state.reason).toMatch(/we hold it as SUCCESS/);

    const events = await waitFor(async () => {
      const got = receiver.received.filter(
        (r) => r.json?.type === 'reconciliation.discrepancy' && r.json.data.discrepancy.id === state.id,
      );
      return got.length > 0 ? got : undefined;
    }, 'the discrepancy webhook');
    expect(events[0]!.json.data.discrepancy).toMatchObject({
      kind: 'STATE_MISMATCH',
      orderId: cancelled.orderId,
    });

    const metricsBefore = await stack.merchant('GET', '/metrics');
    const open = (await stack.merchant('GET', `/api/v1/reconciliation/days/${day}`)).body.openDiscrepancies;
    expect(metricsBefore.body).toContain(`paydesk_reconciliation_open_discrepancies ${open}`);

    const resolve = (headers: Record<string, string> = {}) =>
      stack.merchant(
        'POST',
        `/api/v1/reconciliation/discrepancies/${state.id}/resolve`,
        { note: 'Antom reversed it at the buyer’s bank; refunded the order by hand' },
        headers,
      );
    const resolved = await resolve({ 'idempotency-key': `resolve-${state.id}` });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'RESOLVED', resolution: 'OPERATOR' });
    // A retry with the same Idempotency-Key gets the same answer; without one, a resolved one is a 409.
    const retried = await resolve({ 'idempotency-key': `resolve-${state.id}` });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(resolved.body);
    expect((await resolve()).status).toBe(409);
    // An operator's resolution holds when the same report is matched again.
    await stack.server.paydesk.reconciliation.service.reconcileReport(name, content + '\n');
    const after = (await stack.merchant('GET', `/api/v1/reconciliation/days/${day}`)).body;
    expect(after.discrepancies.find((d: { id: string }) => d.id === state.id).status).toBe('RESOLVED');
    const metricsAfter = await stack.merchant('GET', '/metrics');
    expect(metricsAfter.body).toContain(
      `paydesk_reconciliation_open_discrepancies ${after.openDiscrepancies}`,
    );
  });

  it('matches a capture its cancel reversed (REVERSED, D11.2) to Antom’s PAYMENT and CANCEL rows', async () => {
    const order = await stack.createOrder({ amount: { currency: 'THB', value: '150000' } });
    const confirm = await stack.confirm(order.checkoutToken, 'TRUEMONEY');
    await stack.control('PUT', '/sandbox/api/faults', {
      seed: 9,
      rules: [{ api: 'cancel', kind: 'latency', latencyMs: 1_500, times: 1 }],
    });
    const cancelling = stack.call(
      'POST',
      `/api/v1/checkout/${order.checkoutToken}/payments/${confirm.body.id}/cancel`,
    );
    // The buyer pays while our cancel waits at Antom: Antom then reverses the capture.
    await waitFor(
      async () =>
        (await stack.control('GET', `/sandbox/api/requests?api=cancel&paymentRequestId=${confirm.body.id}`))
          .body.requests.length > 0,
      'the cancel at Antom',
    );
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: confirm.body.code.value });
    await cancelling;
    await stack.control('DELETE', '/sandbox/api/faults');
    await waitFor(
      async () =>
        (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body.payments[0].state === 'REVERSED',
      'REVERSED',
    );
    const { name, content } = await report();
    expect(content.split('\n').filter((line) => line.includes(confirm.body.id))).toEqual([
      expect.stringContaining(',PAYMENT,'),
      expect.stringContaining(',CANCEL,'),
    ]);
    const service = stack.server.paydesk.reconciliation.service;
    const agreed = await service.reconcileReport(name, content);
    expect(agreed.filter((d) => d.requestId === confirm.body.id)).toEqual([]);
    // Without the CANCEL row, the reversal we hold is missing from Antom's books.
    const withoutCancel = await service.reconcileReport(
      name,
      edit(content, 'CANCEL', confirm.body.id, 'transactionId', null),
    );
    expect(
      withoutCancel.filter((d) => d.requestId === confirm.body.id).map((d) => [d.kind, d.transactionType]),
    ).toEqual([['PAYDESK_ONLY', 'CANCEL']]);
    // The whole report again (other bytes, same name): the reversal is matched once more.
    await service.reconcileReport(name, `${content}\n`);
  });

  it('reconciles a late payment and its give-back with no discrepancy', async () => {
    // QRIS cannot be cancelled: a code paid after the order closed is captured, then refunded (D4).
    const order = await stack.createOrder({ amount: { currency: 'IDR', value: '10000000' }, region: 'ID' });
    const confirm = await stack.confirm(order.checkoutToken, 'QRIS');
    expect(confirm.status).toBe(201);
    const closed = await stack.merchant('POST', `/api/v1/orders/${order.id}/close`);
    expect(closed.body.status).toBe('CLOSED');
    expect(
      (await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: confirm.body.code.value })).status,
    ).toBe(200);
    const refund = await waitFor(
      async () => {
        const view = (await stack.merchant('GET', `/api/v1/orders/${order.id}`)).body;
        return view.refunds.find((r: { status: string }) => r.status === 'SUCCEEDED');
      },
      'the give-back refund',
      15_000,
    );
    const { name, content } = await report();
    expect(content).toContain(`,${refund.id},`);
    const found = await stack.server.paydesk.reconciliation.service.reconcileReport(name, content);
    expect(found.filter((d) => d.orderId === order.id)).toEqual([]);
  });

  it('refuses malformed reports with the line and reason, and changes nothing', async () => {
    const before = (await stack.merchant('GET', `/api/v1/reconciliation/days/${day}`)).body;
    const { name, content } = await report();
    const badAmount = content.replace(/,1500\.00,THB,/, ',15.005,THB,');
    const refused = await stack.merchant('POST', '/api/v1/reconciliation/reports', {
      name,
      content: badAmount,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('REPORT_MALFORMED');
    expect(refused.body.error.details[0]).toMatchObject({
      field: expect.stringMatching(/^line \d+$/),
      message: expect.stringMatching(/transactionAmountValue "15\.005" has more than 2 decimals/),
    });
    const noEnd = await stack.merchant('POST', '/api/v1/reconciliation/reports', {
      name,
      content: content.replace('<END>\n', ''),
    });
    expect(noEnd.status).toBe(422);
    expect(noEnd.body.error.message).toMatch(/does not end with <END>/);
    const wrongName = await stack.merchant('POST', '/api/v1/reconciliation/reports', {
      name: 'report.csv',
      content,
    });
    expect(wrongName.status).toBe(422);
    const wide = await stack.merchant('POST', '/api/v1/reconciliation/reports', {
      name,
      content: content.replace('\n', ',extra\n'),
    });
    expect(wide.status).toBe(422);
    expect(wide.body.error.message).toMatch(/line 2: \d+ fields where the header has \d+/);
    expect((await stack.merchant('GET', `/api/v1/reconciliation/days/${day}`)).body).toEqual(before);

    expect((await stack.merchant('GET', '/api/v1/reconciliation/days/2026-02-30')).status).toBe(400);
    expect((await stack.merchant('GET', '/api/v1/reconciliation/days/yesterday')).status).toBe(400);
    expect((await stack.call('GET', '/api/v1/reconciliation/days')).status).toBe(401);
    expect(
      (await stack.merchant('POST', '/api/v1/reconciliation/discrepancies/dsc_NOPE/resolve', { note: 'x' }))
        .status,
    ).toBe(404);
    expect((await stack.merchant('POST', '/api/v1/reconciliation/reports', { name })).status).toBe(400);
    const days = await stack.merchant('GET', '/api/v1/reconciliation/days');
    expect(days.body.data.find((d: { day: string }) => d.day === day)).toMatchObject({
      status: 'IMPORTED',
      rows: expect.any(Number),
    });
  });
});
