// Paydesk as production runs it (D14 "Done when"): the build (`npm run build`, kept while its sources
// are unchanged), started by the very command of `npm run serve` with NODE_ENV=production and real-looking
// settings, behind a TLS-terminating proxy (PUBLIC_URL must be https), pointed at a sandbox started
// separately from its own build. No TypeScript and no tsx in either process.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@paydesk/antom';
import { freePort, jsonRequest, waitFor } from '@paydesk/testkit';
import { buildServerSide } from '@paydesk/testkit/build';
import { ensureCashierBuilt, ROOT } from './build.ts';
import type { Json } from './stack.ts';

export const CLIENT_ID = 'SANDBOX_5YBZ1D2Z4F8P01234';
export const API_KEY = 'mk_live_9c1f0e7a2b3d4c5e6f708192a3b4c5d6';

/** `npm run build`, skipping what is up to date: tsc -b checks its own, the cashier its sources' times. */
export function ensureBuilt(): void {
  buildServerSide();
  ensureCashierBuilt();
}

/** The `serve` script of package.json, as argv for the current node (it must stay `node … dist/serve.js`). */
export function serveCommand(): string[] {
  const script = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { serve: string } }
  ).scripts.serve;
  const [node, ...args] = script.split(/\s+/);
  if (node !== 'node') throw new Error(`npm run serve is not a plain node command: ${script}`);
  return args;
}

export interface Child {
  process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** A node process with only PATH and `env` in its environment (nothing of this test process leaks in). */
export function startNode(
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string; uid?: number; gid?: number } = {},
): Child {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    process: child,
    output: () => output,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
}

export interface ProductionStack {
  /** PUBLIC_URL: the TLS proxy in front of the server (its certificate is self-signed). */
  url: string;
  /**
   * The Chromium flag that trusts the proxy's certificate as a real one: with a certificate error
   * Chromium caches nothing, and the repeat visit is what is being measured.
   */
  trustFlag: string;
  /** The server itself, as the merchant's backend reaches it inside the network. */
  internalUrl: string;
  sandboxUrl: string;
  server: Child;
  sandbox: Child;
  /** Method and path of every request the proxy forwarded, with the status it answered. */
  proxied: { method: string; path: string; status: number; encoding: string | undefined }[];
  merchant(method: string, path: string, body?: unknown): Promise<Json>;
  call(method: string, path: string, body?: unknown): Promise<Json>;
  control(method: string, path: string, body?: unknown): Promise<Json>;
  createOrder(overrides?: Record<string, unknown>): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/** Polls `url` until it answers 200; fails early if the child exits, and kills it when it never answers. */
export async function ready(url: string, child: Child, what: string): Promise<void> {
  let exited = false;
  void child.exited.then(() => (exited = true));
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`${what} exited:\n${child.output()}`);
        return (await fetch(url).catch(() => undefined))?.status === 200;
      },
      `${what} to answer ${url}`,
      60_000,
    );
  } catch (error) {
    child.process.kill('SIGKILL');
    throw error;
  }
}

