// Which URLs a buyer may be sent to (D10.2): the rule the server applies to an order's
// returnUrl, by profile.
import { describe, expect, it } from 'vitest';
import { buyerUrlProblem } from '../src/orders.ts';

describe('which URLs a buyer may be sent to (finding 2)', () => {
  it('takes https: anywhere, http: only to a loopback host and only in development', () => {
    const dev = { allowLoopbackHttp: true };
    const prod = { allowLoopbackHttp: false };
    for (const url of ['https://shop.example/thanks', 'https://shop.example:8443/a?b=c#d'])
      expect([buyerUrlProblem(url, dev), buyerUrlProblem(url, prod)]).toEqual([null, null]);
    for (const url of [
      'http://localhost:3000/x',
      'http://127.0.0.1/',
      'http://[::1]:8080/',
      'http://a.localhost/',
    ]) {
      expect(buyerUrlProblem(url, dev)).toBeNull();
      expect(buyerUrlProblem(url, prod)).toMatch(/https/);
    }
    for (const url of [
      'javascript:alert(document.domain)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'http://shop.example/thanks',
      'http://127.0.0.1.evil.example/',
      'ftp://shop.example/',
      'https:',
    ]) {
      expect(buyerUrlProblem(url, dev), url).not.toBeNull();
      expect(buyerUrlProblem(url, prod), url).not.toBeNull();
    }
  });
});
