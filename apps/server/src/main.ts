// `tsx apps/server/src/main.ts` (or `node --conditions=paydesk-dist apps/server/dist/main.js` after
// `npm run build`): the checkout server alone, configured from the environment and pointed at a real
// Antom (or a sandbox started separately). `npm start` and `npm run serve` use scripts/launch.ts, which
// can also embed the sandbox.
import { ConfigError } from './config.ts';
import { startServer, stopOnSignals } from './server.ts';
import { loadStartupConfig } from './startup-config.ts';

try {
  const config = await loadStartupConfig(process.env);
  const server = await startServer(config);
  stopOnSignals(server.stop, {
    timeoutMs: config.shutdownDelayMs + config.shutdownTimeoutMs,
  });
  console.log(`Paydesk listening on ${config.publicUrl}`);
  if (server.paydesk.merchantApiKeyGenerated)
    console.log(`Merchant API key (generated, keep it safe): ${server.paydesk.merchantApiKey}`);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
