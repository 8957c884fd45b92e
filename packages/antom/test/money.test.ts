// Money without floats (D2.10; docs/antom-notes.md §7.2): one exponent table, decimal strings and BigInt.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMinor,
  amountProblems,
  compareMinor,
  CURRENCY_EXPONENTS,
  currencyExponent,
  fromMinorUnits,
  isValidAmount,
  roundMinorUnits,
  subtractMinor,
  toMinorUnits,
} from '../src/index.ts';

// Antom's published lists (docs/antom-notes.md §7.2).
const TWO_DECIMALS = 'AUD BDT BRL CAD CNY EUR GBP HKD IDR MXN MYR NZD PEN PHP PKR PLN SGD THB TWD USD'.split(
  ' ',
);
const ZERO_DECIMALS = ['CLP', 'JPY', 'KRW', 'VND'];

describe('currency exponents', () => {
  it.each(TWO_DECIMALS)('%s has 2 decimals', (currency) => expect(currencyExponent(currency)).toBe(2));
  it.each(ZERO_DECIMALS)('%s has 0 decimals', (currency) => expect(currencyExponent(currency)).toBe(0));

  it('knows nothing of unknown codes, lower case or object keys', () => {
    for (const code of ['XXX', 'thb', '', 'toString', '__proto__', 'constructor']) {
      expect(currencyExponent(code)).toBeUndefined();
    }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(CURRENCY_EXPONENTS)).toBe(true);
  });
});

describe('toMinorUnits', () => {
  it.each([
    ['1500', 'THB', '150000'],
    ['1500.5', 'THB', '150050'],
    ['1500.50', 'THB', '150050'],
    ['0.01', 'SGD', '1'],
    ['0', 'USD', '0'],
    ['007.10', 'USD', '710'],
    ['1.230', 'EUR', '123'],
    ['  12.5 ', 'MYR', '1250'],
    ['1500', 'JPY', '1500'],
    ['1500.000', 'KRW', '1500'],
    ['25000', 'VND', '25000'],
    ['990', 'CLP', '990'],
    ['12345678901234.56', 'USD', '1234567890123456'],
  ])('"%s" %s → "%s"', (display, currency, minor) => {
    expect(toMinorUnits(display, currency)).toBe(minor);
  });

  it.each([
    ['1.005', 'USD', /2 decimal places/],
    ['1.5', 'JPY', /0 decimal places/],
    ['-1', 'THB', /not a non-negative decimal/],
    ['1e3', 'THB', /not a non-negative decimal/],
    ['1,000', 'THB', /not a non-negative decimal/],
    ['.5', 'THB', /not a non-negative decimal/],
    ['1.', 'THB', /not a non-negative decimal/],
    ['', 'THB', /not a non-negative decimal/],
    ['1', 'XXX', /unknown currency/],
  ])('refuses "%s" %s', (display, currency, message) => {
    expect(() => toMinorUnits(display, currency)).toThrow(RangeError);
    expect(() => toMinorUnits(display, currency)).toThrow(message);
  });

  describe('IDR: whole rupiah, rounded half to even', () => {
    it.each([
      ['10000', '1000000'],
      ['10000.49', '1000000'],
      ['10000.5', '1000000'], // half, even stays
      ['10001.5', '1000200'], // half, odd goes up
      ['10000.50', '1000000'],
      ['10000.501', '1000100'], // more than half
      ['10000.51', '1000100'],
      ['10000.999', '1000100'],
      ['0.5', '0'],
      ['1.5', '200'],
    ])('"%s" IDR → "%s"', (display, minor) => {
      expect(toMinorUnits(display, 'IDR')).toBe(minor);
      expect(BigInt(minor) % 100n).toBe(0n);
    });
  });
});

describe('fromMinorUnits', () => {
  it.each([
    ['150050', 'THB', '1500.50'],
    ['1', 'THB', '0.01'],
    ['10', 'USD', '0.10'],
    ['0', 'USD', '0.00'],
    ['000150', 'SGD', '1.50'],
    ['1500', 'JPY', '1500'],
    ['1000000', 'IDR', '10000.00'],
    ['12345678901234567890', 'USD', '123456789012345678.90'],
  ])('"%s" %s → "%s"', (minor, currency, display) => {
    expect(fromMinorUnits(minor, currency)).toBe(display);
  });

  it.each([
    ['1.5', 'THB'],
    ['-1', 'THB'],
    ['', 'THB'],
    ['1', 'XXX'],
  ])('refuses "%s" %s', (minor, currency) => {
    expect(() => fromMinorUnits(minor, currency)).toThrow(RangeError);
  });

  it('round-trips every minor amount in every currency but IDR, without floats', () => {
    const currencies = Object.keys(CURRENCY_EXPONENTS).filter((c) => c !== 'IDR');
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 16n - 1n }),
        fc.constantFrom(...currencies),
        (n, currency) => {
          const minor = n.toString();
          expect(toMinorUnits(fromMinorUnits(minor, currency), currency)).toBe(minor);
        },
      ),
    );
  });

  it('round-trips whole-rupiah IDR amounts', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 14n }), (rupiah) => {
        const minor = (rupiah * 100n).toString();
        expect(toMinorUnits(fromMinorUnits(minor, 'IDR'), 'IDR')).toBe(minor);
      }),
    );
  });
});

