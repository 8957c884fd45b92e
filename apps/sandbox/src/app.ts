// Builds the sandbox: keys, clock, state, services and the three route plugins (protocol, control, pages)
// on one Fastify instance. It does not listen by itself (docs/style.md §1): `main.ts` and the product
// launcher call `listen`, tests either listen on port 0 or use `app.inject`.
import { createPublicKey } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { generateKeyPair, loadPrivateKey, loadPublicKey, type KeyInput } from '@paydesk/antom';
import { antomRoutes } from './antom.routes.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_PORT, loadOrCreateDevKeys, type DevKeys } from './config.ts';
import { ConsultService } from './consult.service.ts';
import { controlRoutes } from './control.routes.ts';
import { FaultInjector } from './faults.ts';
import { Notifier } from './notifier.ts';
import { PaymentService, type ServiceContext } from './payment.service.ts';
import { RefundService } from './refund.service.ts';
import { createReports, type ReportOptions, type SandboxReports } from './reports/reports.module.ts';
import { StateFile } from './state-file.ts';
import { SandboxStore } from './store.ts';
import { Timers } from './timers.ts';
import { walletRoutes } from './wallet.routes.ts';

export interface SandboxOptions {
  /** The client id requests must carry (default `SANDBOX_PAYDESK_DEV`). */
  clientId?: string;
  /** The merchant's public key that request signatures are checked with (PEM, base64 SPKI, `@path`, KeyObject). */
  merchantPublicKey?: KeyInput;
  /** The key the sandbox signs answers and notifications with (PEM, base64 PKCS#8, `@path`, KeyObject). */
  gatewayPrivateKey?: KeyInput;
  /** The key version requests may name (default "1"); another one is answered KEY_NOT_FOUND. */
  keyVersion?: string;
  /** Base of wallet URLs and QR payloads; default: the address `listen` bound to. */
  publicUrl?: string;
  /** Shown on the wallet page (default "Paydesk Demo Shop"). */
  merchantName?: string;
  /** Divides notification retry delays: 600 makes 2 min take 0.2 s (default 1). */
  timeScale?: number;
  /** How long asynchronous refunds stay PROCESSING (ms, default 3000). */
  asyncRefundDelayMs?: number;
  /** Per-attempt timeout for notification deliveries (ms, default 10 000). */
  notifyTimeoutMs?: number;
  /** `request-time` format of notifications (default ISO-8601 with offset). */
  notifyTimeFormat?: 'iso' | 'epoch-ms';
  /** Also send a FAIL PAYMENT_RESULT when a code expires (default false, see README). */
  notifyOnExpiry?: boolean;
  /** Notify URL used when a request names none (Antom's Dashboard setting). */
  defaultNotifyUrl?: string;
  /** Where `dev-keys.json` is read or created when keys are not given. Without it, keys are generated in memory. */
  dataDir?: string;
  /** Keep payments and refunds across restarts in this JSON file (written atomically, debounced). */
  stateFile?: string;
  /** The sandbox clock, epoch ms (default Date.now). Timers still run in real time; reads re-check expiry. */
  now?: () => number;
  /** Fastify's logger option (default off). */
  logger?: FastifyServerOptions['logger'];
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Reconciliation reports and their SFTP server (D16). */
  reports?: ReportOptions;
  /**
   * Where consult says a method's logo lives (Antom: its own image hosts). Default, and for any method this
   * gives no URL for: the sandbox's generated mark at `/sandbox/logos/<TYPE>.svg`. The development launcher
   * points it at the cashier's bundled brand marks, so the buyer sees real marks through Antom's path.
   */
  logoUrl?: (paymentMethodType: string) => string | undefined;
}

export interface Sandbox {
  /** The Fastify instance (tests can `inject`). */
  readonly app: FastifyInstance;
  readonly clientId: string;
  /** What the merchant configures as ANTOM_PUBLIC_KEY. */
  readonly gatewayPublicKeyPem: string;
  /** The public key request signatures are checked with. */
  readonly merchantPublicKeyPem: string;
  /** The generated or loaded development pairs, when keys were not given. */
  readonly devKeys: DevKeys | undefined;
  /** Base of wallet URLs and QR payloads. */
  readonly publicUrl: string;
  /** The listening base URL, once `listen` has resolved. */
  readonly url: string | undefined;
  /** Listens (default 127.0.0.1, port 0) and resolves to the base URL, e.g. `http://127.0.0.1:41234`. */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** Forgets payments, refunds, requests and faults (keeps keys). */
  reset(): Promise<void>;
  /** Stops timers and pending deliveries, writes the state file, closes the server. */
  close(): Promise<void>;
  /** Antom's reconciliation reports of the ledger, served over SFTP once `reports.listenSftp()` ran. */
  readonly reports: SandboxReports;
}

