// The two profiles (D14.2, D10.3): production refuses to start without real
// settings and names everything missing in one message, generates no key and mounts no demo shop unless
// DEMO_SHOP=true; in development the shop's Idempotency-Key scope is the buyer's own session.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { readSetting } from '../src/settings/settings.repository.ts';
import { loadStartupConfig } from '../src/startup-config.ts';
import {
  API_KEY,
  createTestDatabase,
  DIALECTS,
  startStack,
  testKeys,
  type Stack,
  type TestDatabase,
} from '@paydesk/testkit';

/** What a real deployment sets (the keys are fresh test pairs). */
function productionEnv(databaseUrl: string): Record<string, string> {
  const keys = testKeys();
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    PUBLIC_URL: 'https://pay.example.com',
    ANTOM_GATEWAY_URL: 'https://open-sea-global.alipay.com',
    ANTOM_CLIENT_ID: 'SANDBOX_5YBZ1D2Z4F8P01234',
    ANTOM_PRIVATE_KEY: keys.merchant.privateKeyBase64,
    ANTOM_PUBLIC_KEY: keys.gateway.publicKeyBase64,
    MERCHANT_API_KEY: API_KEY,
    LOG_LEVEL: 'silent',
  };
}

async function problemsOf(loading: Promise<unknown>): Promise<string[]> {
  const error = await loading.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems;
}

describe('the production profile: settings', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'paydesk-profile-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names every missing setting in one message, and creates no database to find out', async () => {
    const databaseUrl = `sqlite:${join(dir, 'never.db')}`;
    const error = await loadStartupConfig({ NODE_ENV: 'production', DATABASE_URL: databaseUrl }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of [
      'PUBLIC_URL',
      'ANTOM_GATEWAY_URL',
      'ANTOM_CLIENT_ID',
      'ANTOM_PRIVATE_KEY',
      'ANTOM_PUBLIC_KEY',
      'MERCHANT_API_KEY',
    ]) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('embedded sandbox');
    expect(existsSync(join(dir, 'never.db'))).toBe(false);
  });

  it('wants an https PUBLIC_URL', async () => {
    const env = { ...productionEnv(`sqlite:${join(dir, 'x.db')}`), PUBLIC_URL: 'http://pay.example.com' };
    expect(await problemsOf(loadStartupConfig(env))).toEqual([
      'PUBLIC_URL must be an https:// URL in production (got "http://pay.example.com")',
    ]);
  });

  it("pins Antom's SFTP host key when reports are fetched", async () => {
    const env = { ...productionEnv(`sqlite:${join(dir, 'x.db')}`), ANTOM_SFTP_HOST: 'isftp.alipay.com' };
    const problems = await problemsOf(
      loadStartupConfig({
        ...env,
        ANTOM_SFTP_USER: 'merchant',
        ANTOM_SFTP_PASSWORD: 'secret',
        ANTOM_CUSTOMER_ID: '2188',
      }),
    );
    expect(problems.join('\n')).toContain('ANTOM_SFTP_HOST_KEY is required');
  });

  it('starts with real settings: no demo shop unless DEMO_SHOP=true', async () => {
    const env = productionEnv(`sqlite:${join(dir, 'x.db')}`);
    const config = await loadStartupConfig(env);
    expect(config).toMatchObject({
      profile: 'production',
      demoShop: false,
      publicUrl: 'https://pay.example.com',
    });
    expect((await loadStartupConfig({ ...env, DEMO_SHOP: 'true' })).demoShop).toBe(true);
    expect(await problemsOf(loadStartupConfig({ ...env, DEMO_SHOP: 'yes' }))).toEqual([
      'DEMO_SHOP must be true or false (got "yes")',
    ]);
  });

  it('leaves development as easy as before: no PUBLIC_URL, no key, and the shop', () => {
    const keys = testKeys();
    const config = loadConfig({
      ANTOM_GATEWAY_URL: 'http://127.0.0.1:3001',
      ANTOM_CLIENT_ID: 'SANDBOX_X',
      ANTOM_PRIVATE_KEY: keys.merchant.privateKeyPem,
      ANTOM_PUBLIC_KEY: keys.gateway.publicKeyPem,
    });
    expect(config).toMatchObject({
      profile: 'development',
      demoShop: true,
      publicUrl: 'http://localhost:3000',
      merchantApiKey: null,
    });
  });
});

