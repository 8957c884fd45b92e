// Configuration is parsed once at start, validated and frozen (docs/style.md §10). A bad setting stops the
// process with one message that lists every problem (docs/product.md "Configuration").
import { readFileSync } from 'node:fs';
import { loadPrivateKey, loadPublicKey, type KeyInput } from '@paydesk/antom';
import { readBranding, type Branding } from './checkout/branding.ts';
import { catalogProblems, DEFAULT_CATALOG, type CatalogMethod } from './methods/catalog.ts';

/**
 * `development` (the default; `npm start`) fills in what is missing: the embedded sandbox, development
 * keys, a generated Merchant API key, the demo shop. `production` (`NODE_ENV=production`) refuses to start
 * without real settings and mounts neither the shop nor the sandbox unless a setting asks for them.
 */
export type Profile = 'development' | 'production';

export interface Config {
  profile: Profile;
  /** The demo shop's page and backend (`/`, `/shop/api/*`): on in development, off in production. */
  demoShop: boolean;
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string;
  /** Connections per instance on PostgreSQL (each instance also holds one for LISTEN). */
  databasePoolSize: number;
  merchantName: string;
  /** The merchant's logo, accent colour, support and legal links on the buyer's pages (D15). */
  branding: Branding;
  /** Null: generate one at first start and keep it in the database. */
  merchantApiKey: string | null;
  webhook: { url: string; secret: string } | null;
  antom: {
    gatewayUrl: string;
    clientId: string;
    privateKey: KeyInput;
    publicKey: KeyInput;
    keyVersion: string;
    settlementCurrency: string | null;
    /** The gateway is the Paydesk sandbox: the cashier may link to its wallet simulator. */
    isSandbox: boolean;
    timeoutMs: number;
  };
  checkout: {
    presentation: 'overlay' | 'page';
    defaultOrderTtlSeconds: number;
    /** Antom's code expiry is ours plus this, so at our timeout Antom still says PROCESSING (S19). */
    gatewayExpiryGraceSeconds: number;
    paymentMethods: readonly CatalogMethod[];
    useConsult: boolean;
    /** How long a successful payment page waits before redirecting (S18), seconds. */
    successRedirectSeconds: number;
  };
  sweeper: { intervalMs: number; enabled: boolean };
  /** Comment lines on the live status stream keep proxies from closing it (ms). */
  sseHeartbeatMs: number;
  /**
   * PostgreSQL: how often each instance re-publishes recent changes in case a NOTIFY was missed (ms). The
   * push itself is LISTEN/NOTIFY; a test sets this long to prove that the push alone arrives.
   */
  changeFeedSafetyPassMs: number;
  webhooks: { intervalMs: number };
  rateLimit: { buyerWritesPerMinute: number; checkoutReadsPerMinute: number; notFoundPerMinute: number };
  /**
   * Whether X-Forwarded-For names the client (behind a reverse proxy). Off by default: otherwise any client
   * could pick its own address and slip past the per-address throttles. `true`, or a list of proxy addresses.
   */
  trustProxy: boolean | string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where the built cashier lives (apps/cashier/dist); pages are skipped when it is missing. */
  cashierDist: string | null;
  /** How long a SIGTERM waits for in-flight requests and the current sweeper step before exiting (ms). */
  shutdownTimeoutMs: number;
  /**
   * On SIGTERM, /readyz answers 503 for this long while requests are still served, so that a load
   * balancer's health check takes the instance out before it stops accepting (ms; 0 = at once).
   */
  shutdownDelayMs: number;
  /** What one client may hold or send (D10.1, D10.4–D10.6); README "Security" lists each setting. */
  limits: Limits;
  /** Bearer token for /metrics (Prometheus' `bearer_token`); null: the Merchant API key is required. */
  metricsToken: string | null;
  /** Fetching Antom's reports (D16); `sftp` null: reports only arrive by upload. */
  reconciliation: ReconciliationConfig;
}

