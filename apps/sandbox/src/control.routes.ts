// The control API (D3.9): JSON routes under /sandbox/api that play the buyer (pay,
// decline, scan a code), move time (expire), show the money truth (ledger) and every gateway call
// (requests), and set fault injection. Bad input is a 4xx `{ error: { code, message } }` that changes nothing.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AntomApi } from '@paydesk/antom';
import { parseFaultConfig, type FaultInjector } from './faults.ts';
import { ledgerOf } from './ledger.ts';
import { PAYMENT_METHODS } from './methods.ts';
import type { PaymentService } from './payment.service.ts';
import type { RefundService } from './refund.service.ts';
import { ControlError, httpErrorOf } from './http-errors.ts';
import type { NotificationRecord, PaymentRecord, RefundRecord, SandboxStore } from './store.ts';
import { findByCode } from './wallet.routes.ts';

export interface ControlRoutesOptions {
  store: SandboxStore;
  payments: PaymentService;
  refunds: RefundService;
  faults: FaultInjector;
  clientId: string;
  gatewayPublicKeyPem: string;
  publicUrl: () => string;
  /** Forgets payments, refunds, requests and faults; stops pending timers and deliveries. */
  reset: () => Promise<void>;
}

const APIS: readonly string[] = [
  'consult',
  'pay',
  'inquiryPayment',
  'cancel',
  'refund',
  'inquiryRefund',
  'unknown',
];
const RESULT_CODE = /^[A-Z][A-Z0-9_]{2,63}$/;

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

/** A notification as the control API shows it. */
export function notificationView(n: NotificationRecord): Record<string, unknown> {
  return {
    id: n.id,
    notifyType: n.notifyType,
    url: n.url,
    status: n.status,
    delivered: n.delivered,
    attempts: n.attempts,
    ...(n.nextAttemptAt !== undefined && n.status === 'pending'
      ? { nextAttemptAt: iso(n.nextAttemptAt) }
      : {}),
    body: JSON.parse(n.body) as unknown,
  };
}

function notificationsOf(store: SandboxStore, ids: string[]): Record<string, unknown>[] {
  return ids
    .map((id) => store.notification(id))
    .filter((n): n is NotificationRecord => n !== undefined)
    .map(notificationView);
}

/** A refund as the control API shows it. */
export function refundView(store: SandboxStore, r: RefundRecord): Record<string, unknown> {
  return {
    refundId: r.refundId,
    refundRequestId: r.refundRequestId,
    paymentId: r.paymentId,
    status: r.status,
    resultCode: r.resultCode,
    resultMessage: r.resultMessage,
    amount: r.amount,
    mode: r.mode,
    createdAt: iso(r.createdAt),
    ...(r.finishedAt !== undefined ? { finishedAt: iso(r.finishedAt) } : {}),
    ...(r.settlesAt !== undefined && r.status === 'PROCESSING' ? { settlesAt: iso(r.settlesAt) } : {}),
    notifyUrl: r.notifyUrl ?? null,
    notifications: notificationsOf(store, r.notificationIds),
  };
}

/** A payment as the control API shows it. */
export function paymentView(
  store: SandboxStore,
  walletUrl: string,
  p: PaymentRecord,
): Record<string, unknown> {
  return {
    paymentId: p.paymentId,
    paymentRequestId: p.paymentRequestId,
    referenceOrderId: p.referenceOrderId,
    orderDescription: p.orderDescription,
    status: p.status,
    resultCode: p.resultCode,
    resultMessage: p.resultMessage,
    expired: p.expired,
    paymentMethodType: p.paymentMethodType,
    terminalType: p.terminalType,
    amount: p.amount,
    codeValue: p.codeValue,
    walletUrl,
    createdAt: iso(p.createdAt),
    expiresAt: iso(p.expiresAt),
    ...(p.paidAt !== undefined ? { paidAt: iso(p.paidAt) } : {}),
    ...(p.failedAt !== undefined ? { failedAt: iso(p.failedAt) } : {}),
    ...(p.cancelledAt !== undefined
      ? { cancelledAt: iso(p.cancelledAt), reversedAmount: p.reversedAmount }
      : {}),
    notifyUrl: p.notifyUrl ?? null,
    refunds: store.refundsOf(p.paymentId).map((r) => ({
      refundId: r.refundId,
      refundRequestId: r.refundRequestId,
      status: r.status,
      amount: r.amount,
    })),
    notifications: notificationsOf(store, p.notificationIds),
  };
}

function bad(code: string, message: string): never {
  throw new ControlError(400, code, message);
}

