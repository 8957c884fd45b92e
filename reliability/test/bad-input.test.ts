// D6.7, property-based: fast-check fuzzes the body, params, query and headers of every
// endpoint — Merchant API, Buyer API, the notify endpoint and the demo shop's API — with wild input and
// with valid requests that have exactly one field spoiled (so the spoiled value reaches the service and
// the database, not just the schema). Never a 5xx; a 4xx changes no state (a snapshot of the business
// tables before and after) and names what was wrong (`error.code` and `error.message`, plus
// `details[].field` for validation errors).
import fc from 'fast-check';
import type { OrderView } from '@paydesk/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessSnapshot } from '../src/db.snapshot.ts';
import { RUNS_SCALE } from '../src/seeded.random.ts';
import { request, type Answer } from '../src/http.client.ts';
import { confirm, createOrder, orderUntil, scan } from '../src/scenario.steps.ts';
import {
  DIALECTS,
  MERCHANT_API_KEY,
  NOTIFY_PATH,
  startReliabilityStack,
  type ReliabilityStack,
} from '../src/stack.harness.ts';

/** Strings that break naive code: NUL and other controls, lone surrogates, huge, traversal, SQL, HTML. */
const nasty = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      'a\u0000b',
      '\u0007\u001b[31m',
      '\ud800',
      '\uffff',
      '🙂',
      '../../etc/passwd',
      "' or 1=1 --",
      '<script>alert(1)</script>',
      '%00',
      'null',
      '0',
      '-1',
      '1e309',
      'x'.repeat(5_000),
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);
const anyJson = fc.oneof(
  nasty,
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const ascii = (min: number, max: number) =>
  fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: max });

const validOrder = fc.record(
  {
    reference: ascii(1, 30),
    amount: fc.constant({ currency: 'THB', value: '150000' }),
    description: ascii(1, 60),
    items: fc.array(
      fc.record({
        name: ascii(1, 30),
        quantity: fc.integer({ min: 1, max: 5 }),
        unitAmount: fc.constant({ currency: 'THB', value: '100' }),
        reference: ascii(1, 20),
      }),
      { maxLength: 2 },
    ),
    buyer: fc.record(
      {
        id: ascii(0, 20),
        email: fc.emailAddress().filter((e) => e.length <= 64),
        phone: ascii(0, 20),
        name: ascii(0, 40),
      },
      { requiredKeys: [] },
    ),
    region: fc.constant('TH'),
    expiresInSeconds: fc.integer({ min: 60, max: 3_600 }),
    returnUrl: fc.webUrl({ size: 'small', validSchemes: ['https'] }),
    metadata: fc.dictionary(ascii(1, 20), ascii(0, 40), { maxKeys: 3 }),
  },
  { requiredKeys: ['reference', 'amount', 'description'] },
);
const ORDER_PATHS = [
  'reference',
  'description',
  'region',
  'returnUrl',
  'expiresInSeconds',
  'amount',
  'amount.value',
  'amount.currency',
  'items',
  'items.0',
  'items.0.name',
  'items.0.quantity',
  'items.0.reference',
  'items.0.unitAmount.value',
  'buyer',
  'buyer.id',
  'buyer.email',
  'buyer.phone',
  'buyer.name',
  'metadata',
  'metadata.key',
  'unknownField',
] as const;

/** Returns a copy of `value` with the field at `path` (dots; numbers index arrays) replaced. */
function spoil(value: unknown, path: string, replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  const parts = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const part of parts.slice(0, -1)) {
    if (typeof at[part] !== 'object' || at[part] === null)
      at[part] = /^\d+$/.test(parts[1] ?? '') ? [{}] : {};
    at = at[part] as Record<string, unknown>;
  }
  at[parts[parts.length - 1]!] = replacement;
  return copy;
}

/** A valid request body with one field (from `paths`) spoiled by a nasty value. */
const spoiled = (valid: fc.Arbitrary<unknown>, paths: readonly string[]) =>
  fc
    .tuple(
      valid,
      fc.constantFrom(...paths),
      fc.oneof({ weight: 3, arbitrary: nasty }, { weight: 1, arbitrary: anyJson }),
    )
    .map(([body, path, value]) => spoil(body, path, value));

const idempotencyKey = fc.option(fc.oneof(ascii(0, 300), fc.constant('')), { nil: undefined });
const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', ''),
  },
);
const pathPart = fc.oneof(
  nasty,
  fc.constantFrom(
    'ord_00000000000000000000000000',
    'pay_00000000000000000000000000',
    'ord_',
    '%zz',
    'x'.repeat(300),
  ),
);

