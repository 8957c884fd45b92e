// The merchant's brand on the buyer's pages (D15): settings read and checked at start (an accent colour
// under 4.5:1 against white text is refused), then handed to the cashier in the checkout view, with method
// and payment names in the buyer's language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contrastWithWhite, normaliseHex, readBranding } from '../src/checkout/branding.ts';
import { pickLanguage } from '../src/checkout/checkout.service.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { DIALECTS, startStack, testKeys, type Stack } from '@paydesk/testkit';

describe('branding settings', () => {
  it('measures contrast against white text as WCAG 2.1 does', () => {
    expect(contrastWithWhite('#000000')).toBeCloseTo(21, 5);
    expect(contrastWithWhite('#ffffff')).toBeCloseTo(1, 5);
    expect(contrastWithWhite('#0b57d0')).toBeGreaterThan(4.5);
    expect(contrastWithWhite('#ff9900')).toBeLessThan(4.5);
    expect(normaliseHex('#AbC')).toBe('#aabbcc');
    expect(normaliseHex('blue')).toBeNull();
  });

  it('accepts a readable accent, links and a logo path', () => {
    const problems: string[] = [];
    const branding = readBranding(
      {
        MERCHANT_ACCENT_COLOR: '#0B57D0',
        MERCHANT_LOGO_URL: '/brand/logo.svg',
        MERCHANT_SUPPORT_EMAIL: 'help@tea.example',
        MERCHANT_SUPPORT_URL: 'https://tea.example/help',
        MERCHANT_TERMS_URL: 'https://tea.example/terms',
        MERCHANT_PRIVACY_URL: 'https://tea.example/privacy',
      },
      problems,
    );
    expect(problems).toEqual([]);
    expect(branding).toEqual({
      logoUrl: '/brand/logo.svg',
      accentColor: '#0b57d0',
      supportEmail: 'help@tea.example',
      supportUrl: 'https://tea.example/help',
      termsUrl: 'https://tea.example/terms',
      privacyUrl: 'https://tea.example/privacy',
    });
  });

  it('refuses to start with an accent white text cannot be read on, and names every bad setting', () => {
    const keys = testKeys();
    const start = (env: Record<string, string>) =>
      loadConfig(
        { ANTOM_GATEWAY_URL: 'http://127.0.0.1:1', ANTOM_CLIENT_ID: 'SANDBOX_X', ...env },
        { antom: { privateKey: keys.merchant.privateKeyPem, publicKey: keys.gateway.publicKeyPem } },
      );
    let error: unknown;
    try {
      start({
        MERCHANT_ACCENT_COLOR: '#ffcc00',
        MERCHANT_TERMS_URL: 'javascript:alert(1)',
        MERCHANT_SUPPORT_EMAIL: 'not-an-address',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/MERCHANT_ACCENT_COLOR #ffcc00 has a contrast of 1\.\d+:1/);
    expect(problems).toContain('MERCHANT_TERMS_URL must be an http(s) URL');
    expect(problems).toContain('MERCHANT_SUPPORT_EMAIL must be an e-mail address');
    expect(start({ MERCHANT_ACCENT_COLOR: '#1d4ed8' }).branding.accentColor).toBe('#1d4ed8');
  });

  it('reads the buyer language among the ten the cashier speaks', () => {
    expect(pickLanguage(undefined, 'zh-TW,zh;q=0.8')).toBe('zh-TW');
    expect(pickLanguage('ko', undefined)).toBe('ko');
    expect(pickLanguage(undefined, 'fil-PH, en')).toBe('fil');
    expect(pickLanguage(undefined, 'de')).toBe('en');
  });
});

describe.each(DIALECTS)('the checkout view on %s', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      dialect,
      config: {
        merchantName: 'Tea House',
        branding: {
          accentColor: '#0b57d0',
          supportEmail: 'help@tea.example',
          termsUrl: 'https://tea.example/t',
        },
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('carries the brand, and names methods and the payment in the language asked for', async () => {
    const order = await stack.createOrder();
    const view = (await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}?lang=th`)).body;
    expect(view.branding).toEqual({
      merchantName: 'Tea House',
      logoUrl: null,
      accentColor: '#0b57d0',
      supportEmail: 'help@tea.example',
      supportUrl: null,
      termsUrl: 'https://tea.example/t',
      privacyUrl: null,
    });
    expect(view.paymentMethods.find((m: { type: string }) => m.type === 'PROMPTPAY').name).toBe('พร้อมเพย์');
    await stack.call('POST', `/api/v1/checkout/${order.checkoutToken}/payments`, {
      paymentMethodType: 'TRUEMONEY',
      terminalType: 'WEB',
    });
    const zh = (await stack.call('GET', `/api/v1/checkout/${order.checkoutToken}?lang=zh-TW`)).body;
    // Traditional Chinese falls back to the Simplified name, never to the raw type.
    expect(zh.payment.paymentMethodName).toBe('TrueMoney 钱包');
  });
});
