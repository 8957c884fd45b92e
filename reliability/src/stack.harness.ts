// A real stack for reliability runs, built by the test kit (@paydesk/testkit): the Paydesk sandbox (Antom,
// with its ledger and fault injection) in this process, and the checkout server either in this process
// (fast, with direct database access for snapshots) or as a child process that can be killed with SIGKILL
// and restarted (crash recovery). cluster.harness.ts builds on the pieces exported here to run several
// child servers on one database.
import { Writable } from 'node:stream';
import type { KeyObject } from 'node:crypto';
import { generateKeyPair, loadPrivateKey, type KeyPairForms } from '@paydesk/antom';
import type { Sandbox } from '@paydesk/sandbox';
import type { Kysely } from 'kysely';
import { DEFAULT_CATALOG, NOTIFY_PATH, type CatalogMethod, type DB, type PaydeskApp } from '@paydesk/server';
import {
  serverEnv,
  startSandbox,
  startStack,
  type ChildStack,
  type Dialect,
  type Stack,
} from '@paydesk/testkit';
import { endpoint, type Endpoint } from './http.client.ts';

export { DIALECTS, type Dialect } from '@paydesk/testkit';

export const CLIENT_ID = 'SANDBOX_PAYDESK_RELIABILITY';
export const MERCHANT_API_KEY = 'rel_merchant_key_0123456789abcdefghij';
export const WEBHOOK_SECRET = 'whsec_reliability_0123456789abcdef';

export interface StackSettings {
  dialect: Dialect;
  /**
   * `child` runs the server as a separate process that `crash()` kills with SIGKILL; `cluster` (made by
   * cluster.harness.ts) runs several such processes on one database behind a balancer.
   */
  mode: 'in-process' | 'child' | 'cluster';
  /** Every method's code lives this long (the attempt timeout, S19), seconds (≥ 10). */
  methodTimeoutSeconds: number;
  /** Antom's expiry is ours plus this (GATEWAY_EXPIRY_GRACE_SECONDS). */
  gatewayExpiryGraceSeconds: number;
  sweepIntervalMs: number;
  /** Per-call timeout of Antom calls (ANTOM_TIMEOUT_MS). */
  antomTimeoutMs: number;
  /** Divides the sandbox's notification retry schedule (2 min → 2 min / scale). */
  notifyTimeScale: number;
  asyncRefundDelayMs: number;
  sweeper: boolean;
  logLevel: 'silent' | 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** Receives every log line of the server (both modes). */
  onLog?: (text: string) => void;
  webhookUrl?: string;
  /** More settings for child servers, by environment variable name. */
  serverEnv?: Record<string, string>;
  rateLimit: { buyerWritesPerMinute: number; checkoutReadsPerMinute: number; notFoundPerMinute: number };
  /**
   * Refused notifications per address and minute before 429, and how many are recorded a minute
   * (NOTIFY_FAILURES_PER_MINUTE, NOTIFY_REJECTED_RECORDS_PER_MINUTE): high, as forgeries are what the
   * campaign sends; the abuse suite sets the production default.
   */
  notifyFailuresPerMinute: number;
  /** Replace the catalog (each entry still gets `methodTimeoutSeconds`). */
  catalog?: (base: CatalogMethod[]) => CatalogMethod[];
  /**
   * In-process mode only: `'manual'` gives the server and the sandbox a clock the test moves
   * (`kit.advance`); nothing comes due until it does.
   */
  clock?: 'manual';
  /** In-process mode only: `'manual'` starts no worker; the test runs each pass (`kit.sweepOnce()`). */
  workers?: 'auto' | 'manual';
}

export const DEFAULT_SETTINGS: Omit<StackSettings, 'dialect'> = {
  mode: 'in-process',
  methodTimeoutSeconds: 10,
  gatewayExpiryGraceSeconds: 1,
  sweepIntervalMs: 250,
  antomTimeoutMs: 1_000,
  notifyTimeScale: 1_000,
  asyncRefundDelayMs: 300,
  sweeper: true,
  logLevel: 'silent',
  rateLimit: { buyerWritesPerMinute: 100_000, checkoutReadsPerMinute: 1_000_000, notFoundPerMinute: 100_000 },
  notifyFailuresPerMinute: 100_000,
};

