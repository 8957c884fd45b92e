// The one stack builder (D12.6): the Paydesk sandbox (Antom) on one ephemeral port and the
// checkout server on another, talking real HTTP both ways (pay, inquiry, cancel and refund one way, signed
// notifications back), on a fresh SQLite or PostgreSQL database, with one `close()`. The server runs in
// this process (direct access to its database and workers) or as child processes (killable with SIGKILL).
//
// Time-bound tests take `clock: 'manual'` and `workers: 'manual'`: nothing moves until the test advances
// the clock and runs the sweeper's or the deliverer's pass itself (`sweepOnce()`, `deliverOnce()`), so a
// loaded machine changes how long a test takes, never what it sees (docs/style.md point 11).
import { generateKeyPair, type KeyPairForms } from '@paydesk/antom';
import { createSandbox, type Sandbox, type SandboxOptions } from '@paydesk/sandbox';
import {
  DEFAULT_CATALOG,
  loadConfig,
  ManualClock,
  startServer,
  systemClock,
  type AppOptions,
  type CatalogMethod,
  type Clock,
  type Config,
  type DeepPartial,
  type RunningServer,
  type StartOptions,
} from '@paydesk/server';
import { createTestDatabase, type Dialect, type TestDatabase } from './database.ts';
import { childPort, freePort, jsonRequest, type JsonAnswer } from './net.ts';
import { startReceiver, type Receiver } from './receiver.ts';
import { ServerProcess } from './server-process.ts';

export const CLIENT_ID = 'SANDBOX_PAYDESK_TEST';
export const API_KEY = 'test_merchant_key_0123456789abcdef';
export const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';

export type Keys = { merchant: KeyPairForms; gateway: KeyPairForms };

let keys: Keys | undefined;
/** RSA pairs are slow to make: one merchant pair and one gateway pair per process. */
export function testKeys(): Keys {
  keys ??= { merchant: generateKeyPair(), gateway: generateKeyPair() };
  return keys;
}

/** The default catalog with every code's lifetime (S19) set to `timeoutSeconds`. */
export function catalogWithTimeout(timeoutSeconds: number): CatalogMethod[] {
  return DEFAULT_CATALOG.map((method) => ({ ...method, timeoutSeconds }));
}

/** Rate limits no test reaches by accident (the abuse and hardening tests set their own). */
export const UNTHROTTLED = {
  buyerWritesPerMinute: 10_000,
  checkoutReadsPerMinute: 100_000,
  notFoundPerMinute: 10_000,
} as const;

export interface StackOptions {
  dialect: Dialect;
  /** The server's configuration over the kit's defaults (merged one level deep). */
  config?: DeepPartial<Config>;
  /** The sandbox's options over the kit's defaults (notifications retried at 1000× speed). */
  sandbox?: Partial<SandboxOptions>;
  /**
   * The server's clock: one the test owns, or `'manual'` for a ManualClock the kit makes (`stack.clock`),
   * which the sandbox then shares so both sides agree when a code expires. Default: the system's.
   */
  clock?: Clock | 'manual';
  /**
   * `'auto'` (default): the sweeper and webhook workers run on their intervals. `'manual'`: no worker
   * starts; the test runs each pass with `sweepOnce()` and `deliverOnce()`.
   */
  workers?: 'auto' | 'manual';
  /** False: the sweeper is off (SWEEPER_ENABLED=false), the other workers run. Default true. */
  sweeper?: boolean;
  /** Start a merchant webhook endpoint (`stack.receiver`) and deliver webhooks to it. */
  receiver?: boolean;
  /** Server instances on the one database (more than one needs PostgreSQL). Default 1. */
  instances?: number;
  clientId?: string;
  apiKey?: string;
  keys?: Keys;
  /** In-process only: Fastify's logger (default off). */
  logger?: AppOptions['logger'];
  /** In-process only: how `server.stop()` waits out SHUTDOWN_DELAY_MS (default a timer). */
  shutdownWait?: StartOptions['shutdownWait'];
}

export interface ChildStackOptions extends Omit<
  StackOptions,
  'clock' | 'workers' | 'sweeper' | 'logger' | 'config' | 'shutdownWait'
> {
  mode: 'child';
  /** Environment over the kit's (`serverEnv`): how a deployed server is configured. */
  env?: Record<string, string>;
  /** Receives every instance's output. */
  onOutput?: (text: string, instance: number) => void;
}

