// The cashier's ten languages (D15): every message exists in every language with the same placeholders
// and list steps, the language follows the browser, and no reason or result code reaches a buyer raw
// (D11.4).
import { describe, expect, it } from 'vitest';
import { asLang, LANGUAGES, loadMessages, pickLanguage, translator, type Messages } from '../src/lib/i18n.ts';
import { en } from '../src/lib/messages.ts';
import { knownReasons, reasonKey } from '../src/lib/reasons.ts';

/** Paydesk's own reasons, as D11 lists them (the server puts them in a payment's `reason`). */
const SERVER_REASONS = [
  'TIMEOUT',
  'BUYER_CANCELLED',
  'ORDER_CLOSED',
  'ORDER_PAID',
  'GATEWAY_ERROR',
  'GATEWAY_PENDING',
  'GATEWAY_NOT_RECEIVED',
  'GATEWAY_UNAVAILABLE',
  'CHARGE_REVERSED',
  'DUPLICATE_REFUND_PENDING',
  'DUPLICATE_REFUNDED',
  'DUPLICATE_REFUND_MANUAL',
  'LATE_PAYMENT_REFUND_PENDING',
  'LATE_PAYMENT_REFUNDED',
  'LATE_PAYMENT_REFUND_MANUAL',
];
/** Antom payment result codes a failed payment may carry (pay, inquiryPayment, notifyPayment tables). */
const ANTOM_CODES = [
  'USER_BALANCE_NOT_ENOUGH',
  'RISK_REJECT',
  'PAYMENT_FAILED',
  'ORDER_IS_CLOSED',
  'USER_KYC_NOT_QUALIFIED',
  'USER_AMOUNT_EXCEED_LIMIT',
  'PAYMENT_AMOUNT_EXCEED_LIMIT',
  'USER_STATUS_ABNORMAL',
  'USER_PAYMENT_VERIFICATION_FAILED',
  'ORDER_IS_EXPIRED',
  'PROCESS_FAIL',
  'UNKNOWN_EXCEPTION',
];

const all = async (): Promise<[string, Messages][]> =>
  Promise.all(LANGUAGES.map(async (lang) => [lang, await loadMessages(lang)] as [string, Messages]));

const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();

describe('the messages', () => {
  it('exist in every language, each key, with the same placeholders and list steps as English', async () => {
    const keys = Object.keys(en).sort();
    for (const [lang, words] of await all()) {
      if (lang !== 'en') expect(words, `${lang} is its own table`).not.toBe(en);
      expect(Object.keys(words).sort(), `${lang} keys`).toEqual(keys);
      for (const key of keys) {
        const text = words[key as keyof Messages];
        const english = en[key as keyof Messages];
        const where = `${lang}.${key}`;
        expect(text.trim(), where).not.toBe('');
        expect(placeholders(text), `${where} placeholders`).toEqual(placeholders(english));
        expect(text.split('|').length, `${where} steps`).toBe(english.split('|').length);
      }
    }
  });

  it('fill placeholders and leave an unknown one visible rather than empty', async () => {
    expect(translator(en)('payWith', { method: 'PromptPay' })).toBe('Pay with PromptPay');
    expect(translator(await loadMessages('zh'))('redirectIn', { s: 3 })).toBe('3 秒后自动跳转…');
    expect(translator(en)('payWith')).toBe('Pay with {method}');
  });
});

describe('the language', () => {
  it('follows the browser: the first supported preference wins, else English', () => {
    expect(pickLanguage(['de-DE', 'zh-CN', 'en'])).toBe('zh');
    expect(pickLanguage(['zh-TW', 'en'])).toBe('zh-TW');
    expect(pickLanguage(['zh-HK'])).toBe('zh-TW');
    expect(pickLanguage(['zh-Hant-MO'])).toBe('zh-TW');
    expect(pickLanguage(['zh-Hans-HK'])).toBe('zh');
    expect(pickLanguage(['ja-JP'])).toBe('ja');
    expect(pickLanguage(['ko-KR'])).toBe('ko');
    expect(pickLanguage(['ms-MY'])).toBe('ms');
    expect(pickLanguage(['vi-VN'])).toBe('vi');
    expect(pickLanguage(['fil-PH'])).toBe('fil');
    expect(pickLanguage(['tl'])).toBe('fil');
    expect(pickLanguage(['th-TH'])).toBe('th');
    expect(pickLanguage(['in', 'id-ID'])).toBe('id');
    expect(pickLanguage(['fr', 'de'])).toBe('en');
    expect(pickLanguage([])).toBe('en');
  });

  it('narrows tags with regions or underscores, and refuses others', () => {
    expect(asLang('ZH_tw')).toBe('zh-TW');
    expect(asLang('zh_CN')).toBe('zh');
    expect(asLang('pt-BR')).toBeUndefined();
    expect(asLang(null)).toBeUndefined();
  });
});

describe('reasons and result codes', () => {
  // A raw code: two or more capitals words joined by underscores (RISK_REJECT), or the code itself.
  const RAW = /\b[A-Z]{2,}(?:_[A-Z]+)+\b/;
  const params = { amount: '฿1,180.00', method: 'TrueMoney Wallet', merchant: 'Tea House' };

  it('are words in every language for every reason the server and Antom can send, never the code', async () => {
    const codes = [...SERVER_REASONS, ...ANTOM_CODES, ...knownReasons(), 'SOME_FUTURE_ANTOM_CODE'];
    for (const [lang, words] of await all()) {
      const t = translator(words);
      for (const code of codes) {
        const key = reasonKey(code);
        expect(key, code).not.toBeNull();
        const text = t(key!, params);
        expect(text, `${lang} ${code}`).not.toContain(code);
        expect(text, `${lang} ${code}`).not.toMatch(RAW);
        expect(text, `${lang} ${code}`).not.toMatch(/\{\w+\}/);
      }
    }
  });

  it('have words of their own for every reason the server sends', () => {
    for (const reason of SERVER_REASONS) expect(knownReasons(), reason).toContain(reason);
  });

  it('fall back to the generic words for a code the table does not know', () => {
    expect(reasonKey('SOME_FUTURE_ANTOM_CODE')).toBe('reasonDeclined');
    expect(reasonKey(null)).toBeNull();
    expect(reasonKey('USER_BALANCE_NOT_ENOUGH')).toBe('reasonBalance');
  });

  it('leave no message in any language with a raw code in it', async () => {
    for (const [lang, words] of await all())
      for (const [key, text] of Object.entries(words)) expect(text, `${lang}.${key}`).not.toMatch(RAW);
  });
});
