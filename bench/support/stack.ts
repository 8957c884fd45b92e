// The stack the server benches drive: the Paydesk sandbox (Antom) at zero latency and one or more checkout
// servers, each a child process configured only through its environment, as they are deployed
// (apps/server/src/main.ts, apps/sandbox/src/main.ts). The sandbox has a process of its own, as Antom is not
// in the buyer's process: in this one its RSA signing and its HTTP work would hold up the event loop that
// reads the buyers' answers and streams, and count as the buyers' wait (D17.12). Several instances share one PostgreSQL database; each names its own
// URL as PUBLIC_URL, so Antom notifies the instance that sent the `pay` (the notify URL rides on `pay`).
import type { CreatePaymentResponse, OrderView } from '@paydesk/api';
import { generateKeyPair, type KeyPairForms } from '@paydesk/antom';
import { createTestDatabase, freePort, jsonRequest, type Dialect, type TestDatabase } from '@paydesk/testkit';
import { NodeChild } from './child.ts';
import { ensurePostgres } from './postgres.ts';
import { SERVER_NODE_FLAGS } from './server-flags.ts';

export { DIALECTS, type Dialect } from '@paydesk/testkit';

export const DIALECT_NAME: Record<Dialect, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

export const CLIENT_ID = 'SANDBOX_PAYDESK_BENCH';
const MERCHANT_API_KEY = 'bench_merchant_key_0123456789abcdef';
/** The bearer token of the servers' /metrics. */
export const METRICS_TOKEN = 'bench_metrics_token_0123456789abcdef';

/** Rate limits and caps high enough never to throttle a bench (their ceilings in config.ts). */
const UNTHROTTLED = {
  RATE_LIMIT_BUYER_WRITES: '100000',
  RATE_LIMIT_CHECKOUT_READS: '1000000',
  RATE_LIMIT_NOT_FOUND: '100000',
  // The stream bench holds 10,000 streams from one address, 100 per checkout.
  SSE_MAX_PER_ADDRESS: '1000000',
  SSE_MAX_PER_CHECKOUT: '1000000',
  SSE_MAX_STREAMS: '100000',
  HTTP_MAX_CONNECTIONS: '200000',
  HTTP_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
  METRICS_TOKEN,
};

let keys: { merchant: KeyPairForms; gateway: KeyPairForms } | undefined;
/** RSA pairs are slow to make: one merchant pair and one gateway pair per bench run. */
export function benchKeys(): { merchant: KeyPairForms; gateway: KeyPairForms } {
  keys ??= { merchant: generateKeyPair(), gateway: generateKeyPair() };
  return keys;
}

export interface HttpAnswer<T> {
  status: number;
  body: T;
}

/** One checkout server process. */
export interface ServerInstance {
  url: string;
  process: NodeChild;
}

export interface BenchStack {
  sandboxUrl: string;
  /** The servers' database (`sqlite:…` or `postgres://…`). */
  databaseUrl: string;
  servers: ServerInstance[];
  /** The sandbox's process. */
  sandbox: NodeChild;
  /** A Merchant API call (with the key) to `server` (default: the first). */
  merchant<T>(method: string, path: string, body?: unknown, server?: ServerInstance): Promise<HttpAnswer<T>>;
  /** A sandbox control API call (what the buyer's wallet does at Antom). */
  control<T>(method: string, path: string, body?: unknown): Promise<HttpAnswer<T>>;
  /** Creates a THB 1,500.00 order in Thailand (PromptPay is offered). */
  createOrder(server?: ServerInstance): Promise<OrderView>;
  /** The buyer confirms PromptPay on `server`; throws unless the code is shown (201). */
  confirm(token: string, server?: ServerInstance): Promise<CreatePaymentResponse>;
  /** The buyer's page reads its checkout (GET /api/v1/checkout/:token) on the first server. */
  readCheckout(token: string): Promise<void>;
  /** Confirms and reads the server's own account of the time (`Server-Timing: app, antom`), in ms. */
  confirmTimed(token: string): Promise<{ app: number; antom: number }>;
  /** The buyer's wallet pays the code; returns Antom's payment id. */
  payCode(codeValue: string): Promise<string>;
  close(): Promise<void>;
}

export interface BenchStackOptions {
  dialect: Dialect;
  /** Server processes on the same database (more than one needs PostgreSQL). Default 1. */
  instances?: number;
}