export interface ReliabilityStack {
  readonly settings: StackSettings;
  readonly sandbox: Sandbox;
  readonly sandboxUrl: string;
  readonly serverUrl: string;
  /** Merchant API with the key; retries connection failures while the server restarts. */
  readonly merchant: Endpoint;
  /** Buyer API (no credential but the token); retries connection failures while the server restarts. */
  readonly buyer: Endpoint;
  /** The sandbox control API: what a wallet (and the test) does at Antom. */
  readonly antom: Endpoint;
  /** The server, without retries (fuzzing, timing). */
  readonly raw: Endpoint;
  /** The sandbox's signing key, to forge or replay notifications with a valid signature. */
  readonly gatewayKey: KeyObject;
  readonly keys: { merchant: KeyPairForms; gateway: KeyPairForms };
  readonly catalog: CatalogMethod[];
  /** The longest a PENDING attempt waits for `pay` before the sweeper takes over (the server's pay lease). */
  readonly payLeaseMs: number;
  /** How long a sweeper claim lasts (what a crash mid-step costs). */
  readonly sweepLeaseMs: number;
  /** In-process mode only: the app and its database. */
  readonly paydesk: PaydeskApp | undefined;
  /** In-process mode only: the test kit's stack (its clock, `sweepOnce()`). */
  readonly kit: Stack | undefined;
  readonly db: Kysely<DB> | undefined;
  /**
   * Child mode: kills the server with SIGKILL (no-op in-process). `holding` names the attempts whose Antom
   * call the kill is aimed at, so a cluster kills the instance that holds one of them; a cluster resolves
   * the attempts whose call the kill really cut (a single server cuts every call in flight).
   */
  crash(holding?: readonly string[]): Promise<readonly string[] | undefined>;
  /** Child mode: starts the server (every killed one, in a cluster) again after a crash. */
  restart(): Promise<void>;
  readonly up: boolean;
  readonly crashes: number;
  close(): Promise<void>;
}

let cachedKeys: { merchant: KeyPairForms; gateway: KeyPairForms } | undefined;
/** RSA keys are slow to make: one merchant pair and one gateway pair per process. */
export function reliabilityKeys() {
  cachedKeys ??= { merchant: generateKeyPair(), gateway: generateKeyPair() };
  return cachedKeys;
}

/** The server's pay lease for an Antom timeout, as app.ts derives it (three sends, two pauses, 2 s margin). */
export function payLeaseFor(antomTimeoutMs: number): number {
  return antomTimeoutMs * 3 + 2_000 * 2 + 2_000;
}

/**
 * The sweeper's claim on an item, as app.ts derives it: three gateway calls, each with two retries and
 * their back-off (0.4 s + 0.8 s ceilings), plus 2 s. A killed process holds its claims this long.
 */
export function sweepLeaseFor(antomTimeoutMs: number): number {
  return 3 * (antomTimeoutMs * 3 + 1_200) + 2_000;
}

/** The sandbox (Antom) of a stack, with the keys both sides use and the catalog the server is given. */
export interface StackGateway {
  sandbox: Sandbox;
  sandboxUrl: string;
  keys: { merchant: KeyPairForms; gateway: KeyPairForms };
  catalog: CatalogMethod[];
}

/** Fills in the defaults of a stack's settings. */
export function stackSettings(partial: Partial<StackSettings> & { dialect: Dialect }): StackSettings {
  return { ...DEFAULT_SETTINGS, ...partial };
}

/** Starts the sandbox on an ephemeral port, with the reliability keys and the settings' catalog. */
export async function startStackGateway(settings: StackSettings): Promise<StackGateway> {
  const keys = reliabilityKeys();
  const { sandbox, sandboxUrl } = await startSandbox({
    clientId: CLIENT_ID,
    keys,
    ...sandboxOptions(settings),
  });
  return { sandbox, sandboxUrl, keys, catalog: catalogOf(settings) };
}

/** The sandbox's options for a stack's settings. */
function sandboxOptions(settings: StackSettings) {
  return {
    timeScale: settings.notifyTimeScale,
    asyncRefundDelayMs: settings.asyncRefundDelayMs,
    notifyTimeoutMs: 5_000,
  };
}

/** The catalog the server is given: every method with the settings' code lifetime. */
function catalogOf(settings: StackSettings): CatalogMethod[] {
  const base = DEFAULT_CATALOG.map((m) => ({ ...m, timeoutSeconds: settings.methodTimeoutSeconds }));
  return settings.catalog ? settings.catalog(base) : base;
}

/**
 * The environment of a server child process (`apps/server/src/main.ts`). `publicUrl` is what Antom
 * notifies (a balancer in a cluster); `gatewayUrl` is where it calls Antom (the sandbox, or a tap on it).
 */
export function childServerEnv(
  settings: StackSettings,
  gateway: Pick<StackGateway, 'keys' | 'catalog'>,
  at: { port: number; publicUrl: string; databaseUrl: string; gatewayUrl: string },
): Record<string, string> {
  return serverEnv(
    { ...at, clientId: CLIENT_ID, apiKey: MERCHANT_API_KEY, keys: gateway.keys },
    childEnvExtra(settings, gateway.catalog),
  );
}

