// A real stack for tests: the Paydesk sandbox (Antom) on one ephemeral port and the checkout server on
// another, talking real HTTP both ways (pay/inquiry/cancel/refund one way, signed notifications back).
import { freePort, jsonRequest, pollUntil, type JsonAnswer } from '../../../../scripts/test-support.ts';
import { generateKeyPair, type KeyPairForms } from '@paydesk/antom';
import { createSandbox, type Sandbox, type SandboxOptions } from '@paydesk/sandbox';
import { loadConfig, type Config, type DeepPartial } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import type { Clock } from '../../src/domain/clock.ts';
import { DEFAULT_CATALOG, type CatalogMethod } from '../../src/methods/catalog.ts';
import { createTestDatabase, type Dialect, type TestDatabase } from './database.ts';

export const CLIENT_ID = 'SANDBOX_PAYDESK_TEST';
export const API_KEY = 'test_merchant_key_0123456789abcdef';

let keys: { merchant: KeyPairForms; gateway: KeyPairForms } | undefined;
export function testKeys() {
  keys ??= { merchant: generateKeyPair(), gateway: generateKeyPair() };
  return keys;
}

export { freePort };

/** The default catalog with every timeout shortened, so timeouts (S19) happen within a test. */
export function fastCatalog(timeoutSeconds = 30): CatalogMethod[] {
  return DEFAULT_CATALOG.map((method) => ({ ...method, timeoutSeconds }));
}

export type Json = JsonAnswer;

export interface Stack {
  server: RunningServer;
  sandbox: Sandbox;
  sandboxUrl: string;
  url: string;
  database: TestDatabase;
  config: Readonly<Config>;
  /** Merchant API call with the key. */
  merchant(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Json>;
  /** Unauthenticated call (buyer API, pages). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Json>;
  /** Sandbox control API call. */
  control(method: string, path: string, body?: unknown): Promise<Json>;
  /** Creates an order and returns its view (with checkoutToken). */
  createOrder(overrides?: Record<string, unknown>): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Confirms payment for a checkout token. */
  confirm(token: string, method?: string, terminalType?: string): Promise<Json>;
  /**
   * Starts another instance of the server on the same database and sandbox (issue #7: several instances
   * on one PostgreSQL). It stops with the stack.
   */
  startPeer(config?: DeepPartial<Config>): Promise<{ server: RunningServer; url: string }>;
  close(): Promise<void>;
}

export interface StackOptions {
  dialect: Dialect;
  config?: DeepPartial<Config>;
  sandbox?: Partial<SandboxOptions>;
  /** Start the sweeper and webhook workers (default true). */
  workers?: boolean;
  /** The server's clock (default the system's); pass the same time to `sandbox.now` to keep them together. */
  clock?: Clock;
}

const request = jsonRequest;

/** The configuration of one test instance on `port`, with the stack's defaults under `overrides`. */
function stackConfig(
  port: number,
  databaseUrl: string,
  sandboxUrl: string,
  options: StackOptions,
  overrides: DeepPartial<Config>,
): Config {
  const { merchant, gateway } = testKeys();
  return loadConfig(
    {},
    {
      port,
      host: '127.0.0.1',
      publicUrl: `http://127.0.0.1:${port}`,
      databaseUrl,
      merchantApiKey: API_KEY,
      logLevel: 'silent',
      cashierDist: null,
      ...overrides,
      antom: {
        gatewayUrl: sandboxUrl,
        clientId: CLIENT_ID,
        privateKey: merchant.privateKeyPem,
        publicKey: gateway.publicKeyPem,
        isSandbox: true,
        timeoutMs: 3_000,
        ...overrides.antom,
      },
      checkout: {
        gatewayExpiryGraceSeconds: 2,
        paymentMethods: fastCatalog(),
        ...overrides.checkout,
      },
      sweeper: { intervalMs: 100, enabled: options.workers !== false, ...overrides.sweeper },
      webhooks: { intervalMs: 100, ...overrides.webhooks },
      rateLimit: {
        buyerWritesPerMinute: 10_000,
        checkoutReadsPerMinute: 100_000,
        notFoundPerMinute: 10_000,
        ...overrides.rateLimit,
      },
    },
  );
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const { merchant, gateway } = testKeys();
  const database = await createTestDatabase(options.dialect);
  const sandbox = await createSandbox({
    clientId: CLIENT_ID,
    merchantPublicKey: merchant.publicKeyPem,
    gatewayPrivateKey: gateway.privateKeyPem,
    timeScale: 1000,
    asyncRefundDelayMs: 200,
    ...options.sandbox,
  });
  const sandboxUrl = await sandbox.listen({ port: 0, host: '127.0.0.1' });
  const port = await freePort();
  const config = stackConfig(port, database.url, sandboxUrl, options, options.config ?? {});
  const server = await startServer(config, {
    logger: false,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const peers: RunningServer[] = [];
  const url = `http://127.0.0.1:${port}`;
  const stack: Stack = {
    server,
    sandbox,
    sandboxUrl,
    url,
    database,
    config,
    merchant: (method, path, body, headers = {}) =>
      request(url, method, path, body, { authorization: `Bearer ${API_KEY}`, ...headers }),
    call: (method, path, body, headers) => request(url, method, path, body, headers),
    control: (method, path, body) => request(sandboxUrl, method, path, body),
    async createOrder(overrides = {}) {
      const response = await stack.merchant('POST', '/api/v1/orders', {
        reference: `T-${Math.random().toString(36).slice(2, 10)}`,
        amount: { currency: 'THB', value: '150000' },
        description: 'Jasmine tea ×2',
        region: 'TH',
        ...overrides,
      });
      if (response.status !== 201)
        throw new Error(`createOrder: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    },
    confirm: (token, method = 'PROMPTPAY', terminalType = 'WEB') =>
      request(url, 'POST', `/api/v1/checkout/${token}/payments`, { paymentMethodType: method, terminalType }),
    async startPeer(config = {}) {
      const peerPort = await freePort();
      const peer = await startServer(
        stackConfig(peerPort, database.url, sandboxUrl, options, { ...options.config, ...config }),
        { logger: false },
      );
      peers.push(peer);
      return { server: peer, url: `http://127.0.0.1:${peerPort}` };
    },
    async close() {
      for (const peer of peers) await peer.stop();
      await server.stop();
      await sandbox.close();
      await database.drop();
    },
  };
  return stack;
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes (no blind sleeps). */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false | null>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  return (await pollUntil(check, what, timeoutMs)) as T;
}