describe.each(DIALECTS)('the production profile on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(() => database?.drop());

  it('generates no Merchant API key, and takes one an earlier start stored', async () => {
    const env = productionEnv(database.url);
    delete env.MERCHANT_API_KEY;
    expect((await problemsOf(loadStartupConfig(env))).join('\n')).toContain('MERCHANT_API_KEY is required');
    // Even handed a configuration, the server itself refuses rather than generating one.
    const config = loadConfig(env);
    expect(await problemsOf(buildApp(config, { logger: false }))).toEqual([
      'MERCHANT_API_KEY is required: no key is stored in the database',
    ]);
    const check = openDatabase(database.url);
    expect(await readSetting(check.db, 'merchant_api_key_sha256')).toBeUndefined();
    expect(await readSetting(check.db, 'merchant_api_key')).toBeUndefined();
    await check.destroy();

    // A development start on the same database generates and stores one; production then starts on it.
    const development = await buildApp(loadConfig({ ...env, NODE_ENV: 'development' }), { logger: false });
    expect(development.merchantApiKeyGenerated).toBe(true);
    await development.close();
    const production = await buildApp(await loadStartupConfig(env), { logger: false });
    // Only the key's digest is stored (D10.7): production knows the key by it and never shows it.
    expect(production.merchantApiKey).toBeNull();
    expect(production.merchantApiKeyGenerated).toBe(false);
    const read = await production.app.inject({
      url: '/api/v1/orders',
      headers: { authorization: `Bearer ${development.merchantApiKey}` },
    });
    expect(read.statusCode).toBe(200);
    await production.close();
  });

  it('mounts no demo shop', async () => {
    const app = await buildApp(loadConfig(productionEnv(database.url)), { logger: false });
    for (const [method, url] of [
      ['GET', '/shop/api/catalog'],
      ['POST', '/shop/api/orders'],
    ] as const) {
      expect(
        (await app.app.inject({ method, url, payload: method === 'POST' ? {} : undefined })).statusCode,
      ).toBe(404);
    }
    const health = await app.app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    await app.close();
  });
});

describe.each(DIALECTS)('the demo shop in development on %s', (dialect) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dialect });
  });
  afterAll(() => stack?.close());

  const order = { region: 'TH', items: [{ productId: 'jasmine-tea', quantity: 2 }] };

  /** A buyer: their first shop request gives them a session cookie, which they send from then on. */
  async function buyer(): Promise<string> {
    const catalog = await stack.call('GET', '/shop/api/catalog');
    expect(catalog.status).toBe(200);
    const cookie = catalog.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^paydesk_shop=[\w-]{22}; Path=\/; HttpOnly; SameSite=Lax$/);
    return cookie.split(';')[0]!;
  }

  it("never replays another buyer's Idempotency-Key answer (D10.3)", async () => {
    const productId = (await stack.call('GET', '/shop/api/catalog')).body.products[0].id;
    const body = { ...order, items: [{ productId, quantity: 2 }] };
    const [alice, mallory] = [await buyer(), await buyer()];
    expect(alice).not.toBe(mallory);
    const place = (cookie: string | undefined) =>
      stack.call('POST', '/shop/api/orders', body, {
        'idempotency-key': 'cart-42',
        ...(cookie ? { cookie } : {}),
      });

    const first = await place(alice);
    expect(first.status).toBe(201);
    // Alice's own retry gets her order back.
    const retry = await place(alice);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.checkoutToken).toBe(first.body.checkoutToken);
    // Someone else with the same key (with a session of their own, or none yet) gets an order of their own.
    for (const other of [mallory, undefined]) {
      const theirs = await place(other);
      expect(theirs.status).toBe(201);
      expect(theirs.headers.get('idempotent-replayed')).toBeNull();
      expect(theirs.body.checkoutToken).not.toBe(first.body.checkoutToken);
    }
  });

  it('marks the session cookie Secure when the server is reached over https', async () => {
    const app = await buildApp(
      loadConfig(
        {},
        {
          ...stack.config,
          publicUrl: 'https://shop.example.com',
          databaseUrl: stack.database.url,
        },
      ),
      { logger: false },
    );
    const response = await app.app.inject({ url: '/shop/api/catalog' });
    expect(response.headers['set-cookie']).toMatch(/; Secure$/);
    await app.close();
  });
});
