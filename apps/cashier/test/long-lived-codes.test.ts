// Long-lived codes (D15): the deadline in the buyer's own time zone with its name, a calendar reminder
// that every calendar reads, and a monogram only as the last resort for a logo.
import { describe, expect, it } from 'vitest';
import { reminderIcs } from '../src/lib/calendar.ts';
import { formatDeadline } from '../src/lib/deadline.ts';
import { readableType } from '../src/checkout/checkout-app.tsx';
import { monogram } from '../src/ui/method-logo.tsx';

describe('formatDeadline', () => {
  const deadline = '2026-03-14T09:30:00.000Z';
  it('shows the deadline in the buyer zone and names the zone', () => {
    expect(formatDeadline(deadline, 'en', 'Asia/Bangkok')).toBe('Mar 14, 2026, 4:30 PM Indochina Time');
    expect(formatDeadline(deadline, 'en', 'Asia/Tokyo')).toBe('Mar 14, 2026, 6:30 PM Japan Standard Time');
    expect(formatDeadline(deadline, 'th', 'Asia/Bangkok')).toContain('16:30');
    expect(formatDeadline(deadline, 'zh', 'Asia/Shanghai')).toContain('17:30');
  });
  it('falls back to UTC for a zone it does not know', () => {
    expect(formatDeadline(deadline, 'en', 'Mars/Olympus')).toMatch(/9:30 AM UTC/);
  });
});

describe('reminderIcs', () => {
  const ics = reminderIcs({
    uid: 'pay_1@paydesk',
    title: 'Pay Rp 195,000 to Tea House, Jakarta; today',
    description: 'Your Permata code 8808123456789012 can be paid until Mar 16.\nKeep the receipt.',
    deadline: '2026-03-16T09:30:00.000Z',
    now: '2026-03-14T09:30:00.000Z',
    leadMs: 2 * 3600_000,
  });
  const lines = ics.split('\r\n');

  it('is one VEVENT ending at the deadline, starting and ringing two hours before', () => {
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines).toContain('DTSTART:20260316T073000Z');
    expect(lines).toContain('DTEND:20260316T093000Z');
    expect(lines).toContain('DTSTAMP:20260314T093000Z');
    expect(lines).toContain('TRIGGER;RELATED=START:PT0S');
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });

  it('escapes text and folds long lines at 75 octets', () => {
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain('SUMMARY:Pay Rp 195\\,000 to Tea House\\, Jakarta\\; today');
    expect(unfolded).toContain('\\nKeep the receipt.');
    for (const line of lines) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  });

  it('starts no earlier than now when the deadline is close', () => {
    const soon = reminderIcs({
      uid: 'x',
      title: 't',
      description: 'd',
      deadline: '2026-03-14T10:00:00.000Z',
      now: '2026-03-14T09:30:00.000Z',
      leadMs: 2 * 3600_000,
    });
    expect(soon).toContain('DTSTART:20260314T093000Z');
  });
});

describe('names and logos of last resort', () => {
  it('never shows a raw method type', () => {
    expect(readableType('TRUEMONEY')).toBe('Truemoney');
    expect(readableType('BANKTRANSFER_BNI')).toBe('Banktransfer BNI');
  });
  it('draws a two-letter monogram', () => {
    expect(monogram('Touch ’n Go eWallet')).toBe('TN');
    expect(monogram('PayPay')).toBe('PA');
  });
});