/** Rejects query parameters other than `allowed`, and non-string or over-long values. */
function query(request: FastifyRequest, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (!allowed.includes(key)) {
      bad(
        'INVALID_QUERY',
        `unknown query parameter ${key}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`,
      );
    }
    if (typeof value !== 'string' || value.length > 128)
      bad('INVALID_QUERY', `${key} must be given once, at most 128 characters`);
    out[key] = value;
  }
  return out;
}

/** An optional JSON object body with only `allowed` keys. */
function objectBody(body: unknown, allowed: readonly string[], required = false): Record<string, unknown> {
  if (body === undefined || body === null) {
    if (required) bad('INVALID_BODY', 'a JSON object body is required');
    return {};
  }
  if (typeof body !== 'object' || Array.isArray(body)) bad('INVALID_BODY', 'the body must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key))
      bad('INVALID_BODY', `${key} is not a known field (allowed: ${allowed.join(', ') || 'none'})`);
  }
  return body as Record<string, unknown>;
}

function optionalString(
  body: Record<string, unknown>,
  field: string,
  max: number,
  pattern?: RegExp,
): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > max ||
    (pattern && !pattern.test(value))
  ) {
    bad(
      'INVALID_BODY',
      `${field} must be a string of 1–${max} characters${pattern ? ` matching ${pattern.source}` : ''}`,
    );
  }
  return value;
}

