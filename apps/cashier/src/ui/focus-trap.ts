// Keeping keyboard focus inside a modal dialog (the WAI-ARIA dialog pattern): Tab from the last focusable
// element wraps to the first, Shift+Tab from the first (or from the dialog itself) to the last, and focus
// found outside the dialog is brought back in. Shared by the buyer's QR overlay (checkout/dialog.tsx) and
// the console's refund confirmation (admin/refund-form.tsx); each decides where it listens — the overlay on
// itself, as it lives inside the merchant's page, the console on the whole document.

export const FOCUSABLE =
  'a[href],button:not([disabled]),input:not([disabled]),select,textarea,[tabindex="0"]';

/** Moves focus as a Tab press should inside `dialog`; any other key is left alone. */
export function keepFocusIn(event: KeyboardEvent, dialog: HTMLElement): void {
  if (event.key !== 'Tab') return;
  const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const first = items[0];
  const last = items[items.length - 1];
  // In the embed the dialog lives in a shadow root, whose activeElement is the one that counts.
  const active = (dialog.getRootNode() as Document | ShadowRoot).activeElement;
  if (!first || !last) {
    event.preventDefault();
    dialog.focus();
  } else if (!(active instanceof Node) || !dialog.contains(active)) {
    event.preventDefault();
    (event.shiftKey ? last : first).focus();
  } else if (event.shiftKey && (active === first || active === dialog)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    first.focus();
  }
}
