// The status cache (D7.4) never answers with a state older than the last change it could
// have heard of: a read racing a change is not stored, and nothing is trusted while changes may be missed.
import type { CheckoutStatus } from '@paydesk/api';
import { describe, expect, it } from 'vitest';
import { PreparedStatus, StatusCache } from '../src/checkout/status.cache.ts';

const status = (orderStatus: string): CheckoutStatus =>
  ({
    orderStatus,
    expiresAt: '',
    payment: null,
    serverTime: '',
    returnUrl: null,
  }) as unknown as CheckoutStatus;

function cache(options: { heardSince?: () => number | undefined; maxEntries?: number } = {}) {
  return new StatusCache({
    ttlMs: 1_000,
    maxEntries: options.maxEntries ?? 100,
    heardSince: options.heardSince ?? (() => 0),
  });
}

describe('status cache', () => {
  it('answers from memory until the order changes', () => {
    const c = cache();
    c.set('k', 'ord_1', status('OPEN'), c.epoch, 10);
    expect(c.get('k', 20)?.orderStatus).toBe('OPEN');
    c.invalidate('ord_2');
    expect(c.get('k', 20)?.orderStatus).toBe('OPEN');
    c.invalidate('ord_1');
    expect(c.get('k', 20)).toBeUndefined();
  });

  it('does not store a read that a change of its order overtook', () => {
    const c = cache();
    const epoch = c.epoch;
    c.invalidate('ord_1'); // committed while the read was on its way
    c.set('k', 'ord_1', status('OPEN'), epoch, 10);
    expect(c.get('k', 20)).toBeUndefined();
    // Another order's change does not matter.
    const again = c.epoch;
    c.invalidate('ord_9');
    c.set('k', 'ord_1', status('PAID'), again, 10);
    expect(c.get('k', 20)?.orderStatus).toBe('PAID');
  });

  it('refuses reads older than the change history it still holds', () => {
    const c = cache({ maxEntries: 2 });
    const epoch = c.epoch;
    for (const id of ['ord_a', 'ord_b', 'ord_c']) c.invalidate(id); // ord_a's change is forgotten
    c.set('k', 'ord_a', status('OPEN'), epoch, 10);
    expect(c.get('k', 20)).toBeUndefined();
  });

  it('expires entries after the TTL, and evicts the oldest when full', () => {
    const c = cache({ maxEntries: 2 });
    c.set('a', 'ord_a', status('OPEN'), c.epoch, 0);
    c.set('b', 'ord_b', status('OPEN'), c.epoch, 0);
    c.set('c', 'ord_c', status('OPEN'), c.epoch, 0);
    expect(c.get('a', 1)).toBeUndefined();
    expect(c.get('c', 1)).toBeDefined();
    expect(c.get('c', 1_001)).toBeUndefined();
  });

  it('trusts nothing while the change feed is down, nor what was read before it came back', () => {
    let since: number | undefined = 0;
    const c = cache({ heardSince: () => since });
    c.set('k', 'ord_1', status('OPEN'), c.epoch, 10);
    since = undefined; // the listener connection is lost
    expect(c.get('k', 20)).toBeUndefined();
    c.set('k', 'ord_1', status('OPEN'), c.epoch, 20);
    expect(c.get('k', 21)).toBeUndefined();
    since = 30; // back: a read begun before it may have missed a change
    c.set('k', 'ord_1', status('OPEN'), c.epoch, 25);
    expect(c.get('k', 31)).toBeUndefined();
    c.set('k', 'ord_1', status('OPEN'), c.epoch, 31);
    expect(c.get('k', 32)?.orderStatus).toBe('OPEN');
  });
});

describe('prepared status', () => {
  const full = {
    orderStatus: 'OPEN',
    expiresAt: '2030-01-01T00:30:00.000Z',
    payment: { id: 'pay_1', status: 'FAIL', reason: 'say "no" \\ \u2028 ไม่', hasCode: false },
    serverTime: '2030-01-01T00:00:00.000Z',
    returnUrl: 'https://shop.example/thanks?a=1&b="2"',
    paidPayment: null,
    notices: [],
    settled: false,
  } as unknown as CheckoutStatus;

  it('is the status as JSON with only the server time written anew', () => {
    const prepared = new PreparedStatus(full);
    expect(JSON.parse(prepared.json('2030-01-01T00:00:01.234Z'))).toEqual({
      ...full,
      serverTime: '2030-01-01T00:00:01.234Z',
    });
    expect(prepared.json(full.serverTime)).toBe(JSON.stringify(full));
    expect(prepared.status).toBe(full);
  });
});
