import { describe, expect, it } from 'vitest';
import { formatMoney, minorToDecimal, parseMajor } from '../src/lib/money.ts';

describe('minorToDecimal', () => {
  it('places the decimal point by the currency exponent', () => {
    expect(minorToDecimal('150050', 'THB')).toBe('1500.50');
    expect(minorToDecimal('5', 'SGD')).toBe('0.05');
    expect(minorToDecimal('1800', 'JPY')).toBe('1800');
    expect(minorToDecimal('19500000', 'IDR')).toBe('195000.00');
  });

  it('stays exact beyond the range of a double', () => {
    expect(minorToDecimal('9999999999999999', 'THB')).toBe('99999999999999.99');
  });
});

describe('formatMoney', () => {
  it('formats baht with two decimals and the symbol', () => {
    expect(formatMoney({ currency: 'THB', value: '118000' }, 'en')).toBe('฿1,180.00');
  });

  it('shows yen without decimals, and never as a bare ¥ outside Japanese', () => {
    expect(formatMoney({ currency: 'JPY', value: '5400' }, 'en')).toBe('JP¥5,400');
    expect(formatMoney({ currency: 'JPY', value: '5400' }, 'ja')).toBe('￥5,400');
  });

  it('shows rupiah without decimals, as is customary, grouped the Indonesian way', () => {
    expect(formatMoney({ currency: 'IDR', value: '19500000' }, 'id').replace(/\s/g, ' ')).toBe('Rp 195.000');
  });

  it('formats in the buyer language', () => {
    expect(formatMoney({ currency: 'SGD', value: '1800' }, 'zh')).toContain('18.00');
    expect(formatMoney({ currency: 'THB', value: '45000' }, 'th')).toContain('450.00');
  });

  it('falls back to code and number for a currency Intl does not know', () => {
    expect(formatMoney({ currency: 'XQZ', value: '100' }, 'en')).toMatch(/1\.00/);
  });
});

// D15: a symbol only where the reader's locale reads it one way. Rows: the cashier's languages;
// columns: the currencies of the catalog and the ones a buyer confuses ($ and ¥). "␣" is a no-break space.
const CURRENCIES = [
  'THB',
  'SGD',
  'USD',
  'HKD',
  'TWD',
  'JPY',
  'CNY',
  'KRW',
  'IDR',
  'MYR',
  'PHP',
  'VND',
  'EUR',
];
const AMOUNTS: Record<string, string> = {
  THB: '180000',
  SGD: '1800',
  USD: '1800',
  HKD: '1800',
  TWD: '180000',
  JPY: '3000',
  CNY: '1800',
  KRW: '50000',
  IDR: '19500000',
  MYR: '1800',
  PHP: '180000',
  VND: '500000',
  EUR: '1800',
};
const TABLE: Record<string, string[]> = {
  en: [
    '฿1,800.00',
    'S$18.00',
    'US$18.00',
    'HK$18.00',
    'NT$1,800.00',
    'JP¥3,000',
    'CN¥18.00',
    '₩50,000',
    'Rp␣195,000',
    'RM␣18.00',
    '₱1,800.00',
    '₫500,000',
    '€18.00',
  ],
  zh: [
    '฿1,800.00',
    'S$18.00',
    'US$18.00',
    'HK$18.00',
    'NT$1,800.00',
    'JP¥3,000',
    '¥18.00',
    '₩50,000',
    'Rp␣195,000',
    'RM␣18.00',
    '₱1,800.00',
    '₫500,000',
    '€18.00',
  ],
  'zh-TW': [
    '฿1,800.00',
    'S$18.00',
    'US$18.00',
    'HK$18.00',
    '$1,800.00',
    'JP¥3,000',
    'CN¥18.00',
    '₩50,000',
    'Rp␣195,000',
    'RM␣18.00',
    '₱1,800.00',
    '₫500,000',
    '€18.00',
  ],
  th: [
    '฿1,800.00',
    'S$18.00',
    'US$18.00',
    'HK$18.00',
    'NT$1,800.00',
    'JP¥3,000',
    'CN¥18.00',
    '₩50,000',
    'Rp␣195,000',
    'RM␣18.00',
    '₱1,800.00',
    '₫500,000',
    '€18.00',
  ],
  id: [
    '฿1.800,00',
    'S$18,00',
    'US$18,00',
    'HK$18,00',
    'NT$1.800,00',
    'JP¥3.000',
    'CN¥18,00',
    '₩50.000',
    'Rp␣195.000',
    'RM␣18,00',
    '₱1.800,00',
    '₫500.000',
    '€18,00',
  ],
  ms: [
    '฿1,800.00',
    'S$18.00',
    'US$18.00',
    'HK$18.00',
    'NT$1,800.00',
    'JP¥3,000',
    'CN¥18.00',
    '₩50,000',
    'Rp␣195,000',
    'RM␣18.00',
    '₱1,800.00',
    '₫500,000',
    '€18.00',
  ],
  vi: [
    '1.800,00␣฿',
    '18,00␣S$',
    '18,00␣US$',
    '18,00␣HK$',
    '1.800,00␣NT$',
    '3.000␣JP¥',
    '18,00␣CN¥',
    '50.000␣₩',
    '195.000␣Rp',
    '18,00␣RM',
    '1.800,00␣₱',
    '500.000␣₫',
    '18,00␣€',
  ],
  fil: [
    '฿1,800.00',
    'S$18.00',
    'US$18.00',
    'HK$18.00',
    'NT$1,800.00',
    'JP¥3,000',
    'CN¥18.00',
    '₩50,000',
    'Rp␣195,000',
    'RM␣18.00',
    '₱1,800.00',
    '₫500,000',
    '€18.00',
  ],
  ja: [
    '฿1,800.00',
    'S$18.00',
    'US$18.00',
    'HK$18.00',
    'NT$1,800.00',
    '￥3,000',
    'CN¥18.00',
    '₩50,000',
    'Rp␣195,000',
    'RM␣18.00',
    '₱1,800.00',
    '₫500,000',
    '€18.00',
  ],
  ko: [
    '฿1,800.00',
    'S$18.00',
    'US$18.00',
    'HK$18.00',
    'NT$1,800.00',
    'JP¥3,000',
    'CN¥18.00',
    '₩50,000',
    'Rp␣195,000',
    'RM␣18.00',
    '₱1,800.00',
    '₫500,000',
    '€18.00',
  ],
};

