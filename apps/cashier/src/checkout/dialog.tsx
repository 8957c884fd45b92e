// The QR overlay's dialog (S12, S13): fixed, centred, near 40vh and always fully on screen; focus is
// moved in and kept in (Tab wraps), Escape asks to cancel, and focus returns where it was on close.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { keepFocusIn } from '../ui/focus-trap.ts';

export function Dialog(props: { labelledBy: string; onEscape(): void; children: ComponentChildren }) {
  const ref = useRef<HTMLDivElement>(null);
  const escapeRef = useRef(props.onEscape);
  useEffect(() => {
    escapeRef.current = props.onEscape;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const root = dialog.getRootNode() as Document | ShadowRoot;
    const previous = root.activeElement as HTMLElement | null;
    dialog.focus();
    return () => {
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    const dialog = ref.current;
    if (!dialog) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      escapeRef.current();
      return;
    }
    keepFocusIn(event, dialog);
  };

  return (
    // A click on the dimmed backdrop must not move focus out of the dialog (the host page in the embed).
    <div
      class="pd-layer"
      onMouseDown={(event) => event.target === event.currentTarget && event.preventDefault()}
    >
      <div
        ref={ref}
        class="pd-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={props.labelledBy}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        {props.children}
      </div>
    </div>
  );
}
