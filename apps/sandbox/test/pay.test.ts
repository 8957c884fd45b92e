// pay and consult (D3.3–D3.4): Antom's validation, idempotency on paymentRequestId, the code
// forms per method, and consult's filtering by amount, currency and region.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PayRequest } from '@paydesk/antom';
import { PAYMENT_METHODS } from '../src/index.ts';
import { createPayment, payRequest, signedPost, startSandbox, uniqueId, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startSandbox();
});
afterAll(() => h.close());

/** Sends a raw (possibly invalid) pay body, signed correctly. */
async function rawPay(body: unknown) {
  return signedPost(h.url, '/ams/sandbox/api/v1/payments/pay', JSON.stringify(body));
}

function without(object: Record<string, unknown>, path: string): Record<string, unknown> {
  const copy = structuredClone(object);
  const keys = path.split('.');
  let target: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  delete target[keys.at(-1)!];
  return copy;
}

function withValue(object: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(object);
  const keys = path.split('.');
  let target: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys.at(-1)!] = value;
  return copy;
}

describe('POST /ams/sandbox/api/v1/payments/pay — validation', () => {
  const base = (): Record<string, unknown> => payRequest() as unknown as Record<string, unknown>;

  it.each([
    'productCode',
    'paymentRequestId',
    'order',
    'order.referenceOrderId',
    'order.orderDescription',
    'order.orderAmount',
    'paymentAmount',
    'paymentMethod',
    'paymentMethod.paymentMethodType',
    'paymentRedirectUrl',
    'env',
    'env.terminalType',
  ])('answers PARAM_ILLEGAL naming %s when it is missing', async (field) => {
    const raw = await rawPay(without(base(), field));
    expect(raw.json.result).toMatchObject({ resultCode: 'PARAM_ILLEGAL', resultStatus: 'F' });
    expect(raw.json.result?.resultMessage).toContain(field);
  });

  it.each([
    ['paymentAmount.value', 150000],
    ['order.orderAmount.value', 150000],
    ['env.terminalType', true],
    ['paymentExpiryTime', 1_800_000_000],
  ])('answers PARAM_ILLEGAL naming %s when a scalar is not a string', async (field, value) => {
    const raw = await rawPay(withValue(base(), field, value));
    expect(raw.json.result?.resultCode).toBe('PARAM_ILLEGAL');
    expect(raw.json.result?.resultMessage).toContain(`${field} must be a string`);
  });

  it.each([
    [
      'a decimal value',
      { currency: 'THB', value: '1500.00' },
      'paymentAmount.value must be an integer string',
    ],
    ['a zero value', { currency: 'THB', value: '0' }, 'paymentAmount.value must be positive'],
    ['a negative value', { currency: 'THB', value: '-100' }, 'paymentAmount.value must be an integer string'],
    ['a leading zero', { currency: 'THB', value: '0100' }, 'paymentAmount.value must not have leading zeros'],
    ['an unknown currency', { currency: 'XYZ', value: '100' }, 'paymentAmount.currency XYZ is not supported'],
    [
      'a lower-case currency',
      { currency: 'thb', value: '100' },
      'paymentAmount.currency must be an ISO-4217 code',
    ],
    ['too many digits', { currency: 'THB', value: '12345678901234567' }, 'at most 16 digits'],
  ])('answers PARAM_ILLEGAL for %s', async (_name, amount, message) => {
    const raw = await rawPay({
      ...base(),
      paymentAmount: amount,
      order: { ...(base().order as object), orderAmount: amount },
    });
    expect(raw.json.result?.resultCode).toBe('PARAM_ILLEGAL');
    expect(raw.json.result?.resultMessage).toContain(message);
  });

  it('applies the IDR whole-rupiah rule (value must end in 00)', async () => {
    const amount = { currency: 'IDR', value: '1000050' };
    const raw = await rawPay(payRequest({ amount, paymentMethod: { paymentMethodType: 'QRIS' } }));
    expect(raw.json.result?.resultCode).toBe('PARAM_ILLEGAL');
    expect(raw.json.result?.resultMessage).toContain('paymentAmount.value for IDR must end in 00');
    const ok = await h.client().pay(
      payRequest({
        amount: { currency: 'IDR', value: '1000000' },
        paymentMethod: { paymentMethodType: 'QRIS' },
      }),
    );
    expect(ok.kind).toBe('created');
  });

  it('answers PARAM_ILLEGAL when the payment and order currencies differ', async () => {
    const request = payRequest();
    request.order.orderAmount = { currency: 'SGD', value: '150000' };
    const raw = await rawPay(request);
    expect(raw.json.result?.resultMessage).toContain(
      'paymentAmount.currency must equal order.orderAmount.currency',
    );
  });

  it('answers PARAM_ILLEGAL naming the method for an unsupported payment method', async () => {
    const outcome = await h
      .client()
      .pay(payRequest({ paymentMethod: { paymentMethodType: 'MONOPOLY_MONEY' } }));
    expect(outcome.kind).toBe('failed');
    expect(outcome.resultCode).toBe('PARAM_ILLEGAL');
    expect(outcome.resultMessage).toContain(
      'paymentMethod.paymentMethodType MONOPOLY_MONEY is not supported',
    );
  });

  it("answers PARAM_ILLEGAL when the currency is not the method's", async () => {
    const outcome = await h.client().pay(payRequest({ paymentMethod: { paymentMethodType: 'PAYNOW' } }));
    expect(outcome.resultCode).toBe('PARAM_ILLEGAL');
    expect(outcome.resultMessage).toContain('paymentAmount.currency THB is not supported by PAYNOW (SGD)');
  });

  it("answers PAYMENT_AMOUNT_EXCEED_LIMIT outside the method's limits", async () => {
    const low = await h.client().pay(
      payRequest({
        amount: { currency: 'THB', value: '50' },
        paymentMethod: { paymentMethodType: 'TRUEMONEY' },
      }),
    );
    expect(low.kind).toBe('failed');
    expect(low.resultCode).toBe('PAYMENT_AMOUNT_EXCEED_LIMIT');
    expect(low.resultMessage).toContain('paymentAmount.value 50');
    const high = await h.client().pay(
      payRequest({
        amount: { currency: 'JPY', value: '300001' },
        paymentMethod: { paymentMethodType: 'KONBINI' },
      }),
    );
    expect(high.resultCode).toBe('PAYMENT_AMOUNT_EXCEED_LIMIT');
    const edge = await h.client().pay(
      payRequest({
        amount: { currency: 'JPY', value: '300000' },
        paymentMethod: { paymentMethodType: 'KONBINI' },
      }),
    );
    expect(edge.kind).toBe('created');
  });

  it('answers PARAM_ILLEGAL for a paymentExpiryTime in the past, without an offset, or beyond the limit', async () => {
    const past = await h
      .client()
      .pay(payRequest({ paymentExpiryTime: new Date(Date.now() - 1000).toISOString() }));
    expect(past.resultCode).toBe('PARAM_ILLEGAL');
    expect(past.resultMessage).toContain('paymentExpiryTime must be in the future');
    const noZone = await h.client().pay(payRequest({ paymentExpiryTime: '2030-01-01T10:00:00' }));
    expect(noZone.resultMessage).toContain('paymentExpiryTime must be ISO-8601 with an offset');
    const tooLate = await h
      .client()
      .pay(payRequest({ paymentExpiryTime: new Date(Date.now() + 30 * 60_000).toISOString() }));
    expect(tooLate.resultMessage).toContain(
      'paymentExpiryTime must be at most 10 minutes after the request for PROMPTPAY',
    );
    const bankLate = await h.client().pay(
      payRequest({
        amount: { currency: 'IDR', value: '5000000' },
        paymentMethod: { paymentMethodType: 'BANKTRANSFER_BNI' },
        paymentExpiryTime: new Date(Date.now() + 49 * 3_600_000).toISOString(),
      }),
    );
    expect(bankLate.resultMessage).toContain('at most 48 hours');
  });

  it('accepts a paymentExpiryTime only seconds away, in any offset', async () => {
    const soon = new Date(Date.now() + 3000);
    const withOffset = new Date(soon.getTime() + 7 * 3_600_000).toISOString().replace('Z', '+07:00');
    const { response } = await createPayment(h.client(), payRequest({ paymentExpiryTime: withOffset }));
    const expireTime = Date.parse(response.orderCodeForm!.expireTime);
    expect(Math.abs(expireTime - soon.getTime())).toBeLessThan(1000);
  });

  it('answers PARAM_ILLEGAL for bad terminalType, URLs and over-long ids', async () => {
    expect((await rawPay(withValue(base(), 'env.terminalType', 'TV'))).json.result?.resultMessage).toContain(
      'env.terminalType must be one of WEB, WAP, APP, MINI_APP',
    );
    expect(
      (await rawPay(withValue(base(), 'paymentNotifyUrl', 'not a url'))).json.result?.resultMessage,
    ).toContain('paymentNotifyUrl must be an absolute URL');
    expect(
      (await rawPay(withValue(base(), 'paymentRequestId', 'x'.repeat(65)))).json.result?.resultMessage,
    ).toContain('paymentRequestId must be at most 64 characters');
    expect(
      (await rawPay(withValue(base(), 'env', { terminalType: 'MINI_APP' }))).json.result?.resultMessage,
    ).toContain('appId is required');
  });

  it('creates nothing when the request is refused', async () => {
    const id = uniqueId();
    await rawPay({ ...base(), paymentRequestId: id, productCode: 'OTHER' });
    const { body } = await h.control<{ payments: unknown[] }>(
      'GET',
      `/sandbox/api/payments?paymentRequestId=${id}`,
    );
    expect(body.payments).toHaveLength(0);
  });
});

