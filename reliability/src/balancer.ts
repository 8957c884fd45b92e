// A tiny HTTP forwarder on 127.0.0.1 that records every exchange it carries (D7.2). In front
// of several server instances it is the round-robin balancer buyers, the merchant and Antom's
// notifications go through (an instance that refuses connections is skipped); in front of the sandbox,
// one per instance, it is the tap that says which instance made each Antom call and whether the answer
// reached it. Bodies are forwarded byte for byte, so signatures over path and body still verify.
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request carried to an upstream, and what became of its answer. */
export interface Exchange {
  seq: number;
  /** Index of the upstream that took it; undefined when none would (every one refused). */
  upstream: number | undefined;
  method: string;
  path: string;
  /** The request body, parsed when it is JSON (else undefined). */
  json: Record<string, unknown> | undefined;
  /** When the request had fully arrived and was sent on (epoch ms). */
  sentAt: number;
  /** When the answer was handed to the client, or the client went away, or the upstream failed. */
  endedAt: number | undefined;
  /** The whole answer was written to the client's connection before it went away. */
  delivered: boolean;
  /**
   * When the client dropped the connection while this was its latest exchange. Written bytes are not
   * read bytes: a client that gives up at its timeout (or dies) just as the answer is written drops the
   * connection at once, while one that read it keeps the connection for its next request.
   */
  clientGoneAt: number | undefined;
  status: number | undefined;
  /** With `keepAnswers`: the answer's headers and body text. */
  answer: { headers: Record<string, string | string[] | undefined>; body: string } | undefined;
}

export interface ForwarderOptions {
  /** Base URLs (http://127.0.0.1:port) taken in turn. */
  upstreams: readonly string[];
  /** Keep each answer's headers and body (for taps; Antom's answers are small). */
  keepAnswers?: boolean;
}

/** Headers that describe one hop, not the message. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade']);

/** Forwards every request to the next upstream that accepts a connection, and records it. */
export class Forwarder {
  readonly exchanges: Exchange[] = [];
  readonly #options: ForwarderOptions;
  readonly #server: Server;
  // One connection per request: after a SIGKILL no pooled socket to the dead instance can be reused, so a
  // refused connection (skip to the next upstream) is never confused with a request cut halfway.
  readonly #agent = new Agent({ keepAlive: false });
  readonly #sockets = new Set<Socket>();
  readonly #latest = new WeakMap<Socket, Exchange>();
  #next = 0;

  constructor(options: ForwarderOptions) {
    this.#options = options;
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const exchange: Exchange = {
          seq: this.exchanges.length + 1,
          upstream: undefined,
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          json: parseJson(body),
          sentAt: Date.now(),
          endedAt: undefined,
          delivered: false,
          clientGoneAt: undefined,
          status: undefined,
          answer: undefined,
        };
        this.exchanges.push(exchange);
        this.#latest.set(req.socket, exchange);
        res.on('close', () => {
          exchange.endedAt ??= Date.now();
          exchange.delivered = res.writableFinished;
        });
        this.#forward(req, body, exchange, (answer) => {
          exchange.status = answer.statusCode;
          // The answer is still read (and kept) when the client has gone: the tap tells what it missed.
          const live = () => !res.destroyed;
          const headers = Object.fromEntries(
            Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)),
          );
          if (live()) res.writeHead(answer.statusCode ?? 502, headers);
          const kept: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => {
            if (this.#options.keepAnswers) kept.push(chunk);
            if (live()) res.write(chunk);
          });
          answer.on('end', () => {
            if (this.#options.keepAnswers)
              exchange.answer = { headers: answer.headers, body: Buffer.concat(kept).toString('utf8') };
            res.end();
          });
          answer.on('error', () => res.destroy());
        });
      });
    });
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        const latest = this.#latest.get(socket);
        if (latest) latest.clientGoneAt = Date.now();
      });
    });
  }

  /**
   * Tries the upstreams in turn from the next one. A refused connection moves on; any other failure (the
   * upstream died with the request) drops the client's connection without an answer, as the dead server
   * would have: the client decides whether to retry.
   */
  #forward(
    req: IncomingMessage,
    body: Buffer,
    exchange: Exchange,
    onAnswer: (answer: IncomingMessage) => void,
    tried = 0,
  ): void {
    const { upstreams } = this.#options;
    if (tried >= upstreams.length) {
      exchange.endedAt = Date.now();
      req.socket.destroy();
      return;
    }
    const index = this.#next++ % upstreams.length;
    const target = new URL(exchange.path, upstreams[index]);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
    const outgoing = httpRequest(
      target,
      { method: exchange.method, headers: { ...headers, host: target.host }, agent: this.#agent },
      onAnswer,
    );
    exchange.upstream = index;
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') {
        this.#forward(req, body, exchange, onAnswer, tried + 1);
        return;
      }
      exchange.endedAt ??= Date.now();
      req.socket.destroy();
    });
    // A client that goes away (its timeout, or a SIGKILL) does not stop the request upstream: its bytes
    // were sent, as on a direct connection, and the upstream acts on them.
    outgoing.end(body);
  }

  /** Starts listening on an ephemeral port of 127.0.0.1; resolves the base URL. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The exchanges whose answer has not been handed over yet (still in flight). */
  open(): Exchange[] {
    return this.exchanges.filter((e) => e.endedAt === undefined);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#agent.destroy();
  }
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
