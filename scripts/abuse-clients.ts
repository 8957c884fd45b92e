// What an attacker on the internet does with ordinary tools (D10), as small clients the tests aim at
// a server on 127.0.0.1: event streams held open, request bodies sent a byte at a time, connections that
// say nothing. Each may leave from its own loopback address (127.0.0.2, …: every 127/8 address reaches
// the loopback interface), so the server sees the attacker apart from the buyers on 127.0.0.1. Plus
// readings of a process's resident memory and file handles, and of a SQLite database's size on disk.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface HeldStream {
  /** The HTTP status the server answered with. */
  status: number;
  /** Everything received so far. */
  readonly text: string;
  /** Resolves with everything received once the server ends the stream (or the connection drops). */
  ended: Promise<string>;
  close(): void;
}

/** Opens an event stream at `url` and holds it; resolves once the status line is in. */
export function holdStream(
  url: string,
  options: { localAddress?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HeldStream> {
  return new Promise((resolve, reject) => {
    const clientRequest = request(url, {
      agent: false,
      localAddress: options.localAddress,
      headers: { accept: 'text/event-stream', ...options.headers },
    });
    const timer = setTimeout(() => {
      clientRequest.destroy();
      reject(new Error(`${url}: no answer within ${options.timeoutMs ?? 10_000} ms`));
    }, options.timeoutMs ?? 10_000);
    clientRequest.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    clientRequest.on('response', (response) => {
      clearTimeout(timer);
      let text = '';
      response.setEncoding('utf8');
      const ended = new Promise<string>((done) => {
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => done(text));
        response.on('close', () => done(text));
        response.on('error', () => done(text));
      });
      resolve({
        status: response.statusCode ?? 0,
        get text() {
          return text;
        },
        ended,
        close: () => clientRequest.destroy(),
      });
    });
    clientRequest.end();
  });
}

/**
 * POSTs `body` as fast as the connection takes it and resolves with the status (0 when the server closed
 * the connection before answering, as it may when it refuses a body it will not read).
 */
export function postRaw(
  url: string,
  body: Buffer | string,
  options: { localAddress?: string; headers?: Record<string, string> } = {},
): Promise<number> {
  return new Promise((resolve) => {
    const clientRequest = request(url, {
      method: 'POST',
      agent: false,
      localAddress: options.localAddress,
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        ...options.headers,
      },
    });
    let answered = 0;
    clientRequest.on('response', (response) => {
      answered = response.statusCode ?? 0;
      response.resume();
      response.on('end', () => resolve(answered));
      response.on('error', () => resolve(answered));
    });
    clientRequest.on('error', () => resolve(answered));
    clientRequest.end(body);
  });
}

export interface SlowClient {
  /** Resolves when the server closes the connection: with its status code if it answered, and when. */
  closed: Promise<{ status: number | null; at: number }>;
  destroy(): void;
}

function connection(port: number, localAddress: string | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(socket));
    socket.once('error', reject);
  });
}

function watch(socket: Socket, stop: () => void): SlowClient['closed'] {
  return new Promise((resolve) => {
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.once('close', () => {
      stop();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      resolve({ status: status ? Number(status[1]) : null, at: Date.now() });
    });
  });
}

/**
 * Sends a request whose body (of `contentLength` bytes) trickles in one byte every `intervalMs`: what held
 * 5,038 file handles for over five minutes in finding 5.
 */
export async function slowBody(
  port: number,
  path: string,
  options: { localAddress?: string; contentLength?: number; intervalMs?: number } = {},
): Promise<SlowClient> {
  const socket = await connection(port, options.localAddress);
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${options.contentLength ?? 10_000}\r\n\r\n{`,
  );
  const drip = setInterval(() => socket.write(' '), options.intervalMs ?? 1_000);
  const closed = watch(socket, () => clearInterval(drip));
  return { closed, destroy: () => socket.destroy() };
}

/** Opens a connection and sends nothing at all (or only part of the headers, with `partial`). */
export async function silentClient(
  port: number,
  options: { localAddress?: string; partial?: boolean } = {},
): Promise<SlowClient> {
  const socket = await connection(port, options.localAddress);
  if (options.partial) socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  const closed = watch(socket, () => {});
  return { closed, destroy: () => socket.destroy() };
}

/** Resident memory (bytes) and open file handles of a process (Linux /proc). */
export function processUsage(pid: number = process.pid): { rssBytes: number; fileHandles: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return {
    rssBytes: rss ? Number(rss[1]) * 1024 : 0,
    fileHandles: readdirSync(`/proc/${pid}/fd`).length,
  };
}

/** Bytes on disk of a SQLite database with its -wal and -shm files (0 for those missing). */
export function sqliteBytes(path: string): number {
  let total = 0;
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      total += statSync(file).size;
    } catch {
      // not there
    }
  }
  return total;
}