describe('POST /ams/sandbox/api/v1/payments/pay — the answer', () => {
  it('answers U PAYMENT_IN_PROCESS with ids, times, amount, the code form and the wallet URL', async () => {
    const request = payRequest();
    const outcome = await h.client().pay(request);
    expect(outcome.kind).toBe('created');
    const response = outcome.response;
    expect(response.result).toEqual({
      resultCode: 'PAYMENT_IN_PROCESS',
      resultStatus: 'U',
      resultMessage: 'payment in process',
    });
    expect(response.paymentRequestId).toBe(request.paymentRequestId);
    expect(response.paymentId).toMatch(/^\d{8}1940108\d{11}$/);
    expect(response.paymentCreateTime).toMatch(/\+08:00$/);
    expect(response.paymentAmount).toEqual(request.paymentAmount);
    const form = response.orderCodeForm!;
    expect(form.paymentMethodType).toBe('PROMPTPAY');
    // The text value first, then Antom's three image sizes (D13.7; at most four entries).
    expect(form.codeDetails.map((detail) => detail.displayType)).toEqual([
      'TEXT',
      'SMALLIMAGE',
      'MIDDLEIMAGE',
      'BIGIMAGE',
    ]);
    expect(form.codeDetails[0]!.codeValue).toMatch(new RegExp(`^${h.url}/wallet/c/[A-Za-z0-9_-]{22}$`));
    expect(response.normalUrl).toBe(form.codeDetails[0]!.codeValue);
    expect(response.applinkUrl).toBeUndefined();
    expect(response.schemeUrl).toBeUndefined();
    // Default PromptPay expiry: 14 minutes.
    const lifetime = Date.parse(form.expireTime) - Date.parse(response.paymentCreateTime!);
    expect(lifetime).toBeGreaterThan(13 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(14 * 60_000);
  });

  it.each([
    ['BANKTRANSFER_PERMATA', { currency: 'IDR', value: '25000000' }, /^8528\d{12}$/, 48 * 3_600_000],
    ['BANKTRANSFER_BNI', { currency: 'IDR', value: '25000000' }, /^988\d{13}$/, 48 * 3_600_000],
    ['KONBINI', { currency: 'JPY', value: '1500' }, /^7\d{11}$/, 7 * 86_400_000],
  ])('gives %s a number to type and its default expiry', async (method, amount, pattern, expiry) => {
    const { response } = await createPayment(
      h.client(),
      payRequest({ amount, paymentMethod: { paymentMethodType: method } }),
    );
    const code = response.orderCodeForm!.codeDetails[0]!;
    expect(code.displayType).toBe('TEXT');
    expect(code.codeValue).toMatch(pattern);
    expect(response.normalUrl).toMatch(/\/wallet\/c\//);
    const lifetime = Date.parse(response.orderCodeForm!.expireTime) - Date.parse(response.paymentCreateTime!);
    expect(Math.abs(lifetime - expiry)).toBeLessThan(2000);
  });

  it.each(['WAP', 'APP'] as const)(
    'adds applinkUrl (the wallet page) for terminalType %s',
    async (terminalType) => {
      const { response } = await createPayment(
        h.client(),
        payRequest({ env: { terminalType, osType: 'ANDROID' } }),
      );
      expect(response.applinkUrl).toBe(response.normalUrl);
      // The wallet's own scheme only where an app can take it (D13.9).
      if (terminalType === 'APP') expect(response.schemeUrl).toMatch(/^paydesk-sandbox-wallet:\/\/c\//);
      else expect(response.schemeUrl).toBeUndefined();
    },
  );

  it('gives GCash images only, each an SVG QR of the wallet page at its size (D13.7)', async () => {
    const { response } = await createPayment(
      h.client(),
      payRequest({
        amount: { currency: 'PHP', value: '50000' },
        paymentMethod: { paymentMethodType: 'GCASH' },
      }),
    );
    const details = response.orderCodeForm!.codeDetails;
    expect(details.map((detail) => detail.displayType)).toEqual(['SMALLIMAGE', 'MIDDLEIMAGE', 'BIGIMAGE']);
    for (const [detail, pixels] of details.map((d, i) => [d, [160, 240, 360][i]] as const)) {
      expect(detail.codeValue).toMatch(new RegExp(`^${h.url}/sandbox/codes/[A-Za-z0-9_-]{22}/\\w+\\.svg$`));
      const image = await fetch(detail.codeValue);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/svg+xml');
      expect(await image.text()).toContain(`width="${pixels}"`);
    }
    // Scanning the image is paying the code: the control API finds the payment by the image URL too.
    const paid = await h.control('POST', '/sandbox/api/codes/pay', { codeValue: details[2]!.codeValue });
    expect(paid.body).toMatchObject({ status: 'SUCCESS', paymentId: response.paymentId });
    expect((await fetch(`${h.url}/sandbox/codes/unknown-token/big.svg`)).status).toBe(404);
    expect((await fetch(details[0]!.codeValue.replace('small.svg', 'huge.svg'))).status).toBe(404);
  });

  it('gives bank transfers the number as text only', async () => {
    const { response } = await createPayment(
      h.client(),
      payRequest({
        amount: { currency: 'IDR', value: '25000000' },
        paymentMethod: { paymentMethodType: 'BANKTRANSFER_PERMATA' },
      }),
    );
    expect(response.orderCodeForm!.codeDetails.map((detail) => detail.displayType)).toEqual(['TEXT']);
  });

  it('uses the configured public URL in QR payloads', async () => {
    const lan = await startSandbox({ publicUrl: 'http://192.168.1.20:3001/' });
    try {
      const { response } = await createPayment(lan.client());
      expect(response.orderCodeForm!.codeDetails[0]!.codeValue).toMatch(
        /^http:\/\/192\.168\.1\.20:3001\/wallet\/c\//,
      );
    } finally {
      await lan.close();
    }
  });
});

describe('POST /ams/sandbox/api/v1/payments/pay — idempotency', () => {
  it('answers an identical retry with the same answer: same paymentId, same code', async () => {
    const request = payRequest();
    const first = await createPayment(h.client(), request);
    const again = await h.client().pay(request);
    expect(again.response).toEqual(first.response);
    const { body } = await h.control<{ payments: unknown[] }>(
      'GET',
      `/sandbox/api/payments?paymentRequestId=${request.paymentRequestId}`,
    );
    expect(body.payments).toHaveLength(1);
  });

  it('answers REPEAT_REQ_INCONSISTENT when the amount or the method changes', async () => {
    const request = payRequest();
    await createPayment(h.client(), request);
    const amount = { currency: 'THB', value: '150100' };
    const changedAmount: PayRequest = {
      ...request,
      paymentAmount: amount,
      order: { ...request.order, orderAmount: amount },
    };
    const a = await h.client().pay(changedAmount);
    expect(a.kind).toBe('failed');
    expect(a.resultCode).toBe('REPEAT_REQ_INCONSISTENT');
    const b = await h.client().pay({ ...request, paymentMethod: { paymentMethodType: 'TRUEMONEY' } });
    expect(b.resultCode).toBe('REPEAT_REQ_INCONSISTENT');
  });

  it('answers ORDER_IS_CLOSED for an id whose payment was cancelled, expired or declined', async () => {
    const cancelled = await createPayment(h.client(), payRequest());
    expect((await h.client().cancel({ paymentId: cancelled.paymentId })).kind).toBe('cancelled');
    expect((await h.client().pay(cancelled.request)).resultCode).toBe('ORDER_IS_CLOSED');

    const expired = await createPayment(h.client(), payRequest());
    expect((await h.control('POST', `/sandbox/api/payments/${expired.paymentId}/expire`)).status).toBe(200);
    expect((await h.client().pay(expired.request)).resultCode).toBe('ORDER_IS_CLOSED');

    const declined = await createPayment(h.client(), payRequest());
    expect((await h.control('POST', `/sandbox/api/payments/${declined.paymentId}/fail`)).status).toBe(200);
    const outcome = await h.client().pay(declined.request);
    expect(outcome.kind).toBe('failed');
    expect(outcome.resultCode).toBe('ORDER_IS_CLOSED');
  });

  it('answers S with the paymentId for an id whose payment is already paid', async () => {
    const paid = await createPayment(h.client(), payRequest());
    await h.control('POST', `/sandbox/api/payments/${paid.paymentId}/pay`);
    const outcome = await h.client().pay(paid.request);
    expect(outcome.kind).toBe('succeeded');
    expect(outcome.response.paymentId).toBe(paid.paymentId);
    // PayResponse (packages/antom) does not declare paymentTime; Antom's S answer carries it.
    expect((outcome.response as { paymentTime?: string }).paymentTime).toMatch(/\+08:00$/);
  });
});

describe('POST /ams/sandbox/api/v1/payments/consult', () => {
  const consult = (amount: { currency: string; value: string }, extra: Record<string, unknown> = {}) =>
    h.client().consult({
      productCode: 'CASHIER_PAYMENT',
      paymentAmount: amount,
      env: { terminalType: 'WEB' },
      ...extra,
    });

  it('lists the methods for the currency with category, region, currencies, logo and limits', async () => {
    const outcome = await consult({ currency: 'THB', value: '150000' });
    expect(outcome.kind).toBe('ok');
    const options = outcome.response.paymentOptions!;
    expect(options.map((o) => o.paymentMethodType).sort()).toEqual([
      'BANKTRANSFER_BANGKOKBANK',
      'PROMPTPAY',
      'RABBIT_LINE_PAY',
      'TRUEMONEY',
    ]);
    const promptpay = options.find((o) => o.paymentMethodType === 'PROMPTPAY')!;
    expect(promptpay).toMatchObject({
      enabled: true,
      paymentMethodCategory: 'MOBILE_BANKING_APP',
      paymentMethodRegion: ['TH'],
      supportedCurrencies: ['THB'],
      // Antom's shape (Java SDK PaymentOption / AmountLimitInfo; D13.6).
      amountLimitInfoMap: {
        THB: {
          singleLimit: {
            minAmount: { currency: 'THB', value: '1' },
            maxAmount: { currency: 'THB', value: '999999999999' },
          },
        },
      },
    });
    const logo = await fetch(promptpay.logo!.logoUrl!);
    expect(logo.headers.get('content-type')).toContain('image/svg+xml');
  });

  it('disables methods whose limits the amount is outside of', async () => {
    const outcome = await consult({ currency: 'THB', value: '1000' }); // 10 THB: under the bank transfer minimum
    const bank = outcome.response.paymentOptions!.find(
      (o) => o.paymentMethodType === 'BANKTRANSFER_BANGKOKBANK',
    )!;
    expect(bank.enabled).toBe(false);
    expect(bank.disableReason).toBe('PAYMENT_AMOUNT_EXCEED_LIMIT');
    expect(outcome.response.paymentOptions!.find((o) => o.paymentMethodType === 'PROMPTPAY')!.enabled).toBe(
      true,
    );
  });

  it('filters by userRegion and allowedPaymentMethodRegions', async () => {
    const idr = { currency: 'IDR', value: '5000000' };
    const all = await consult(idr);
    expect(all.response.paymentOptions!.map((o) => o.paymentMethodType).sort()).toEqual([
      'BANKTRANSFER_BNI',
      'BANKTRANSFER_PERMATA',
      'DANA',
      'QRIS',
    ]);
    expect((await consult(idr, { userRegion: 'TH' })).response.paymentOptions).toEqual([]);
    expect((await consult(idr, { allowedPaymentMethodRegions: ['SG'] })).response.paymentOptions).toEqual([]);
    expect(
      (await consult(idr, { allowedPaymentMethodRegions: ['GLOBAL'] })).response.paymentOptions,
    ).toHaveLength(4);
    expect(
      (await consult(idr, { userRegion: 'ID', blockedPaymentMethods: ['QRIS'] })).response.paymentOptions,
    ).toHaveLength(3);
  });

  it('answers PARAM_ILLEGAL for a bad amount or terminal type', async () => {
    expect((await consult({ currency: 'THB', value: '1.5' })).resultCode).toBe('PARAM_ILLEGAL');
    const raw = await signedPost(
      h.url,
      '/ams/sandbox/api/v1/payments/consult',
      JSON.stringify({ productCode: 'CASHIER_PAYMENT', paymentAmount: { currency: 'THB', value: '100' } }),
    );
    expect(raw.json.result?.resultMessage).toContain('env is required');
  });

  it('offers every method of the table for its own currency', async () => {
    for (const method of PAYMENT_METHODS) {
      const currency = method.currencies[0]!;
      const outcome = await consult({ currency, value: method.limits[currency]!.min });
      const option = outcome.response.paymentOptions!.find(
        (o) => o.paymentMethodType === method.paymentMethodType,
      );
      expect(option?.enabled, method.paymentMethodType).toBe(true);
    }
  });
});
