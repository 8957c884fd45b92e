// The one error handler (docs/style.md §7): domain codes map to statuses here, validation failures name the
// field, and a 5xx never carries internal detail (it is logged instead).
import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, type DomainErrorCode } from '../domain/errors.ts';

const STATUS: Record<DomainErrorCode, number> = {
  VALIDATION_FAILED: 400,
  AMOUNT_INVALID: 400,
  CURRENCY_NOT_SUPPORTED: 400,
  UNAUTHORIZED: 401,
  ORDER_NOT_FOUND: 404,
  CHECKOUT_NOT_FOUND: 404,
  PAYMENT_NOT_FOUND: 404,
  ORDER_ALREADY_PAID: 409,
  ORDER_NOT_PAID: 409,
  ORDER_NOT_OPEN: 409,
  PAYMENT_IN_PROGRESS: 409,
  PAYMENT_NOT_CANCELLABLE: 409,
  IDEMPOTENCY_KEY_IN_USE: 409,
  CONFLICT: 409,
  ORDER_EXPIRED: 410,
  ORDER_CLOSED: 410,
  PAYMENT_METHOD_UNAVAILABLE: 422,
  CURRENCY_MISMATCH: 422,
  REFUND_AMOUNT_EXCEEDS_PAID: 422,
  REFUND_NOT_SUPPORTED: 422,
  REFUND_REJECTED: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  URL_NOT_ALLOWED: 422,
  RATE_LIMITED: 429,
  TOO_MANY_STREAMS: 429,
  GATEWAY_UNAVAILABLE: 503,
  REPORT_MALFORMED: 422,
  DISCREPANCY_NOT_FOUND: 404,
};

export function statusOf(code: DomainErrorCode): number {
  return STATUS[code];
}

interface AjvError {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

function fieldOf(error: AjvError, part: string): string {
  const path = (error.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const extra = error.params?.missingProperty ?? error.params?.additionalProperty;
  const field = [path, extra].filter(Boolean).join('.');
  return field ? `${part}.${field}` : part;
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) {
      return reply.status(statusOf(error.code)).send({
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      });
    }
    if (error.validation) {
      const part = error.validationContext ?? 'body';
      const details = (error.validation as AjvError[]).map((v) => ({
        field: fieldOf(v, part),
        message: v.params?.additionalProperty ? 'is not a known field' : (v.message ?? 'is invalid'),
      }));
      const message = details.map((d) => `${d.field} ${d.message}`).join('; ');
      return reply.status(400).send({ error: { code: 'VALIDATION_FAILED', message, details } });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code =
        error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? 'BODY_TOO_LARGE'
          : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? 'UNSUPPORTED_MEDIA_TYPE'
            : error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
              ? 'BODY_REQUIRED'
              : status === 400
                ? 'MALFORMED_REQUEST'
                : 'REQUEST_REJECTED';
      return reply.status(status).send({ error: { code, message: error.message } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .status(500)
      .send({ error: { code: 'INTERNAL', message: 'something went wrong on our side' } });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    });
  });
}
