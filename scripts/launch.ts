// One way to run Paydesk, shared by `npm start` (development, from the TypeScript sources) and
// `npm run serve` (the built JavaScript, in the profile NODE_ENV names): the checkout server and, when the
// profile wants it, the embedded sandbox gateway with development keys kept in the data folder.
// Production (D14.2) refuses to start without real settings and says everything missing in one
// message; it starts no sandbox, mounts no demo shop, generates no keys and prints no secret.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createSandbox,
  generateSshKeyPair,
  loadOrCreateDevKeys,
  sandboxConfigFromEnv,
  SandboxConfigError,
  type Sandbox,
} from '@paydesk/sandbox';
import {
  ConfigError,
  embeddedSandboxWanted,
  loadStartupConfig,
  profileOf,
  startServer,
  stopOnSignals,
  type Config,
  type DeepPartial,
  type RunningServer,
} from '@paydesk/server';

export interface LaunchOptions {
  /** The repository (or image) root: `data/` and the cashier's `apps/cashier/dist` are found under it. */
  root: string;
  /** The built cashier, or null to serve no pages. */
  cashierDist: string | null;
  /** Refuse to start when the cashier is not built (`npm run serve`: buyers would get no pages). */
  requireCashier?: boolean;
}

export interface Launched {
  config: Readonly<Config>;
  server: RunningServer;
  sandbox: Sandbox | undefined;
  /** What the operator reads at start: where things are, and never a secret in production. */
  banner: string;
  stop(): Promise<void>;
}

type Env = Record<string, string | undefined>;

