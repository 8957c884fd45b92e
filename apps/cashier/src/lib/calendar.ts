// An iCalendar (RFC 5545) reminder for a long-lived code (D15): one event ending at the deadline, with
// an alarm before it, so a buyer who pays at a bank or a konbini days later does not miss it. Times are UTC
// ("Z"), which every calendar shows in the buyer's own zone.

export interface Reminder {
  /** Stable per payment, so saving twice updates the same event. */
  uid: string;
  title: string;
  description: string;
  /** The code's deadline, ISO. */
  deadline: string;
  /** When the event is stamped (ISO); the page passes the server clock. */
  now: string;
  /** How long before the deadline the event starts and the alarm rings (ms). */
  leadMs: number;
}

const stamp = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Escapes TEXT values (RFC 5545 §3.3.11). */
const text = (value: string) => value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');

/** Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence. */
function fold(line: string): string {
  const bytes = new TextEncoder();
  const out: string[] = [];
  let current = '';
  for (const char of line) {
    if (bytes.encode(current + char).length > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = char;
    } else current += char;
  }
  out.push(current);
  return out.join('\r\n ');
}

/** The reminder as an .ics file's text (CRLF line ends). */
export function reminderIcs(reminder: Reminder): string {
  const end = Date.parse(reminder.deadline);
  const start = Math.max(Date.parse(reminder.now), end - reminder.leadMs);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Paydesk//Cashier//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${reminder.uid}`,
    `DTSTAMP:${stamp(Date.parse(reminder.now))}`,
    `DTSTART:${stamp(start)}`,
    `DTEND:${stamp(end)}`,
    `SUMMARY:${text(reminder.title)}`,
    `DESCRIPTION:${text(reminder.description)}`,
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    `DESCRIPTION:${text(reminder.title)}`,
    'TRIGGER;RELATED=START:PT0S',
    'END:VALARM',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}