/** What every stack offers, however its server runs. */
export interface StackBase {
  readonly dialect: Dialect;
  readonly database: TestDatabase;
  readonly sandbox: Sandbox;
  readonly sandboxUrl: string;
  /** The first instance's base URL. */
  readonly url: string;
  readonly clientId: string;
  readonly apiKey: string;
  readonly keys: Keys;
  readonly receiver: Receiver | undefined;
  /** Merchant API call with the key (to the first instance unless `base` is given). */
  merchant(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<JsonAnswer>;
  /** Unauthenticated call (Buyer API, pages). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<JsonAnswer>;
  /** Sandbox control API call: what a wallet (and the test) does at Antom. */
  control(method: string, path: string, body?: unknown): Promise<JsonAnswer>;
  /** Creates a THB 1,500.00 order in Thailand unless `overrides` say otherwise; returns its view. */
  createOrder(overrides?: Record<string, unknown>): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The buyer confirms `method` (PromptPay by default) for a checkout token. */
  confirm(token: string, method?: string, terminalType?: string): Promise<JsonAnswer>;
  /** The buyer's wallet pays a code at Antom (what scanning does). */
  scan(codeValue: string): Promise<JsonAnswer>;
  close(): Promise<void>;
}

export interface Stack extends StackBase {
  readonly server: RunningServer;
  readonly config: Readonly<Config>;
  /** The clock the server (and, for `'manual'`, the sandbox) reads; a ManualClock when asked for one. */
  readonly clock: Clock;
  /** Moves a manual clock forward (throws for any other clock). */
  advance(ms: number): void;
  /** Runs one sweeper pass now, on the clock's time (retries, inquiries, timeouts, expiry). */
  sweepOnce(): ReturnType<RunningServer['paydesk']['sweeper']['sweepOnce']>;
  /** Runs one webhook delivery pass now (throws when no webhook is configured). */
  deliverOnce(): Promise<unknown>;
  /** Every instance, the first included. */
  readonly instances: readonly RunningServer[];
  /** Starts another instance on the same database and sandbox; it stops with the stack. */
  startPeer(config?: DeepPartial<Config>): Promise<RunningServer>;
}

export interface ChildStack extends StackBase {
  /** One process per instance; `kill()` is SIGKILL, `start()` restarts. */
  readonly processes: readonly ServerProcess[];
}

export interface ServerEnvAt {
  port: number;
  /** What Antom notifies and pages link to (a balancer in a cluster). */
  publicUrl: string;
  databaseUrl: string;
  /** Where the server calls Antom: the sandbox, or a tap in front of it. */
  gatewayUrl: string;
  clientId: string;
  apiKey: string;
  keys: Keys;
}

/** The environment of a server child process (apps/server/src/main.ts): unthrottled, logging warnings. */
export function serverEnv(at: ServerEnvAt, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: String(at.port),
    HOST: '127.0.0.1',
    PUBLIC_URL: at.publicUrl,
    DATABASE_URL: at.databaseUrl,
    ANTOM_GATEWAY_URL: at.gatewayUrl,
    ANTOM_CLIENT_ID: at.clientId,
    ANTOM_PRIVATE_KEY: at.keys.merchant.privateKeyPem,
    ANTOM_PUBLIC_KEY: at.keys.gateway.publicKeyPem,
    ANTOM_SANDBOX: 'true',
    MERCHANT_API_KEY: at.apiKey,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_BUYER_WRITES: String(UNTHROTTLED.buyerWritesPerMinute),
    RATE_LIMIT_CHECKOUT_READS: String(UNTHROTTLED.checkoutReadsPerMinute),
    RATE_LIMIT_NOT_FOUND: String(UNTHROTTLED.notFoundPerMinute),
    ...extra,
  };
}

/** Starts a sandbox on an ephemeral loopback port with the stack's keys. */
export async function startSandbox(
  options: { clientId: string; keys: Keys } & Partial<SandboxOptions>,
): Promise<{ sandbox: Sandbox; sandboxUrl: string }> {
  const { clientId, keys: pairs, ...rest } = options;
  const sandbox = await createSandbox({
    clientId,
    merchantPublicKey: pairs.merchant.publicKeyPem,
    gatewayPrivateKey: pairs.gateway.privateKeyPem,
    timeScale: 1000,
    asyncRefundDelayMs: 200,
    ...rest,
  });
  return { sandbox, sandboxUrl: await sandbox.listen({ port: 0, host: '127.0.0.1' }) };
}

/** The configuration of one in-process instance on `port`: the kit's defaults under `overrides`. */
function instanceConfig(
  port: number,
  at: { databaseUrl: string; sandboxUrl: string; clientId: string; apiKey: string; keys: Keys },
  options: StackOptions,
  overrides: DeepPartial<Config>,
  receiver: Receiver | undefined,
): Config {
  return loadConfig(
    {},
    {
      port,
      host: '127.0.0.1',
      publicUrl: `http://127.0.0.1:${port}`,
      databaseUrl: at.databaseUrl,
      merchantApiKey: at.apiKey,
      logLevel: 'silent',
      cashierDist: null,
      ...(receiver ? { webhook: { url: receiver.url, secret: WEBHOOK_SECRET } } : {}),
      ...overrides,
      antom: {
        gatewayUrl: at.sandboxUrl,
        clientId: at.clientId,
        privateKey: at.keys.merchant.privateKeyPem,
        publicKey: at.keys.gateway.publicKeyPem,
        isSandbox: true,
        // On a manual clock a call slower than its timeout (a loaded machine) would be the one thing left
        // to chance: it turns into an unknown answer and a claim held for a lease. Tests of timeouts set it.
        timeoutMs: options.clock === 'manual' ? 30_000 : 3_000,
        ...overrides.antom,
      },
      checkout: {
        gatewayExpiryGraceSeconds: 2,
        paymentMethods: catalogWithTimeout(30),
        ...overrides.checkout,
      },
      sweeper: { intervalMs: 100, enabled: options.sweeper !== false, ...overrides.sweeper },
      webhooks: { intervalMs: 100, ...overrides.webhooks },
      rateLimit: { ...UNTHROTTLED, ...overrides.rateLimit },
    },
  );
}

