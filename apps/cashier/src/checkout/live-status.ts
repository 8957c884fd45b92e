// Live status (S15, S16): the Server-Sent Events stream first; while it is not open, `/status` is polled
// every 2 seconds. A tab that becomes visible again, or a network that comes back, is re-checked at once
// (browsers throttle timers in background tabs). The connection state drives the "Reconnecting…" notice.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CheckoutStatus } from '@paydesk/api';
import type { CheckoutApi } from '../api.ts';

/** live: the stream is open; polling: the stream is down but /status answers; reconnecting: neither. */
export type Connection = 'live' | 'polling' | 'reconnecting';

export const POLL_MS = 2_000;

/** Subscribes to a checkout's status while `active`; `onStatus` gets every status seen, from either path. */
export function useLiveStatus(
  api: CheckoutApi,
  active: boolean,
  onStatus: (status: CheckoutStatus) => void,
): Connection {
  const [connection, setConnection] = useState<Connection>('polling');
  const handlerRef = useRef(onStatus);
  useEffect(() => {
    handlerRef.current = onStatus;
  });

  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let source: EventSource | undefined;
    let open = false;
    let refused = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;

    const check = () => {
      api.status().then(
        (status) => {
          if (stopped) return;
          handlerRef.current(status);
          if (!open) setConnection('polling');
        },
        () => {
          if (!stopped && !open) setConnection('reconnecting');
        },
      );
    };
    const connect = () => {
      if (stopped || typeof EventSource === 'undefined') return;
      const stream = new EventSource(api.eventsUrl);
      source = stream;
      stream.addEventListener('status', (event) => {
        try {
          handlerRef.current(JSON.parse((event as MessageEvent<string>).data) as CheckoutStatus);
        } catch {
          // a malformed event is ignored; the poll covers for it
        }
      });
      stream.onopen = () => {
        open = true;
        refused = 0;
        setConnection('live');
      };
      stream.onerror = () => {
        open = false;
        // Whether we are cut off is for the poll to say; the stream alone may just be unavailable.
        check();
        // The browser retries by itself unless the stream was refused (CLOSED); after a few refusals
        // (a proxy that does not pass event streams) the poll carries on alone.
        if (stream.readyState === 2) {
          stream.close();
          refused += 1;
          if (refused < 3) retry = setTimeout(connect, POLL_MS * refused);
        }
      };
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') check();
    };

    connect();
    const timer = setInterval(() => {
      if (!open) check();
    }, POLL_MS);
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('online', check);
    return () => {
      stopped = true;
      clearInterval(timer);
      clearTimeout(retry);
      source?.close();
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('online', check);
    };
  }, [api, active]);

  // A finished checkout has no stream to lose: never leave a stale "Reconnecting…" behind.
  return active ? connection : 'live';
}
