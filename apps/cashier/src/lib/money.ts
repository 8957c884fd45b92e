// Money for display only (STYLE point 9): amounts arrive as integer minor-unit strings and are turned into
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
  return { zh: 'zh-CN', th: 'th-TH', id: 'id-ID' }[lang] ?? 'en-US';
}

/** Formats money in a language: "฿1,500.00", "¥1,800", "Rp 195.000" (id) — JPY without decimals, IDR too. */
export function formatMoney(money: Money | { currency: string; value: string }, lang: string): string {
  const digits = SHOWN[money.currency] ?? exponentOf(money.currency);
  let decimal = minorToDecimal(money.value, money.currency);
  if (digits < exponentOf(money.currency)) decimal = decimal.split('.')[0] ?? decimal;
  try {
    return new Intl.NumberFormat(localeOf(lang), {
      style: 'currency',
      currency: money.currency,
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      // A decimal string keeps amounts beyond 2^53 exact (Intl.NumberFormat v3).
    }).format(decimal as unknown as number);
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