describe('roundMinorUnits', () => {
  it.each([
    ['1000050', '1000000'],
    ['1000150', '1000200'],
    ['1000049', '1000000'],
    ['1000051', '1000100'],
    ['1000000', '1000000'],
    ['50', '0'],
    ['150', '200'],
  ])('rounds IDR %s to whole rupiah %s, half to even', (value, rounded) => {
    expect(roundMinorUnits(value, 'IDR')).toBe(rounded);
  });

  it('leaves other currencies unchanged (leading zeros dropped)', () => {
    expect(roundMinorUnits('150050', 'THB')).toBe('150050');
    expect(roundMinorUnits('0015', 'JPY')).toBe('15');
  });

  it('refuses non-integers and unknown currencies', () => {
    expect(() => roundMinorUnits('1.5', 'IDR')).toThrow(RangeError);
    expect(() => roundMinorUnits('15', 'XXX')).toThrow(RangeError);
  });
});

describe('amountProblems', () => {
  it('finds nothing wrong with a valid amount', () => {
    expect(amountProblems({ currency: 'THB', value: '150050' })).toEqual([]);
    expect(amountProblems({ currency: 'IDR', value: '1000000' })).toEqual([]);
    expect(amountProblems({ currency: 'JPY', value: '1' })).toEqual([]);
    expect(isValidAmount({ currency: 'USD', value: '9999999999999999' })).toBe(true);
  });

  it.each([
    [null, 'must be an object'],
    ['100', 'must be an object'],
    [{ currency: 'THB', value: 100 }, 'value must be a string'],
    [{ currency: 'THB', value: '1.50' }, 'integer string in minor units'],
    [{ currency: 'THB', value: '-100' }, 'integer string in minor units'],
    [{ currency: 'THB', value: '' }, 'integer string in minor units'],
    [{ currency: 'THB', value: '0' }, 'must be positive'],
    [{ currency: 'THB', value: '000' }, 'must be positive'],
    [{ currency: 'THB', value: '0100' }, 'leading zeros'],
    [{ currency: 'THB', value: '12345678901234567' }, 'at most 16 digits'],
    [{ currency: 'IDR', value: '1000050' }, 'whole rupiah'],
    [{ currency: 'thb', value: '100' }, 'ISO-4217'],
    [{ currency: 'XXX', value: '100' }, 'not supported'],
    [{ currency: 3, value: '100' }, 'currency must be a string'],
  ])('reports %j: %s', (amount, message) => {
    const problems = amountProblems(amount, 'paymentAmount');
    expect(problems.join('; ')).toContain(message);
    expect(problems.every((p) => p.startsWith('paymentAmount'))).toBe(true);
    expect(isValidAmount(amount)).toBe(false);
  });

  it('lists every problem at once', () => {
    expect(amountProblems({ currency: 'thb', value: 5 })).toHaveLength(2);
  });
});

describe('minor-unit arithmetic', () => {
  const big = '9007199254740993'; // 2^53 + 1: a float would lose it

  it('adds exactly, beyond the float range', () => {
    expect(addMinor(big, '1')).toBe('9007199254740994');
    expect(addMinor('100', '250', '5')).toBe('355');
    expect(addMinor()).toBe('0');
  });

  it('subtracts exactly, and may go negative (callers check)', () => {
    expect(subtractMinor(big, '9007199254740992')).toBe('1');
    expect(subtractMinor('100', '250')).toBe('-150');
  });

  it('compares as integers, not strings', () => {
    expect(compareMinor('900', '1000')).toBe(-1);
    expect(compareMinor('1000', '900')).toBe(1);
    expect(compareMinor('0100', '100')).toBe(0);
    expect(compareMinor(big, '9007199254740992')).toBe(1);
  });
});
