// A scriptable stand-in for Antom on a real `node:http` server (127.0.0.1, ephemeral port). It checks every
// request signature over the raw bytes it received with the merchant public key, and signs its answers with
// the gateway key from the vectors. Signing and checking use node:crypto directly, not the code under
// test, so a shared bug cannot pass both sides.
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { vectors } from './vectors.helper.ts';

export const MERCHANT_PUBLIC_KEY = createPublicKey(vectors.keys.merchantPublicKeyPem);
export const GATEWAY_PRIVATE_KEY = createPrivateKey(vectors.keys.gatewayPrivateKeyPem);
export const MERCHANT_PRIVATE_KEY = createPrivateKey(vectors.keys.merchantPrivateKeyPem);

/** One request as the server received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query exactly as sent. */
  path: string;
  headers: IncomingMessage['headers'];
  rawBody: Buffer;
  /** The parsed body, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
  /** True when the `signature` header verifies over `POST <path>\n<client-id>.<request-time>.<raw body>`. */
  signatureValid: boolean;
}

/** What a scripted step does with one request. */
export type Step =
  | { when: 'before-body'; act: (req: IncomingMessage, res: ServerResponse) => void }
  | { when: 'after-body'; act: (request: ReceivedRequest, res: ServerResponse) => void | Promise<void> };

export interface AnswerOptions {
  status?: number;
  /** The `client-id` header sent back (default: the request's); `null` leaves it out. */
  clientIdHeader?: string | null;
  /** The client id put into the signed content (default: the request's). */
  signClientId?: string;
  /** The path put into the signed content (default: the request's). */
  signPath?: string;
  signWith?: KeyObject;
  omitSignature?: boolean;
  omitResponseTime?: boolean;
  responseTime?: string;
  /** Applied to the body after it was signed. */
  tamper?: (body: string) => string;
  headers?: Record<string, string>;
}

function signatureOf(content: Buffer, key: KeyObject): string {
  return encodeURIComponent(sign('sha256', content, key).toString('base64'));
}

function signedContent(path: string, clientId: string, time: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`POST ${path}\n${clientId}.${time}.`, 'utf8'), body]);
}

function requestSignatureValid(request: Omit<ReceivedRequest, 'signatureValid'>): boolean {
  const header = String(request.headers['signature'] ?? '');
  const match = /(?:^|,)\s*signature=([^,\s]+)/.exec(header);
  const clientId = request.headers['client-id'];
  const time = request.headers['request-time'];
  if (!match?.[1] || typeof clientId !== 'string' || typeof time !== 'string') return false;
  const content = signedContent(request.path, clientId, time, request.rawBody);
  return verify('sha256', content, MERCHANT_PUBLIC_KEY, Buffer.from(decodeURIComponent(match[1]), 'base64'));
}

/**
 * Answers with a body signed the way Antom signs responses (docs/antom-notes.md §2.4), or deliberately not.
 */
export function answer(body: unknown, options: AnswerOptions = {}): Step {
  return {
    when: 'after-body',
    act: (request, res) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const clientId = String(request.headers['client-id'] ?? '');
      const time = options.responseTime ?? new Date().toISOString();
      const content = signedContent(
        options.signPath ?? request.path,
        options.signClientId ?? clientId,
        time,
        Buffer.from(text, 'utf8'),
      );
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
      const clientIdHeader = options.clientIdHeader === undefined ? clientId : options.clientIdHeader;
      if (clientIdHeader !== null) headers['client-id'] = clientIdHeader;
      if (!options.omitResponseTime) headers['response-time'] = time;
      if (!options.omitSignature) {
        const value = signatureOf(content, options.signWith ?? GATEWAY_PRIVATE_KEY);
        headers['signature'] = `algorithm=RSA256,keyVersion=1,signature=${value}`;
      }
      const sent = options.tamper ? options.tamper(text) : text;
      res.writeHead(options.status ?? 200, { ...headers, ...options.headers });
      res.end(sent);
    },
  };
}

/** A signed `{ result }` answer with the given letter and code, plus extra fields. */
export function result(
  resultStatus: 'S' | 'F' | 'U',
  resultCode: string,
  extra: Record<string, unknown> = {},
  options?: AnswerOptions,
): Step {
  return answer(
    { result: { resultCode, resultStatus, resultMessage: resultCode.toLowerCase() }, ...extra },
    options,
  );
}

/** A plain HTTP answer with no Antom headers (a proxy error page, a rate limiter). */
export function plain(status: number, body = '', headers: Record<string, string> = {}): Step {
  return {
    when: 'after-body',
    act: (_request, res) => {
      res.writeHead(status, { 'content-type': 'text/plain', ...headers });
      res.end(body);
    },
  };
}

/** Never answers (the client must time out). */
export const hang: Step = { when: 'after-body', act: () => undefined };

/** Sends the status line and headers, then stalls the body forever. */
export const stallBody: Step = {
  when: 'after-body',
  act: (_request, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"result":');
  },
};

/** Destroys the socket as soon as the request head arrives, before its body is read. */
export const dropBeforeBody: Step = {
  when: 'before-body',
  act: (req) => {
    req.socket.destroy();
  },
};

/** Reads the whole request, then destroys the socket without answering. */
export const dropAfterRequest: Step = {
  when: 'after-body',
  act: (_request, res) => {
    res.socket?.destroy();
  },
};

/** Starts a signed-looking answer and cuts the connection half-way through the body. */
export const dropMidResponse: Step = {
  when: 'after-body',
  act: (_request, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
    res.write('{"result":{"resultCode":"SUCC', () => res.socket?.destroy());
  },
};

/** The answer when no step is queued: a successful result for whichever API was called. */
function defaultStep(path: string): Step {
  if (path.endsWith('/pay')) {
    return result('U', 'PAYMENT_IN_PROCESS', {
      paymentId: 'pay_antom_1',
      orderCodeForm: {
        expireTime: '2026-11-25T12:14:00+07:00',
        codeDetails: [{ codeValue: '00020101021230...', displayType: 'TEXT' }],
      },
    });
  }
  return result('S', 'SUCCESS');
}

export class FakeGateway {
  /** Requests whose body was read completely. */
  readonly requests: ReceivedRequest[] = [];
  /** Every request head that arrived (including those dropped before the body was read). */
  readonly heads: string[] = [];
  readonly #steps: Step[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  url = '';

  private constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(): Promise<FakeGateway> {
    const gateway = new FakeGateway();
    await new Promise<void>((resolve) => gateway.#server.listen(0, '127.0.0.1', resolve));
    const { port } = gateway.#server.address() as AddressInfo;
    gateway.url = `http://127.0.0.1:${port}`;
    return gateway;
  }

  /** Queues steps for the next requests, in order; afterwards the default success answers apply. */
  script(...steps: Step[]): this {
    this.#steps.push(...steps);
    return this;
  }

  /** Forgets the requests seen and any steps left over. */
  reset(): void {
    this.requests.length = 0;
    this.heads.length = 0;
    this.#steps.length = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.heads.push(req.url ?? '');
    const step = this.#steps.shift() ?? defaultStep(req.url ?? '');
    if (step.when === 'before-body') {
      step.act(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    const partial = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody, json };
    const request: ReceivedRequest = { ...partial, signatureValid: requestSignatureValid(partial) };
    this.requests.push(request);
    await step.act(request, res);
  }
}
