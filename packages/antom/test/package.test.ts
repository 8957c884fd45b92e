// @paydesk/antom as a library of its own (D14.7): `npm pack` on a copy of the package, the
// tarball installed alone into a fresh project (offline: it has no dependencies), a TypeScript consumer
// type-checked against its declarations, and the README's quick start run unchanged with plain Node —
// signing, calling the Paydesk sandbox (a process of its own: this package imports nothing of Paydesk, its
// tests included), verifying the notification it sends.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../src/index.ts';
import { freePort } from '@paydesk/testkit/net';
import { waitFor } from '@paydesk/testkit/wait-for';

const ROOT = resolve(import.meta.dirname, '../../..');
const PACKAGE = join(ROOT, 'packages/antom');
const CLIENT_ID = 'SANDBOX_PACKAGE_TEST';

let work: string;
let tarball: string;
let app: string;

/** `npm` with the repository's npm cache, and no registry: anything it would fetch fails the test. */
function npm(args: string[], cwd: string): string {
  return execFileSync('npm', [...args, '--offline', '--no-audit', '--no-fund'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'paydesk-antom-pack-'));
  // A copy of the package where it sits in the repository (its build config extends the root's), so that
  // packing it leaves the working tree alone; its build finds TypeScript through node_modules above it.
  const stage = join(work, 'repo');
  mkdirSync(join(stage, 'packages'), { recursive: true });
  for (const file of ['tsconfig.base.json', 'tsconfig.build.base.json'])
    cpSync(join(ROOT, file), join(stage, file));
  cpSync(PACKAGE, join(stage, 'packages/antom'), {
    recursive: true,
    filter: (source) => !/\/(dist|node_modules|test)(\/|$)/.test(source.slice(PACKAGE.length)),
  });
  symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'));
  const packed = JSON.parse(
    npm(['pack', '--json', '--pack-destination', work], join(stage, 'packages/antom')),
  ) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(work, packed[0]!.filename);
  // postpack put the repository's manifest back.
  expect(readFileSync(join(stage, 'packages/antom/package.json'), 'utf8')).toBe(
    readFileSync(join(PACKAGE, 'package.json'), 'utf8'),
  );

  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'antom-consumer',
      private: true,
      type: 'module',
      dependencies: { '@paydesk/antom': `file:${tarball}` },
    }),
  );
  npm(['install', '--ignore-scripts'], app);
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed @paydesk/antom', () => {
  it('holds the build, its declarations and the README, and points exports at them', () => {
    const installed = join(app, 'node_modules/@paydesk/antom');
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(manifest.bin).toEqual({ 'antom-keygen': './dist/cli/keygen.js' });
    expect(manifest.dependencies).toBeUndefined();
    expect(JSON.stringify(manifest)).not.toMatch(/paydesk-dist|src\/index\.ts|tsx/);
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    for (const file of [
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/dist/client.js',
      'package/README.md',
    ])
      expect(listing).toContain(file);
    expect(listing.filter((file) => /\.tsbuildinfo$|\/test\//.test(file))).toEqual([]);
    // Nothing of the rest of Paydesk.
    for (const file of listing.filter((f) => f.endsWith('.js'))) {
      expect(
        readFileSync(join(app, 'node_modules/@paydesk/antom', file.slice('package/'.length)), 'utf8'),
      ).not.toMatch(/from ['"](@paydesk\/|fastify|kysely|typebox)/);
    }
  });

  it('installs the antom-keygen command, which runs with plain Node', () => {
    const printed = execFileSync(join(app, 'node_modules/.bin/antom-keygen'), [], { encoding: 'utf8' });
    expect(printed).toContain('-----BEGIN PRIVATE KEY-----');
    expect(printed).toContain('-----BEGIN PUBLIC KEY-----');
  });

  it('type-checks a TypeScript consumer against its declarations', () => {
    writeFileSync(
      join(app, 'consumer.ts'),
      `import { AntomClient, verifyNotification, type PayOutcome } from '@paydesk/antom';
export async function pay(client: AntomClient): Promise<string> {
  const outcome: PayOutcome = await client.pay({
    productCode: 'CASHIER_PAYMENT',
    paymentRequestId: 'pay_1',
    order: { referenceOrderId: 'o1', orderDescription: 'tea', orderAmount: { currency: 'THB', value: '100' } },
    paymentAmount: { currency: 'THB', value: '100' },
    paymentMethod: { paymentMethodType: 'PROMPTPAY' },
    paymentRedirectUrl: 'https://shop.example/r',
    paymentNotifyUrl: 'https://shop.example/n',
    env: { terminalType: 'WEB' },
  });
  return outcome.kind === 'created' ? outcome.paymentId : outcome.resultCode;
}
export const verify = verifyNotification;
// @ts-expect-error amounts are strings of minor units, never numbers
export const wrong: Parameters<AntomClient['refund']>[0]['refundAmount'] = { currency: 'THB', value: 100 };
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: app,
      encoding: 'utf8',
    });
  }, 120_000);

  describe('the README quick start, run with plain Node against the sandbox', () => {
    let sandbox: ChildProcess | undefined;
    let sandboxUrl: string;
    const merchant = generateKeyPair();
    const gateway = generateKeyPair();
    beforeAll(async () => {
      const port = await freePort();
      sandboxUrl = `http://127.0.0.1:${port}`;
      // The built sandbox (the lane's global setup builds the server side): a second a start cheaper than tsx.
      sandbox = spawn(process.execPath, ['--conditions=paydesk-dist', 'apps/sandbox/dist/main.js'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          SANDBOX_PORT: String(port),
          SANDBOX_CLIENT_ID: CLIENT_ID,
          SANDBOX_MERCHANT_PUBLIC_KEY: merchant.publicKeyBase64,
          SANDBOX_PRIVATE_KEY: gateway.privateKeyBase64,
          SANDBOX_STATE_FILE: 'off',
          SANDBOX_DATA_DIR: work,
          LOG_LEVEL: 'warn',
        },
        stdio: 'ignore',
      });
      await waitFor(
        async () => (await fetch(`${sandboxUrl}/sandbox/api/faults`).catch(() => undefined))?.ok,
        'the sandbox to start',
        60_000,
      );
    }, 90_000);
    afterAll(() => {
      sandbox?.kill('SIGTERM');
    });

    it('signs, pays, verifies the notification, inquires, refunds and cancels', async () => {
      const readme = readFileSync(join(PACKAGE, 'README.md'), 'utf8');
      const quickstart = /<!-- quickstart: [^>]*-->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
      expect(quickstart).toBeTruthy();
      writeFileSync(join(app, 'quickstart.mjs'), quickstart!);
      const notifyPort = await freePort();
      const child = spawn(process.execPath, ['quickstart.mjs'], {
        cwd: app,
        env: {
          PATH: process.env.PATH,
          ANTOM_CLIENT_ID: CLIENT_ID,
          ANTOM_PRIVATE_KEY: merchant.privateKeyBase64,
          ANTOM_PUBLIC_KEY: gateway.publicKeyBase64,
          ANTOM_GATEWAY_URL: sandboxUrl,
          NOTIFY_PORT: String(notifyPort),
          NOTIFY_URL: `http://127.0.0.1:${notifyPort}/antom/notify`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((done) => child.once('exit', done));

      // The buyer's wallet pays the code the script shows.
      const code = await waitFor(() => /^code: (\S+)$/m.exec(output)?.[1], 'the code', 30_000);
      const paid = await fetch(`${sandboxUrl}/sandbox/api/codes/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ codeValue: code }),
      });
      expect(paid.status).toBe(200);

      expect(await exited, output).toBe(0);
      expect(output.split('\n').slice(1).join('\n').trim()).toBe(
        [
          'notified: PAYMENT_RESULT succeeded',
          'inquiry: SUCCESS',
          'refund: succeeded',
          'cancel: cancelled',
        ].join('\n'),
      );
      const { requests } = (await (await fetch(`${sandboxUrl}/sandbox/api/requests`)).json()) as {
        requests: { api: string; resultStatus: string }[];
      };
      expect(requests.map((r) => `${r.api} ${r.resultStatus}`).reverse()).toEqual([
        'pay U',
        'inquiryPayment S',
        'refund S',
        'pay U',
        'cancel S',
      ]);
      const { notifications } = (await (await fetch(`${sandboxUrl}/sandbox/api/notifications`)).json()) as {
        notifications: { acknowledged?: boolean; attempts?: unknown[] }[];
      };
      expect(notifications.length).toBeGreaterThan(0);
    });
  });
});
