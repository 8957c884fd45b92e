// The pages (D3.7–D3.8): the wallet simulator reached from the QR payload and from the code form,
// its Pay / Decline forms, and the overview — fetched as HTML over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayment, NotifyReceiver, payRequest, startSandbox, waitFor, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startSandbox({ merchantName: 'Kopi & Co <Bangkok>' });
});
afterAll(() => h.close());

async function get(url: string): Promise<{ status: number; html: string; response: Response }> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, html: await response.text(), response };
}

async function postForm(url: string, fields: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('the wallet page', () => {
  it('opens from the QR payload with merchant, amount, method, countdown and both buttons', async () => {
    const { response } = await createPayment(
      h.client(),
      payRequest({
        order: {
          referenceOrderId: 'o-1',
          orderDescription: '<b>Two</b> coffees',
          orderAmount: { currency: 'THB', value: '150000' },
        },
      }),
    );
    const qr = response.orderCodeForm!.codeDetails[0]!.codeValue;
    const { status, html } = await get(qr);
    expect(status).toBe(200);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('Kopi &amp; Co &lt;Bangkok&gt;');
    expect(html).toContain('THB 1,500.00');
    expect(html).toContain('PromptPay');
    expect(html).toContain('&lt;b&gt;Two&lt;/b&gt; coffees');
    expect(html).not.toContain('<b>Two</b>');
    expect(html).toMatch(/id="countdown"[^>]*role="timer"/);
    expect(html).toMatch(/1[34]:\d\d<\/span>/);
    expect(html).toMatch(/<button class="btn btn-pay" type="submit">Pay THB 1,500.00<\/button>/);
    expect(html).toContain('<label for="reason">Decline reason</label>');
    expect(html).toMatch(/<button class="btn btn-decline" type="submit">Decline<\/button>/);
    // No external assets: no scripts, styles, images or fonts from elsewhere.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
  });

  it('formats amounts with the currency’s decimals', async () => {
    const konbini = await createPayment(
      h.client(),
      payRequest({
        amount: { currency: 'JPY', value: '12345' },
        paymentMethod: { paymentMethodType: 'KONBINI' },
      }),
    );
    expect((await get(konbini.response.normalUrl!)).html).toContain('JPY 12,345<');
    const idr = await createPayment(
      h.client(),
      payRequest({
        amount: { currency: 'IDR', value: '5000000' },
        paymentMethod: { paymentMethodType: 'BANKTRANSFER_BNI' },
      }),
    );
    const page = (await get(idr.response.normalUrl!)).html;
    expect(page).toContain('IDR 50,000.00');
    // The number is shown in groups of four, easier to read and type.
    const number = idr.response.orderCodeForm!.codeDetails[0]!.codeValue;
    expect(page).toContain(number.replace(/(\d{4})(?=\d)/g, '$1 '));
    expect(page).toMatch(/>(2d 00:00:00|1d 23:59:\d\d)<\/span>/);
  });

  it('pays with the Pay button and then shows the payment as paid, without buttons', async () => {
    const receiver = await new NotifyReceiver().start();
    try {
      const { response, paymentId } = await createPayment(
        h.client(),
        payRequest({ paymentNotifyUrl: receiver.url() }),
      );
      const wallet = response.normalUrl!;
      const posted = await postForm(`${wallet}/pay`);
      expect(posted.status).toBe(303);
      expect(posted.headers.get('location')).toBe(new URL(wallet).pathname);
      const { html } = await get(wallet);
      expect(html).toContain('Paid at ');
      expect(html).not.toContain('type="submit">Pay');
      expect((await h.client().inquiryPayment({ paymentId })).response.paymentStatus).toBe('SUCCESS');
      await waitFor(() => receiver.received.length === 1, 'the notification');
      const again = await postForm(`${wallet}/pay`);
      expect(again.status).toBe(409);
      expect(await again.text()).toContain('the payment is already paid');
    } finally {
      await receiver.close();
    }
  });

  it('declines with the chosen reason', async () => {
    const { response, paymentId } = await createPayment(h.client());
    expect((await postForm(`${response.normalUrl!}/decline`, { reason: 'RISK_REJECT' })).status).toBe(303);
    const inquiry = await h.client().inquiryPayment({ paymentId });
    expect(inquiry.response).toMatchObject({ paymentStatus: 'FAIL', paymentResultCode: 'RISK_REJECT' });
    const html = (await get(response.normalUrl!)).html;
    expect(html).toContain('did not go through');
    expect(html).toContain('Declined (RISK_REJECT)');
  });

  it('says when a code has expired', async () => {
    const { response, paymentId } = await createPayment(h.client());
    await h.control('POST', `/sandbox/api/payments/${paymentId}/expire`);
    const { html } = await get(response.normalUrl!);
    expect(html).toContain('This payment code has expired');
    expect(html).not.toContain('type="submit">Pay');
    expect((await postForm(`${response.normalUrl!}/pay`)).status).toBe(409);
  });

  it('reports its status as JSON for the page script', async () => {
    const { response } = await createPayment(h.client());
    const status = await fetch(`${response.normalUrl!}/status`);
    expect(await status.json()).toMatchObject({
      status: 'PROCESSING',
      expiresAt: expect.stringMatching(/Z$/),
    });
  });

  it('answers 404 for an unknown link', async () => {
    const { status, html } = await get(`${h.url}/wallet/c/not-a-token`);
    expect(status).toBe(404);
    expect(html).toContain('This payment link is unknown');
  });
});

describe('the payment-code form (/wallet)', () => {
  it('has a labelled input and finds a payment by its VA number', async () => {
    const form = await get(`${h.url}/wallet`);
    expect(form.status).toBe(200);
    expect(form.html).toContain('<label for="code">Payment code</label>');
    expect(form.html).toMatch(/<input id="code" name="code" type="text" inputmode="numeric"/);
    const va = await createPayment(
      h.client(),
      payRequest({
        amount: { currency: 'IDR', value: '5000000' },
        paymentMethod: { paymentMethodType: 'BANKTRANSFER_PERMATA' },
      }),
    );
    const number = va.response.orderCodeForm!.codeDetails[0]!.codeValue;
    const found = await get(
      `${h.url}/wallet?code=${encodeURIComponent(` ${number.slice(0, 4)} ${number.slice(4)} `)}`,
    );
    expect(found.status).toBe(303);
    expect(found.response.headers.get('location')).toBe(new URL(va.response.normalUrl!).pathname);
  });

  it('says so when no payment shows the code', async () => {
    const { status, html } = await get(`${h.url}/wallet?code=123`);
    expect(status).toBe(404);
    expect(html).toContain('No payment shows this code');
    expect(html).toContain('value="123"');
  });
});

describe('the overview (/)', () => {
  it('lists recent payments, refunds and notification deliveries with their attempts', async () => {
    const receiver = await new NotifyReceiver().start();
    try {
      const { paymentId } = await createPayment(
        h.client(),
        payRequest({
          amount: { currency: 'THB', value: '5000' },
          paymentMethod: { paymentMethodType: 'TRUEMONEY' },
          paymentNotifyUrl: receiver.url('/seen'),
        }),
      );
      await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`);
      await h.client().refund({
        refundRequestId: `r-${paymentId}`,
        paymentId,
        refundAmount: { currency: 'THB', value: '5000' },
      });
      await waitFor(() => receiver.received.length === 1, 'the notification');
      await waitFor(
        async () => (await get(`${h.url}/`)).html.includes('1 attempt'),
        'the attempt on the overview',
      );
      const { status, html } = await get(`${h.url}/`);
      expect(status).toBe(200);
      expect(html).toContain('Paydesk Antom sandbox');
      expect(html).toContain(paymentId);
      expect(html).toContain(`r-${paymentId}`);
      expect(html).toContain(receiver.url('/seen'));
      expect(html).toContain('HTTP 200');
      expect(html).toContain('>Refresh</a>');
      expect(html).toContain('Auto-refresh');
      expect(html).toContain('SANDBOX_TEST_CLIENT');
    } finally {
      await receiver.close();
    }
  });
});
