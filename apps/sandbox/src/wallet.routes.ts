// The pages people use: the wallet simulator (reached from the QR payload `/wallet/c/<token>` or the code
// form `/wallet`), the overview at `/`, and generated method logos for consult's `logo.logoUrl`.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { imagePixels, qrSvg } from './codes.ts';
import { findMethod } from './methods.ts';
import { codeFormPage, initials, walletNotFoundPage, walletPage } from './pages/wallet.page.ts';
import { overviewPage } from './pages/overview.page.ts';
import { escapeHtml } from './pages/layout.ts';
import { DECLINE_CODES, type PaymentService } from './payment.service.ts';
import { httpErrorOf } from './http-errors.ts';
import type { PaymentRecord, SandboxStore } from './store.ts';
import type { FaultInjector } from './faults.ts';

export interface WalletRoutesOptions {
  store: SandboxStore;
  payments: PaymentService;
  faults: FaultInjector;
  merchantName: string;
  clientId: string;
  gatewayPublicKeyPem: string;
  publicUrl: () => string;
  now: () => number;
}

/**
 * Looks a payment up by what a buyer types or scans: the VA number (spaces and dashes ignored), the
 * wallet URL (the QR payload), or the URL of one of its code images.
 */
export function findByCode(store: SandboxStore, input: string): PaymentRecord | undefined {
  const trimmed = input.trim();
  const exact = store.paymentByCode(trimmed);
  if (exact) return exact;
  const digits = trimmed.replace(/[\s-]/g, '');
  if (/^\d+$/.test(digits)) return store.paymentByCode(digits);
  const token = /\/(?:wallet\/c|sandbox\/codes)\/([A-Za-z0-9_-]+)/.exec(trimmed)?.[1];
  return token ? store.paymentByToken(token) : undefined;
}

export async function walletRoutes(app: FastifyInstance, options: WalletRoutesOptions): Promise<void> {
  const { store, payments } = options;

  // HTML forms post urlencoded bodies; anything else is ignored rather than refused.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, _body, done) => done(null, {}));

  const html = (reply: FastifyReply, status: number, content: string): FastifyReply =>
    reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(content);

  app.get('/', async (_request, reply) =>
    html(
      reply,
      200,
      overviewPage({
        clientId: options.clientId,
        publicUrl: options.publicUrl(),
        gatewayPublicKeyPem: options.gatewayPublicKeyPem,
        payments: store.payments().map((payment) => payments.refresh(payment)),
        refunds: store.refunds(),
        notifications: store.notifications(),
        requests: store.requests(),
        faultsActive: options.faults.active,
        walletUrl: (payment) => `/wallet/c/${encodeURIComponent(payment.token)}`,
      }),
    ),
  );

  app.get<{ Querystring: { code?: string } }>('/wallet', async (request, reply) => {
    const code = typeof request.query.code === 'string' ? request.query.code : undefined;
    if (code === undefined || code.trim() === '') return html(reply, 200, codeFormPage({}));
    const payment = findByCode(store, code);
    if (!payment) {
      return html(
        reply,
        404,
        codeFormPage({ code, error: 'No payment shows this code. Check the number and try again.' }),
      );
    }
    return reply.redirect(`/wallet/c/${encodeURIComponent(payment.token)}`, 303);
  });

  app.get<{ Params: { token: string } }>('/wallet/c/:token', async (request, reply) => {
    const payment = store.paymentByToken(request.params.token);
    if (!payment) return html(reply, 404, walletNotFoundPage());
    payments.refresh(payment);
    return html(reply, 200, walletPage({ payment, merchantName: options.merchantName, now: options.now() }));
  });

  app.get<{ Params: { token: string } }>('/wallet/c/:token/status', async (request, reply) => {
    const payment = store.paymentByToken(request.params.token);
    if (!payment)
      return reply.code(404).send({ error: { code: 'PAYMENT_NOT_FOUND', message: 'unknown payment link' } });
    payments.refresh(payment);
    return reply.header('cache-control', 'no-store').send({
      status: payment.status,
      expiresAt: new Date(payment.expiresAt).toISOString(),
      serverTime: new Date(options.now()).toISOString(),
    });
  });

  app.post<{ Params: { token: string; action: string }; Body: Record<string, string> | undefined }>(
    '/wallet/c/:token/:action',
    async (request, reply) => {
      const { token, action } = request.params;
      if (action !== 'pay' && action !== 'decline') return html(reply, 404, walletNotFoundPage());
      const payment = store.paymentByToken(token);
      if (!payment) return html(reply, 404, walletNotFoundPage());
      try {
        if (action === 'pay') payments.buyerPay(payment);
        else {
          const reason = request.body?.reason;
          payments.buyerFail(
            payment,
            reason && Object.hasOwn(DECLINE_CODES, reason) ? reason : 'USER_BALANCE_NOT_ENOUGH',
          );
        }
      } catch (error) {
        const refused = httpErrorOf(error);
        if (!refused) throw error;
        return html(
          reply,
          refused.statusCode,
          walletPage({
            payment,
            merchantName: options.merchantName,
            now: options.now(),
            message: { kind: 'error', text: refused.message },
          }),
        );
      }
      // Post/redirect/get, so a reload does not resubmit.
      return reply.redirect(`/wallet/c/${encodeURIComponent(token)}`, 303);
    },
  );

  // The images of `codeDetails` (codes.ts): an SVG QR of the wallet URL at the size the entry names.
  app.get<{ Params: { token: string; file: string } }>(
    '/sandbox/codes/:token/:file',
    async (request, reply) => {
      const payment = store.paymentByToken(request.params.token);
      const pixels = imagePixels(request.params.file.replace(/\.svg$/, ''));
      if (!payment || pixels === undefined || !request.params.file.endsWith('.svg')) {
        return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'no such code image' } });
      }
      return reply
        .header('content-type', 'image/svg+xml')
        .header('cache-control', 'no-store')
        .send(qrSvg(payments.walletUrl(payment.token), pixels));
    },
  );

  app.get<{ Params: { file: string } }>('/sandbox/logos/:file', async (request, reply) => {
    const method = findMethod(request.params.file.replace(/\.svg$/, ''));
    if (!method || !request.params.file.endsWith('.svg')) {
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'no such logo' } });
    }
    const label = initials(method.name);
    return reply
      .header('content-type', 'image/svg+xml')
      .header('cache-control', 'public, max-age=86400')
      .send(
        `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96" role="img" aria-label="${escapeHtml(method.name)}"><rect width="96" height="96" rx="18" fill="${method.color}"/><text x="48" y="59" font-family="system-ui,sans-serif" font-size="32" font-weight="700" text-anchor="middle" fill="#fff">${escapeHtml(label)}</text></svg>`,
      );
  });
}