export async function controlRoutes(app: FastifyInstance, options: ControlRoutesOptions): Promise<void> {
  const { store, payments, refunds, faults } = options;

  // JSON whatever the content type says (curl -d sends form encoding); an empty body is "no body".
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ControlError(400, 'INVALID_JSON', 'the body is not valid JSON'), undefined);
    }
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const known = httpErrorOf(error);
    if (known) {
      return reply.code(known.statusCode).send({ error: { code: known.code, message: known.message } });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .send({ error: { code: error.code ?? 'BAD_REQUEST', message: error.message } });
    }
    request.log.error({ err: error }, 'sandbox control request failed');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
  });

  const walletUrl = (p: PaymentRecord): string => payments.walletUrl(p.token);
  const view = (p: PaymentRecord): Record<string, unknown> =>
    paymentView(store, walletUrl(p), payments.refresh(p));
  const paymentOr404 = (paymentId: string): PaymentRecord => {
    const payment = store.payment(paymentId);
    if (!payment) throw new ControlError(404, 'PAYMENT_NOT_FOUND', `no payment with paymentId ${paymentId}`);
    return payment;
  };
  const refundOr404 = (refundId: string): RefundRecord => {
    const refund = store.refund(refundId) ?? store.refundByRequestId(refundId);
    if (!refund) throw new ControlError(404, 'REFUND_NOT_FOUND', `no refund with refundId ${refundId}`);
    return refund;
  };

  app.get('/sandbox/api/info', async (request) => {
    query(request, []);
    return {
      clientId: options.clientId,
      publicUrl: options.publicUrl(),
      gatewayPublicKeyPem: options.gatewayPublicKeyPem,
      apiPrefixes: ['/ams/api/v1/payments', '/ams/sandbox/api/v1/payments'],
    };
  });

  app.get('/sandbox/api/methods', async (request) => {
    query(request, []);
    return { methods: PAYMENT_METHODS };
  });

  app.get('/sandbox/api/payments', async (request) => {
    const q = query(request, ['paymentRequestId', 'status']);
    const list = store
      .payments()
      .map((p) => payments.refresh(p))
      .filter(
        (p) =>
          (q.paymentRequestId === undefined || p.paymentRequestId === q.paymentRequestId) &&
          (q.status === undefined || p.status === q.status),
      );
    return { payments: list.map(view) };
  });

  app.get<{ Params: { paymentId: string } }>('/sandbox/api/payments/:paymentId', async (request) => {
    query(request, []);
    return view(paymentOr404(request.params.paymentId));
  });

  app.post<{ Params: { paymentId: string } }>('/sandbox/api/payments/:paymentId/pay', async (request) => {
    objectBody(request.body, []);
    return view(payments.buyerPay(paymentOr404(request.params.paymentId)));
  });

  app.post<{ Params: { paymentId: string } }>('/sandbox/api/payments/:paymentId/fail', async (request) => {
    const body = objectBody(request.body, ['resultCode', 'resultMessage']);
    const resultCode = optionalString(body, 'resultCode', 64, RESULT_CODE) ?? 'USER_BALANCE_NOT_ENOUGH';
    const resultMessage = optionalString(body, 'resultMessage', 256);
    return view(payments.buyerFail(paymentOr404(request.params.paymentId), resultCode, resultMessage));
  });

  app.post<{ Params: { paymentId: string } }>('/sandbox/api/payments/:paymentId/expire', async (request) => {
    objectBody(request.body, []);
    return view(payments.forceExpire(paymentOr404(request.params.paymentId)));
  });

  app.post('/sandbox/api/codes/pay', async (request) => {
    const body = objectBody(request.body, ['codeValue'], true);
    const codeValue = optionalString(body, 'codeValue', 2048);
    if (codeValue === undefined) bad('INVALID_BODY', 'codeValue is required');
    const payment = findByCode(store, codeValue);
    if (!payment) throw new ControlError(404, 'CODE_NOT_FOUND', 'no payment shows this code');
    return view(payments.buyerPay(payment));
  });

  app.get('/sandbox/api/refunds', async (request) => {
    const q = query(request, ['paymentId', 'refundRequestId']);
    const list = store
      .refunds()
      .filter(
        (r) =>
          (q.paymentId === undefined || r.paymentId === q.paymentId) &&
          (q.refundRequestId === undefined || r.refundRequestId === q.refundRequestId),
      );
    return { refunds: list.map((r) => refundView(store, r)) };
  });

  app.get<{ Params: { refundId: string } }>('/sandbox/api/refunds/:refundId', async (request) => {
    query(request, []);
    return refundView(store, refundOr404(request.params.refundId));
  });

  app.post<{ Params: { refundId: string } }>('/sandbox/api/refunds/:refundId/complete', async (request) => {
    objectBody(request.body, []);
    return refundView(store, refunds.settleNow(refundOr404(request.params.refundId), 'SUCCESS'));
  });

  app.post<{ Params: { refundId: string } }>('/sandbox/api/refunds/:refundId/fail', async (request) => {
    const body = objectBody(request.body, ['resultCode', 'resultMessage']);
    const resultCode = optionalString(body, 'resultCode', 64, RESULT_CODE);
    const resultMessage = optionalString(body, 'resultMessage', 256);
    return refundView(
      store,
      refunds.settleNow(refundOr404(request.params.refundId), 'FAIL', resultCode, resultMessage),
    );
  });

  app.get('/sandbox/api/notifications', async (request) => {
    const q = query(request, ['paymentId', 'notifyType']);
    const list = store
      .notifications()
      .filter(
        (n) =>
          (q.paymentId === undefined || n.paymentId === q.paymentId) &&
          (q.notifyType === undefined || n.notifyType === q.notifyType),
      );
    return { notifications: list.map(notificationView) };
  });

  app.get('/sandbox/api/ledger', async (request) => {
    const q = query(request, ['paymentRequestId']);
    const list = store
      .payments()
      .map((p) => payments.refresh(p))
      .filter((p) => q.paymentRequestId === undefined || p.paymentRequestId === q.paymentRequestId);
    return { payments: list.map((p) => ledgerOf(p, store.refundsOf(p.paymentId))) };
  });

  app.get('/sandbox/api/requests', async (request) => {
    const q = query(request, ['api', 'paymentRequestId', 'paymentId', 'refundRequestId']);
    if (q.api !== undefined && !APIS.includes(q.api))
      bad('INVALID_QUERY', `api must be one of ${APIS.join(', ')}`);
    const list = store
      .requests()
      .filter(
        (r) =>
          (q.api === undefined || r.api === (q.api as AntomApi)) &&
          (q.paymentRequestId === undefined || r.paymentRequestId === q.paymentRequestId) &&
          (q.paymentId === undefined || r.paymentId === q.paymentId) &&
          (q.refundRequestId === undefined || r.refundRequestId === q.refundRequestId),
      );
    return { requests: list };
  });

  app.get('/sandbox/api/faults', async (request) => {
    query(request, []);
    return faults.describe();
  });

  app.put('/sandbox/api/faults', async (request) => {
    query(request, []);
    // Parsed in full before anything changes: a bad rule leaves the current faults in place.
    const config = parseFaultConfig(request.body, () => Math.floor(Math.random() * 4_294_967_296));
    faults.set(config);
    return faults.describe();
  });

  app.delete('/sandbox/api/faults', async (request) => {
    query(request, []);
    faults.clear();
    return faults.describe();
  });

  app.post('/sandbox/api/reset', async (request) => {
    query(request, []);
    objectBody(request.body, []);
    await options.reset();
    return { reset: true };
  });
}
