// The Antom adapter of the gateway port against the sandbox over real HTTP (D13; D11): the code
// a buyer is shown (TEXT drawn by us, else Antom's image), the links a phone opens, a reversal as
// inquiryPayment reports it, consult's limits, a notify URL with a query string, and verified notifications
// of types we do not act on — recorded and acknowledged through the whole app, on both dialects.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPrivateKey, NOTIFICATION_ACK, signNotification, type PayResponse } from '@paydesk/antom';
import { createSandbox, type Sandbox } from '@paydesk/sandbox';
import type { Money } from '@paydesk/api';
import { AntomGateway, codeOf, imageUrlOf } from '../src/gateway/antom.gateway.ts';
import type {
  CreatePaymentInput,
  GatewayCallLog,
  GatewayMethodOption,
  PaymentGateway,
  VerifiedNotification,
} from '../src/gateway/payment-gateway.ts';
import { ManualClock } from '../src/domain/clock.ts';
import { DEFAULT_CATALOG } from '../src/methods/catalog.ts';
import { MethodService } from '../src/methods/method.service.ts';
import { loadSamples, shapeProblems } from '../../../packages/antom/test/helpers/samples.helper.ts';
import { CLIENT_ID, DIALECTS, startStack, testKeys, waitFor, type Stack } from '@paydesk/testkit';

const context = { orderId: 'ord_test' };
let sandbox: Sandbox;
let sandboxUrl: string;

