import { describe, expect, it } from 'vitest';
import { leaveOnce } from '../src/lib/leave-once.ts';

describe('leaveOnce', () => {
  it('starts one navigation however often the page asks while it is leaving', () => {
    const moves: [string, boolean][] = [];
    const leave = leaveOnce((path, replace) => moves.push([path, replace]));
    // 'cancelling' and then 'methods' arrive before the page unloads: both ask for the method list.
    expect(leave.go('/checkout/t', true)).toBe(true);
    expect(leave.go('/checkout/t', true)).toBe(false);
    expect(leave.go('/checkout/t/result')).toBe(false);
    expect(moves).toEqual([['/checkout/t', true]]);
  });

  it('may leave again once the page is shown again from the back-forward cache', () => {
    const moves: string[] = [];
    const leave = leaveOnce((path) => moves.push(path));
    leave.go('/checkout/t/result');
    leave.reset();
    leave.go('/checkout/t/pay', true);
    expect(moves).toEqual(['/checkout/t/result', '/checkout/t/pay']);
  });
});
