// Configuration and running (D3.10): SANDBOX_* parsing with every problem listed, the
// development key file, the state file across a restart, and `npm run sandbox` as a real process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AntomClient, loadPublicKey } from '@paydesk/antom';
import {
  createSandbox,
  DEV_KEYS_FILE,
  loadOrCreateDevKeys,
  sandboxConfigFromEnv,
  SandboxConfigError,
} from '../src/index.ts';
import { CLIENT_ID, createPayment, payRequest, startSandbox, testKeys, uniqueId } from './helpers.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paydesk-sandbox-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const spki = (pem: string): string =>
  loadPublicKey(pem).export({ format: 'der', type: 'spki' }).toString('base64');

describe('sandboxConfigFromEnv', () => {
  it('has the documented defaults', () => {
    const config = sandboxConfigFromEnv({});
    expect(config).toEqual({
      port: 3001,
      host: '127.0.0.1',
      clientId: 'SANDBOX_PAYDESK_DEV',
      publicUrl: 'http://localhost:3001',
      timeScale: 1,
      dataDir: 'data',
      stateFile: join('data', 'sandbox-state.json'),
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every setting, and keys as PEM, single-line base64 or @path', () => {
    const keys = testKeys();
    const dir = tempDir();
    const keyFile = join(dir, 'gateway.pem');
    writeFileSync(keyFile, keys.gateway.privateKeyPem);
    const config = sandboxConfigFromEnv({
      SANDBOX_PORT: '4100',
      SANDBOX_CLIENT_ID: 'SANDBOX_MINE',
      SANDBOX_MERCHANT_PUBLIC_KEY: keys.merchant.publicKeyBase64,
      SANDBOX_PRIVATE_KEY: `@${keyFile}`,
      SANDBOX_PUBLIC_URL: 'http://192.168.1.20:4100/',
      SANDBOX_TIME_SCALE: '600',
      SANDBOX_STATE_FILE: 'off',
    });
    expect(config).toMatchObject({
      port: 4100,
      clientId: 'SANDBOX_MINE',
      publicUrl: 'http://192.168.1.20:4100',
      timeScale: 600,
    });
    expect(config.stateFile).toBeUndefined();
    expect(spki(config.merchantPublicKey!.export({ format: 'pem', type: 'spki' }).toString())).toBe(
      keys.merchant.publicKeyBase64,
    );
    const pem = sandboxConfigFromEnv({ SANDBOX_MERCHANT_PUBLIC_KEY: keys.merchant.publicKeyPem });
    expect(pem.merchantPublicKey!.asymmetricKeyType).toBe('rsa');
    expect(config.gatewayPrivateKey!.type).toBe('private');
  });

  it('lists every problem in one error', () => {
    let error: unknown;
    try {
      sandboxConfigFromEnv({
        SANDBOX_PORT: 'eighty',
        SANDBOX_TIME_SCALE: '0',
        SANDBOX_PUBLIC_URL: 'ftp://example.com',
        SANDBOX_MERCHANT_PUBLIC_KEY: 'not a key',
        SANDBOX_PRIVATE_KEY: '@/nonexistent/key.pem',
        SANDBOX_CLIENT_ID: 'has spaces in it',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SandboxConfigError);
    const problems = (error as SandboxConfigError).problems;
    expect(problems).toHaveLength(6);
    for (const name of [
      'SANDBOX_PORT',
      'SANDBOX_TIME_SCALE',
      'SANDBOX_PUBLIC_URL',
      'SANDBOX_MERCHANT_PUBLIC_KEY',
      'SANDBOX_PRIVATE_KEY',
      'SANDBOX_CLIENT_ID',
    ]) {
      expect((error as Error).message).toContain(name);
    }
  });
});

describe('loadOrCreateDevKeys', () => {
  it('creates dev-keys.json (0600) with a merchant pair and a gateway pair, then reuses it', () => {
    const dir = join(tempDir(), 'nested');
    const created = loadOrCreateDevKeys(dir);
    const file = join(dir, DEV_KEYS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(created.merchant.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(created.gateway.publicKeyBase64).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(created.merchant.publicKeyPem).not.toBe(created.gateway.publicKeyPem);
    expect(loadOrCreateDevKeys(dir)).toEqual(created);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(created);
  });

  it('refuses a damaged file instead of overwriting it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, DEV_KEYS_FILE), '{"merchant":{}}');
    expect(() => loadOrCreateDevKeys(dir)).toThrow(/delete it to generate new ones/);
  });

  it('gives createSandbox its keys when none are passed', async () => {
    const dir = tempDir();
    const sandbox = await createSandbox({ dataDir: dir });
    try {
      const url = await sandbox.listen();
      const keys = loadOrCreateDevKeys(dir);
      expect(sandbox.gatewayPublicKeyPem).toBe(keys.gateway.publicKeyPem);
      const client = new AntomClient({
        clientId: sandbox.clientId,
        privateKey: keys.merchant.privateKeyBase64,
        antomPublicKey: keys.gateway.publicKeyBase64,
        gatewayUrl: url,
        maxRetries: 0,
      });
      expect(sandbox.clientId).toBe('SANDBOX_PAYDESK_DEV');
      expect((await client.pay(payRequest())).kind).toBe('created');
    } finally {
      await sandbox.close();
    }
  });
});

describe('the state file', () => {
  it('keeps payments, refunds and deliveries across a restart', async () => {
    const stateFile = join(tempDir(), 'state', 'sandbox.json');
    const first = await startSandbox({ stateFile });
    const waiting = await createPayment(first.client());
    const paid = await createPayment(
      first.client(),
      payRequest({
        amount: { currency: 'THB', value: '9000' },
        paymentMethod: { paymentMethodType: 'TRUEMONEY' },
      }),
    );
    await first.control('POST', `/sandbox/api/payments/${paid.paymentId}/pay`);
    const refundRequestId = uniqueId('refund');
    await first.client().refund({
      refundRequestId,
      paymentId: paid.paymentId,
      refundAmount: { currency: 'THB', value: '4000' },
    });
    await first.close();

    const second = await startSandbox({ stateFile });
    try {
      expect(
        (await second.client().inquiryPayment({ paymentId: paid.paymentId })).response.paymentStatus,
      ).toBe('SUCCESS');
      expect((await second.client().inquiryRefund({ refundRequestId })).response.refundStatus).toBe(
        'SUCCESS',
      );
      // The waiting payment is still payable by scanning its QR (found by its token even though the port
      // changed), and its paymentRequestId is still taken.
      const scan = await second.control('POST', '/sandbox/api/codes/pay', {
        codeValue: waiting.response.orderCodeForm!.codeDetails[0]!.codeValue,
      });
      expect(scan.status).toBe(200);
      expect((await second.control('POST', `/sandbox/api/payments/${waiting.paymentId}/pay`)).status).toBe(
        409,
      );
      expect((await second.client().pay(waiting.request)).kind).toBe('succeeded');
      const { body } = await second.control<{ payments: Record<string, string>[] }>(
        'GET',
        '/sandbox/api/ledger',
      );
      expect(body.payments.find((p) => p.paymentId === paid.paymentId)).toMatchObject({
        refunded: '4000',
        net: '5000',
      });
    } finally {
      await second.close();
    }
  });
});

describe('a state file written before the reversal was named', () => {
  it('reads its cancelledAmount as the reversed amount', async () => {
    const stateFile = join(tempDir(), 'state', 'sandbox.json');
    const first = await startSandbox({ stateFile });
    const paid = await createPayment(
      first.client(),
      payRequest({ paymentMethod: { paymentMethodType: 'TRUEMONEY' } }),
    );
    await first.control('POST', `/sandbox/api/payments/${paid.paymentId}/pay`);
    await first.client().cancel({ paymentId: paid.paymentId });
    await first.close();
    // Rewrite it the way the previous version stored a reversed payment.
    const snapshot = JSON.parse(readFileSync(stateFile, 'utf8')) as {
      payments: Record<string, unknown>[];
    };
    for (const payment of snapshot.payments) {
      payment.cancelledAmount = payment.reversedAmount;
      delete payment.reversedAmount;
    }
    writeFileSync(stateFile, JSON.stringify(snapshot));

    const second = await startSandbox({ stateFile });
    try {
      const { body } = await second.control<{ payments: Record<string, string>[] }>(
        'GET',
        '/sandbox/api/ledger',
      );
      expect(body.payments.find((p) => p.paymentId === paid.paymentId)).toMatchObject({
        captured: '150000',
        reversed: '150000',
        net: '0',
      });
      const inquiry = await second.client().inquiryPayment({ paymentId: paid.paymentId });
      expect(inquiry).toMatchObject({
        paymentStatus: 'CANCELLED',
        reversal: { amount: { value: '150000' } },
      });
    } finally {
      await second.close();
    }
  });
});

describe('npm run sandbox (src/main.ts)', () => {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const repo = fileURLToPath(new URL('../../..', import.meta.url));

  function run(env: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      cwd: repo,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exited, output: () => output };
  }

  it('starts with development keys, serves, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const proc = run({ SANDBOX_PORT: '0', SANDBOX_DATA_DIR: dir, SANDBOX_CLIENT_ID: CLIENT_ID });
    try {
      const deadline = Date.now() + 20_000;
      let url: string | undefined;
      while (!url && Date.now() < deadline) {
        url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.output())?.[1];
        if (!url) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(url, proc.output()).toBeDefined();
      const info = (await (await fetch(`${url}/sandbox/api/info`)).json()) as {
        clientId: string;
        gatewayPublicKeyPem: string;
      };
      expect(info.clientId).toBe(CLIENT_ID);
      expect(info.gatewayPublicKeyPem).toBe(loadOrCreateDevKeys(dir).gateway.publicKeyPem);
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      expect(statSync(join(dir, 'sandbox-state.json')).isFile()).toBe(true);
    } finally {
      proc.child.kill('SIGKILL');
    }
  });

  it('refuses bad configuration with one message listing every problem', async () => {
    const proc = run({ SANDBOX_PORT: 'x', SANDBOX_TIME_SCALE: '-1' });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('SANDBOX_PORT');
    expect(proc.output()).toContain('SANDBOX_TIME_SCALE');
  });
});
