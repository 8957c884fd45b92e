// The HTTP client behind a small interface (docs/style.md §2), so tests and other runtimes can swap it.
// The default uses Node's fetch and returns the raw body bytes: signatures are checked over those bytes.
import { AntomTimeoutError, AntomTransportError } from './errors.ts';

/** A raw HTTP answer: the body bytes are kept as received, for signature checks. */
export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** The one HTTP operation the client needs. */
export interface HttpTransport {
  /** POSTs `body` as is. Throws AntomTimeoutError after `timeoutMs`, AntomTransportError on network failure. */
  post(
    url: string,
    headers: Record<string, string>,
    body: Buffer,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<HttpResponse>;
}

/** The default transport: Node's fetch, no redirects, the timeout covering headers and body. */
export const fetchTransport: HttpTransport = {
  async post(url, headers, body, { timeoutMs, signal }) {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: combined,
        redirect: 'manual', // a 3xx is answered as a non-200 transport error, never followed
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      const lowered: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        lowered[name.toLowerCase()] = value;
      });
      return { status: response.status, headers: lowered, body: bytes };
    } catch (cause) {
      if (timeout.aborted) throw new AntomTimeoutError(timeoutMs);
      if (signal?.aborted)
        throw new AntomTransportError('the call was aborted by the caller', undefined, { cause });
      const reason =
        cause instanceof Error
          ? cause.cause instanceof Error
            ? cause.cause.message
            : cause.message
          : String(cause);
      throw new AntomTransportError(`no answer from Antom: ${reason}`, undefined, { cause });
    }
  },
};
