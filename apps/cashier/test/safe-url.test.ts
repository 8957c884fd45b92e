import { describe, expect, it } from 'vitest';
import { safeReturnUrl } from '../src/lib/safe-url.ts';

describe('safeReturnUrl (D10.2)', () => {
  it.each([
    'https://shop.example/thanks?order=1',
    'https://shop.example:8443/a#b',
    'http://localhost:3000/thanks',
    'http://127.0.0.1:8080/',
    'http://[::1]/x',
    'http://shop.localhost/done',
  ])('lets the buyer go to %s', (url) => {
    expect(safeReturnUrl(url)).toBe(new URL(url).href);
  });

  it.each([
    'javascript:alert(document.domain)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'http://shop.example/thanks',
    'http://127.0.0.1.evil.example/',
    'ftp://shop.example/',
    '//evil.example/',
    '/relative/path',
    'not a url',
    '',
  ])('refuses %j', (url) => {
    expect(safeReturnUrl(url)).toBeNull();
  });

  it('refuses nothing given', () => {
    expect(safeReturnUrl(null)).toBeNull();
    expect(safeReturnUrl(undefined)).toBeNull();
  });
});
