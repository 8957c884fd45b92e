// Plumbing shared by every test harness (server, sandbox, browser, reliability): a free loopback port,
// a JSON-over-HTTP call, and polling for a condition with a deadline instead of sleeping blindly.
import { createServer } from 'node:net';

/** A port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface JsonAnswer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

/** One HTTP call: a JSON body in (a string is sent as is), the parsed body out (or the text when not JSON). */
export async function jsonRequest(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const response = await fetch(base + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

type Falsy = false | 0 | '' | null | undefined;

/**
 * Polls `check` every `intervalMs` until it returns a truthy value, and returns it. A check that throws
 * counts as "not yet"; after `timeoutMs` the last error (if any) is reported with `what`.
 */
export async function pollUntil<T>(
  check: () => T | Falsy | Promise<T | Falsy>,
  what: string,
  timeoutMs: number,
  intervalMs = 50,
): Promise<Exclude<T, Falsy>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Exclude<T, Falsy>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
