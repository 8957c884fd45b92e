import { describe, expect, it } from 'vitest';
import { clockOffset, formatRemaining, remainingMs, secondsLeft } from '../src/lib/countdown.ts';

describe('clockOffset', () => {
  it('is positive when the server clock is ahead of the browser', () => {
    const local = Date.parse('2030-01-01T00:00:00Z');
    expect(clockOffset('2030-01-01T00:02:00.000Z', local)).toBe(120_000);
    expect(clockOffset('2029-12-31T23:59:30.000Z', local)).toBe(-30_000);
  });

  it('is zero for an unreadable server time', () => {
    expect(clockOffset('not a date', 0)).toBe(0);
  });
});

describe('remainingMs', () => {
  const local = Date.parse('2030-01-01T00:00:00Z');

  it('counts on the server clock, not the browser clock', () => {
    // The deadline is 5 minutes after the server's now; the browser is 2 minutes behind the server.
    const offset = 120_000;
    expect(remainingMs('2030-01-01T00:07:00Z', offset, local)).toBe(300_000);
  });

  it('never goes below zero', () => {
    expect(remainingMs('2029-12-31T00:00:00Z', 0, local)).toBe(0);
  });
});

describe('formatRemaining', () => {
  it('shows minutes and seconds, rounding up so 0:00 means over', () => {
    expect(formatRemaining(479_001)).toBe('8:00');
    expect(formatRemaining(65_000)).toBe('1:05');
    expect(formatRemaining(1)).toBe('0:01');
    expect(formatRemaining(0)).toBe('0:00');
    expect(formatRemaining(-5)).toBe('0:00');
  });

  it('adds hours and days for bank transfers and konbini codes', () => {
    expect(formatRemaining(3_723_000)).toBe('1:02:03');
    expect(formatRemaining(86_400_000 * 2 + 3_723_000)).toBe('2d 01:02:03');
  });
});

describe('secondsLeft', () => {
  it('never shows more than the configured seconds, even when the clock tick predates the start', () => {
    // The page's last tick (now) was taken 300 ms before the success screen started counting: this once
    // showed "6 s" of a 5-second countdown.
    expect(secondsLeft(5, 10_000, 9_700)).toBe(5);
    expect(secondsLeft(5, 10_000, 10_999)).toBe(5);
    expect(secondsLeft(5, 10_000, 11_000)).toBe(4);
    expect(secondsLeft(5, 10_000, 20_000)).toBe(0);
    expect(secondsLeft(5, null, 0)).toBe(5);
  });
});
