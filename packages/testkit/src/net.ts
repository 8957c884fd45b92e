// Network plumbing every harness shares: a free loopback port, a port for a child process, and a
// JSON-over-HTTP call. No dependencies, so the lowest layers' tests may use it too.
import { createServer } from 'node:net';

/** A port that was free on 127.0.0.1 a moment ago (from the kernel's ephemeral range). */
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

/**
 * A port for a child process, free now, from 20000–29999: below the kernel's ephemeral range (32768+),
 * where every in-process `freePort()` picks. A child binds its port a second or two after it is chosen;
 * an ephemeral port could be taken meanwhile by another suite's server running in parallel, which would
 * then answer /readyz in the child's place (seen once in a full `npm test`).
 */
export async function childPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
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