/**
 * Starts a database, the sandbox, an optional webhook receiver and the server instance(s). Anything
 * started is stopped again if a later step fails.
 */
export async function startStack(options: StackOptions): Promise<Stack>;
export async function startStack(options: ChildStackOptions): Promise<ChildStack>;
export async function startStack(options: StackOptions | ChildStackOptions): Promise<Stack | ChildStack> {
  const clientId = options.clientId ?? CLIENT_ID;
  const apiKey = options.apiKey ?? API_KEY;
  const pairs = options.keys ?? testKeys();
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const database = await createTestDatabase(options.dialect);
    closers.push(() => database.drop());
    const clock =
      'mode' in options ? undefined : options.clock === 'manual' ? new ManualClock() : options.clock;
    const { sandbox, sandboxUrl } = await startSandbox({
      clientId,
      keys: pairs,
      ...(clock instanceof ManualClock ? { now: () => clock.now() } : {}),
      ...options.sandbox,
    });
    closers.push(() => sandbox.close());
    const receiver = options.receiver ? await startReceiver() : undefined;
    if (receiver) closers.push(() => receiver.close());

    const at = { databaseUrl: database.url, sandboxUrl, clientId, apiKey, keys: pairs };
    const base = (url: string): Omit<StackBase, 'close'> => {
      const stack: Omit<StackBase, 'close'> = {
        dialect: options.dialect,
        database,
        sandbox,
        sandboxUrl,
        url,
        clientId,
        apiKey,
        keys: pairs,
        receiver,
        merchant: (method, path, body, headers = {}) =>
          jsonRequest(url, method, path, body, { authorization: `Bearer ${apiKey}`, ...headers }),
        call: (method, path, body, headers) => jsonRequest(url, method, path, body, headers),
        control: (method, path, body) => jsonRequest(sandboxUrl, method, path, body),
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
          jsonRequest(url, 'POST', `/api/v1/checkout/${token}/payments`, {
            paymentMethodType: method,
            terminalType,
          }),
        scan: (codeValue) => jsonRequest(sandboxUrl, 'POST', '/sandbox/api/codes/pay', { codeValue }),
      };
      return stack;
    };

    if ('mode' in options) {
      const processes: ServerProcess[] = [];
      for (let index = 0; index < (options.instances ?? 1); index += 1) {
        const port = await childPort();
        const url = `http://127.0.0.1:${port}`;
        const env = serverEnv(
          { ...at, port, publicUrl: url, gatewayUrl: sandboxUrl },
          {
            ...(receiver
              ? { MERCHANT_WEBHOOK_URL: receiver.url, MERCHANT_WEBHOOK_SECRET: WEBHOOK_SECRET }
              : {}),
            ...options.env,
          },
        );
        const onOutput = options.onOutput;
        const process = new ServerProcess({
          url,
          env,
          ...(onOutput ? { onOutput: (text: string) => onOutput(text, index + 1) } : {}),
        });
        closers.push(() => process.stop());
        processes.push(process);
      }
      await Promise.all(processes.map((p) => p.start()));
      return { ...base(processes[0]!.url), processes, close };
    }

    const appOptions = {
      logger: options.logger ?? false,
      ...(clock ? { clock } : {}),
      startWorkers: options.workers !== 'manual',
      ...(options.shutdownWait ? { shutdownWait: options.shutdownWait } : {}),
    };
    const instances: RunningServer[] = [];
    const startInstance = async (overrides: DeepPartial<Config>) => {
      const config = instanceConfig(await freePort(), at, options, overrides, receiver);
      const running = await startServer(config, appOptions);
      closers.push(() => running.stop());
      instances.push(running);
      return running;
    };
    const first = await startInstance(options.config ?? {});
    for (let index = 1; index < (options.instances ?? 1); index += 1)
      await startInstance(options.config ?? {});
    const { paydesk } = first;
    return {
      ...base(first.url),
      server: first,
      config: paydesk.config,
      clock: clock ?? systemClock,
      instances,
      advance(ms) {
        if (!(clock instanceof ManualClock)) throw new Error('advance() needs clock: "manual"');
        clock.advance(ms);
      },
      sweepOnce: () => paydesk.sweeper.sweepOnce(),
      async deliverOnce() {
        if (!paydesk.deliverer) throw new Error('deliverOnce() needs a webhook (receiver: true)');
        return paydesk.deliverer.deliverOnce();
      },
      startPeer: (config = {}) => startInstance({ ...options.config, ...config }),
      close,
    } satisfies Stack;
  } catch (error) {
    await close();
    throw error;
  }
}
