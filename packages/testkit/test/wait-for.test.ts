import { describe, expect, it } from 'vitest';
import { waitFor } from '../src/wait-for.ts';

describe('waitFor', () => {
  it('returns the first truthy value the condition gives', async () => {
    let calls = 0;
    expect(await waitFor(() => (++calls >= 3 ? { calls } : undefined), 'three calls', 1_000)).toEqual({
      calls: 3,
    });
  });

  it('returns the first value `until` accepts', async () => {
    let n = 0;
    expect(await waitFor(() => n++, 'n to reach 2', { until: (v) => v === 2, intervalMs: 1 })).toBe(2);
  });

  it('counts a throwing condition as not yet', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls += 1;
        if (calls < 3) throw new Error('not listening yet');
        return 'up';
      },
      'the server',
      { intervalMs: 1 },
    );
    expect(value).toBe('up');
  });

  it('names what it waited for, the last value seen and the last error when it times out', async () => {
    let n = 0;
    const error = await waitFor(
      () => {
        n += 1;
        if (n % 2 === 0) throw new Error('connection refused');
        return { status: 'PROCESSING', n };
      },
      'the order to be PAID',
      { timeoutMs: 60, intervalMs: 5, until: (order) => order.status === 'PAID' },
    ).then(
      () => new Error('it did not time out'),
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^timed out after 60 ms waiting for the order to be PAID; last seen: /);
    expect(error.message).toContain('"status":"PROCESSING"');
    expect(error.message).toContain('last error: Error: connection refused');
  });

  it('says so when the condition never returned', async () => {
    const error = await waitFor(
      () => {
        throw new Error('down');
      },
      'the sandbox',
      { timeoutMs: 20, intervalMs: 5 },
    ).catch((e: unknown) => e as Error);
    expect(error.message).toBe(
      'timed out after 20 ms waiting for the sandbox; the condition never returned; last error: Error: down',
    );
  });
});
