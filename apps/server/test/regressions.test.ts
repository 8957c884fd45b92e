// Regressions found by the reliability campaign (reliability/, D6): each test pins one invariant
// violation the campaign found, on both dialects, against the real sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogWithTimeout, DIALECTS, startStack, waitFor, type Stack } from '@paydesk/testkit';

describe.each(DIALECTS)('regressions on %s', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      dialect,
      config: {
        antom: { timeoutMs: 1_000 },
        // Antom's expiry falls 4 s after ours, so the sweeper's timeout step (which abandons the QRIS
        // attempt) runs before Antom closes it even on a busy two-core CI machine.
        checkout: { paymentMethods: catalogWithTimeout(10), gatewayExpiryGraceSeconds: 4 },
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const view = (orderId: string) => stack.merchant('GET', `/api/v1/orders/${orderId}`).then((r) => r.body);

  // Crash recovery (D6.5): a process killed in the middle of a sweeper step keeps its claim
  // on the item until the claim runs out. The claim was a fixed 60 s, so an attempt whose cancel was cut
  // by a SIGKILL stayed CANCELLING for a minute after the restart. It now lasts as long as one step's
  // gateway calls may take: three calls with their retries at the configured timeout (1 s here).
  it('claims an item for as long as one step may take, not a fixed minute', async () => {
    const order = await stack.createOrder();
    const payment = await stack.confirm(order.checkoutToken);
    await stack.control('PUT', '/sandbox/api/faults', {
      seed: 1,
      rules: [{ api: 'inquiryPayment', kind: 'latency', latencyMs: 800, times: 1 }],
    });
    const db = stack.server.paydesk.database.db;
    await db
      .updateTable('payments')
      .set({ next_check_at: Date.now() })
      .where('id', '=', payment.body.id)
      .execute();
    const claim = await waitFor(
      async () => {
        const row = await db
          .selectFrom('payments')
          .select('lease_until')
          .where('id', '=', payment.body.id)
          .executeTakeFirstOrThrow();
        return row.lease_until === null ? undefined : { lease: row.lease_until, seen: Date.now() };
      },
      'the sweeper to claim the attempt',
      5_000,
    );
    // 3 × (3 × 1 s + 1.2 s of back-off) + 2 s = 14.6 s.
    expect(claim.lease - claim.seen).toBeLessThanOrEqual(14_600);
    await stack.control('DELETE', '/sandbox/api/faults');
  });

  // No 5xx (D6.4 and D6.8, found by the campaign): a buyer cancelled a payment whose `pay` was
  // still on its way, so Antom refused the cancel (no such payment yet) and the server asked what became of
  // it; meanwhile the pay landed and a second cancel (another tab) closed it. The first then tried to move
  // the already CANCELLED attempt to CANCELLED again — a move the transition table forbids — and the buyer
  // got a 500 (the sweeper, in the same race, a failed step).
  it('answers both of two racing cancels of a payment whose pay was still in flight', async () => {
    const order = await stack.createOrder();
    await stack.control('PUT', '/sandbox/api/faults', {
      seed: 1,
      rules: [
        { api: 'pay', kind: 'latency', latencyMs: 300, times: 1 },
        { api: 'inquiryPayment', kind: 'latency', latencyMs: 700, times: 1 },
      ],
    });
    const confirming = stack.confirm(order.checkoutToken);
    const pending = await waitFor(
      async () => (await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}`)).body.payment,
      'the pending payment',
      5_000,
    );
    const cancel = () =>
      stack.call('POST', `/api/v1/checkout/${order.checkoutToken}/payments/${pending.id}/cancel`);
    const first = cancel(); // refused by Antom (no such payment yet); its inquiry is slow
    await confirming; // the pay has landed
    const second = await cancel(); // this one cancels it at Antom
    const answers = [await first, second];
    await stack.control('DELETE', '/sandbox/api/faults');
    // Both answered (no 500); the second closed it. The first answers what it knew when its slow look came
    // back — CANCELLED, or (on a loaded machine, its look overtaken) still PROCESSING.
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers[1]!.body.status).toBe('CANCELLED');
    expect(['CANCELLED', 'CANCELLING', 'PROCESSING']).toContain(answers[0]!.body.status);
    expect((await view(order.id)).payments[0].state).toBe('CANCELLED');
  });

  // Bad input (D6.7): a NUL character passes JSON and the schemas, but PostgreSQL cannot
  // store it — creating an order with one, or searching for one, answered 500 there (and SQLite kept it).
  it('refuses a NUL character in any field with 400 naming the field, on both dialects', async () => {
    const before = (await stack.merchant('GET', '/api/v1/orders?limit=100')).body.data.length;
    const created = await stack.merchant('POST', '/api/v1/orders', {
      reference: 'R-\u0000',
      amount: { currency: 'THB', value: '100' },
      description: 'tea',
      metadata: { 'k\u0000': 'v' },
    });
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(created.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'body.reference',
      'body.metadata.k\u0000',
    ]);
    const search = await stack.merchant('GET', '/api/v1/orders?q=a%00b');
    expect(search.status).toBe(400);
    expect(search.body.error.details[0].field).toBe('querystring.q');
    expect((await stack.merchant('GET', '/api/v1/orders?limit=100')).body.data.length).toBe(before);
  });

  // The same: a notification body with a NUL byte (garbage, refused) is kept for the record, and keeping
  // it made PostgreSQL fail, so the refusal became a 500.
  it('refuses a notification of garbage bytes with 4xx and keeps it, on both dialects', async () => {
    const response = await fetch(`${stack.url}/api/v1/antom/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0x00, 0x7d]),
    });
    expect(response.status).toBe(401);
    const kept = await stack.server.paydesk.database.db
      .selectFrom('notifications')
      .select('body')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(kept.body).toBe('{\ufffd}');
  });

  // Every 4xx names what was wrong in the API's shape: the router's own refusals of an over-long path
  // segment (414) or a broken percent-encoding (400) came back as Fastify's `{ error: "Bad Request" }`.
  it('answers malformed and over-long URLs in the API error shape', async () => {
    const long = await stack.call('GET', `/api/v1/checkout/${'x'.repeat(200)}`);
    expect(long.status).toBe(414);
    expect(long.body).toEqual({ error: { code: 'URL_TOO_LONG', message: expect.any(String) } });
    const broken = await stack.merchant('POST', '/api/v1/orders/%zz/close');
    expect(broken.status).toBe(400);
    expect(broken.body).toEqual({ error: { code: 'MALFORMED_URL', message: expect.any(String) } });
  });
});