/** Starts the sandbox (when wanted) and the server. Throws ConfigError / SandboxConfigError on bad settings. */
export async function launch(env: Env, options: LaunchOptions): Promise<Launched> {
  const profile = profileOf(env);
  const dataDir = resolve(env.PAYDESK_DATA_DIR ?? join(options.root, 'data'));
  const overrides: DeepPartial<Config> = {
    databaseUrl: env.DATABASE_URL ?? `sqlite:${join(dataDir, 'paydesk.db')}`,
    cashierDist: options.cashierDist,
  };

  let sandbox: Sandbox | undefined;
  // Once the server's settings are read: the cashier's bundled brand mark of each configured method.
  let brandMark: (paymentMethodType: string) => string | undefined = () => undefined;
  if (embeddedSandboxWanted(env)) {
    const sandboxEnv = sandboxConfigFromEnv(env);
    const keys = loadOrCreateDevKeys(dataDir);
    sandbox = await createSandbox({
      clientId: sandboxEnv.clientId,
      merchantPublicKey: sandboxEnv.merchantPublicKey ?? keys.merchant.publicKeyPem,
      gatewayPrivateKey: sandboxEnv.gatewayPrivateKey ?? keys.gateway.privateKeyPem,
      publicUrl: sandboxEnv.publicUrl,
      timeScale: sandboxEnv.timeScale,
      merchantName: env.MERCHANT_NAME ?? 'Paydesk Demo Store',
      stateFile: join(dataDir, 'sandbox-state.json'),
      dataDir,
      // Antom's consult names each method's logo on its own hosts; this sandbox names Paydesk's brand marks,
      // so development shows real marks through the same path (D15.1).
      logoUrl: (type) => brandMark(type),
    });
    // Its control API pays codes, resets it and injects faults: loopback only unless SANDBOX_HOST says
    // otherwise, as its README promises (D10.8).
    const sandboxUrl = await sandbox.listen({ port: sandboxEnv.port, host: sandboxEnv.host });
    overrides.antom = {
      gatewayUrl: sandboxUrl.replace('0.0.0.0', '127.0.0.1'),
      clientId: env.ANTOM_CLIENT_ID ?? sandboxEnv.clientId,
      privateKey: env.ANTOM_PRIVATE_KEY ?? keys.merchant.privateKeyPem,
      publicKey: env.ANTOM_PUBLIC_KEY ?? sandbox.gatewayPublicKeyPem,
      isSandbox: true,
    };
    // D16: the sandbox publishes Antom's reports over SFTP on loopback and Paydesk fetches them,
    // signing in with a development key kept beside the others.
    if (!env.ANTOM_SFTP_HOST) {
      const sftpKey = loadOrCreateSftpKey(dataDir);
      const sftpOptions = { host: '127.0.0.1', username: 'paydesk', authorizedKeys: [sftpKey.public] };
      const reports = sandbox.reports;
      const sftpPort = await reports
        .listenSftp({ ...sftpOptions, port: Number(env.SANDBOX_SFTP_PORT ?? 3022) })
        .catch(() => reports.listenSftp({ ...sftpOptions, port: 0 }));
      overrides.reconciliation = {
        sftp: {
          host: '127.0.0.1',
          port: sftpPort,
          username: 'paydesk',
          privateKey: sftpKey.private,
          password: null,
          root: '/v1/settlements',
          customerId: reports.publisher.context.customerId,
          hostKeyFingerprint: reports.sftp!.hostKeyFingerprint,
        },
      };
    }
  }

  // Named in the same one message as every bad setting.
  const missingCashier =
    options.requireCashier && !(options.cashierDist && existsSync(join(options.cashierDist, 'checkout.html')))
      ? `the cashier is not built (${options.cashierDist}): run npm run build`
      : undefined;
  let config: Readonly<Config>;
  let server: RunningServer;
  try {
    config = await loadStartupConfig(env, overrides).catch((error: unknown) => {
      throw missingCashier && error instanceof ConfigError
        ? new ConfigError([...error.problems, missingCashier])
        : error;
    });
    if (missingCashier) throw new ConfigError([missingCashier]);
    const { publicUrl, checkout } = config;
    brandMark = (type) => {
      const logo = checkout.paymentMethods.find((method) => method.type === type)?.logo;
      return logo?.startsWith('/') ? `${publicUrl}${logo}` : logo;
    };
    server = await startServer(config);
  } catch (error) {
    await sandbox?.close();
    throw error;
  }

  const lines = [`Paydesk is running (${profile})`];
  if (config.demoShop) lines.push(`Demo shop        ${config.publicUrl}/`);
  lines.push(
    `Ops console      ${config.publicUrl}/admin`,
    `API reference    ${config.publicUrl}/docs`,
    `Health           ${config.publicUrl}/healthz · /readyz · /metrics`,
    `Database         ${config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl : 'postgres (DATABASE_URL)'}`,
    `Antom gateway    ${sandbox ? `embedded sandbox at ${sandbox.url} (wallet simulator and overview there)` : config.antom.gatewayUrl}`,
    `Antom reports    ${config.reconciliation.sftp ? `sftp://${config.reconciliation.sftp.host}:${config.reconciliation.sftp.port}${config.reconciliation.sftp.root}` : 'upload in the ops console (no ANTOM_SFTP_HOST)'}`,
  );
  // Only the key's digest is kept (D10.7): a generated key is shown by the start that made it,
  // this once, and never again; a key from the environment is never printed.
  const { merchantApiKey: key, merchantApiKeyGenerated: generated } = server.paydesk;
  lines.push(
    `Merchant API key ${
      config.merchantApiKey
        ? 'from MERCHANT_API_KEY'
        : generated && key
          ? `${key}\n                     (generated now and shown only this once: keep it; only its digest is stored)`
          : 'stored as a digest; lost it? see README "Security"'
    }`,
  );

  return {
    config,
    server,
    sandbox,
    banner: `\n  ${lines.join('\n    ')}\n`,
    async stop() {
      await server.stop();
      await sandbox?.close();
    },
  };
}

/** The development SFTP key pair (OpenSSH form) in the data folder, made once (mode 0600). */
function loadOrCreateSftpKey(dataDir: string): { private: string; public: string } {
  const file = join(dataDir, 'dev-sftp-key.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { private: string; public: string };
  mkdirSync(dataDir, { recursive: true });
  const pair = generateSshKeyPair();
  writeFileSync(file, JSON.stringify(pair, null, 2), { mode: 0o600 });
  return pair;
}

/** launch() as a process: prints the banner, drains on SIGTERM/SIGINT, exits 2 with one message on bad settings. */
export async function runLauncher(options: LaunchOptions): Promise<void> {
  try {
    const launched = await launch(process.env, options);
    stopOnSignals(() => launched.stop(), {
      timeoutMs: launched.config.shutdownDelayMs + launched.config.shutdownTimeoutMs,
    });
    console.log(launched.banner);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SandboxConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  }
}
