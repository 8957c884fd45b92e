// Test helpers: a sandbox on an ephemeral port, an AntomClient pointed at it over real HTTP, a node:http
// notification receiver that verifies every signature, and polling with a deadline (never blind sleeps).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AntomClient,
  assertSignedMessage,
  formatSignatureHeader,
  generateKeyPair,
  loadPrivateKey,
  loadPublicKey,
  NOTIFICATION_ACK,
  verifyNotification,
  type AntomClientOptions,
  type AntomNotification,
  type KeyPairForms,
  type PayRequest,
  signMessage,
} from '@paydesk/antom';
import { createSandbox, type Sandbox, type SandboxOptions } from '../src/index.ts';

let cachedKeys: { merchant: KeyPairForms; gateway: KeyPairForms } | undefined;

/** One merchant pair and one gateway pair per test file (RSA generation is the slow part). */
export function testKeys(): { merchant: KeyPairForms; gateway: KeyPairForms } {
  cachedKeys ??= { merchant: generateKeyPair(), gateway: generateKeyPair() };
  return cachedKeys;
}

export const CLIENT_ID = 'SANDBOX_TEST_CLIENT';

export interface Harness {
  sandbox: Sandbox;
  url: string;
  /** An AntomClient for this sandbox (no retries unless asked). */
  client(overrides?: Partial<AntomClientOptions>): AntomClient;
  /** A control-API call: JSON in, `{ status, body }` out. */
  control<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** Starts a sandbox on 127.0.0.1:0 with the test keys. */
export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<Harness> {
  const keys = testKeys();
  const sandbox = await createSandbox({
    clientId: CLIENT_ID,
    merchantPublicKey: keys.merchant.publicKeyPem,
    gatewayPrivateKey: keys.gateway.privateKeyPem,
    timeScale: 1000,
    asyncRefundDelayMs: 100,
    ...options,
  });
  const url = await sandbox.listen({ port: 0 });
  return {
    sandbox,
    url,
    client: (overrides = {}) =>
      new AntomClient({
        clientId: CLIENT_ID,
        privateKey: keys.merchant.privateKeyPem,
        antomPublicKey: keys.gateway.publicKeyPem,
        gatewayUrl: url,
        maxRetries: 0,
        timeoutMs: 5000,
        backoffMs: 5,
        ...overrides,
      }),
    control: async (method, path, body) => {
      const response = await fetch(url + path, {
        method,
        ...(body === undefined
          ? {}
          : {
              headers: { 'content-type': 'application/json' },
              body: typeof body === 'string' ? body : JSON.stringify(body),
            }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as never };
    },
    close: () => sandbox.close(),
  };
}

let requestCounter = 0;

/** A unique id for paymentRequestId / refundRequestId. */
export function uniqueId(prefix = 'req'): string {
  requestCounter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${requestCounter}`;
}

/** A valid PromptPay pay request for THB 1,500.00, with overrides. */
export function payRequest(
  overrides: Partial<PayRequest> & { amount?: { currency: string; value: string } } = {},
): PayRequest {
  const { amount = { currency: 'THB', value: '150000' }, ...rest } = overrides;
  return {
    productCode: 'CASHIER_PAYMENT',
    paymentRequestId: uniqueId('pay'),
    order: { referenceOrderId: uniqueId('order'), orderDescription: 'Two coffees', orderAmount: amount },
    paymentAmount: amount,
    paymentMethod: { paymentMethodType: 'PROMPTPAY' },
    paymentRedirectUrl: 'https://shop.example/return',
    env: { terminalType: 'WEB' },
    ...rest,
  };
}

export interface ReceivedNotification {
  path: string;
  headers: IncomingMessage['headers'];
  rawBody: string;
  /** The verified, parsed notification (or undefined when verification failed). */
  event: AntomNotification | undefined;
  verifyError: string | undefined;
  at: number;
}

/** What the receiver answers: status and body. Default: 200 with the fixed acknowledgement. */
export type Responder = (
  n: ReceivedNotification,
  index: number,
) => { status: number; body: string; headers?: Record<string, string> };

/** A merchant notify endpoint on an ephemeral port that verifies each notification's signature. */
export class NotifyReceiver {
  readonly received: ReceivedNotification[] = [];
  respond: Responder = () => ({ status: 200, body: NOTIFICATION_ACK });
  readonly #server: Server;
  readonly #gatewayKey;
  #base = '';

  constructor(gatewayPublicKeyPem: string = testKeys().gateway.publicKeyPem) {
    this.#gatewayKey = loadPublicKey(gatewayPublicKeyPem);
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const path = request.url ?? '/';
        const entry: ReceivedNotification = {
          path,
          headers: request.headers,
          rawBody,
          event: undefined,
          verifyError: undefined,
          at: Date.now(),
        };
        try {
          entry.event = verifyNotification({
            rawBody,
            headers: request.headers,
            notifyPath: path,
            clientId: CLIENT_ID,
            antomPublicKey: this.#gatewayKey,
          });
        } catch (error) {
          entry.verifyError = (error as Error).message;
        }
        this.received.push(entry);
        const answer = this.respond(entry, this.received.length - 1);
        response
          .writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
          .end(answer.body);
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#base = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** The notify URL for a path (default `/notify`). */
  url(path = '/notify'): string {
    return this.#base + path;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** The one test kit's wait (polls a condition; says what it waited for and what it last saw). */
export { waitFor } from '@paydesk/testkit/wait-for';

/** Creates a PROCESSING payment and returns its paymentId and the pay answer. */
export async function createPayment(client: AntomClient, request: PayRequest = payRequest()) {
  const outcome = await client.pay(request);
  if (outcome.kind !== 'created')
    throw new Error(`pay did not create a payment: ${outcome.resultCode} ${outcome.resultMessage}`);
  return { paymentId: outcome.paymentId, response: outcome.response, request };
}

export interface SignedPostOptions {
  clientId?: string;
  privateKeyPem?: string;
  time?: string;
  contentType?: string;
  keyVersion?: string;
  /** Headers to leave out. */
  omit?: ('client-id' | 'request-time' | 'signature')[];
  /** Sign this body but send `body` (tampering). */
  signedBody?: string;
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: { result?: { resultCode: string; resultStatus: string; resultMessage?: string } } & Record<
    string,
    unknown
  >;
}

/** A hand-signed POST, for what the AntomClient would never send (tampered bodies, missing headers…). */
export async function signedPost(
  base: string,
  path: string,
  body: string,
  options: SignedPostOptions = {},
): Promise<RawAnswer> {
  const clientId = options.clientId ?? CLIENT_ID;
  const time = options.time ?? String(Date.now());
  const signature = signMessage(
    { path, clientId, time, body: options.signedBody ?? body },
    loadPrivateKey(options.privateKeyPem ?? testKeys().merchant.privateKeyPem),
  );
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json; charset=UTF-8',
    'client-id': clientId,
    'request-time': time,
    signature: formatSignatureHeader(signature, options.keyVersion ?? '1'),
  };
  for (const name of options.omit ?? []) delete headers[name];
  const response = await fetch(base + path, { method: 'POST', headers, body });
  const text = await response.text();
  let json: RawAnswer['json'] = {};
  try {
    json = JSON.parse(text) as RawAnswer['json'];
  } catch {
    // not JSON: left empty for the test to notice
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Throws unless the answer is signed by the test gateway key over `POST <path>\n<clientId>.<time>.<body>`. */
export function assertSignedAnswer(answer: RawAnswer, path: string, clientId = CLIENT_ID): void {
  assertSignedMessage(
    { path, clientId, time: answer.headers.get('response-time'), body: answer.text },
    answer.headers.get('signature'),
    loadPublicKey(testKeys().gateway.publicKeyPem),
    'response',
  );
}
