// Money without floats (docs/antom-notes.md §7.2): amounts are positive integer strings in the currency's
// minor unit, at most 16 characters. One exponent table; conversions work on decimal strings and BigInt only.
import type { Amount } from './types.ts';

/**
 * ISO-4217 minor-unit exponents for the currencies Antom lists (docs/antom-notes.md §7.2), plus common
 * neighbours.
 */
// prettier-ignore
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  // 2 decimals (Antom's list; note IDR is 2 here, with the whole-rupiah rule below)
  AUD: 2, BDT: 2, BRL: 2, CAD: 2, CNY: 2, EUR: 2, GBP: 2, HKD: 2, IDR: 2, MXN: 2, MYR: 2, NZD: 2,
  PEN: 2, PHP: 2, PKR: 2, PLN: 2, SGD: 2, THB: 2, TWD: 2, USD: 2,
  AED: 2, CHF: 2, CZK: 2, DKK: 2, INR: 2, NOK: 2, SAR: 2, SEK: 2, ZAR: 2, LKR: 2, MOP: 2,
  // 0 decimals
  CLP: 0, JPY: 0, KRW: 0, VND: 0,
}) as Record<string, number>;

/** Antom's maximum length for an amount value string. */
export const MAX_AMOUNT_DIGITS = 16;

/** The minor-unit exponent of a currency, or undefined when the currency is not known. */
export function currencyExponent(currency: string): number | undefined {
  return Object.hasOwn(CURRENCY_EXPONENTS, currency) ? CURRENCY_EXPONENTS[currency] : undefined;
}

/**
 * Every rule an Antom amount breaks, as short messages naming the field (empty when valid):
 * string type, digits only, positive, no leading zero, length, known currency, IDR whole rupiah.
 */
export function amountProblems(amount: unknown, field = 'amount'): string[] {
  if (amount == null || typeof amount !== 'object')
    return [`${field} must be an object with currency and value`];
  const { currency, value } = amount as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof currency !== 'string') problems.push(`${field}.currency must be a string`);
  else if (!/^[A-Z]{3}$/.test(currency)) problems.push(`${field}.currency must be an ISO-4217 code`);
  else if (currencyExponent(currency) === undefined)
    problems.push(`${field}.currency ${currency} is not supported`);
  if (typeof value !== 'string') problems.push(`${field}.value must be a string`);
  else if (!/^[0-9]+$/.test(value)) problems.push(`${field}.value must be an integer string in minor units`);
  else if (/^0+$/.test(value)) problems.push(`${field}.value must be positive`);
  else if (value.startsWith('0')) problems.push(`${field}.value must not have leading zeros`);
  else if (value.length > MAX_AMOUNT_DIGITS)
    problems.push(`${field}.value must be at most ${MAX_AMOUNT_DIGITS} digits`);
  else if (currency === 'IDR' && !value.endsWith('00')) {
    problems.push(`${field}.value for IDR must end in 00 (whole rupiah)`);
  }
  return problems;
}

/** True when the amount is a valid Antom amount. */
export function isValidAmount(amount: unknown): amount is Amount {
  return amountProblems(amount).length === 0;
}

/**
 * Converts a display amount ("1500", "1500.5", "1500.50") to minor units ("150050" for THB).
 * Throws RangeError for negative, malformed, over-precise input or an unknown currency. IDR is rounded
 * half-to-even to whole rupiah, as Antom requires (docs/antom-notes.md §7.2).
 */
export function toMinorUnits(display: string, currency: string): string {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) throw new RangeError(`unknown currency ${currency}`);
  const match = /^([0-9]+)(?:\.([0-9]+))?$/.exec(display.trim());
  if (!match) throw new RangeError(`"${display}" is not a non-negative decimal amount`);
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (currency === 'IDR') {
    const units = BigInt(whole);
    const rest = fraction.padEnd(1, '0');
    const firstDigit = Number(rest[0]);
    const beyondHalf = /[1-9]/.test(rest.slice(1));
    const roundUp = firstDigit > 5 || (firstDigit === 5 && (beyondHalf || units % 2n === 1n));
    return ((units + (roundUp ? 1n : 0n)) * 100n).toString();
  }
  if (fraction.replace(/0+$/, '').length > exponent) {
    throw new RangeError(`${currency} has ${exponent} decimal places; "${display}" has more`);
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0').slice(0, exponent));
  return minor.toString();
}

/**
 * Rounds a minor-unit value to what Antom accepts for the currency: IDR to whole rupiah (a multiple of
 * 100, half to even, docs/antom-notes.md §7.2); other currencies are returned unchanged. Throws RangeError
 * for a value that is not an integer string or an unknown currency.
 */
export function roundMinorUnits(value: string, currency: string): string {
  if (currencyExponent(currency) === undefined) throw new RangeError(`unknown currency ${currency}`);
  if (!/^[0-9]+$/.test(value)) throw new RangeError(`"${value}" is not an integer string`);
  const minor = BigInt(value);
  if (currency !== 'IDR') return minor.toString();
  const whole = minor / 100n;
  const rest = minor % 100n;
  const roundUp = rest > 50n || (rest === 50n && whole % 2n === 1n);
  return ((whole + (roundUp ? 1n : 0n)) * 100n).toString();
}

/** Converts minor units to a plain display string with the currency's decimals ("150050", THB → "1500.50"). */
export function fromMinorUnits(value: string, currency: string): string {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) throw new RangeError(`unknown currency ${currency}`);
  if (!/^[0-9]+$/.test(value)) throw new RangeError(`"${value}" is not an integer string`);
  const digits = BigInt(value).toString();
  if (exponent === 0) return digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/** Adds minor-unit strings exactly. */
export function addMinor(...values: string[]): string {
  return values.reduce((sum, v) => sum + BigInt(v), 0n).toString();
}

/** Compares minor-unit strings: -1, 0 or 1. */
export function compareMinor(a: string, b: string): -1 | 0 | 1 {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a − b in minor units (may be negative: callers check). */
export function subtractMinor(a: string, b: string): string {
  return (BigInt(a) - BigInt(b)).toString();
}
