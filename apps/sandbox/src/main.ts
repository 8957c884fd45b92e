// `npm run sandbox`: the sandbox gateway on its own. Configuration from SANDBOX_* (see README); development
// keys come from `<SANDBOX_DATA_DIR>/dev-keys.json` when none are given. Stops cleanly on SIGINT/SIGTERM.
import { createSandbox } from './app.ts';
import { loadOrCreateDevKeys, sandboxConfigFromEnv, SandboxConfigError } from './config.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = sandboxConfigFromEnv(process.env);
  } catch (error) {
    if (error instanceof SandboxConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const needsDevKeys = !config.merchantPublicKey || !config.gatewayPrivateKey;
  const devKeys = needsDevKeys ? loadOrCreateDevKeys(config.dataDir) : undefined;
  const sandbox = await createSandbox({
    clientId: config.clientId,
    merchantPublicKey: config.merchantPublicKey ?? devKeys!.merchant.publicKeyPem,
    gatewayPrivateKey: config.gatewayPrivateKey ?? devKeys!.gateway.privateKeyPem,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    timeScale: config.timeScale,
    stateFile: config.stateFile,
    ...(config.merchantName ? { merchantName: config.merchantName } : {}),
    ...(config.asyncRefundDelayMs !== undefined ? { asyncRefundDelayMs: config.asyncRefundDelayMs } : {}),
    ...(config.defaultNotifyUrl ? { defaultNotifyUrl: config.defaultNotifyUrl } : {}),
    logger: { level: process.env.LOG_LEVEL ?? 'info' },
  });
  const url = await sandbox.listen({ port: config.port, host: config.host });
  const log = sandbox.app.log;
  log.info(
    {
      url,
      publicUrl: sandbox.publicUrl,
      clientId: config.clientId,
      devKeys: devKeys ? `${config.dataDir}/dev-keys.json` : undefined,
      stateFile: config.stateFile,
    },
    `Antom sandbox listening on ${url} (overview: ${sandbox.publicUrl}/)`,
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping the sandbox');
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
