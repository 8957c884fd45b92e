// Antom answers the sandbox cannot produce (docs/antom-notes.md §5.1 PENDING; a payment Antom closed on its
// own; no answer at all at the deadline), played by a scripted gateway behind the PaymentGateway port. Each
// pins a finding of the server review (D6): the buyer is never let to pay twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type PaydeskApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type {
  CancelResult,
  CreatePaymentResult,
  InquiryResult,
  PaymentGateway,
} from '../src/gateway/payment-gateway.ts';
import {
  catalogWithTimeout,
  createTestDatabase,
  DIALECTS,
  testKeys,
  type TestDatabase,
} from '@paydesk/testkit';
import { DELAYS } from '../src/payments/lifecycle.schedule.ts';

/** A gateway whose answers the test sets, recording every call. */
class ScriptedGateway implements PaymentGateway {
  readonly isSandbox = false;
  maxCallDurationMs = () => 20_000;
  maxPayDurationMs = () => 30_000;
  inquiry: InquiryResult = { kind: 'unknown', code: 'NOT_SET' };
  cancel: CancelResult = { kind: 'rejected', code: 'ORDER_STATUS_INVALID', message: 'no' };
  readonly calls: string[] = [];
  async createPayment(input: { paymentRequestId: string }): Promise<CreatePaymentResult> {
    this.calls.push(`pay ${input.paymentRequestId}`);
    return {
      kind: 'created',
      gatewayPaymentId: `G-${input.paymentRequestId}`,
      code: { kind: 'qr', value: `code-${input.paymentRequestId}` },
      codeExpiresAt: null,
      deepLink: null,
      links: null,
      walletUrl: null,
    };
  }
  async inquirePayment(id: string): Promise<InquiryResult> {
    this.calls.push(`inquiry ${id}`);
    return this.inquiry;
  }
  async cancelPayment(id: string): Promise<CancelResult> {
    this.calls.push(`cancel ${id}`);
    return this.cancel;
  }
  async refund() {
    return { kind: 'unknown' as const, code: 'NOT_USED' };
  }
  async inquireRefund() {
    return { kind: 'unknown' as const, code: 'NOT_USED' };
  }
  async consult() {
    return undefined;
  }
  verifyNotification() {
    return { ok: false as const, reason: 'not used', code: 'SIGNATURE' as const };
  }
}