export interface Limits {
  http: {
    /** The whole request, body included, must arrive within this (ms); slow senders get 408. */
    requestTimeoutMs: number;
    /** The request line and headers must arrive within this (ms). */
    headersTimeoutMs: number;
    /** An idle keep-alive connection is closed after this (ms). */
    keepAliveTimeoutMs: number;
    /** Open connections in all; more are dropped at once. */
    maxConnections: number;
    /** Open connections from one address (trusted proxies excepted). */
    maxConnectionsPerAddress: number;
  };
  streams: {
    /** Open event streams from one client address. */
    perAddress: number;
    /** Open event streams on one checkout (a buyer's tabs). */
    perCheckout: number;
    /** Open event streams on this instance. */
    total: number;
    /** A stream is closed with a `retry` hint after this (ms); the browser reconnects. */
    maxLifetimeMs: number;
  };
  notify: {
    /** Antom's notifications are a few KB; anything larger is refused with 413 unread. */
    bodyLimitBytes: number;
    /** Refused (unverifiable) notifications per client address and minute before 429. */
    failuresPerMinute: number;
    /** Refused notifications recorded per minute on this instance; the rest are only counted. */
    rejectedRecordsPerMinute: number;
    /** Refused notifications (and ones for no order of ours) are deleted after this many days. */
    rejectedRetentionDays: number;
  };
}

export interface ReconciliationConfig {
  sftp: {
    host: string;
    port: number;
    username: string;
    /** OpenSSH or PEM private key text. */
    privateKey: string | null;
    password: string | null;
    /** Antom's report root, `/v1/settlements`. */
    root: string;
    /** The merchant's id at Antom: the folder under the root. */
    customerId: string;
    /** `SHA256:…` of the server's host key; null trusts any (not for production). */
    hostKeyFingerprint: string | null;
  } | null;
  /** Day T is fetched this long after T ends (UTC+8): Antom publishes on T+1. */
  publishAfterMinutes: number;
  /** Days looked back for reports not fetched yet (Antom keeps seven). */
  catchUpDays: number;
  /** How often the fetch runs. */
  intervalMs: number;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Paydesk cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

/** The profile the environment asks for: `production` only when NODE_ENV says so. */
export function profileOf(env: Env): Profile {
  return env.NODE_ENV === 'production' ? 'production' : 'development';
}

/**
 * Whether the launcher embeds the sandbox: in development unless ANTOM_GATEWAY_URL names a gateway (or
 * EMBEDDED_SANDBOX=false); in production only when EMBEDDED_SANDBOX=true says so (D10.8).
 */
export function embeddedSandboxWanted(env: Env): boolean {
  if (env.EMBEDDED_SANDBOX === 'true') return true;
  if (env.EMBEDDED_SANDBOX === 'false' || profileOf(env) === 'production') return false;
  return !env.ANTOM_GATEWAY_URL;
}

/**
 * Reads the configuration from environment variables (names as in docs/product.md). `overrides` lets the
 * launcher and tests supply values that are not strings (keys) or not in the environment.
 */
export function loadConfig(env: Env, overrides: DeepPartial<Config> = {}): Readonly<Config> {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const url = (name: string, value: string | undefined): string | undefined => {
    if (value === undefined || value === '') return undefined;
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
      return value.replace(/\/+$/, '');
    } catch {
      problems.push(`${name} must be an http(s) URL (got "${value}")`);
      return undefined;
    }
  };

