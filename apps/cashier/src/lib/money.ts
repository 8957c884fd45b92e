// Money for display only (docs/style.md §9): amounts arrive as integer minor-unit strings and are turned into
// decimal strings with BigInt-free string math, then formatted by Intl.NumberFormat in the buyer's
// language. The UI never computes a price; the server's amount is the truth (S17).
import type { Money } from '@paydesk/api';

/** Minor-unit exponents (ISO 4217) of the currencies the UI may meet; others default to 2. */
const EXPONENTS: Record<string, number> = { JPY: 0, KRW: 0, VND: 0, CLP: 0, IDR: 2 };

/** Decimals shown to buyers: IDR is customarily written without cents (amounts are whole rupiah). */
const SHOWN: Record<string, number> = { IDR: 0 };

/** The minor-unit exponent of a currency (2 when unknown). */
export function exponentOf(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/** "150050", THB → "1500.50"; "1800", JPY → "1800". Exact for any length. */
export function minorToDecimal(value: string, currency: string): string {
  const exponent = exponentOf(currency);
  const digits = value.replace(/^0+(?=\d)/, '');
  if (exponent === 0) return digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/** BCP-47 locale for one of our languages, so numbers, dates and currency read naturally. */
export function localeOf(lang: string): string {
  return (
    {
      zh: 'zh-CN',
      'zh-TW': 'zh-TW',
      th: 'th-TH',
      id: 'id-ID',
      ms: 'ms-MY',
      vi: 'vi-VN',
      fil: 'fil-PH',
      ja: 'ja-JP',
      ko: 'ko-KR',
    }[lang] ?? 'en-US'
  );
}

/**
 * Unambiguous money (D15): "$" is the US, Singapore, Hong Kong and Taiwan dollar, "¥" both the yen and
 * the yuan. A language's home currency keeps its local symbol (¥ for CNY in Chinese, ￥ for JPY in Japanese,
 * $ for TWD in Traditional Chinese); elsewhere a symbol is shown only where it names one currency (฿ ₩ ₫ ₱
 * Rp RM € £ ₹), else a marked one (US$ S$ HK$ NT$ JP¥ CN¥ …), else the ISO code. English has no home
 * currency: its readers are everywhere. The ops console uses the same rule.
 */
const HOME: Record<string, string> = {
  zh: 'CNY',
  'zh-TW': 'TWD',
  th: 'THB',
  id: 'IDR',
  ms: 'MYR',
  vi: 'VND',
  fil: 'PHP',
  ja: 'JPY',
  ko: 'KRW',
};
const ONE_CURRENCY: Record<string, string> = {
  THB: '฿',
  KRW: '₩',
  VND: '₫',
  PHP: '₱',
  IDR: 'Rp',
  MYR: 'RM',
  EUR: '€',
  GBP: '£',
  INR: '₹',
};
const MARKED: Record<string, string> = {
  USD: 'US$',
  SGD: 'S$',
  HKD: 'HK$',
  TWD: 'NT$',
  AUD: 'A$',
  NZD: 'NZ$',
  CAD: 'CA$',
  MOP: 'MOP$',
  BND: 'B$',
  JPY: 'JP¥',
  CNY: 'CN¥',
};

/** The symbol to show for `currency` to a reader of `lang`, or null to keep the locale's own. */
function symbolFor(currency: string, lang: string): string | null {
  if (HOME[lang] === currency) return null;
  return ONE_CURRENCY[currency] ?? MARKED[currency] ?? currency;
}

/** Formats money in a language without ambiguity: "S$18.00", "฿1,500.00", "JP¥3,000" (zh), "￥3,000" (ja). */
export function formatMoney(money: Money | { currency: string; value: string }, lang: string): string {
  const digits = SHOWN[money.currency] ?? exponentOf(money.currency);
  let decimal = minorToDecimal(money.value, money.currency);
  if (digits < exponentOf(money.currency)) decimal = decimal.split('.')[0] ?? decimal;
  try {
    const parts = new Intl.NumberFormat(localeOf(lang), {
      style: 'currency',
      currency: money.currency,
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      // A decimal string keeps amounts beyond 2^53 exact (Intl.NumberFormat v3).
    }).formatToParts(decimal as unknown as number);
    const symbol = symbolFor(money.currency, lang);
    return parts
      .map((part, index) => {
        if (part.type !== 'currency' || symbol === null) return part.value;
        // A symbol that ends (or starts) with a letter needs a space before the digits it touches.
        const next = parts[index + 1]?.type;
        const previous = parts[index - 1]?.type;
        const after = /\p{L}$/u.test(symbol) && (next === 'integer' || next === 'minusSign') ? '\u00a0' : '';
        const before =
          /^\p{L}/u.test(symbol) && (previous === 'integer' || previous === 'fraction') ? '\u00a0' : '';
        return before + symbol + after;
      })
      .join('');
  } catch {
    return `${money.currency} ${decimal}`;
  }
}

/**
 * Parses what an operator typed ("500", "500.5", "1,500.00") into minor units, or null when it is not a
 * positive amount with at most the currency's decimals. IDR must be whole rupiah.
 */
export function parseMajor(input: string, currency: string): string | null {
  const match = /^(\d+)(?:\.(\d*))?$/.exec(input.trim().replace(/[,\s]/g, ''));
  if (!match) return null;
  const exponent = exponentOf(currency);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > (SHOWN[currency] ?? exponent)) return null;
  const minor = (match[1] + fraction.padEnd(exponent, '0')).replace(/^0+/, '');
  return minor === '' ? null : minor;
}