beforeAll(async () => {
  const { merchant, gateway } = testKeys();
  sandbox = await createSandbox({
    clientId: CLIENT_ID,
    merchantPublicKey: merchant.publicKeyPem,
    gatewayPrivateKey: gateway.privateKeyPem,
    timeScale: 1000,
  });
  sandboxUrl = await sandbox.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => sandbox.close());

function antomGateway(
  notifyUrl = 'https://shop.example/api/v1/antom/notify',
  onCall?: (log: GatewayCallLog) => void,
): AntomGateway {
  const { merchant, gateway } = testKeys();
  return new AntomGateway({
    ...(onCall ? { onCall } : {}),
    clientId: CLIENT_ID,
    privateKey: merchant.privateKeyPem,
    antomPublicKey: gateway.publicKeyPem,
    gatewayUrl: sandboxUrl,
    keyVersion: '1',
    notifyUrl,
    settlementCurrency: null,
    isSandbox: true,
    timeoutMs: 3_000,
    codeDisplay: (type) => (type.startsWith('BANKTRANSFER_') ? 'text' : 'qr'),
  });
}

let sequence = 0;
function payment(overrides: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  sequence += 1;
  const amount = overrides.amount ?? { currency: 'THB', value: '15000' };
  return {
    paymentRequestId: `pay_gw_${process.pid}_${Date.now()}_${sequence}`,
    orderReference: `ORD-${sequence}`,
    orderDescription: 'Jasmine tea',
    amount,
    items: [],
    buyer: null,
    paymentMethodType: 'TRUEMONEY',
    terminalType: 'WEB',
    userRegion: null,
    expiresAt: Date.now() + 5 * 60_000,
    redirectUrl: 'https://shop.example/return',
    ...overrides,
  };
}

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(sandboxUrl + path, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return (await response.json()) as Record<string, unknown>;
}

describe('the code and links a created payment carries (D13.7 and D13.9)', () => {
  it('draws a TEXT value ourselves: a QR for QR methods, text to type for bank transfers', async () => {
    const gateway = antomGateway();
    const qr = await gateway.createPayment(payment(), context);
    expect(qr).toMatchObject({ kind: 'created', code: { kind: 'qr' } });
    expect(qr.kind === 'created' && qr.code!.value).toMatch(/\/wallet\/c\//);
    const va = await gateway.createPayment(
      payment({
        amount: { currency: 'IDR', value: '25000000' },
        paymentMethodType: 'BANKTRANSFER_PERMATA',
      }),
      context,
    );
    expect(va).toMatchObject({ kind: 'created', code: { kind: 'text' } });
    expect(va.kind === 'created' && va.code!.value).toMatch(/^8528\d{12}$/);
  });

  it("shows Antom's largest image when only images come (GCash in the sandbox)", async () => {
    const result = await antomGateway().createPayment(
      payment({ amount: { currency: 'PHP', value: '50000' }, paymentMethodType: 'GCASH' }),
      context,
    );
    expect(result).toMatchObject({ kind: 'created', code: { kind: 'image' } });
    const value = result.kind === 'created' ? result.code!.value : '';
    expect(value).toMatch(/\/sandbox\/codes\/[A-Za-z0-9_-]+\/big\.svg$/);
    expect((await fetch(value)).headers.get('content-type')).toBe('image/svg+xml');
  });

  it('keeps every link Antom gives a phone, and none for a desktop', async () => {
    const gateway = antomGateway();
    const web = await gateway.createPayment(payment(), context);
    expect(web).toMatchObject({ deepLink: null, links: null });
    const wap = await gateway.createPayment(payment({ terminalType: 'WAP', osType: 'ANDROID' }), context);
    expect(wap).toMatchObject({
      links: { app: expect.stringMatching(/\/wallet\/c\//), scheme: null, normal: expect.any(String) },
    });
    const app = await gateway.createPayment(payment({ terminalType: 'APP', osType: 'IOS' }), context);
    expect(app).toMatchObject({
      links: {
        app: expect.stringMatching(/\/wallet\/c\//),
        scheme: expect.stringMatching(/^paydesk-sandbox-wallet:\/\//),
        normal: expect.any(String),
      },
    });
    expect(app.kind === 'created' && app.deepLink).toBe(app.kind === 'created' && app.links!.app);
  });
});

describe("the server's requests against Antom's samples (D13)", () => {
  it('sends every field a custom cashier must, each of a field Antom’s models have, in its type', async () => {
    const calls: GatewayCallLog[] = [];
    const gateway = antomGateway(undefined, (log) => calls.push(log));
    const input = payment({
      items: [
        {
          name: 'Jasmine tea',
          quantity: 2,
          unitAmount: { currency: 'THB', value: '7500' },
          reference: 'sku-1',
        },
      ],
      buyer: { id: 'buyer-1', email: 'a@shop.example', phone: '+66800000000', name: 'Somchai' },
      terminalType: 'WAP',
      osType: 'ANDROID',
      userRegion: 'TH',
    });
    const created = await gateway.createPayment(input, context);
    await gateway.inquirePayment(input.paymentRequestId, context);
    await control('POST', '/sandbox/api/codes/pay', {
      codeValue: created.kind === 'created' ? created.code!.value : '',
    });
    const paid = await gateway.inquirePayment(input.paymentRequestId, context);
    const refundRequestId = `ref_gw_${input.paymentRequestId}`;
    await gateway.refund(
      {
        refundRequestId,
        gatewayPaymentId: paid.kind === 'found' ? paid.gatewayPaymentId! : '',
        amount: { currency: 'THB', value: '100' },
        reason: 'one cup broken',
      },
      context,
    );
    await gateway.inquireRefund(refundRequestId, context);
    const unpaid = payment();
    await gateway.createPayment(unpaid, context);
    await gateway.cancelPayment(unpaid.paymentRequestId, context);
    await gateway.consult({ amount: { currency: 'THB', value: '15000' }, region: 'TH', terminalType: 'WEB' });

    const samples = loadSamples();
    const apis = new Set(calls.map((call) => call.api));
    expect([...apis].sort()).toEqual([
      'cancel',
      'consult',
      'inquiryPayment',
      'inquiryRefund',
      'pay',
      'refund',
    ]);
    for (const call of calls) {
      const sample = samples[call.api]!;
      const body = JSON.parse(call.requestBody) as Record<string, unknown>;
      expect(shapeProblems(body, sample.requestShape, { strict: true }), call.api).toEqual([]);
      const missing = sample.requiredForCustomCashier.filter(
        (path) =>
          path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key], body) ===
          undefined,
      );
      expect(missing, call.api).toEqual([]);
    }
  });
});

describe('codeOf (orderCodeForm.codeDetails as Antom may send it)', () => {
  const answer = (codeDetails: { codeValue: string; displayType: string }[], normalUrl?: string) =>
    ({
      result: { resultCode: 'PAYMENT_IN_PROCESS', resultStatus: 'U' },
      orderCodeForm: { expireTime: '2026-11-25T19:55:00+08:00', codeDetails },
      ...(normalUrl ? { normalUrl } : {}),
    }) as PayResponse;

  it('prefers TEXT wherever it stands, and the biggest image when there is none', () => {
    expect(
      codeOf(
        answer([
          { codeValue: 'https://img/s.png', displayType: 'SMALLIMAGE' },
          { codeValue: '00020101021230', displayType: 'TEXT' },
        ]),
        'qr',
      ),
    ).toEqual({ kind: 'qr', value: '00020101021230' });
    expect(
      codeOf(
        answer([
          { codeValue: 'https://img/s.png', displayType: 'SMALLIMAGE' },
          { codeValue: 'https://img/b.png', displayType: 'BIGIMAGE' },
          { codeValue: 'https://img/m.png', displayType: 'MIDDLEIMAGE' },
        ]),
        'qr',
      ),
    ).toEqual({ kind: 'image', value: 'https://img/b.png' });
  });

  it('turns a base64 image into a data URL, keeps data URLs, and falls back to normalUrl', () => {
    expect(codeOf(answer([{ codeValue: 'iVBORw0KGgo=', displayType: 'MIDDLEIMAGE' }]), 'qr')).toEqual({
      kind: 'image',
      value: 'data:image/png;base64,iVBORw0KGgo=',
    });
    expect(
      codeOf(answer([{ codeValue: 'data:image/svg+xml;base64,PHN2Zz4=', displayType: 'IMAGE' }]), 'qr'),
    ).toEqual({ kind: 'image', value: 'data:image/svg+xml;base64,PHN2Zz4=' });
    expect(codeOf(answer([], 'https://antom.example/qr'), 'qr')).toEqual({
      kind: 'qr',
      value: 'https://antom.example/qr',
    });
    expect(codeOf(answer([]), 'qr')).toBeNull();
  });
});

describe('a reversal as inquiryPayment reports it (D11)', () => {
  it('maps a paid-then-cancelled payment to reversal.at, and anything else to null', async () => {
    const gateway = antomGateway();
    const paid = payment();
    const created = await gateway.createPayment(paid, context);
    expect(created.kind).toBe('created');
    await control('POST', '/sandbox/api/codes/pay', {
      codeValue: created.kind === 'created' ? created.code!.value : '',
    });
    const before = await gateway.inquirePayment(paid.paymentRequestId, context);
    expect(before).toMatchObject({ kind: 'found', status: 'SUCCESS', reversal: null });
    expect(await gateway.cancelPayment(paid.paymentRequestId, context)).toEqual({ kind: 'cancelled' });
    const after = await gateway.inquirePayment(paid.paymentRequestId, context);
    expect(after).toMatchObject({ kind: 'found', status: 'CANCELLED', reversal: { at: expect.any(Number) } });
    const at = after.kind === 'found' ? after.reversal!.at! : 0;
    expect(Math.abs(at - Date.now())).toBeLessThan(60_000);

    const unpaid = payment();
    await gateway.createPayment(unpaid, context);
    await gateway.cancelPayment(unpaid.paymentRequestId, context);
    expect(await gateway.inquirePayment(unpaid.paymentRequestId, context)).toMatchObject({
      kind: 'found',
      status: 'CANCELLED',
      reversal: null,
    });
  });
});

describe("consult's limits (D13.6)", () => {
  it("reads each method's per-payment limits from amountLimitInfoMap", async () => {
    const options = await antomGateway().consult({
      amount: { currency: 'THB', value: '150000' },
      region: 'TH',
      terminalType: 'WEB',
    });
    expect(options?.find((option) => option.paymentMethodType === 'PROMPTPAY')).toEqual({
      paymentMethodType: 'PROMPTPAY',
      enabled: true,
      limits: { min: '1', max: '999999999999' },
      logoUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/sandbox\/logos\/PROMPTPAY\.svg$/),
    });
  });

  it("keeps consult's logo only when the buyer's page may show it (https, or the loopback sandbox)", () => {
    expect(imageUrlOf('https://cdn.marmot-cloud.com/storage/logo/GCASH.svg')).toBe(
      'https://cdn.marmot-cloud.com/storage/logo/GCASH.svg',
    );
    expect(imageUrlOf('http://127.0.0.1:3001/sandbox/logos/GCASH.svg')).toBe(
      'http://127.0.0.1:3001/sandbox/logos/GCASH.svg',
    );
    for (const bad of [
      'javascript:alert(1)',
      'data:image/svg+xml,<svg/>',
      'http://evil.example/a.svg',
      'logo.svg',
      '',
    ])
      expect(imageUrlOf(bad), bad).toBeNull();
    expect(imageUrlOf(undefined)).toBeNull();
  });

  it("offers each method with consult's logo in front and the bundled one behind it (D15)", async () => {
    const answers: GatewayMethodOption[] = [
      { paymentMethodType: 'PROMPTPAY', enabled: true, limits: null, logoUrl: 'https://cdn.example/pp.svg' },
      { paymentMethodType: 'TRUEMONEY', enabled: true, limits: null, logoUrl: null },
    ];
    const methods = new MethodService({
      catalog: DEFAULT_CATALOG,
      gateway: { consult: async () => answers } as unknown as PaymentGateway,
      useConsult: true,
      clock: new ManualClock(),
    });
    const offered = await methods.availableFor({ currency: 'THB', value: '10000' }, 'TH');
    expect(offered.find((method) => method.type === 'PROMPTPAY')?.gatewayLogoUrl).toBe(
      'https://cdn.example/pp.svg',
    );
    expect(offered.find((method) => method.type === 'TRUEMONEY')?.gatewayLogoUrl).toBeNull();
  });

  it("filters methods by consult's limits where it gives them, by the catalog's where it does not", async () => {
    const answers: GatewayMethodOption[] = [
      // The catalog caps TrueMoney at 50,000 THB; Antom's own limit says 100,000.
      {
        paymentMethodType: 'TRUEMONEY',
        enabled: true,
        limits: { min: '100', max: '10000000' },
        logoUrl: null,
      },
      // The catalog lets PromptPay start at 0.01 THB; Antom says 20, and gives no maximum.
      { paymentMethodType: 'PROMPTPAY', enabled: true, limits: { min: '2000', max: null }, logoUrl: null },
    ];
    const methods = new MethodService({
      catalog: DEFAULT_CATALOG,
      gateway: { consult: async () => answers } as unknown as PaymentGateway,
      useConsult: true,
      clock: new ManualClock(),
    });
    const types = async (amount: Money) =>
      (await methods.availableFor(amount, 'TH')).map((method) => method.type).sort();
    expect(await types({ currency: 'THB', value: '6000000' })).toEqual(['PROMPTPAY', 'TRUEMONEY']);
    expect(await types({ currency: 'THB', value: '1000' })).toEqual(['TRUEMONEY']);
    // Where consult gives no maximum, the catalog's stands.
    expect(await types({ currency: 'THB', value: '1000000000000' })).toEqual([]);
    // Without consult the catalog's limits stand.
    expect(methods.fromCatalog({ currency: 'THB', value: '6000000' }, 'TH').map((m) => m.type)).not.toContain(
      'TRUEMONEY',
    );
  });
});

describe('notifications (D13.4 and D13.5)', () => {
  let receiver: Server;
  let receiverUrl: string;
  const verified: VerifiedNotification[] = [];
  let gateway: AntomGateway;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const result = gateway.verifyNotification(Buffer.concat(chunks), request.headers);
        verified.push(result);
        response.writeHead(result.ok ? 200 : 401, { 'content-type': 'application/json' });
        response.end(result.ok ? result.ack : '{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('verifies a notification sent to a notify URL with a query string', async () => {
    gateway = antomGateway(`${receiverUrl}/api/v1/antom/notify?tenant=shop-1`);
    const input = payment();
    const created = await gateway.createPayment(input, context);
    await control('POST', '/sandbox/api/codes/pay', {
      codeValue: created.kind === 'created' ? created.code!.value : '',
    });
    await waitFor(async () => verified.length > 0, 'the PAYMENT_RESULT', 5_000);
    expect(verified[0]).toMatchObject({
      ok: true,
      notification: { type: 'payment', succeeded: true, paymentRequestId: input.paymentRequestId },
    });
  });

  it('verifies a notification type it does not act on as "other"', () => {
    gateway = antomGateway();
    const body = JSON.stringify({
      notifyType: 'OFFLINE_PAYMENT_CODE',
      paymentRequestId: 'att_x',
      paymentId: 'P1',
    });
    const headers = signNotification({
      body,
      notifyPath: '/api/v1/antom/notify',
      clientId: CLIENT_ID,
      requestTime: new Date().toISOString(),
      privateKey: loadPrivateKey(testKeys().gateway.privateKeyPem),
    });
    expect(gateway.verifyNotification(Buffer.from(body), headers)).toEqual({
      ok: true,
      ack: NOTIFICATION_ACK,
      notification: {
        type: 'other',
        notifyType: 'OFFLINE_PAYMENT_CODE',
        paymentRequestId: 'att_x',
        refundRequestId: null,
        gatewayPaymentId: 'P1',
        resultCode: null,
      },
    });
  });
});

describe.each(DIALECTS)('through the app, on %s', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dialect, sweeper: false });
  }, 60_000);
  afterAll(() => stack?.close());

  /** POSTs a body to our notify URL signed as the sandbox (Antom) signs it. */
  async function notify(body: Record<string, unknown>) {
    const raw = JSON.stringify(body);
    const headers = signNotification({
      body: raw,
      notifyPath: '/api/v1/antom/notify',
      clientId: CLIENT_ID,
      requestTime: new Date().toISOString(),
      privateKey: loadPrivateKey(testKeys().gateway.privateKeyPem),
    });
    const response = await fetch(`${stack.url}/api/v1/antom/notify`, { method: 'POST', headers, body: raw });
    return { status: response.status, text: await response.text() };
  }

  it('records and acknowledges a verified notification of a type it does not act on', async () => {
    const order = await stack.createOrder();
    const confirmed = await stack.confirm(order.checkoutToken, 'TRUEMONEY');
    const paymentId = (confirmed.body as { id: string }).id;
    const answers = [
      await notify({ notifyType: 'OFFLINE_PAYMENT_CODE', paymentRequestId: 'att_not_ours', paymentId: 'P9' }),
      await notify({
        notifyType: 'CAPTURE_RESULT',
        result: { resultCode: 'SUCCESS', resultStatus: 'S' },
        paymentRequestId: paymentId,
        paymentId: 'P10',
      }),
    ];
    for (const answer of answers) expect(answer).toEqual({ status: 200, text: NOTIFICATION_ACK });
    expect(
      shapeProblems(JSON.parse(answers[0]!.text), loadSamples().notifyPayment!.responseShape, {
        strict: true,
      }),
    ).toEqual([]);
    const rows = await stack.server.paydesk.database.db
      .selectFrom('notifications')
      .select(['notify_type', 'outcome', 'verified', 'payment_id', 'order_id'])
      .where('notify_type', 'in', ['OFFLINE_PAYMENT_CODE', 'CAPTURE_RESULT'])
      .orderBy('notify_type')
      .execute();
    expect(rows).toEqual([
      {
        notify_type: 'CAPTURE_RESULT',
        outcome: 'RECORDED',
        verified: 1,
        payment_id: paymentId,
        order_id: order.id,
      },
      {
        notify_type: 'OFFLINE_PAYMENT_CODE',
        outcome: 'RECORDED',
        verified: 1,
        payment_id: null,
        order_id: null,
      },
    ]);
    // Nothing about the payment changed.
    const view = await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}`);
    expect((view.body as { payment: { status: string } }).payment.status).toBe('PROCESSING');
  });

  it("gives the buyer the phone's links for an APP payment, and none for WEB (D13.9)", async () => {
    const app = await stack.confirm((await stack.createOrder()).checkoutToken, 'TRUEMONEY', 'APP');
    expect(app.body).toMatchObject({
      links: {
        app: expect.stringMatching(/\/wallet\/c\//),
        scheme: expect.stringMatching(/^paydesk-sandbox-wallet:\/\//),
        normal: expect.stringMatching(/\/wallet\/c\//),
      },
    });
    expect((app.body as { deepLink: string }).deepLink).toBe(
      (app.body as { links: { app: string } }).links.app,
    );
    const order = await stack.createOrder();
    const web = await stack.confirm(order.checkoutToken, 'TRUEMONEY', 'WEB');
    expect(web.body).toMatchObject({ links: null, deepLink: null });
    const view = await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}`);
    expect(view.body).toMatchObject({ payment: { links: null } });
  });
});

// Antom's cancel table spells the unknown-client fault CLIENT_INVALID, and so does the sandbox now: the
// server must take it for what it is, a broken configuration, not the buyer's failure (D11, D13.8).
describe('a client id Antom does not know (CLIENT_INVALID)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      dialect: 'sqlite',
      sweeper: false,
      config: { antom: { clientId: 'SANDBOX_NOT_REGISTERED' } },
    });
  }, 60_000);
  afterAll(() => stack?.close());

  it('tells the buyer payments are briefly unavailable and reports the fault to operators', async () => {
    const order = await stack.createOrder();
    const confirm = await stack.confirm(order.checkoutToken, 'PROMPTPAY');
    expect(confirm.body).toMatchObject({ status: 'FAIL', reason: 'GATEWAY_UNAVAILABLE' });
    const view = await stack.merchant('GET', `/api/v1/orders/${order.id}`);
    expect((view.body as { payments: { reason: string }[] }).payments[0]!.reason).toBe('CLIENT_INVALID');
    const ready = await stack.call('GET', '/readyz');
    expect(ready.status).toBe(503);
  });
});