/** The sandbox from its build, a process of its own, as Antom for a production-profile server. */
export async function startBuiltSandbox(
  dataDir: string,
  keys: { merchantPublicKey: string; gatewayPrivateKey: string },
  env: Record<string, string> = {},
): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = startNode(['--conditions=paydesk-dist', 'apps/sandbox/dist/main.js'], {
    SANDBOX_PORT: String(port),
    SANDBOX_CLIENT_ID: CLIENT_ID,
    SANDBOX_MERCHANT_PUBLIC_KEY: keys.merchantPublicKey,
    SANDBOX_PRIVATE_KEY: keys.gatewayPrivateKey,
    SANDBOX_TIME_SCALE: '1000',
    SANDBOX_STATE_FILE: 'off',
    SANDBOX_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await ready(`${url}/sandbox/api/faults`, child, 'the sandbox');
  return { child, url };
}

export async function startProduction(): Promise<ProductionStack> {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'paydesk-prod-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'tls-key.pem'),
      '-out',
      join(dir, 'tls-cert.pem'),
    ],
    { stdio: 'pipe' },
  );
  const merchantKeys = generateKeyPair();
  const gatewayKeys = generateKeyPair();
  const [serverPort, proxyPort] = [await freePort(), await freePort()];
  const url = `https://127.0.0.1:${proxyPort}`;
  const internalUrl = `http://127.0.0.1:${serverPort}`;

  // The sandbox posts notifications to PUBLIC_URL, through the proxy: it trusts the proxy's certificate.
  const { child: sandbox, url: sandboxUrl } = await startBuiltSandbox(
    dir,
    { merchantPublicKey: merchantKeys.publicKeyBase64, gatewayPrivateKey: gatewayKeys.privateKeyBase64 },
    { NODE_EXTRA_CA_CERTS: join(dir, 'tls-cert.pem') },
  );
  const proxied: ProductionStack['proxied'] = [];
  const proxy: Server = createHttpsServer(
    { key: readFileSync(join(dir, 'tls-key.pem')), cert: readFileSync(join(dir, 'tls-cert.pem')) },
    (incoming, outgoing) => {
      const upstream = httpRequest(
        {
          host: '127.0.0.1',
          port: serverPort,
          method: incoming.method,
          path: incoming.url,
          headers: {
            ...incoming.headers,
            'x-forwarded-for': incoming.socket.remoteAddress ?? '',
            'x-forwarded-proto': 'https',
          },
        },
        (answer) => {
          proxied.push({
            method: incoming.method ?? '',
            path: incoming.url ?? '',
            status: answer.statusCode ?? 0,
            encoding: answer.headers['content-encoding'],
          });
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      incoming.pipe(upstream);
    },
  );
  await new Promise<void>((resolve) => proxy.listen(proxyPort, '127.0.0.1', resolve));

  const server = startNode(serveCommand(), {
    NODE_ENV: 'production',
    PORT: String(serverPort),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    TRUST_PROXY: '127.0.0.1',
    PAYDESK_DATA_DIR: dir,
    DATABASE_URL: `sqlite:${join(dir, 'paydesk.db')}`,
    ANTOM_GATEWAY_URL: sandboxUrl,
    ANTOM_CLIENT_ID: CLIENT_ID,
    ANTOM_PRIVATE_KEY: merchantKeys.privateKeyBase64,
    ANTOM_PUBLIC_KEY: gatewayKeys.publicKeyBase64,
    MERCHANT_API_KEY: API_KEY,
    MERCHANT_NAME: 'Lotus Tea House',
    SUCCESS_REDIRECT_SECONDS: '2',
    GATEWAY_EXPIRY_GRACE_SECONDS: '1',
    SWEEP_INTERVAL_MS: '200',
    LOG_LEVEL: 'warn',
  });
  await ready(`${internalUrl}/readyz`, server, 'the built server');

  const spki = new X509Certificate(readFileSync(join(dir, 'tls-cert.pem'))).publicKey.export({
    type: 'spki',
    format: 'der',
  });
  const stack: ProductionStack = {
    url,
    trustFlag: `--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`,
    internalUrl,
    sandboxUrl,
    server,
    sandbox,
    proxied,
    merchant: (method, path, body) =>
      jsonRequest(internalUrl, method, path, body, { authorization: `Bearer ${API_KEY}` }),
    call: (method, path, body) => jsonRequest(internalUrl, method, path, body),
    control: (method, path, body) => jsonRequest(sandboxUrl, method, path, body),
    async createOrder(overrides = {}) {
      const response = await stack.merchant('POST', '/api/v1/orders', {
        reference: `PROD-${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
        amount: { currency: 'THB', value: '118000' },
        description: 'Jasmine tea ×2, Wildflower honey ×1',
        region: 'TH',
        ...overrides,
      });
      if (response.status !== 201)
        throw new Error(`createOrder: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    },
    async close() {
      for (const child of [server, sandbox]) {
        if (child.process.exitCode === null) child.process.kill('SIGTERM');
        await child.exited;
      }
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}
