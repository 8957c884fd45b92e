// S1: Web, WAP and App. The terminal type tells Antom how the buyer will pay (desktop scan, phone
// browser with app links, in-app WebView); it is guessed from the user agent and may be overridden by
// `?terminal=` or the embed's `terminal` option.
import type { TerminalType } from '@paydesk/api';

const WEBVIEW =
  /; wv\)|\bWebView\b|FBAN|FBAV|Instagram|Line\/|MicroMessenger|AlipayClient|GrabApp|Lazada|Shopee|TrueMoney|GoJek/i;
const PHONE = /Mobi|Android|iPhone|iPod|iPad|Windows Phone|Opera Mini/i;
const IOS = /iPhone|iPad|iPod/i;

/** WEB, WAP or APP for a user agent; `override` wins when it names one of them (any case). */
export function detectTerminal(userAgent: string, override?: string | null): TerminalType {
  const wanted = override?.toUpperCase();
  if (wanted === 'WEB' || wanted === 'WAP' || wanted === 'APP') return wanted;
  const iosWebView = IOS.test(userAgent) && /AppleWebKit/.test(userAgent) && !/Safari\//.test(userAgent);
  if (WEBVIEW.test(userAgent) || iosWebView) return 'APP';
  return PHONE.test(userAgent) ? 'WAP' : 'WEB';
}

/** The phone's OS for Antom's `osType` (phones only), or undefined on desktops and unknown systems. */
export function osTypeOf(userAgent: string, terminal: TerminalType): 'IOS' | 'ANDROID' | undefined {
  if (terminal === 'WEB') return undefined;
  if (IOS.test(userAgent)) return 'IOS';
  if (/Android/i.test(userAgent)) return 'ANDROID';
  return undefined;
}