describe.each(DIALECTS)('answers only a real Antom gives, on %s', (dialect) => {
  let database: TestDatabase;
  let paydesk: PaydeskApp;
  const gateway = new ScriptedGateway();
  const key = 'scripted_key_0123456789abcdefgh';

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const config = loadConfig(
      {},
      {
        port: 0,
        databaseUrl: database.url,
        merchantApiKey: key,
        logLevel: 'silent',
        cashierDist: null,
        antom: {
          gatewayUrl: 'http://127.0.0.1:9',
          clientId: 'X',
          privateKey: testKeys().merchant.privateKeyPem,
          publicKey: testKeys().gateway.publicKeyPem,
        },
        checkout: { paymentMethods: catalogWithTimeout(30), useConsult: false },
        sweeper: { enabled: false },
      },
    );
    paydesk = await buildApp(config, { gateway, logger: false });
  }, 60_000);
  afterAll(async () => {
    await paydesk?.close();
    await database?.drop();
  });

  async function livePayment() {
    const order = (
      await paydesk.app.inject({
        method: 'POST',
        url: '/api/v1/orders',
        headers: { authorization: `Bearer ${key}` },
        payload: {
          reference: 'S',
          amount: { currency: 'THB', value: '150000' },
          description: 'x',
          region: 'TH',
        },
      })
    ).json();
    const payment = (
      await paydesk.app.inject({
        method: 'POST',
        url: `/api/v1/checkout/${order.checkoutToken}/payments`,
        payload: { paymentMethodType: 'PROMPTPAY', terminalType: 'WEB' },
      })
    ).json();
    return { order, payment };
  }

  const attempt = (id: string) =>
    paydesk.database.db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const makeDue = (id: string, patch: Record<string, number> = {}) =>
    paydesk.database.db
      .updateTable('payments')
      .set({ next_check_at: 0, lease_until: null, ...patch })
      .where('id', '=', id)
      .execute();

  it('never cancels a payment the buyer has completed at Antom (PENDING): keeps waiting, then ends paid', async () => {
    const { order, payment } = await livePayment();
    gateway.inquiry = {
      kind: 'found',
      status: 'PENDING',
      gatewayPaymentId: null,
      resultCode: null,
      amount: null,
      paidAt: null,
      reversal: null,
    };
    gateway.cancel = { kind: 'rejected', code: 'ORDER_STATUS_INVALID', message: 'paid or paying' };
    const cancel = await paydesk.app.inject({
      method: 'POST',
      url: `/api/v1/checkout/${order.checkoutToken}/payments/${payment.id}/cancel`,
    });
    expect(cancel.json()).toMatchObject({ status: 'PROCESSING' });
    // Asked first (D11): Antom says the buyer has completed, so no cancel is sent at all.
    expect(await attempt(payment.id)).toMatchObject({
      status: 'PROCESSING',
      cancel_reason: 'BUYER_CANCELLED',
    });
    expect(gateway.calls).not.toContain(`cancel ${payment.id}`);
    // The buyer cannot start a second payment meanwhile.
    const second = await paydesk.app.inject({
      method: 'POST',
      url: `/api/v1/checkout/${order.checkoutToken}/payments`,
      payload: { paymentMethodType: 'TRUEMONEY', terminalType: 'WEB' },
    });
    expect(second.statusCode).toBe(409);
    // Antom settles it: the refused cancel leads to the paid path.
    gateway.inquiry = {
      kind: 'found',
      status: 'SUCCESS',
      gatewayPaymentId: null,
      resultCode: null,
      amount: null,
      paidAt: Date.now(),
      reversal: null,
    };
    await makeDue(payment.id);
    await paydesk.sweeper.sweepOnce();
    expect((await attempt(payment.id)).status).toBe('SUCCESS');
    const view = await paydesk.app.inject({
      method: 'GET',
      url: `/api/v1/orders/${order.id}`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(view.json().status).toBe('PAID');
  });

  it('accepts CANCELLED for a code Antom closed on its own, instead of asking about it for ever', async () => {
    const { payment } = await livePayment();
    gateway.inquiry = {
      kind: 'found',
      status: 'CANCELLED',
      gatewayPaymentId: null,
      resultCode: 'ORDER_IS_CLOSED',
      amount: null,
      paidAt: null,
      reversal: null,
    };
    await makeDue(payment.id);
    await paydesk.sweeper.sweepOnce();
    expect((await attempt(payment.id)).status).toBe('CANCELLED');
  });

  it('sends the cancel at the deadline even when the inquiries get no answer, after asking a few times (S19, D11.1)', async () => {
    const { payment } = await livePayment();
    gateway.inquiry = { kind: 'unknown', code: 'TIMEOUT' };
    gateway.cancel = { kind: 'cancelled' };
    await makeDue(payment.id, { expires_at: Date.now() - 1 });
    await paydesk.sweeper.sweepOnce();
    // One unanswered look is not enough to cancel blind: the next comes a second later.
    expect(gateway.calls.at(-1)).toBe(`inquiry ${payment.id}`);
    expect(await attempt(payment.id)).toMatchObject({ status: 'PROCESSING', cancel_reason: 'TIMEOUT' });
    for (let look = 1; look < DELAYS.stopLooks; look += 1) {
      await makeDue(payment.id);
      await paydesk.sweeper.sweepOnce();
    }
    expect(gateway.calls.slice(-(DELAYS.stopLooks + 1))).toEqual([
      ...Array.from({ length: DELAYS.stopLooks }, () => `inquiry ${payment.id}`),
      `cancel ${payment.id}`,
    ]);
    expect(await attempt(payment.id)).toMatchObject({ status: 'CANCELLED', reason: 'TIMEOUT' });
  });
});