/** A request the fuzzer sends: everything as raw as HTTP allows. */
interface FuzzRequest {
  method: string;
  path: string;
  body?: string;
  headers: Record<string, string>;
}

/** JSON, or (asText) something that is not JSON at all. */
function encodeBody(value: unknown, asText = false): string {
  const json = JSON.stringify(value) ?? 'null';
  return asText ? `reference=${encodeURIComponent(json)}&` : json;
}

/** Path segments are sent as they are when they are valid URL text, percent-encoded otherwise. */
function segment(value: string): string {
  if (/^[A-Za-z0-9_%-]*$/.test(value)) return value;
  // Byte by byte (UTF-8; a lone surrogate becomes U+FFFD), where encodeURIComponent would throw.
  return [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');
}

describe.each(DIALECTS)('bad input on %s', (dialect) => {
  let stack: ReliabilityStack;
  let open: OrderView;
  let paid: OrderView;
  let paidPaymentId: string;
  let products: string[];
  let fuzzed = 0;

  beforeAll(async () => {
    stack = await startReliabilityStack({ dialect, sweeper: false });
    open = await createOrder(stack, 'THB');
    paid = await createOrder(stack, 'THB');
    const payment = await confirm(stack, paid, 'TRUEMONEY');
    paidPaymentId = payment.id;
    await scan(stack, payment.code!.value);
    await orderUntil(stack, paid.id, (o) => o.status === 'PAID', 'paid');
    products = (await stack.raw.call('GET', '/shop/api/catalog')).body.products.map(
      (p: { id: string }) => p.id,
    );
  });
  afterAll(async () => {
    console.log(`${dialect}: ${fuzzed} fuzzed requests`);
    await stack?.close();
  });

  /** Sends one fuzzed request and checks the three rules. */
  async function check(fuzz: FuzzRequest): Promise<Answer> {
    fuzzed += 1;
    const before = await businessSnapshot(stack.db!);
    let answer: Answer;
    try {
      answer = await request(stack.serverUrl, fuzz.method, fuzz.path, undefined, {
        headers: fuzz.headers,
        ...(fuzz.body !== undefined ? { raw: fuzz.body } : {}),
      });
    } catch (error) {
      // fetch itself refuses some header values (e.g. outside ISO-8859-1): nothing reached the server.
      const cause = String((error as { cause?: unknown }).cause ?? error);
      if (/header|ByteString|Invalid URL/i.test(cause))
        return { status: 0, body: undefined, headers: new Headers(), ms: 0 };
      throw error;
    }
    const what = `${fuzz.method} ${fuzz.path.slice(0, 120)} ${fuzz.body?.slice(0, 200) ?? ''} → ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 300)}`;
    expect(answer.status, what).toBeLessThan(500);
    if (answer.status >= 400) {
      const error = answer.body?.error;
      expect(typeof error?.code, what).toBe('string');
      expect(error.code.length, what).toBeGreaterThan(0);
      expect(typeof error?.message, what).toBe('string');
      if (error.code === 'VALIDATION_FAILED') {
        expect(Array.isArray(error.details) && error.details.length > 0, what).toBe(true);
        for (const detail of error.details) expect(typeof detail.field, what).toBe('string');
      }
      expect(await businessSnapshot(stack.db!), what).toEqual(before);
    }
    return answer;
  }

  const merchant = { authorization: `Bearer ${MERCHANT_API_KEY}` };
  const runs = (seed: number, numRuns = 60) => ({
    numRuns: Math.round(numRuns * RUNS_SCALE),
    seed: seed + (dialect === 'sqlite' ? 0 : 1_000),
  });

  it('POST /api/v1/orders', async () => {
    const body = fc.oneof(spoiled(validOrder, ORDER_PATHS), spoiled(validOrder, ORDER_PATHS), anyJson);
    await fc.assert(
      fc.asyncProperty(body, idempotencyKey, contentType, fc.boolean(), async (order, key, type, asText) => {
        await check({
          method: 'POST',
          path: '/api/v1/orders',
          body: encodeBody(order, asText && type !== 'application/json'),
          headers: {
            ...merchant,
            'content-type': type,
            ...(key !== undefined ? { 'idempotency-key': key } : {}),
          },
        });
      }),
      runs(7_001, 150),
    );
  });

  it('GET /api/v1/orders and /api/v1/orders/:id', async () => {
    const query = fc.oneof(
      spoiled(fc.constant({ status: 'PAID', limit: '10', q: 'x', needsAttention: 'false' }), [
        'status',
        'limit',
        'q',
        'cursor',
        'needsAttention',
        'other',
      ]),
      fc.dictionary(nasty, nasty, { maxKeys: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(query, pathPart, async (params, id) => {
        const search = Object.entries(params as Record<string, unknown>)
          .map(([k, v]) => `${segment(k)}=${segment(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))}`)
          .join('&');
        await check({ method: 'GET', path: `/api/v1/orders?${search}`, headers: merchant });
        await check({ method: 'GET', path: `/api/v1/orders/${segment(id)}`, headers: merchant });
      }),
      runs(7_002),
    );
  });

  it('POST /api/v1/orders/:id/close and /refunds', async () => {
    const refund = fc.oneof(
      spoiled(
        fc.record({
          amount: fc.integer({ min: 1, max: 20 }).map((v) => ({ currency: 'THB', value: String(v) })),
          reason: ascii(0, 40),
        }),
        ['amount', 'amount.value', 'amount.currency', 'reason', 'other'],
      ),
      anyJson,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(pathPart, fc.constant('PAID'), fc.constant('OPEN')),
        refund,
        contentType,
        async (target, body, type) => {
          const id = target === 'PAID' ? paid.id : target === 'OPEN' ? open.id : segment(target);
          // Closing the open fixture would succeed (and change it): only the paid one and junk ids are closed.
          if (target !== 'OPEN')
            await check({ method: 'POST', path: `/api/v1/orders/${id}/close`, headers: merchant });
          await check({
            method: 'POST',
            path: `/api/v1/orders/${id}/refunds`,
            body: encodeBody(body),
            headers: { ...merchant, 'content-type': type },
          });
        },
      ),
      runs(7_003),
    );
  });

  it('the Buyer API', async () => {
    const payment = fc.oneof(
      spoiled(fc.constant({ paymentMethodType: 'PROMPTPAY', terminalType: 'WEB', osType: 'IOS' }), [
        'paymentMethodType',
        'terminalType',
        'osType',
        'other',
      ]),
      anyJson,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(pathPart, fc.constant('OPEN'), fc.constant('PAID')),
        payment,
        fc.oneof(pathPart, fc.constant('PAID_PAYMENT')),
        fc.dictionary(
          fc.constantFrom('accept-language', 'last-event-id', 'idempotency-key', 'content-type'),
          ascii(0, 60),
          { maxKeys: 3 },
        ),
        async (target, body, paymentId, headers) => {
          const token =
            target === 'OPEN' ? open.checkoutToken : target === 'PAID' ? paid.checkoutToken : segment(target);
          const pay = paymentId === 'PAID_PAYMENT' ? paidPaymentId : segment(paymentId);
          await check({
            method: 'GET',
            path: `/api/v1/checkout/${token}?lang=${segment(encodeBody(body))}`,
            headers,
          });
          await check({ method: 'GET', path: `/api/v1/checkout/${token}/status`, headers });
          if (target !== 'OPEN' && target !== 'PAID')
            await check({ method: 'GET', path: `/api/v1/checkout/${token}/events`, headers });
          // Confirming on the open fixture may create its one payment (2xx); everything else is refused.
          await check({
            method: 'POST',
            path: `/api/v1/checkout/${token}/payments`,
            body: encodeBody(body),
            headers: { 'content-type': 'application/json', ...headers },
          });
          await check({ method: 'POST', path: `/api/v1/checkout/${token}/payments/${pay}/cancel`, headers });
        },
      ),
      runs(7_004),
    );
  });

  it('the notify endpoint and the demo shop API', async () => {
    const shopOrder = fc.oneof(
      spoiled(
        fc.record({
          region: fc.constantFrom('TH', 'SG', 'ID', 'JP'),
          items: fc.array(
            fc.record({ productId: fc.constantFrom(...products), quantity: fc.integer({ min: 1, max: 3 }) }),
            { minLength: 1, maxLength: 2 },
          ),
          lang: fc.constantFrom('en', 'th', 'zh', 'id'),
        }),
        ['region', 'items', 'items.0', 'items.0.productId', 'items.0.quantity', 'lang', 'other'],
      ),
      anyJson,
    );
    await fc.assert(
      fc.asyncProperty(anyJson, shopOrder, contentType, async (notification, body, type) => {
        await check({
          method: 'POST',
          path: NOTIFY_PATH,
          body: encodeBody(notification),
          headers: {
            'content-type': type,
            signature: 'algorithm=RSA256,keyVersion=1,signature=AAAA',
            'request-time': '1',
            'client-id': 'X',
          },
        });
        await check({
          method: 'POST',
          path: '/shop/api/orders',
          body: encodeBody(body),
          headers: { 'content-type': type },
        });
        await check({ method: 'GET', path: '/shop/api/catalog', headers: {} });
      }),
      runs(7_005),
    );
  });

  it('control characters in any text field, wherever it is stored or searched', async () => {
    const control = fc
      .tuple(
        ascii(0, 8),
        fc.constantFrom('\u0000', '\u0001', '\u0007', '\u001b', '\u007f', '\u202e', '\ud800', '\ufeff'),
        ascii(0, 8),
      )
      .map(([a, c, b]) => a + c + b);
    const textPaths = [
      'reference',
      'description',
      'items.0.name',
      'items.0.reference',
      'buyer.id',
      'buyer.phone',
      'buyer.name',
      'metadata.note',
    ] as const;
    await fc.assert(
      fc.asyncProperty(validOrder, fc.constantFrom(...textPaths), control, async (order, path, text) => {
        const body = spoil(
          path.startsWith('items.') && !(order as { items?: unknown[] }).items?.length
            ? {
                ...(order as object),
                items: [{ name: 'x', quantity: 1, unitAmount: { currency: 'THB', value: '100' } }],
              }
            : order,
          path,
          text,
        );
        await check({
          method: 'POST',
          path: '/api/v1/orders',
          body: JSON.stringify(body),
          headers: { ...merchant, 'content-type': 'application/json' },
        });
        await check({
          method: 'GET',
          path: `/api/v1/orders?q=${segment(text)}&cursor=${segment(text)}`,
          headers: merchant,
        });
        await check({
          method: 'POST',
          path: `/api/v1/orders/${paid.id}/refunds`,
          body: JSON.stringify({ amount: { currency: 'THB', value: '1' }, reason: text }),
          headers: { ...merchant, 'content-type': 'application/json' },
        });
        await check({
          method: 'GET',
          path: `/api/v1/checkout/${open.checkoutToken}?lang=${segment(text)}`,
          headers: {},
        });
        await check({
          method: 'POST',
          path: '/shop/api/orders',
          body: JSON.stringify({
            region: 'TH',
            items: [{ productId: products[0], quantity: 1 }],
            lang: text,
          }),
          headers: { 'content-type': 'application/json' },
        });
      }),
      runs(7_007, 40),
    );
  });

  it('refuses a wrong or missing merchant key on every Merchant API route, whatever the request', async () => {
    const routes = [
      ['POST', '/api/v1/orders'],
      ['GET', '/api/v1/orders'],
      ['GET', `/api/v1/orders/{paid}`],
      ['POST', `/api/v1/orders/{open}/close`],
      ['POST', `/api/v1/orders/{paid}/refunds`],
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(undefined),
          ascii(0, 80),
          fc.constantFrom(
            `Bearer ${MERCHANT_API_KEY}x`,
            `Bearer ${MERCHANT_API_KEY.slice(0, -1)}`,
            `Bearer ${MERCHANT_API_KEY.toUpperCase()}`,
            `Basic ${Buffer.from(`${MERCHANT_API_KEY}:`).toString('base64')}`,
            MERCHANT_API_KEY,
            `Token ${MERCHANT_API_KEY}`,
            `Bearer ${MERCHANT_API_KEY} ${MERCHANT_API_KEY}`,
            'Bearer',
            'Bearer ',
          ),
        ),
        fc.constantFrom(...routes),
        spoiled(validOrder, ORDER_PATHS),
        async (authorization, [method, path], body) => {
          const answer = await check({
            method,
            path: path.replace('{paid}', paid.id).replace('{open}', open.id),
            ...(method === 'POST' ? { body: JSON.stringify(body) } : {}),
            headers: {
              ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
              ...(authorization !== undefined ? { authorization } : {}),
            },
          });
          if (answer.status !== 0) {
            expect(answer.status).toBe(401);
            expect(answer.body.error.code).toBe('UNAUTHORIZED');
          }
        },
      ),
      runs(7_006, 50),
    );
  });
});
