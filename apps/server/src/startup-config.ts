// The configuration a process starts with: loadConfig, plus what only the database can tell. In
// production a Merchant API key comes from MERCHANT_API_KEY or from an earlier start that stored one
// (D14.2); it is looked up before the server is built, so that one message names every
// missing setting, and the look-up creates nothing (no SQLite file, no table).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig, profileOf, type Config, type DeepPartial } from './config.ts';
import { openDatabase } from './db/database.ts';
import { readSetting } from './settings/settings.repository.ts';

type Env = Record<string, string | undefined>;

/**
 * Where the database keeps the key when the server generated it (infrastructure.ts): its digest, or the
 * key itself as versions before D10.7 kept it (turned into its digest at the next start).
 */
const STORED_KEYS = ['merchant_api_key_sha256', 'merchant_api_key'];

/**
 * loadConfig(env, overrides), and in production without MERCHANT_API_KEY a check that the database holds
 * a key. Throws one ConfigError listing every problem.
 */
export async function loadStartupConfig(
  env: Env,
  overrides: DeepPartial<Config> = {},
): Promise<Readonly<Config>> {
  const problems: string[] = [];
  let config: Readonly<Config> | undefined;
  try {
    config = loadConfig(env, overrides);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const production = (overrides.profile ?? profileOf(env)) === 'production';
  if (production && !(overrides.merchantApiKey ?? env.MERCHANT_API_KEY)) {
    const databaseUrl = overrides.databaseUrl ?? env.DATABASE_URL ?? 'sqlite:./data/paydesk.db';
    const stored = await storedMerchantApiKey(databaseUrl);
    if (stored === 'none') {
      problems.push(
        'MERCHANT_API_KEY is required (at least 24 characters): no key is stored in the database, and ' +
          'production generates none',
      );
    } else if (stored !== 'stored') problems.push(`DATABASE_URL could not be read: ${stored.error}`);
  }
  if (problems.length > 0 || !config) throw new ConfigError(problems);
  return config;
}

/** Whether the database at `databaseUrl` holds a Merchant API key an earlier start stored. */
export async function storedMerchantApiKey(
  databaseUrl: string,
): Promise<'stored' | 'none' | { error: string }> {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    if (path === ':memory:' || !existsSync(resolve(path))) return 'none';
  } else if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    return { error: 'not sqlite:<path> or postgres://…' };
  }
  const database = openDatabase(databaseUrl, { poolSize: 1 });
  try {
    for (const key of STORED_KEYS) if (await readSetting(database.db, key)) return 'stored';
    return 'none';
  } catch (error) {
    const message = (error as Error).message;
    // A database no Paydesk has migrated yet has no settings table, hence no key.
    if (/no such table|relation .* does not exist/.test(message)) return 'none';
    return { error: message };
  } finally {
    await database.destroy().catch(() => {});
  }
}
