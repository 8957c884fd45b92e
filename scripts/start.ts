// `npm start`: the whole product on one machine, offline — the checkout server (API, cashier, demo shop,
// ops console, docs) with an embedded SQLite database, and, unless ANTOM_GATEWAY_URL points at a real
// Antom, the embedded sandbox gateway with development keys kept in ./data. Data survives restarts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createSandbox,
  generateSshKeyPair,
  loadOrCreateDevKeys,
  sandboxConfigFromEnv,
  SandboxConfigError,
} from '@paydesk/sandbox';
import { ConfigError, loadConfig, startServer, stopOnSignals } from '@paydesk/server';

const root = resolve(import.meta.dirname, '..');
const dataDir = resolve(process.env.PAYDESK_DATA_DIR ?? join(root, 'data'));
const cashierDir = join(root, 'apps/cashier');
const cashierDist = join(cashierDir, 'dist');

/** Newest modification time under a folder (ms), to rebuild the cashier only when its sources changed. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function buildCashierIfStale(): void {
  if (!existsSync(join(cashierDir, 'package.json')) || !existsSync(join(cashierDir, 'vite.config.ts')))
    return;
  const sources = Math.max(
    newest(join(cashierDir, 'src')),
    newest(join(cashierDir, 'public')),
    newest(join(cashierDir, 'vite.config.ts')),
  );
  if (existsSync(join(cashierDist, 'checkout.html')) && newest(cashierDist) >= sources) return;
  console.log('Building the cashier pages…');
  const result = spawnSync('npm', ['run', 'build', '--silent', '-w', '@paydesk/cashier'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('the cashier build failed');
}

/** The development SFTP key pair (OpenSSH form) in ./data, made once (mode 0600). */
function loadOrCreateSftpKey(): { private: string; public: string } {
  const file = join(dataDir, 'dev-sftp-key.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { private: string; public: string };
  mkdirSync(dataDir, { recursive: true });
  const pair = generateSshKeyPair();
  writeFileSync(file, JSON.stringify(pair, null, 2), { mode: 0o600 });
  return pair;
}

async function main(): Promise<void> {
  buildCashierIfStale();
  const env = process.env;
  const port = Number(env.PORT ?? 3000);
  const embedded = !env.ANTOM_GATEWAY_URL;
  let sandbox: Awaited<ReturnType<typeof createSandbox>> | undefined;
  const overrides: Parameters<typeof loadConfig>[1] = {
    databaseUrl: env.DATABASE_URL ?? `sqlite:${join(dataDir, 'paydesk.db')}`,
    cashierDist: existsSync(cashierDist) ? cashierDist : null,
  };

  if (embedded) {
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
    });
    const sandboxUrl = await sandbox.listen({ port: sandboxEnv.port, host: env.HOST ?? '0.0.0.0' });
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
      const sftpKey = loadOrCreateSftpKey();
      const sftpOptions = { host: '127.0.0.1', username: 'paydesk', authorizedKeys: [sftpKey.public] };
      const sftpPort = await sandbox.reports
        .listenSftp({ ...sftpOptions, port: Number(env.SANDBOX_SFTP_PORT ?? 3022) })
        .catch(() => sandbox!.reports.listenSftp({ ...sftpOptions, port: 0 }));
      overrides.reconciliation = {
        sftp: {
          host: '127.0.0.1',
          port: sftpPort,
          username: 'paydesk',
          privateKey: sftpKey.private,
          password: null,
          root: '/v1/settlements',
          customerId: sandbox.reports.publisher.context.customerId,
          hostKeyFingerprint: sandbox.reports.sftp!.hostKeyFingerprint,
        },
      };
    }
  }

  const config = loadConfig(env, { ...overrides, port });
  const server = await startServer(config);
  stopOnSignals(async () => {
    await server.stop();
    await sandbox?.close();
  });

  const key = server.paydesk.merchantApiKey;
  const shown = config.merchantApiKey ? `${key.slice(0, 6)}… (from MERCHANT_API_KEY)` : key;
  console.log(`
  Paydesk is running
    Demo shop        ${config.publicUrl}/
    Ops console      ${config.publicUrl}/admin
    API reference    ${config.publicUrl}/docs
    Health           ${config.publicUrl}/healthz · /readyz · /metrics
    Database         ${config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl : 'postgres (DATABASE_URL)'}
    Antom gateway    ${embedded ? `embedded sandbox at ${sandbox?.url} (wallet simulator and overview there)` : config.antom.gatewayUrl}
    Antom reports    ${config.reconciliation.sftp ? `sftp://${config.reconciliation.sftp.host}:${config.reconciliation.sftp.port}${config.reconciliation.sftp.root}` : 'upload in the ops console (no ANTOM_SFTP_HOST)'}
    Merchant API key ${shown}
`);
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof SandboxConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