  const flag = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (raw !== 'true' && raw !== 'false') problems.push(`${name} must be true or false (got "${raw}")`);
    return raw === 'true';
  };

  const profile = overrides.profile ?? profileOf(env);
  const production = profile === 'production';
  const demoShop = overrides.demoShop ?? flag('DEMO_SHOP', !production);
  flag('EMBEDDED_SANDBOX', false);
  const port = overrides.port ?? int('PORT', 3000, 0, 65535);
  const givenPublicUrl = overrides.publicUrl ?? url('PUBLIC_URL', env.PUBLIC_URL);
  const publicUrl = givenPublicUrl ?? `http://localhost:${port}`;
  // Buyers are sent here and Antom posts notifications here: in production it is the real, TLS-served
  // address (a proxy in front terminates TLS), never the development default.
  if (production && !givenPublicUrl && !env.PUBLIC_URL) {
    problems.push('PUBLIC_URL is required: the https:// address buyers and Antom reach this server at');
  } else if (production && givenPublicUrl && new URL(givenPublicUrl).protocol !== 'https:') {
    problems.push(`PUBLIC_URL must be an https:// URL in production (got "${givenPublicUrl}")`);
  }
  const databaseUrl = overrides.databaseUrl ?? env.DATABASE_URL ?? 'sqlite:./data/paydesk.db';
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(databaseUrl)) {
    problems.push('DATABASE_URL must be sqlite:<path> or postgres://…');
  }

  const gatewayUrl = overrides.antom?.gatewayUrl ?? url('ANTOM_GATEWAY_URL', env.ANTOM_GATEWAY_URL);
  if (!gatewayUrl) {
    problems.push(
      production
        ? 'ANTOM_GATEWAY_URL is required (e.g. https://open-sea-global.alipay.com)'
        : 'ANTOM_GATEWAY_URL is required (npm start sets it to the embedded sandbox)',
    );
  }
  const clientId = overrides.antom?.clientId ?? env.ANTOM_CLIENT_ID;
  if (!clientId) problems.push('ANTOM_CLIENT_ID is required');
  const privateKey = overrides.antom?.privateKey ?? env.ANTOM_PRIVATE_KEY;
  const publicKey = overrides.antom?.publicKey ?? env.ANTOM_PUBLIC_KEY;
  if (!privateKey) problems.push('ANTOM_PRIVATE_KEY is required (PEM, single-line base64 PKCS#8, or @path)');
  else {
    try {
      loadPrivateKey(privateKey, 'ANTOM_PRIVATE_KEY');
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (!publicKey) problems.push('ANTOM_PUBLIC_KEY is required (PEM, single-line base64 SPKI, or @path)');
  else {
    try {
      loadPublicKey(publicKey, 'ANTOM_PUBLIC_KEY');
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const keyVersion = overrides.antom?.keyVersion ?? env.ANTOM_KEY_VERSION ?? '1';
  if (!/^[0-9]{1,4}$/.test(keyVersion)) problems.push('ANTOM_KEY_VERSION must be a small integer');
  const settlementCurrency = overrides.antom?.settlementCurrency ?? env.ANTOM_SETTLEMENT_CURRENCY ?? null;
  if (settlementCurrency !== null && !/^[A-Z]{3}$/.test(settlementCurrency)) {
    problems.push('ANTOM_SETTLEMENT_CURRENCY must be an ISO-4217 code');
  }

  // An empty value (an unset line in an env file) is no key, not a short one.
  const merchantApiKey = overrides.merchantApiKey ?? (env.MERCHANT_API_KEY || null);
  if (merchantApiKey !== null && merchantApiKey.length < 24) {
    problems.push('MERCHANT_API_KEY must be at least 24 characters');
  }
  const webhookUrl = overrides.webhook?.url ?? url('MERCHANT_WEBHOOK_URL', env.MERCHANT_WEBHOOK_URL);
  const webhookSecret = overrides.webhook?.secret ?? env.MERCHANT_WEBHOOK_SECRET;
  if (webhookUrl && (!webhookSecret || webhookSecret.length < 16)) {
    problems.push('MERCHANT_WEBHOOK_SECRET (at least 16 characters) is required with MERCHANT_WEBHOOK_URL');
  }
  if (!webhookUrl && webhookSecret)
    problems.push('MERCHANT_WEBHOOK_SECRET is set but MERCHANT_WEBHOOK_URL is not');

  const presentation = overrides.checkout?.presentation ?? env.CHECKOUT_PRESENTATION ?? 'overlay';
  if (presentation !== 'overlay' && presentation !== 'page') {
    problems.push('CHECKOUT_PRESENTATION must be overlay or page');
  }

  let paymentMethods: readonly CatalogMethod[] = DEFAULT_CATALOG;
  if (overrides.checkout?.paymentMethods)
    paymentMethods = overrides.checkout.paymentMethods as CatalogMethod[];
  else if (env.PAYMENT_METHODS) {
    try {
      const text = env.PAYMENT_METHODS.startsWith('@')
        ? readFileSync(env.PAYMENT_METHODS.slice(1), 'utf8')
        : env.PAYMENT_METHODS;
      const parsed: unknown = JSON.parse(text);
      const catalogIssues = catalogProblems(parsed);
      if (catalogIssues.length > 0) problems.push(...catalogIssues);
      else paymentMethods = parsed as CatalogMethod[];
    } catch (error) {
      problems.push(`PAYMENT_METHODS is not readable JSON: ${(error as Error).message}`);
    }
  }

  const branding = overrides.branding
    ? { ...readBranding({}, problems), ...overrides.branding }
    : readBranding(env, problems);

  const logLevel = (overrides.logLevel ?? env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
  }

  const metricsToken = overrides.metricsToken ?? env.METRICS_TOKEN ?? null;
  if (metricsToken !== null && metricsToken.length < 16)
    problems.push('METRICS_TOKEN must be at least 16 characters');
  const limits: Limits = {
    http: {
      requestTimeoutMs:
        overrides.limits?.http?.requestTimeoutMs ?? int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 1_000, 600_000),
      headersTimeoutMs:
        overrides.limits?.http?.headersTimeoutMs ?? int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 500, 120_000),
      keepAliveTimeoutMs:
        overrides.limits?.http?.keepAliveTimeoutMs ??
        int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 1_000, 600_000),
      maxConnections:
        overrides.limits?.http?.maxConnections ?? int('HTTP_MAX_CONNECTIONS', 10_000, 10, 1_000_000),
      maxConnectionsPerAddress:
        overrides.limits?.http?.maxConnectionsPerAddress ??
        int('HTTP_MAX_CONNECTIONS_PER_ADDRESS', 256, 1, 1_000_000),
    },
    streams: {
      perAddress: overrides.limits?.streams?.perAddress ?? int('SSE_MAX_PER_ADDRESS', 50, 1, 1_000_000),
      perCheckout: overrides.limits?.streams?.perCheckout ?? int('SSE_MAX_PER_CHECKOUT', 10, 1, 1_000_000),
      total: overrides.limits?.streams?.total ?? int('SSE_MAX_STREAMS', 8_000, 1, 1_000_000),
      maxLifetimeMs:
        overrides.limits?.streams?.maxLifetimeMs ?? int('SSE_MAX_LIFETIME_SECONDS', 300, 10, 86_400) * 1000,
    },
    notify: {
      bodyLimitBytes:
        overrides.limits?.notify?.bodyLimitBytes ?? int('NOTIFY_BODY_LIMIT_BYTES', 32_768, 4_096, 1_048_576),
      failuresPerMinute:
        overrides.limits?.notify?.failuresPerMinute ?? int('NOTIFY_FAILURES_PER_MINUTE', 20, 1, 100_000),
      rejectedRecordsPerMinute:
        overrides.limits?.notify?.rejectedRecordsPerMinute ??
        int('NOTIFY_REJECTED_RECORDS_PER_MINUTE', 20, 0, 100_000),
      rejectedRetentionDays:
        overrides.limits?.notify?.rejectedRetentionDays ?? int('NOTIFY_REJECTED_RETENTION_DAYS', 7, 1, 3_650),
    },
  };
  if (limits.http.headersTimeoutMs > limits.http.requestTimeoutMs)
    problems.push('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  if (limits.streams.total >= limits.http.maxConnections)
    problems.push(
      'SSE_MAX_STREAMS must be below HTTP_MAX_CONNECTIONS, so streams cannot take every connection',
    );
  const reconciliation = reconciliationConfig(env, overrides.reconciliation, problems, int);
  // Trusting any host key is for the sandbox on loopback; production pins Antom's (D16, D14).
  if (production && reconciliation.sftp && !reconciliation.sftp.hostKeyFingerprint) {
    problems.push(
      "ANTOM_SFTP_HOST_KEY is required with ANTOM_SFTP_HOST in production (the SHA256:… fingerprint of Antom's SFTP host key)",
    );
  }

  const config: Config = {
    profile,
    demoShop,
    port,
    host: overrides.host ?? env.HOST ?? '0.0.0.0',
    publicUrl,
    databaseUrl,
    databasePoolSize: overrides.databasePoolSize ?? int('DATABASE_POOL_SIZE', 10, 1, 500),
    merchantName: overrides.merchantName ?? env.MERCHANT_NAME ?? 'Paydesk Demo Store',
    branding: branding as Branding,
    merchantApiKey,
    webhook: webhookUrl && webhookSecret ? { url: webhookUrl, secret: webhookSecret } : null,
    antom: {
      gatewayUrl: gatewayUrl ?? '',
      clientId: clientId ?? '',
      privateKey: privateKey ?? '',
      publicKey: publicKey ?? '',
      keyVersion,
      settlementCurrency,
      isSandbox: overrides.antom?.isSandbox ?? env.ANTOM_SANDBOX === 'true',
      timeoutMs: overrides.antom?.timeoutMs ?? int('ANTOM_TIMEOUT_MS', 8_000, 200, 60_000),
    },
    checkout: {
      presentation: presentation as 'overlay' | 'page',
      defaultOrderTtlSeconds:
        overrides.checkout?.defaultOrderTtlSeconds ?? int('ORDER_TTL_SECONDS', 1800, 60, 7 * 86400),
      gatewayExpiryGraceSeconds:
        overrides.checkout?.gatewayExpiryGraceSeconds ?? int('GATEWAY_EXPIRY_GRACE_SECONDS', 60, 0, 3600),
      paymentMethods,
      useConsult: overrides.checkout?.useConsult ?? env.ANTOM_CONSULT !== 'false',
      successRedirectSeconds:
        overrides.checkout?.successRedirectSeconds ?? int('SUCCESS_REDIRECT_SECONDS', 5, 0, 60),
    },
    sweeper: {
      intervalMs: overrides.sweeper?.intervalMs ?? int('SWEEP_INTERVAL_MS', 1000, 50, 60_000),
      enabled: overrides.sweeper?.enabled ?? true,
    },
    sseHeartbeatMs: overrides.sseHeartbeatMs ?? int('SSE_HEARTBEAT_MS', 15_000, 100, 120_000),
    changeFeedSafetyPassMs:
      overrides.changeFeedSafetyPassMs ?? int('CHANGE_FEED_SAFETY_PASS_MS', 5_000, 500, 3_600_000),
    webhooks: { intervalMs: overrides.webhooks?.intervalMs ?? int('WEBHOOK_INTERVAL_MS', 1000, 50, 60_000) },
    rateLimit: {
      buyerWritesPerMinute:
        overrides.rateLimit?.buyerWritesPerMinute ?? int('RATE_LIMIT_BUYER_WRITES', 30, 1, 100_000),
      checkoutReadsPerMinute:
        overrides.rateLimit?.checkoutReadsPerMinute ?? int('RATE_LIMIT_CHECKOUT_READS', 600, 1, 1_000_000),
      notFoundPerMinute:
        overrides.rateLimit?.notFoundPerMinute ?? int('RATE_LIMIT_NOT_FOUND', 20, 1, 100_000),
    },
    trustProxy:
      overrides.trustProxy ??
      (env.TRUST_PROXY === 'true'
        ? true
        : env.TRUST_PROXY && env.TRUST_PROXY !== 'false'
          ? env.TRUST_PROXY
          : false),
    logLevel,
    cashierDist:
      overrides.cashierDist === undefined
        ? (env.CASHIER_DIST ?? null)
        : (overrides.cashierDist as string | null),
    shutdownTimeoutMs: overrides.shutdownTimeoutMs ?? int('SHUTDOWN_TIMEOUT_MS', 30_000, 1_000, 600_000),
    shutdownDelayMs: overrides.shutdownDelayMs ?? int('SHUTDOWN_DELAY_MS', 0, 0, 120_000),
    limits,
    metricsToken,
    reconciliation,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

/** ANTOM_SFTP_* and RECON_* (README "Reconciliation"); SFTP is on when ANTOM_SFTP_HOST is set. */
function reconciliationConfig(
  env: Env,
  overrides: DeepPartial<ReconciliationConfig> | undefined,
  problems: string[],
  int: (name: string, fallback: number, min: number, max: number) => number,
): ReconciliationConfig {
  const timing = {
    publishAfterMinutes:
      overrides?.publishAfterMinutes ?? int('RECON_FETCH_AFTER_MINUTES', 180, 0, 24 * 60 * 3),
    catchUpDays: overrides?.catchUpDays ?? int('RECON_CATCH_UP_DAYS', 7, 1, 60),
    intervalMs: overrides?.intervalMs ?? int('RECON_FETCH_INTERVAL_MS', 600_000, 1_000, 86_400_000),
  };
  if (overrides?.sftp === null) return { sftp: null, ...timing };
  const given = overrides?.sftp;
  const host = given?.host ?? env.ANTOM_SFTP_HOST;
  if (!host) return { sftp: null, ...timing };
  const readKey = (text: string | undefined): string | null => {
    if (!text) return null;
    if (!text.startsWith('@')) return text.replace(/\\n/g, '\n');
    try {
      return readFileSync(text.slice(1), 'utf8');
    } catch (error) {
      problems.push(`ANTOM_SFTP_KEY cannot be read: ${(error as Error).message}`);
      return null;
    }
  };
  const username = given?.username ?? env.ANTOM_SFTP_USER;
  const privateKey = given?.privateKey ?? readKey(env.ANTOM_SFTP_KEY);
  const password = given?.password ?? env.ANTOM_SFTP_PASSWORD ?? null;
  const customerId = given?.customerId ?? env.ANTOM_CUSTOMER_ID;
  const root = (given?.root ?? env.ANTOM_SFTP_PATH ?? '/v1/settlements').replace(/\/+$/, '');
  const hostKeyFingerprint = given?.hostKeyFingerprint ?? env.ANTOM_SFTP_HOST_KEY ?? null;
  if (!username) problems.push('ANTOM_SFTP_USER is required with ANTOM_SFTP_HOST');
  if (!privateKey && !password)
    problems.push('ANTOM_SFTP_KEY or ANTOM_SFTP_PASSWORD is required with ANTOM_SFTP_HOST');
  if (!customerId || !/^[0-9A-Za-z_-]{1,64}$/.test(customerId)) {
    problems.push(
      'ANTOM_CUSTOMER_ID (your merchant id at Antom, the folder of your reports) is required with ANTOM_SFTP_HOST',
    );
  }
  if (!root.startsWith('/'))
    problems.push('ANTOM_SFTP_PATH must be an absolute path such as /v1/settlements');
  if (hostKeyFingerprint !== null && !/^SHA256:[A-Za-z0-9+/]{43}$/.test(hostKeyFingerprint)) {
    problems.push('ANTOM_SFTP_HOST_KEY must be an OpenSSH fingerprint, SHA256:<43 base64 characters>');
  }
  return {
    sftp: {
      host,
      port: given?.port ?? int('ANTOM_SFTP_PORT', 22, 1, 65_535),
      username: username ?? '',
      privateKey,
      password,
      root,
      customerId: customerId ?? '',
      hostKeyFingerprint,
    },
    ...timing,
  };
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> | T[K] : T[K] };

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const plain = Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype;
  if (plain && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}