/** What a reliability server's environment sets beyond the kit's (serverEnv). */
function childEnvExtra(settings: StackSettings, catalog: CatalogMethod[]): Record<string, string> {
  return {
    SWEEP_INTERVAL_MS: String(settings.sweepIntervalMs),
    ANTOM_TIMEOUT_MS: String(settings.antomTimeoutMs),
    GATEWAY_EXPIRY_GRACE_SECONDS: String(settings.gatewayExpiryGraceSeconds),
    PAYMENT_METHODS: JSON.stringify(catalog),
    LOG_LEVEL: settings.logLevel,
    RATE_LIMIT_BUYER_WRITES: String(settings.rateLimit.buyerWritesPerMinute),
    RATE_LIMIT_CHECKOUT_READS: String(settings.rateLimit.checkoutReadsPerMinute),
    RATE_LIMIT_NOT_FOUND: String(settings.rateLimit.notFoundPerMinute),
    NOTIFY_FAILURES_PER_MINUTE: String(settings.notifyFailuresPerMinute),
    NOTIFY_REJECTED_RECORDS_PER_MINUTE: String(settings.notifyFailuresPerMinute),
    WEBHOOK_INTERVAL_MS: '200',
    ...(settings.webhookUrl
      ? { MERCHANT_WEBHOOK_URL: settings.webhookUrl, MERCHANT_WEBHOOK_SECRET: WEBHOOK_SECRET }
      : {}),
    ...settings.serverEnv,
  };
}

/**
 * What every stack offers besides its lifecycle: the actors' endpoints, the keys and the leases. While a
 * killed server restarts, the actors keep trying (`retryForMs`), as browsers and shop backends do.
 */
export function stackBasics(
  settings: StackSettings,
  gateway: StackGateway,
  serverUrl: string,
  retryForMs: number,
): Omit<ReliabilityStack, 'paydesk' | 'db' | 'kit' | 'crash' | 'restart' | 'up' | 'crashes' | 'close'> {
  return {
    settings,
    sandbox: gateway.sandbox,
    sandboxUrl: gateway.sandboxUrl,
    serverUrl,
    merchant: endpoint(() => serverUrl, {
      headers: { authorization: `Bearer ${MERCHANT_API_KEY}` },
      retryForMs,
    }),
    buyer: endpoint(() => serverUrl, { retryForMs }),
    antom: endpoint(() => gateway.sandboxUrl),
    raw: endpoint(() => serverUrl),
    gatewayKey: loadPrivateKey(gateway.keys.gateway.privateKeyPem),
    keys: gateway.keys,
    catalog: gateway.catalog,
    payLeaseMs: payLeaseFor(settings.antomTimeoutMs),
    sweepLeaseMs: sweepLeaseFor(settings.antomTimeoutMs),
  };
}

export async function startReliabilityStack(
  partial: Partial<StackSettings> & { dialect: Dialect },
): Promise<ReliabilityStack> {
  const settings = stackSettings(partial);
  const keys = reliabilityKeys();
  const catalog = catalogOf(settings);
  const common = {
    dialect: settings.dialect,
    clientId: CLIENT_ID,
    apiKey: MERCHANT_API_KEY,
    keys,
    sandbox: sandboxOptions(settings),
  };
  let running: Stack | undefined;
  let child: ChildStack | undefined;
  if (settings.mode === 'in-process') {
    const sink = settings.onLog
      ? new Writable({
          write(chunk, _encoding, done) {
            settings.onLog?.(String(chunk));
            done();
          },
        })
      : undefined;
    running = await startStack({
      ...common,
      sweeper: settings.sweeper,
      ...(settings.clock ? { clock: settings.clock } : {}),
      ...(settings.workers ? { workers: settings.workers } : {}),
      logger: settings.logLevel === 'silent' || !sink ? false : { stream: sink },
      config: {
        logLevel: settings.logLevel,
        antom: { timeoutMs: settings.antomTimeoutMs },
        checkout: { gatewayExpiryGraceSeconds: settings.gatewayExpiryGraceSeconds, paymentMethods: catalog },
        sweeper: { intervalMs: settings.sweepIntervalMs },
        webhooks: { intervalMs: 200 },
        rateLimit: settings.rateLimit,
        limits: {
          notify: {
            failuresPerMinute: settings.notifyFailuresPerMinute,
            rejectedRecordsPerMinute: settings.notifyFailuresPerMinute,
          },
        },
        // The access tests stand for many clients by setting X-Forwarded-For, as a proxy in front would.
        trustProxy: true,
        ...(settings.webhookUrl ? { webhook: { url: settings.webhookUrl, secret: WEBHOOK_SECRET } } : {}),
      },
    });
  } else {
    const onLog = settings.onLog;
    child = await startStack({
      ...common,
      mode: 'child',
      env: childEnvExtra(settings, catalog),
      ...(onLog ? { onOutput: (text: string) => onLog(text) } : {}),
    });
  }
  const kit = (running ?? child)!;
  const serverProcess = child?.processes[0];
  const gateway: StackGateway = { sandbox: kit.sandbox, sandboxUrl: kit.sandboxUrl, keys, catalog };

  const stack: ReliabilityStack = {
    ...stackBasics(settings, gateway, kit.url, settings.mode === 'child' ? 90_000 : 0),
    paydesk: running?.server.paydesk,
    db: running?.server.paydesk.database.db,
    kit: running,
    async crash() {
      await serverProcess?.kill();
      return undefined;
    },
    async restart() {
      await serverProcess?.start();
    },
    get up() {
      return running !== undefined || serverProcess?.running === true;
    },
    get crashes() {
      return serverProcess?.kills ?? 0;
    },
    close: () => kit.close(),
  };
  return stack;
}

/** The path Antom signs notifications over. */
export { NOTIFY_PATH };
export type { DB };
