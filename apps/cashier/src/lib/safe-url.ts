// The cashier sends a buyer only to URLs the server would accept for an order (D10.2): an
// order stored before that check, or a server that skipped it, must not turn a `javascript:` or `data:`
// returnUrl into script running on our page or, through the embed, on the merchant's.

const LOOPBACK_HOST = /^(localhost|[^.]+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** `url` when it is https: (or http: to a loopback host, as in development), else null. */
export function safeReturnUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol === 'https:' && parsed.hostname) return parsed.href;
  if (parsed.protocol === 'http:' && LOOPBACK_HOST.test(parsed.hostname)) return parsed.href;
  return null;
}
