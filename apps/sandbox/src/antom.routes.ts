// The Antom protocol surface (docs/antom-notes.md §1.2, §2): the six APIs under `/ams/api/v1/payments/…`
// (live client ids) and `/ams/sandbox/api/v1/payments/…` (`SANDBOX_…` ids). Each request's signature is
// checked over the raw bytes received and the request's path (an absolute-form target is reduced to it in
// app.ts); each answer — including refusals — is HTTP 200, signed with the gateway key over
// `POST <request path>\n<client-id>.<response-time>.<body>`. Faults are applied here, around the services.
import type { KeyObject } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  apiFromPath,
  apiPath,
  AntomSignatureError,
  isSandboxClientId,
  formatSignatureHeader,
  parseSignatureHeader,
  signMessage,
  verifyMessage,
  type AntomApi,
} from '@paydesk/antom';
import type { ApiFaultRule, FaultInjector } from './faults.ts';
import type { ConsultService } from './consult.service.ts';
import type { PaymentService } from './payment.service.ts';
import type { RefundService } from './refund.service.ts';
import { failure, inProcess, type AntomAnswer } from './results.ts';
import type { RequestRecord, SandboxStore } from './store.ts';
import { formatAntomTime, parseRequestTime } from './time.ts';
import type { Timers } from './timers.ts';

export interface AntomRoutesOptions {
  clientId: string;
  keyVersion: string;
  merchantPublicKey: KeyObject;
  gatewayPrivateKey: KeyObject;
  consult: ConsultService;
  payments: PaymentService;
  refunds: RefundService;
  store: SandboxStore;
  faults: FaultInjector;
  timers: Timers;
  now: () => number;
}

export const API_PREFIXES = ['/ams/api/v1/payments', '/ams/sandbox/api/v1/payments'] as const;

/**
 * Antom's code for a missing or unknown client id, as its cancel result table spells it
 * (docs.antom.com/ac/ams_zh-cn/paymentc: CLIENT_INVALID, "check that clientId is correct").
 */
const CLIENT_INVALID = 'CLIENT_INVALID';

type SignatureMode = 'valid' | 'wrong' | 'missing';

/** Registers the protocol routes (an encapsulated plugin: it reads bodies as raw bytes). */
export async function antomRoutes(app: FastifyInstance, options: AntomRoutesOptions): Promise<void> {
  const { store, faults, timers } = options;

  // Signatures cover the exact bytes sent, so bodies are read raw whatever the content type says.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const dispatch: Record<AntomApi, (body: unknown) => AntomAnswer> = {
    consult: (body) => options.consult.consult(body),
    pay: (body) => options.payments.pay(body),
    inquiryPayment: (body) => options.payments.inquiryPayment(body),
    cancel: (body) => options.payments.cancel(body),
    refund: (body) => options.refunds.refund(body),
    inquiryRefund: (body) => options.refunds.inquiryRefund(body),
  };

  function send(
    request: FastifyRequest,
    reply: FastifyReply,
    record: RequestRecord,
    answer: AntomAnswer,
    mode: SignatureMode = 'valid',
    httpStatus = 200,
  ): FastifyReply {
    const body = JSON.stringify(answer);
    const clientId = headerOf(request, 'client-id') ?? options.clientId;
    const responseTime = formatAntomTime(options.now());
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=UTF-8',
      'client-id': clientId,
      'response-time': responseTime,
    };
    if (mode !== 'missing') {
      // A "wrong" signature is a real signature over other content: well-formed, but it does not verify.
      const signed = mode === 'valid' ? body : `${body} `;
      const signature = signMessage(
        { path: request.url, clientId, time: responseTime, body: signed },
        options.gatewayPrivateKey,
      );
      headers.signature = formatSignatureHeader(signature, options.keyVersion);
    }
    record.httpStatus = httpStatus;
    record.resultStatus = answer.result.resultStatus;
    record.resultCode = answer.result.resultCode;
    noteIds(record, answer);
    store.changed();
    return reply.code(httpStatus).headers(headers).send(body);
  }

  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    // Signatures cover the path with its query; the API is named by the path alone.
    const api = apiFromPath(request.url.split('?')[0]!);
    const clientIdHeader = headerOf(request, 'client-id');
    const record = store.logRequest({
      at: new Date(options.now()).toISOString(),
      api: api ?? 'unknown',
      path: request.url,
      ...(clientIdHeader ? { clientId: clientIdHeader } : {}),
      httpStatus: 200,
    });
    if (!api) return send(request, reply, record, failure('INVALID_API', `no API at ${request.url}`));

    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const refusal = authenticate(request, api, raw, options);
    if (refusal) return send(request, reply, record, refusal);

    const contentType = headerOf(request, 'content-type') ?? '';
    if (!/^application\/json\b/i.test(contentType)) {
      return send(
        request,
        reply,
        record,
        failure('MEDIA_TYPE_NOT_ACCEPTABLE', 'Content-Type must be application/json; charset=UTF-8'),
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return send(request, reply, record, failure('PARAM_ILLEGAL', 'the body is not valid JSON'));
    }
    noteIds(record, body);

    const decision = faults.decideApi(api);
    const labels: string[] = [];
    if (decision.latencyMs > 0) labels.push(`latency ${decision.latencyMs} ms`);
    const fault: ApiFaultRule | undefined = decision.fault;
    if (fault) labels.push(fault.status ? `${fault.kind} ${fault.status}` : fault.kind);
    if (labels.length > 0) record.fault = labels.join(', ');
    if (decision.latencyMs > 0) await timers.sleep(decision.latencyMs);

    // Faults that stop the request before it is processed.
    if (fault?.kind === 'http5xx' || (fault?.kind === 'rateLimit' && fault.status === 429)) {
      const status = fault.status!;
      record.httpStatus = status;
      store.changed();
      return reply
        .code(status)
        .header('content-type', 'text/plain; charset=utf-8')
        .headers(status === 429 ? { 'retry-after': '1' } : {})
        .send(status === 429 ? 'Too Many Requests' : `${status} upstream error (sandbox fault injection)`);
    }
    if (fault?.kind === 'unknown') {
      return send(request, reply, record, inProcess('UNKNOWN_EXCEPTION', 'An unknown exception occurred.'));
    }
    if (fault?.kind === 'rateLimit') {
      return send(
        request,
        reply,
        record,
        inProcess('REQUEST_TRAFFIC_EXCEED_LIMIT', 'The request traffic exceeds the limit.'),
      );
    }

    let answer: AntomAnswer;
    try {
      answer = dispatch[api](body);
    } catch (error) {
      request.log.error({ err: error }, 'sandbox API handler failed');
      answer = inProcess('UNKNOWN_EXCEPTION', 'An unknown exception occurred.');
    }

    if (fault?.kind === 'lostReply') {
      // The work is done and the state changed; the merchant just never hears about it.
      record.httpStatus = null;
      record.resultStatus = answer.result.resultStatus;
      record.resultCode = answer.result.resultCode;
      noteIds(record, answer);
      store.changed();
      reply.hijack();
      request.raw.socket?.destroy();
      return;
    }
    const mode: SignatureMode =
      fault?.kind === 'badSignature' ? 'wrong' : fault?.kind === 'unsigned' ? 'missing' : 'valid';
    return send(request, reply, record, answer, mode);
  }

  for (const prefix of API_PREFIXES) {
    app.post(`${prefix}/:api`, handle);
  }

  // Malformed requests Fastify refuses before the handler (a body over the limit, a broken stream):
  // still an Antom-shaped, signed answer, with the 4xx status that says what happened.
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const record = store.logRequest({
      at: new Date(options.now()).toISOString(),
      api: apiFromPath(request.url.split('?')[0]!) ?? 'unknown',
      path: request.url,
      httpStatus: status,
    });
    if (status === 500) request.log.error({ err: error }, 'sandbox API request failed');
    const answer =
      status === 500
        ? inProcess('UNKNOWN_EXCEPTION', 'An unknown exception occurred.')
        : failure('PARAM_ILLEGAL', status === 413 ? 'the request body is too large' : error.message);
    return send(request, reply, record, answer, 'valid', status);
  });
}