/** Starts the sandbox, a fresh database and the server processes; production defaults except rate limits. */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const { merchant, gateway } = benchKeys();
  if (options.dialect === 'postgres') await ensurePostgres();
  const database: TestDatabase = await createTestDatabase(options.dialect);
  const sandboxPort = await freePort();
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  let sandbox: NodeChild | undefined;
  const servers: ServerInstance[] = [];
  const close = async () => {
    await Promise.all(servers.map((server) => server.process.stop()));
    await sandbox?.stop();
    await database.drop();
  };
  try {
    sandbox = await NodeChild.start({
      name: 'sandbox',
      script: 'apps/sandbox/src/main.ts',
      readyUrl: `${sandboxUrl}/`,
      env: {
        SANDBOX_PORT: String(sandboxPort),
        SANDBOX_HOST: '127.0.0.1',
        SANDBOX_PUBLIC_URL: sandboxUrl,
        SANDBOX_CLIENT_ID: CLIENT_ID,
        SANDBOX_MERCHANT_PUBLIC_KEY: merchant.publicKeyPem,
        SANDBOX_PRIVATE_KEY: gateway.privateKeyPem,
        SANDBOX_STATE_FILE: 'off',
        LOG_LEVEL: 'warn',
      },
    });
    for (let index = 0; index < (options.instances ?? 1); index += 1) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const child = await NodeChild.start({
        name: `server-${options.dialect}-${index}`,
        script: 'apps/server/src/main.ts',
        nodeFlags: SERVER_NODE_FLAGS,
        readyUrl: `${url}/readyz`,
        env: {
          PORT: String(port),
          HOST: '127.0.0.1',
          PUBLIC_URL: url,
          DATABASE_URL: database.url,
          ANTOM_GATEWAY_URL: sandboxUrl,
          ANTOM_CLIENT_ID: CLIENT_ID,
          ANTOM_PRIVATE_KEY: merchant.privateKeyPem,
          ANTOM_PUBLIC_KEY: gateway.publicKeyPem,
          ANTOM_SANDBOX: 'true',
          MERCHANT_API_KEY,
          LOG_LEVEL: 'warn',
          ...UNTHROTTLED,
        },
      });
      servers.push({ url, process: child });
    }
  } catch (error) {
    await close();
    throw error;
  }

  const first = servers[0]!;
  const call = async <T>(base: string, method: string, path: string, body?: unknown, headers = {}) => {
    const answer = await jsonRequest(base, method, path, body, headers);
    return { status: answer.status, body: answer.body as T };
  };
  const confirmOn = async (server: ServerInstance, token: string) => {
    const answer = await jsonRequest(server.url, 'POST', `/api/v1/checkout/${token}/payments`, {
      paymentMethodType: 'PROMPTPAY',
      terminalType: 'WEB',
    });
    const body = answer.body as CreatePaymentResponse;
    if (answer.status !== 201 || !body.code)
      throw new Error(`confirm: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  };
  const stack: BenchStack = {
    sandboxUrl,
    databaseUrl: database.url,
    servers,
    sandbox: sandbox!,
    merchant: (method, path, body, server = first) =>
      call(server.url, method, path, body, { authorization: `Bearer ${MERCHANT_API_KEY}` }),
    control: (method, path, body) => call(sandboxUrl, method, path, body),
    async createOrder(server = first) {
      const answer = await stack.merchant<OrderView>(
        'POST',
        '/api/v1/orders',
        {
          reference: `B-${Math.random().toString(36).slice(2, 12)}`,
          amount: { currency: 'THB', value: '150000' },
          description: 'Jasmine tea ×2',
          region: 'TH',
        },
        server,
      );
      if (answer.status !== 201)
        throw new Error(`create order: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    },
    async confirm(token, server = first) {
      return (await confirmOn(server, token)).body as CreatePaymentResponse;
    },
    async readCheckout(token) {
      const answer = await call(first.url, 'GET', `/api/v1/checkout/${token}`);
      if (answer.status !== 200) throw new Error(`read checkout: ${answer.status}`);
    },
    async confirmTimed(token) {
      const timing = (await confirmOn(first, token)).headers.get('server-timing') ?? '';
      const dur = (name: string) => Number(new RegExp(`${name};dur=([\\d.]+)`).exec(timing)?.[1] ?? NaN);
      return { app: dur('app'), antom: dur('antom') };
    },
    async payCode(codeValue) {
      const answer = await stack.control<{ paymentId: string }>('POST', '/sandbox/api/codes/pay', {
        codeValue,
      });
      if (answer.status !== 200)
        throw new Error(`wallet pay: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body.paymentId;
    },
    close,
  };
  return stack;
}
