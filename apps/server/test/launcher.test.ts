// The launcher of `npm start` and `npm run serve` (scripts/launch.ts), by profile: development embeds the
// sandbox on 127.0.0.1 only (D10.8) with the shop; production starts neither unless a
// setting asks, creates no key files, and without settings exits 2 with one message naming them all.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Launched } from '../../../scripts/launch.ts';
import {
  API_KEY,
  createTestDatabase,
  DIALECTS,
  freePort,
  testKeys,
  type TestDatabase,
} from '@paydesk/testkit';

const ROOT = resolve(import.meta.dirname, '../../..');

describe.each(DIALECTS)('the launcher on %s', (dialect) => {
  let database: TestDatabase;
  let dataDir: string;
  let launched: Launched | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await launched?.stop();
    launched = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterAll(() => database?.drop());

  async function start(env: Record<string, string>): Promise<Launched> {
    dataDir = mkdtempSync(join(tmpdir(), 'paydesk-launch-'));
    launched = await launch(
      {
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        SANDBOX_PORT: String(await freePort()),
        SANDBOX_SFTP_PORT: String(await freePort()),
        PAYDESK_DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        LOG_LEVEL: 'silent',
        ...env,
      },
      { root: ROOT, cashierDist: null },
    );
    return launched;
  }

  it('development: the sandbox listens on 127.0.0.1 only, the shop is mounted, the key is shown', async () => {
    const { sandbox, server, banner } = await start({});
    expect((sandbox!.app.server.address() as AddressInfo).address).toBe('127.0.0.1');
    expect((await fetch(`${server.url}/shop/api/catalog`)).status).toBe(200);
    expect(readdirSync(dataDir)).toEqual(expect.arrayContaining(['dev-keys.json', 'dev-sftp-key.json']));
    expect(banner).toMatch(/Antom reports +sftp:\/\/127\.0\.0\.1:\d+\/v1\/settlements/);
    expect(banner).toContain(server.paydesk.merchantApiKey);
    expect(banner).toContain('Demo shop');
  });

  it("development: consult names the cashier's brand marks as each method's logo, the way Antom names its own", async () => {
    const { server, config } = await start({ MERCHANT_API_KEY: API_KEY });
    const headers = {
      authorization: `Bearer ${API_KEY}`,
      'content-type': 'application/json',
    };
    const order = (await (
      await fetch(`${server.url}/api/v1/orders`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          reference: 'LOGO-1',
          description: 'Jasmine tea',
          amount: { currency: 'THB', value: '150000' },
          region: 'TH',
        }),
      })
    ).json()) as { checkoutToken: string };
    const view = (await (await fetch(`${server.url}/api/v1/checkout/${order.checkoutToken}`)).json()) as {
      paymentMethods: { type: string }[];
    };
    const promptPay = view.paymentMethods.find((method) => method.type === 'PROMPTPAY');
    expect(promptPay).toMatchObject({
      logoUrl: `${config.publicUrl}/assets/methods/promptpay.svg`,
      logoFallbackUrl: '/assets/methods/promptpay.svg',
    });
  });

  it('development: SANDBOX_HOST opens the sandbox to the network when asked', async () => {
    const { sandbox } = await start({ SANDBOX_HOST: '0.0.0.0' });
    expect((sandbox!.app.server.address() as AddressInfo).address).toBe('0.0.0.0');
  });

  it('production: no sandbox, no shop, no key files, no secret in the banner', async () => {
    const keys = testKeys();
    const { sandbox, server, banner, config } = await start({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://pay.example.com',
      ANTOM_GATEWAY_URL: 'https://open-sea-global.alipay.com',
      ANTOM_CLIENT_ID: 'SANDBOX_5YBZ1D2Z4F8P01234',
      ANTOM_PRIVATE_KEY: keys.merchant.privateKeyBase64,
      ANTOM_PUBLIC_KEY: keys.gateway.publicKeyBase64,
      MERCHANT_API_KEY: API_KEY,
    });
    expect(sandbox).toBeUndefined();
    expect(config.profile).toBe('production');
    expect((await fetch(`${server.url}/shop/api/catalog`)).status).toBe(404);
    expect(readdirSync(dataDir)).toEqual([]);
    expect(banner).not.toContain(API_KEY);
    expect(banner).not.toContain(API_KEY.slice(0, 6));
    expect(banner).not.toContain('Demo shop');
  });

  it('production: the shop and the sandbox run only when a setting asks for them', async () => {
    const { sandbox, server } = await start({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://demo.example.com',
      MERCHANT_API_KEY: API_KEY,
      EMBEDDED_SANDBOX: 'true',
      DEMO_SHOP: 'true',
    });
    expect((sandbox!.app.server.address() as AddressInfo).address).toBe('127.0.0.1');
    expect(server.paydesk.gateway.isSandbox).toBe(true);
    expect((await fetch(`${server.url}/shop/api/catalog`)).status).toBe(200);
  });
});

describe('npm run serve without settings (production)', () => {
  it('exits 2 with one message naming every missing setting, and writes nothing', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'paydesk-serve-'));
    // The built entry point `npm run serve` runs (the lane's global setup builds it).
    const result = spawnSync(process.execPath, ['--conditions=paydesk-dist', 'dist/serve.js'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PAYDESK_DATA_DIR: dataDir,
        PUBLIC_URL: 'http://pay.example.com',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toBe('Paydesk cannot start; fix these settings:');
    const message = lines.slice(1).join('\n');
    for (const name of [
      'PUBLIC_URL must be an https:// URL',
      'ANTOM_GATEWAY_URL',
      'ANTOM_CLIENT_ID',
      'ANTOM_PRIVATE_KEY',
      'ANTOM_PUBLIC_KEY',
      'MERCHANT_API_KEY',
    ]) {
      expect(message).toContain(name);
    }
    expect(lines.slice(1).every((line) => line.startsWith('  - '))).toBe(true);
    expect(readdirSync(dataDir)).toEqual([]);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
