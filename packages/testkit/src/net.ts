// Network plumbing every harness shares: a free loopback port, a port for a child process, and a
// JSON-over-HTTP call. No dependencies, so the lowest layers' tests may use it too.
import { createServer } from 'node:net';

/**
 * A port that was free on 127.0.0.1 a moment ago, for a server that binds it later (a child process, a
 * launcher given PORT): from 20000–29999, below the kernel's ephemeral range (32768+). A port from that range
 * could be taken in between by any outgoing connection of the suite's other lanes (a loaded run saw
 * EADDRINUSE) or by another suite's server, which would then answer in this one's place (seen once). A
 * server that can bind port 0 itself should do that instead.
 */
export async function freePort(): Promise<number> {
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

/** A port for a child process: `freePort()`, named for the harnesses that start one. */
export const childPort = freePort;

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