describe('formatMoney, locale × currency (D15)', () => {
  it.each(Object.keys(TABLE))('reads one way only in %s', (lang) => {
    const shown = CURRENCIES.map((currency) =>
      formatMoney({ currency, value: AMOUNTS[currency]! }, lang).replace(/[\u00a0\u202f ]/g, '␣'),
    );
    expect(shown).toEqual(TABLE[lang]);
  });

  it('never shows a bare $ or ¥ to a reader for whom it could mean another currency', () => {
    for (const lang of Object.keys(TABLE))
      for (const currency of ['USD', 'SGD', 'HKD', 'JPY', 'CNY']) {
        const text = formatMoney({ currency, value: '1000' }, lang);
        const home = { zh: 'CNY', ja: 'JPY' }[lang];
        if (currency !== home) expect(text, `${lang} ${currency}`).toMatch(/(US|S|HK)\$|JP¥|CN¥/);
      }
  });
});

describe('parseMajor', () => {
  it('turns what an operator typed into minor units', () => {
    expect(parseMajor('500', 'THB')).toBe('50000');
    expect(parseMajor('500.5', 'THB')).toBe('50050');
    expect(parseMajor('1,500.00', 'THB')).toBe('150000');
    expect(parseMajor('1800', 'JPY')).toBe('1800');
    expect(parseMajor('195000', 'IDR')).toBe('19500000');
  });

  it('refuses too many decimals, fractions of a rupiah or a yen, zero and garbage', () => {
    expect(parseMajor('1.005', 'THB')).toBeNull();
    expect(parseMajor('1.5', 'JPY')).toBeNull();
    expect(parseMajor('1000.50', 'IDR')).toBeNull();
    expect(parseMajor('0', 'THB')).toBeNull();
    expect(parseMajor('0.00', 'THB')).toBeNull();
    expect(parseMajor('-5', 'THB')).toBeNull();
    expect(parseMajor('abc', 'THB')).toBeNull();
    expect(parseMajor('', 'THB')).toBeNull();
  });
});
