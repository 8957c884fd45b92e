import { describe, expect, it } from 'vitest';
import { drawQr, QUIET_ZONE } from '../src/lib/qr.ts';
import { groupCode } from '../src/lib/code-format.ts';
import { errorMessageKey } from '../src/lib/errors.ts';

describe('drawQr', () => {
  const value = 'http://localhost:3001/wallet/c/ChOBxXQMIGexzgdhnqykYw';

  it('draws a square code with the three finder patterns and a quiet zone', () => {
    const qr = drawQr(value);
    expect(qr.size).toBeGreaterThanOrEqual(21);
    expect((qr.size - 17) % 4).toBe(0);
    expect(qr.box).toBe(qr.size + 2 * QUIET_ZONE);
    expect(qr.matrix).toHaveLength(qr.size);
    const finder = (x: number, y: number) =>
      [0, 1, 2, 3, 4, 5, 6].every((i) => qr.matrix[y]![x + i] && qr.matrix[y + 6]![x + i]) &&
      [0, 1, 2, 3, 4, 5, 6].every((i) => qr.matrix[y + i]![x] && qr.matrix[y + i]![x + 6]) &&
      !qr.matrix[y + 1]![x + 1] &&
      qr.matrix[y + 3]![x + 3];
    expect(finder(0, 0)).toBe(true);
    expect(finder(qr.size - 7, 0)).toBe(true);
    expect(finder(0, qr.size - 7)).toBe(true);
  });

  it('describes exactly the dark modules in its path, offset by the quiet zone', () => {
    const qr = drawQr(value);
    let dark = 0;
    for (const row of qr.matrix) dark += row.filter(Boolean).length;
    const widths = [...qr.path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)];
    expect(widths.reduce((sum, m) => sum + Number(m[3]), 0)).toBe(dark);
    expect(Math.min(...widths.map((m) => Number(m[1])))).toBe(QUIET_ZONE);
  });

  it('is deterministic and differs for different values', () => {
    expect(drawQr(value).path).toBe(drawQr(value).path);
    expect(drawQr(`${value}x`).path).not.toBe(drawQr(value).path);
  });
});

describe('groupCode (S3 bank transfer codes)', () => {
  it('groups digits in fours', () => {
    expect(groupCode('8808123456789012')).toBe('8808 1234 5678 9012');
    expect(groupCode('12345')).toBe('1234 5');
  });

  it('leaves short codes and codes with letters alone', () => {
    expect(groupCode('1234')).toBe('1234');
    expect(groupCode('AB-1234-5678')).toBe('AB-1234-5678');
  });
});

describe('errorMessageKey (D5.7)', () => {
  it('has kind words for every error the buyer can meet', () => {
    expect(errorMessageKey({ status: 409, code: 'ORDER_ALREADY_PAID' })).toBe('paidTitle');
    expect(errorMessageKey({ status: 410, code: 'ORDER_EXPIRED' })).toBe('expiredTitle');
    expect(errorMessageKey({ status: 410, code: 'ORDER_CLOSED' })).toBe('closedTitle');
    expect(errorMessageKey({ status: 409, code: 'PAYMENT_IN_PROGRESS' })).toBe('errInProgress');
    expect(errorMessageKey({ status: 429, code: 'RATE_LIMITED' })).toBe('errTooMany');
    expect(errorMessageKey({ status: 429, code: 'SOMETHING' })).toBe('errTooMany');
    expect(errorMessageKey({ status: 0, code: 'NETWORK' })).toBe('offline');
    expect(errorMessageKey({ status: 500, code: 'INTERNAL' })).toBe('errGeneric');
    expect(errorMessageKey(null)).toBe('errGeneric');
  });
});
