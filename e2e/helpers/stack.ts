// A real stack for the browser specs (after apps/server/test/helpers/stack.ts): the Paydesk sandbox
// (Antom) and the checkout server serving the built cashier, each on an ephemeral port, talking real
// HTTP both ways, with an SQLite database in a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@paydesk/antom';
import { createSandbox, type Sandbox } from '@paydesk/sandbox';
import {
  DEFAULT_CATALOG,
  loadConfig,
  startServer,
  type CatalogMethod,
  type RunningServer,
} from '@paydesk/server';
import { freePort, jsonRequest, pollUntil, type JsonAnswer } from '../../scripts/test-support.ts';
import { ensureCashierBuilt } from './build.ts';

export const CLIENT_ID = 'SANDBOX_PAYDESK_E2E';
export const API_KEY = 'e2e_merchant_key_0123456789abcdef';

type ConfigOverrides = NonNullable<Parameters<typeof loadConfig>[1]>;

export type Json = JsonAnswer;

export interface Stack {
  url: string;
  sandboxUrl: string;
  server: RunningServer;
  sandbox: Sandbox;
  /** Moves the server's clock (ms); the browser's stays where it is. */
  skew(ms: number): void;
  merchant(method: string, path: string, body?: unknown): Promise<Json>;
  call(method: string, path: string, body?: unknown): Promise<Json>;
  control(method: string, path: string, body?: unknown): Promise<Json>;
  /** Creates an order through the Merchant API; returns its view (with checkoutToken). */
  createOrder(overrides?: Record<string, unknown>): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

export interface StackOptions {
  presentation?: 'overlay' | 'page';
  /** Per-method code timeouts in seconds (others: 300). */
  timeouts?: Record<string, number>;
  successRedirectSeconds?: number;
  config?: ConfigOverrides;
}

const request = jsonRequest;

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const cashierDist = ensureCashierBuilt();
  const merchant = generateKeyPair();
  const gateway = generateKeyPair();
  const dir = mkdtempSync(join(tmpdir(), 'paydesk-e2e-'));
  const sandbox = await createSandbox({
    clientId: CLIENT_ID,
    merchantPublicKey: merchant.publicKeyPem,
    gatewayPrivateKey: gateway.privateKeyPem,
    timeScale: 1000,
    asyncRefundDelayMs: 200,
  });
  const sandboxUrl = await sandbox.listen({ port: 0, host: '127.0.0.1' });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const catalog: CatalogMethod[] = DEFAULT_CATALOG.map((method) => ({
    ...method,
    timeoutSeconds: options.timeouts?.[method.type] ?? 300,
  }));
  const overrides = options.config ?? {};
  const config = loadConfig(
    {},
    {
      port,
      host: '127.0.0.1',
      publicUrl: url,
      databaseUrl: `sqlite:${join(dir, 'paydesk.db')}`,
      merchantApiKey: API_KEY,
      logLevel: 'silent',
      cashierDist,
      ...overrides,
      antom: {
        gatewayUrl: sandboxUrl,
        clientId: CLIENT_ID,
        privateKey: merchant.privateKeyPem,
        publicKey: gateway.publicKeyPem,
        isSandbox: true,
        timeoutMs: 3_000,
        // e.g. a merchant key the sandbox was never given (the integration fault banner's spec)
        ...overrides.antom,
      },
      checkout: {
        presentation: options.presentation ?? 'overlay',
        gatewayExpiryGraceSeconds: 1,
        paymentMethods: catalog,
        successRedirectSeconds: options.successRedirectSeconds ?? 2,
        ...overrides.checkout,
      },
      sweeper: { intervalMs: 100, enabled: true },
      webhooks: { intervalMs: 100 },
      rateLimit: { buyerWritesPerMinute: 10_000, checkoutReadsPerMinute: 100_000, notFoundPerMinute: 10_000 },
    },
  );
  let offset = 0;
  const server = await startServer(config, { logger: false, clock: { now: () => Date.now() + offset } });
  const stack: Stack = {
    url,
    sandboxUrl,
    server,
    sandbox,
    skew: (ms) => {
      offset += ms;
    },
    merchant: (method, path, body) =>
      request(url, method, path, body, { authorization: `Bearer ${API_KEY}` }),
    call: (method, path, body) => request(url, method, path, body),
    control: (method, path, body) => request(sandboxUrl, method, path, body),
    async createOrder(overrides = {}) {
      const response = await stack.merchant('POST', '/api/v1/orders', {
        reference: `E2E-${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
        amount: { currency: 'THB', value: '118000' },
        description: 'Jasmine tea ×2, Wildflower honey ×1',
        items: [
          { name: 'Jasmine tea', quantity: 2, unitAmount: { currency: 'THB', value: '45000' } },
          { name: 'Wildflower honey', quantity: 1, unitAmount: { currency: 'THB', value: '28000' } },
        ],
        region: 'TH',
        ...overrides,
      });
      if (response.status !== 201)
        throw new Error(`createOrder: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    },
    async close() {
      await server.stop();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** Polls `check` until it returns a truthy value or the deadline passes (no blind sleeps). */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false | null>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  return (await pollUntil(check, what, timeoutMs)) as T;
}
