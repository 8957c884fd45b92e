// API errors (`{ error: { code, message } }`) as words for the buyer (D5.7): each known code
// gets its own kind sentence; anything else a calm generic one. Network failures have status 0.
import type { MessageKey } from './messages.ts';

const BY_CODE: Record<string, MessageKey> = {
  // The order can no longer be paid: the page also switches to the screen that says so (S9).
  ORDER_ALREADY_PAID: 'paidTitle',
  ORDER_EXPIRED: 'expiredTitle',
  ORDER_CLOSED: 'closedTitle',
  PAYMENT_IN_PROGRESS: 'errInProgress',
  PAYMENT_METHOD_UNAVAILABLE: 'errUnavailable',
  CHECKOUT_NOT_FOUND: 'notFound',
  RATE_LIMITED: 'errTooMany',
  NETWORK: 'offline',
};

/** The message for a failed call, from its code, else its HTTP status. */
export function errorMessageKey(error: { status?: number; code?: string } | null | undefined): MessageKey {
  const known = error?.code ? BY_CODE[error.code] : undefined;
  if (known) return known;
  if (error?.status === 429) return 'errTooMany';
  if (error?.status === 0) return 'offline';
  if (error?.status === 404) return 'notFound';
  return 'errGeneric';
}
