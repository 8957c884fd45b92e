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

  it('shows yen without decimals', () => {
    expect(formatMoney({ currency: 'JPY', value: '5400' }, 'en')).toBe('¥5,400');
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
