// Connections and their timeouts (D10.5): Fastify leaves `requestTimeout` at 0, so a client
// sending its body a byte every few seconds held a socket and a file handle for ever (5,000 of them held
// 5,038 handles for over 5 minutes). Every connection now has a deadline for its headers, for the whole
// request, and for idling between keep-alive requests, and there is a cap on connections in all and
// from one address, so slow or idle clients cannot take the handles buyers need.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';
import type { FastifyInstance } from 'fastify';
import type { Limits } from '../config.ts';

export interface ConnectionGuard {
  /** Connections open now. */
  readonly open: number;
  /** Connections dropped at once because a cap was reached, since start. */
  readonly refused: number;
}

/**
 * Sets the server's timeouts and caps; call before `listen` (Node starts its timeout checks then). A
 * trusted proxy's address is not capped per address: every buyer behind it shares that address.
 */
export function installConnectionGuard(
  app: FastifyInstance,
  limits: Limits['http'],
  trustProxy: boolean | string,
): ConnectionGuard {
  const server = app.server;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Node looks for expired requests on this period (30 s by default, which would double a short
  // request timeout); a quarter of the header deadline keeps the overshoot small at little cost.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(
    250,
    Math.min(5_000, Math.floor(limits.headersTimeoutMs / 4)),
  );
  server.maxConnections = limits.maxConnections;

  const exempt =
    trustProxy === true
      ? () => true
      : trustProxy
        ? proxyAddr.compile(trustProxy.split(',').map((value) => value.trim()))
        : () => false;
  const perAddress = new Map<string, number>();
  const guard = { open: 0, refused: 0 };
  server.on('drop', () => {
    guard.refused += 1;
  });
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    if (!exempt(address, 0)) {
      const held = perAddress.get(address) ?? 0;
      if (held >= limits.maxConnectionsPerAddress) {
        guard.refused += 1;
        socket.destroy();
        return;
      }
      perAddress.set(address, held + 1);
      socket.once('close', () => {
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left <= 0) perAddress.delete(address);
        else perAddress.set(address, left);
      });
    }
    guard.open += 1;
    socket.once('close', () => {
      guard.open -= 1;
    });
  });
  // Node stops its timeout checks once the server starts closing, so a slow client would hold the close
  // for ever: whatever is still connected a request deadline after that is cut.
  app.addHook('preClose', (done) => {
    setTimeout(() => server.closeAllConnections(), limits.requestTimeoutMs).unref();
    done();
  });
  return guard;
}