// The ledger check (D6.1): a duplicate given back by an asynchronous refund stayed PROCESSING
// for a minute when its REFUND_RESULT was lost, although Antom had settled it, because the sweeper that
// sent it kept its 60 s lease on the row and the 5 s inquiry could not run before it ended. On the kit's
// manual clock, shared with the sandbox (its refund settles 1.5 s of that clock after it is asked): the
// inquiry comes 5 s of the clock after Antom's "in process", not before, whatever the machine's load.
describe.each(DIALECTS)('a lost refund result on %s', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      dialect,
      clock: 'manual',
      workers: 'manual',
      sandbox: { asyncRefundDelayMs: 1_500 },
    });
  });
  afterAll(() => stack?.close());

  const view = (orderId: string) => stack.merchant('GET', `/api/v1/orders/${orderId}`).then((r) => r.body);

  it('settles a duplicate refund by inquiry 5 s after Antom said it was in process', async () => {
    const order = await stack.createOrder({ amount: { currency: 'IDR', value: '25000000' }, region: 'ID' });
    const left = await stack.confirm(order.checkoutToken, 'QRIS');
    await stack.call('POST', `/api/v1/checkout/${order.checkoutToken}/payments/${left.body.id}/cancel`);
    const kept = await stack.confirm(order.checkoutToken, 'QRIS');
    await stack.scan(kept.body.code.value);
    await waitFor(async () => (await view(order.id)).status === 'PAID', 'PAID');
    // The buyer also pays the code they left: Antom cannot cancel QRIS, so the surplus is refunded.
    await stack.scan(left.body.code.value);
    const processing = await waitFor(async () => {
      await stack.sweepOnce(); // sends the give-back once the capture is known (no clock move)
      return (await view(order.id)).refunds.find((r: { status: string }) => r.status === 'PROCESSING');
    }, 'the duplicate refund to be processing');
    // Antom settles it when its clock says so (1.5 s on), and its REFUND_RESULT is lost.
    await stack.control('PUT', '/sandbox/api/faults', { seed: 1, notifications: { drop: 1 } });
    const refund = async () =>
      (await view(order.id)).refunds.find((r: { id: string }) => r.id === processing.id);
    stack.advance(4_000);
    await stack.sweepOnce();
    expect((await refund()).status).toBe('PROCESSING');
    stack.advance(1_000);
    await stack.sweepOnce();
    expect((await refund()).status).toBe('SUCCEEDED');
    const ledger = (await stack.control('GET', `/sandbox/api/ledger?paymentRequestId=${left.body.id}`)).body
      .payments[0];
    expect(ledger).toMatchObject({ captured: '25000000', refunded: '25000000', net: '0' });
  });
});

