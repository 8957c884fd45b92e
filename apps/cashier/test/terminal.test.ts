import { describe, expect, it } from 'vitest';
import { detectTerminal, osTypeOf } from '../src/lib/terminal.ts';

const DESKTOP =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const IPHONE_WEBVIEW =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
const ANDROID_WEBVIEW =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.0.0 Mobile Safari/537.36';
const WECHAT = `${ANDROID_CHROME} MicroMessenger/8.0.47`;

describe('detectTerminal (S1)', () => {
  it('is WEB on desktop browsers', () => {
    expect(detectTerminal(DESKTOP)).toBe('WEB');
  });

  it('is WAP in phone browsers', () => {
    expect(detectTerminal(IPHONE_SAFARI)).toBe('WAP');
    expect(detectTerminal(ANDROID_CHROME)).toBe('WAP');
  });

  it('is APP inside WebViews and in-app browsers', () => {
    expect(detectTerminal(ANDROID_WEBVIEW)).toBe('APP');
    expect(detectTerminal(IPHONE_WEBVIEW)).toBe('APP');
    expect(detectTerminal(WECHAT)).toBe('APP');
  });

  it('follows an override, in any case, and ignores a meaningless one', () => {
    expect(detectTerminal(DESKTOP, 'wap')).toBe('WAP');
    expect(detectTerminal(IPHONE_SAFARI, 'APP')).toBe('APP');
    expect(detectTerminal(DESKTOP, 'tv')).toBe('WEB');
    expect(detectTerminal(DESKTOP, null)).toBe('WEB');
  });
});

describe('osTypeOf', () => {
  it('names the phone OS for WAP and APP, nothing on the web', () => {
    expect(osTypeOf(IPHONE_SAFARI, 'WAP')).toBe('IOS');
    expect(osTypeOf(ANDROID_WEBVIEW, 'APP')).toBe('ANDROID');
    expect(osTypeOf(DESKTOP, 'WEB')).toBeUndefined();
    expect(osTypeOf(DESKTOP, 'WAP')).toBeUndefined();
  });
});
