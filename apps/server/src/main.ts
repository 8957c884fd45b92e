// `tsx apps/server/src/main.ts`: the checkout server alone, configured from the environment and pointed at
// a real Antom (or a sandbox started separately). `npm start` uses scripts/start.ts, which also embeds the
// sandbox.
import { ConfigError, loadConfig } from './config.ts';
import { startServer, stopOnSignals } from './server.ts';

try {
  const config = loadConfig(process.env);
  const server = await startServer(config);
  stopOnSignals(server.stop);
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
