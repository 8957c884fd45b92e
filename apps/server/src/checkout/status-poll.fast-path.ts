// The buyer's 2-second poll answered ahead of Fastify's lifecycle (D17.7). A cache hit costs a string
// join and one write, but Fastify's request, reply, hooks and router cost more than that (D17.2's profile);
// so a raw `request` listener answers exactly the cached polls, with every header the Fastify path sends
// (the byte-for-byte test in status-fast-path.test.ts holds it to that), counted by the same metric and
// rate limit. Anything else — a miss, an unknown token, a throttled checkout, a query string, a drain —
// goes to Fastify untouched, which answers it as before.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { hashToken } from '../domain/ids.ts';
import type { RateLimiter } from '../http/rate-limit.ts';
import type { HeaderList } from '../http/security.ts';
import type { CheckoutService } from './checkout.service.ts';
import { limitKey, STATUS_ROUTE } from './checkout.routes.ts';

const PREFIX = '/api/v1/checkout/';
const SUFFIX = '/status';
/** CheckoutParams' token: what the route's schema accepts (anything else gets Fastify's 400). */
const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

export interface StatusFastPathDeps {
  checkout: Pick<CheckoutService, 'cachedStatusJson'>;
  limiter: RateLimiter;
  readsPerMinute: number;
  /** The security headers of the poll's URL (security.ts), after its content type. */
  headers: HeaderList;
  /** Counts the answer as the `onResponse` hook counts Fastify's (composition/http.ts). */
  count: (labels: { method: string; route: string; status: string }) => void;
}

export class StatusFastPath {
  /** False while the server drains (server.ts) or closes: every poll then takes Fastify's path. */
  enabled = true;
  /** Polls answered here since start (tests and the bench read it). */
  served = 0;
  readonly #d: StatusFastPathDeps;
  /** The headers as Fastify writes them, content-length last (set per answer). */
  readonly #head: string[];
  readonly #labels = { method: 'GET', route: STATUS_ROUTE, status: '200' };

  constructor(deps: StatusFastPathDeps) {
    this.#d = deps;
    this.#head = [
      'content-type',
      'application/json; charset=utf-8',
      ...deps.headers.flat(),
      'content-length',
      '',
    ];
  }

  /** Answers `req` if it is a poll the status cache holds; false (nothing written) otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.enabled || req.method !== 'GET') return false;
    const url = req.url;
    if (url === undefined || !url.startsWith(PREFIX) || !url.endsWith(SUFFIX)) return false;
    const token = url.slice(PREFIX.length, url.length - SUFFIX.length);
    // A body on a GET is left to Fastify, like every request this path does not fully understand.
    if (!TOKEN.test(token) || req.headers['content-length'] !== undefined) return false;
    if (req.headers['transfer-encoding'] !== undefined) return false;
    const tokenHash = hashToken(token);
    const json = this.#d.checkout.cachedStatusJson(tokenHash);
    if (json === undefined) return false;
    // Past the limit the request is not counted here: Fastify's path counts it and answers the 429.
    if (!this.#d.limiter.tryTake(limitKey(tokenHash, 'read'), this.#d.readsPerMinute)) return false;
    const head = this.#head.slice();
    head[head.length - 1] = String(Buffer.byteLength(json));
    res.writeHead(200, head);
    res.end(json);
    this.served += 1;
    this.#d.count(this.#labels);
    return true;
  }
}

/**
 * Puts `fastPath` in front of the server's one `request` listener (Fastify's). Left out when there is not
 * exactly one (then every poll takes Fastify's path, as before).
 */
export function installStatusFastPath(server: Server, fastPath: StatusFastPath): boolean {
  const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (listeners.length !== 1) return false;
  const fastify = listeners[0]!;
  server.removeListener('request', fastify);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!fastPath.handle(req, res)) fastify(req, res);
  });
  return true;
}
