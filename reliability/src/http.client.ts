// JSON over HTTP for the campaign's actors (buyer, wallet, merchant). A request either gets an answer
// (any status) or fails to connect; while the server is being restarted after a crash, callers may ask
// for connection failures to be retried until a deadline, as a browser or a shop backend would.

export interface Answer {
  status: number;
  // Answers are checked structurally by the invariants; `any` keeps those checks readable.
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
  ms: number;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Keep retrying connection failures (not HTTP errors) for this long (ms). Default 0: fail at once. */
  retryForMs?: number;
  /** Per-attempt timeout (ms, default 30 s). */
  timeoutMs?: number;
  /** Send this exact string (or bytes) as the body instead of JSON-encoding `body`. */
  raw?: string | Uint8Array;
}

/** Thrown when no HTTP answer came (connection refused or reset, timeout). */
export class NoAnswerError extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One JSON request; the body is JSON-encoded unless `raw` is given. */
export async function request(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<Answer> {
  const deadline = Date.now() + (options.retryForMs ?? 0);
  const payload =
    options.raw !== undefined ? options.raw : body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {
    ...(payload !== undefined && options.raw === undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  for (let attempt = 0; ; attempt += 1) {
    const started = performance.now();
    try {
      const response = await fetch(base + path, {
        method,
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      const text = await response.text();
      const ms = performance.now() - started;
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed, headers: response.headers, ms };
    } catch (error) {
      if (Date.now() >= deadline) {
        throw new NoAnswerError(`${method} ${path}: no answer (${(error as Error).message})`, {
          cause: error,
        });
      }
      await sleep(Math.min(100 * 2 ** attempt, 500));
    }
  }
}

/** A base URL with default headers, for one actor. */
export interface Endpoint {
  readonly base: string;
  call(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<Answer>;
}

export function endpoint(
  base: () => string,
  defaults: { headers?: Record<string, string>; retryForMs?: number } = {},
): Endpoint {
  return {
    get base() {
      return base();
    },
    call: (method, path, body, options = {}) =>
      request(base(), method, path, body, {
        retryForMs: defaults.retryForMs,
        ...options,
        headers: { ...defaults.headers, ...options.headers },
      }),
  };
}