/**
 * Checks client id, request-time, key version and signature (docs/antom-notes.md §2.1–2.3); returns the F
 * answer when refused. A `SANDBOX_…` client id exists only on the sandbox paths and any other id only on the
 * live ones (docs/antom-notes.md §1.1), so a request on the wrong prefix names no client Antom knows there.
 */
function authenticate(
  request: FastifyRequest,
  api: AntomApi,
  raw: Buffer,
  options: AntomRoutesOptions,
): AntomAnswer | undefined {
  const clientId = headerOf(request, 'client-id');
  if (!clientId) return failure(CLIENT_INVALID, 'the client-id header is missing');
  if (clientId !== options.clientId)
    return failure(CLIENT_INVALID, `client-id ${clientId} is not registered`);
  const path = request.url.split('?')[0]!;
  const expected = apiPath(api, clientId);
  if (path !== expected) {
    return failure(
      CLIENT_INVALID,
      isSandboxClientId(clientId)
        ? `client-id ${clientId} is a sandbox client id: it exists on ${expected}, not on the live path ${path}`
        : `client-id ${clientId} is not a sandbox client id: it exists on ${expected}, not on the sandbox path ${path}`,
    );
  }
  const requestTime = headerOf(request, 'request-time');
  if (!requestTime) return failure('INVALID_SIGNATURE', 'the request-time header is missing');
  if (parseRequestTime(requestTime) === undefined) {
    return failure(
      'PARAM_ILLEGAL',
      `request-time ${JSON.stringify(requestTime.slice(0, 64))} is not a time in a documented format: epoch milliseconds (1685599933871) or ISO-8601 with a zone (2019-01-01T01:01:01Z, 2019-01-01T09:01:01+08:00)`,
    );
  }
  let signature: string;
  let keyVersion: string | undefined;
  try {
    ({ signature, keyVersion } = parseSignatureHeader(headerOf(request, 'signature')));
  } catch (error) {
    return failure(
      'INVALID_SIGNATURE',
      error instanceof AntomSignatureError ? error.message : 'the signature header is malformed',
    );
  }
  // An omitted keyVersion means the latest key bound to the client id (docs/antom-notes.md §2.1).
  if (keyVersion !== undefined && keyVersion !== options.keyVersion) {
    return failure('KEY_NOT_FOUND', `no public key with keyVersion ${keyVersion} for client-id ${clientId}`);
  }
  const valid = verifyMessage(
    { path: request.url, clientId, time: requestTime, body: raw },
    signature,
    options.merchantPublicKey,
  );
  if (!valid) {
    return failure(
      'INVALID_SIGNATURE',
      `the signature does not match: sign "POST ${request.url}\\n${clientId}.<request-time>.<body>" with the merchant private key`,
    );
  }
  return undefined;
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

/** Copies the ids a request or answer names into its request-log record (for `?paymentRequestId=`). */
function noteIds(record: RequestRecord, source: unknown): void {
  if (source === null || typeof source !== 'object') return;
  const fields = source as Record<string, unknown>;
  for (const key of ['paymentRequestId', 'paymentId', 'refundRequestId', 'refundId'] as const) {
    const value = fields[key];
    if (typeof value === 'string' && value !== '' && record[key] === undefined) record[key] = value;
  }
}