describe.each(DIALECTS)('regressions of refunds on %s', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    // Asynchronous refunds settle 1.5 s after they are asked, so the test can drop their REFUND_RESULT.
    stack = await startStack({ dialect, sandbox: { asyncRefundDelayMs: 1_500 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const view = (orderId: string) => stack.merchant('GET', `/api/v1/orders/${orderId}`).then((r) => r.body);

  // Found by the CI run of the forged-notification suite: a REFUND_RESULT read its refund while PENDING,
  // the refund's own answer moved it to PROCESSING, and the result's compare-and-set lost: the result was
  // acknowledged but dropped, and only the sweeper's inquiry could still settle the refund.
  it('applies a refund result even when the refund moved between the read and the write', async () => {
    await stack.control('DELETE', '/sandbox/api/faults');
    const order = await stack.createOrder({ amount: { currency: 'SGD', value: '5000' }, region: 'SG' });
    const payment = await stack.confirm(order.checkoutToken, 'PAYNOW');
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: payment.body.code.value });
    await waitFor(async () => (await view(order.id)).status === 'PAID', 'PAID');
    // Antom's own REFUND_RESULT is held back, so only the notification below can settle it.
    await stack.control('PUT', '/sandbox/api/faults', { seed: 1, notifications: { drop: 1 } });
    const refund = await stack.merchant('POST', `/api/v1/orders/${order.id}/refunds`, {
      amount: { currency: 'SGD', value: '2000' },
    });
    expect(refund.body.status).toBe('PROCESSING');
    const { db } = stack.server.paydesk.database;
    const row = await db
      .selectFrom('refunds')
      .selectAll()
      .where('id', '=', refund.body.id)
      .executeTakeFirstOrThrow();
    const readWhilePending = { ...row, status: 'PENDING' as const };
    const after = await stack.server.paydesk.services.refunds.applyNotification(
      readWhilePending,
      true,
      'SUCCESS',
      'gw_refund_1',
    );
    expect(after.status).toBe('SUCCEEDED');
    await stack.control('DELETE', '/sandbox/api/faults');
  });

  // Found in review of the cashier (D5): once an order was paid by an attempt the buyer had left,
  // the newer attempt kept its payable code. The sweeper now closes it at once.
  it('closes any other live code as soon as the order is paid', async () => {
    await stack.control('DELETE', '/sandbox/api/faults');
    const order = await stack.createOrder({ amount: { currency: 'IDR', value: '25000000' }, region: 'ID' });
    const left = await stack.confirm(order.checkoutToken, 'QRIS');
    await stack.call('POST', `/api/v1/checkout/${order.checkoutToken}/payments/${left.body.id}/cancel`);
    const live = await stack.confirm(order.checkoutToken, 'QRIS');
    expect(live.body.code).not.toBeNull();
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: left.body.code.value });
    const closed = await waitFor(async () => {
      const p = (await view(order.id)).payments.find((x: { id: string }) => x.id === live.body.id);
      return p.state !== 'PROCESSING' && p.state !== 'CANCELLING' ? p : undefined;
    }, 'the other code closed');
    // QRIS cannot be cancelled at Antom: the attempt is left ABANDONED (watched), with the reason.
    expect(closed).toMatchObject({ state: 'ABANDONED', reason: 'ORDER_PAID' });
    const status = (await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}/status`)).body;
    expect(status.orderStatus).toBe('PAID');
    expect(status.payment.hasCode).toBe(false);
  });

  // Found by the crash campaign (D6.5): a merchant request cut by SIGKILL left its
  // Idempotency-Key "in progress" for ever. A retry now takes a stale key over, and a refund's id comes
  // from the key, so the retry finds the refund the first request made instead of refunding twice.
  it('lets a retry take over a stale Idempotency-Key without refunding twice', async () => {
    const order = await stack.createOrder();
    const confirm = await stack.confirm(order.checkoutToken, 'TRUEMONEY');
    await stack.control('POST', '/sandbox/api/codes/pay', { codeValue: confirm.body.code.value });
    await waitFor(async () => (await view(order.id)).status === 'PAID', 'PAID');
    const body = { amount: { currency: 'THB', value: '40000' } };
    const first = await stack.merchant('POST', `/api/v1/orders/${order.id}/refunds`, body, {
      'idempotency-key': 'crash-1',
    });
    expect(first.status).toBe(201);
    // As if the process had died before answering: the key is still "in progress".
    const db = stack.server.paydesk.database.db;
    const unanswered = () =>
      db
        .updateTable('idempotency_keys')
        .set({ state: 'IN_PROGRESS', response_status: null, response_body: null })
        .where('key', '=', 'crash-1');
    await unanswered().set({ created_at: Date.now() }).execute();
    const tooSoon = await stack.merchant('POST', `/api/v1/orders/${order.id}/refunds`, body, {
      'idempotency-key': 'crash-1',
    });
    expect(tooSoon.status).toBe(409);
    await unanswered()
      .set({ created_at: Date.now() - 10 * 60_000 })
      .execute();
    const retry = await stack.merchant('POST', `/api/v1/orders/${order.id}/refunds`, body, {
      'idempotency-key': 'crash-1',
    });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    const after = await view(order.id);
    expect(after.refunds).toHaveLength(1);
    expect(after.refundedAmount.value).toBe('40000');
  });

  // Found in review (D6): close used to report CLOSED while its cancel had no answer yet, so a
  // buyer who had just paid (PromptPay: no refunds) was left to an operator. It now answers a 409 that
  // an Idempotency-Key does not keep, and closes once Antom has answered.
  it('refuses to close while the live payment’s cancel has no answer, then closes on a retry', async () => {
    await stack.control('DELETE', '/sandbox/api/faults');
    const order = await stack.createOrder();
    const confirm = await stack.confirm(order.checkoutToken);
    await stack.control('PUT', '/sandbox/api/faults', {
      seed: 11,
      rules: [{ api: 'cancel', kind: 'http5xx', status: 503 }],
    });
    const headers = { 'idempotency-key': 'close-1' };
    const refused = await stack.merchant('POST', `/api/v1/orders/${order.id}/close`, undefined, headers);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONFLICT');
    expect((await view(order.id)).status).toBe('OPEN');
    await stack.control('DELETE', '/sandbox/api/faults');
    const closed = await waitFor(
      async () => {
        const answer = await stack.merchant('POST', `/api/v1/orders/${order.id}/close`, undefined, headers);
        return answer.status === 200 ? answer.body : undefined;
      },
      'the close to go through',
      15_000,
    );
    expect(closed.status).toBe('CLOSED');
    expect(closed.payments.find((p: { id: string }) => p.id === confirm.body.id).state).toBe('CANCELLED');
  });
});

// Liveness (D6.2): an attempt Antom will not cancel ends when Antom's own expiry passes.
// It used to be asked again only 30 s after it was abandoned (and, when the sweeper had abandoned it,
// not before the sweeper's 60 s lease ran out), so it stayed open long after Antom had closed it. On the
// kit's manual clock, swept every half second of it: the bound is exact and no machine is too slow for it.
describe.each(DIALECTS)('abandoned attempts on %s', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      dialect,
      clock: 'manual',
      workers: 'manual',
      config: { checkout: { paymentMethods: catalogWithTimeout(10), gatewayExpiryGraceSeconds: 4 } },
    });
  });
  afterAll(() => stack?.close());

  const view = (orderId: string) => stack.merchant('GET', `/api/v1/orders/${orderId}`).then((r) => r.body);

  it('ends an ABANDONED attempt at Antom’s expiry, whether the buyer or the timeout left it', async () => {
    const left = await stack.createOrder({ amount: { currency: 'IDR', value: '25000000' }, region: 'ID' });
    const timedOut = await stack.createOrder({
      amount: { currency: 'IDR', value: '25000000' },
      region: 'ID',
    });
    const leftPayment = await stack.confirm(left.checkoutToken, 'QRIS');
    const timedOutPayment = await stack.confirm(timedOut.checkoutToken, 'QRIS');
    const cancel = await stack.call(
      'POST',
      `/api/v1/checkout/${left.checkoutToken}/payments/${leftPayment.body.id}/cancel`,
    );
    expect((await view(left.id)).payments[0].state).toBe('ABANDONED');
    expect(cancel.body.status).toBe('CANCELLED');

    const attempts = await Promise.all(
      [
        [left, leftPayment],
        [timedOut, timedOutPayment],
      ].map(async ([order, payment]) => {
        const atAntom = await stack.control(
          'GET',
          `/sandbox/api/payments?paymentRequestId=${payment.body.id}`,
        );
        return { orderId: order.id, antomExpiry: Date.parse(atAntom.body.payments[0].expiresAt) };
      }),
    );
    const step = 500;
    stack.advance(1); // off the expiries' grid, so no pass lands on one exactly
    const until = Math.max(...attempts.map((a) => a.antomExpiry)) + 1_000 + 2 * step;
    while (stack.clock.now() < until) {
      stack.advance(step);
      await stack.sweepOnce();
      for (const attempt of attempts) {
        const payment = (await view(attempt.orderId)).payments[0];
        // Open while Antom may still take the money; final once it cannot. Antom keeps the expiry to the
        // second (paymentExpiryTime), we to the millisecond, and we ask at ours: within a second after.
        if (stack.clock.now() < attempt.antomExpiry) expect(payment.state).not.toBe('FAIL');
        else if (stack.clock.now() >= attempt.antomExpiry + 1_000) expect(payment.state).toBe('FAIL');
      }
    }
    for (const attempt of attempts) {
      const ended = (await view(attempt.orderId)).payments[0];
      expect(ended.state).toBe('FAIL');
      expect(Date.parse(ended.finalAt)).toBeGreaterThanOrEqual(attempt.antomExpiry);
      expect(Date.parse(ended.finalAt)).toBeLessThan(attempt.antomExpiry + 1_000 + step);
    }
    const history = (await view(timedOut.id)).events.map((e: { type: string }) => e.type);
    expect(history).toContain('payment.abandoned');
  });
});