/** Creates a sandbox gateway. Throws AntomConfigError when a key does not load. */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  let devKeys: DevKeys | undefined;
  if (options.merchantPublicKey === undefined || options.gatewayPrivateKey === undefined) {
    devKeys = options.dataDir
      ? loadOrCreateDevKeys(options.dataDir)
      : { merchant: generateKeyPair(), gateway: generateKeyPair(), createdAt: new Date().toISOString() };
  }
  const merchantPublicKey = loadPublicKey(
    options.merchantPublicKey ?? devKeys!.merchant.publicKeyPem,
    'sandbox merchantPublicKey',
  );
  const gatewayPrivateKey = loadPrivateKey(
    options.gatewayPrivateKey ?? devKeys!.gateway.privateKeyPem,
    'sandbox gatewayPrivateKey',
  );
  const gatewayPublicKeyPem = createPublicKey(gatewayPrivateKey)
    .export({ format: 'pem', type: 'spki' })
    .toString();
  const merchantPublicKeyPem = merchantPublicKey.export({ format: 'pem', type: 'spki' }).toString();
  const now = options.now ?? Date.now;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0) || !Number.isFinite(timeScale))
    throw new RangeError('timeScale must be a positive number');

  let url: string | undefined;
  const publicUrl = options.publicUrl?.replace(/\/+$/, '');
  const currentPublicUrl = (): string => publicUrl ?? url ?? `http://localhost:${DEFAULT_PORT}`;

  // Per-request logs are off: wallet pages poll every 2 s, and API calls are listed on the overview and at
  // /sandbox/api/requests anyway.
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 1_048_576,
    rewriteUrl: (raw) => originForm(raw.url ?? '/'),
    // Closing ends every connection: a request the merchant gave up on (its client timed out during a
    // latency fault) must not hold the sandbox open for a keep-alive minute.
    forceCloseConnections: true,
  });
  const timers = new Timers((error) => app.log.error({ err: error }, 'sandbox background task failed'));
  const store = new SandboxStore();
  const faults = new FaultInjector();
  const notifier = new Notifier({
    store,
    timers,
    faults,
    clientId,
    gatewayPrivateKey,
    keyVersion: options.keyVersion ?? '1',
    timeScale,
    now,
    timeoutMs: options.notifyTimeoutMs ?? 10_000,
    requestTimeFormat: options.notifyTimeFormat ?? 'iso',
    onError: (error) => app.log.error({ err: error }, 'notification delivery failed'),
  });
  const ctx: ServiceContext = {
    store,
    timers,
    notifier,
    now,
    publicUrl: currentPublicUrl,
    notifyOnExpiry: options.notifyOnExpiry ?? false,
    defaultNotifyUrl: options.defaultNotifyUrl,
  };
  const payments = new PaymentService(ctx);
  const refunds = new RefundService(ctx, payments, {
    asyncRefundDelayMs: options.asyncRefundDelayMs ?? 3000,
  });

  let stateFile: StateFile | undefined;
  if (options.stateFile) {
    stateFile = new StateFile(options.stateFile, store, (error) =>
      app.log.error({ err: error }, 'cannot write the sandbox state file'),
    );
    const snapshot = stateFile.load();
    if (snapshot) store.restore(snapshot);
    store.onChange(() => stateFile!.schedule());
    payments.rearm();
    refunds.rearm();
    notifier.resume();
  }

  const reports = createReports(
    { store, now, onError: (error) => app.log.error({ err: error }, 'sandbox SFTP server error') },
    options.reports,
  );
  const reset = async (): Promise<void> => {
    timers.clearAll();
    await notifier.stop();
    faults.clear();
    store.clear();
    reports.clear();
  };

  await app.register(antomRoutes, {
    clientId,
    consult: new ConsultService(currentPublicUrl, options.logoUrl),
    keyVersion: options.keyVersion ?? '1',
    merchantPublicKey,
    gatewayPrivateKey,
    payments,
    refunds,
    store,
    faults,
    timers,
    now,
  });
  await app.register(controlRoutes, {
    store,
    payments,
    refunds,
    faults,
    clientId,
    gatewayPublicKeyPem,
    publicUrl: currentPublicUrl,
    reset,
  });
  await app.register(walletRoutes, {
    store,
    payments,
    faults,
    merchantName: options.merchantName ?? 'Paydesk Demo Shop',
    clientId,
    gatewayPublicKeyPem,
    publicUrl: currentPublicUrl,
    now,
  });
  await app.register(reports.routes);
  app.setNotFoundHandler((request, reply) => {
    const message = `no route ${request.method} ${request.url.split('?')[0]}`;
    if (request.url.startsWith('/sandbox/api') || request.url.startsWith('/ams/')) {
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message } });
    }
    return reply
      .code(404)
      .header('content-type', 'text/html; charset=utf-8')
      .send(
        `<!doctype html><html lang="en"><title>Not found</title><p>${message.replace(/[<>&"]/g, '')}. <a href="/">Sandbox overview</a></p></html>`,
      );
  });

  let closed = false;
  return {
    app,
    clientId,
    gatewayPublicKeyPem,
    merchantPublicKeyPem,
    devKeys,
    get publicUrl() {
      return currentPublicUrl();
    },
    get url() {
      return url;
    },
    async listen(listenOptions = {}) {
      const host = listenOptions.host ?? '127.0.0.1';
      await app.listen({ port: listenOptions.port ?? 0, host });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : listenOptions.port;
      const shownHost =
        host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
      url = `http://${shownHost}:${port}`;
      return url;
    },
    reset,
    reports: reports.api,
    async close() {
      if (closed) return;
      closed = true;
      timers.close();
      await notifier.stop();
      await reports.close();
      await app.close();
      stateFile?.flush();
    },
  };
}

/**
 * The origin form of a request target (RFC 9112 §3.2): an absolute-form target, as the Python SDK writes
 * (`POST http://host/ams/…`), is reduced to its path and query, which is also what Antom signs
 * (docs/antom-notes.md §2.2). Anything else is left as it came.
 */
export function originForm(target: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return target;
  try {
    const url = new URL(target);
    return url.pathname + url.search;
  } catch {
    return target;
  }
}
