// The Antom adapter of the gateway port. Policy (docs/antom-notes.md §4, §6; D6.5): `pay` is resent only
// after a *signed* U answer that says the request was not processed (UNKNOWN_EXCEPTION,
// REQUEST_TRAFFIC_EXCEED_LIMIT), with the same id and the same bytes; a lost or unverifiable reply is
// "unknown" and is settled by inquiry, never by a second `pay`. Reads, cancel and refund retry freely:
// their ids make a resend harmless.
import {
  AntomClient,
  AntomError,
  NOTIFICATION_ACK,
  RETRYABLE_UNKNOWN_CODES,
  loadPublicKey,
  verifyNotification,
  type AntomCallRecord,
  type KeyInput,
  type PaymentOption,
  type PayRequest,
  type PayResponse,
} from '@paydesk/antom';
import type { Money } from '@paydesk/api';
import type {
  CallContext,
  CancelResult,
  CreatePaymentInput,
  CreatePaymentResult,
  GatewayCallLog,
  GatewayMethodOption,
  InquiryResult,
  PaymentGateway,
  RefundInquiryResult,
  RefundResult,
  VerifiedNotification,
} from './payment-gateway.ts';

export interface AntomGatewayOptions {
  clientId: string;
  privateKey: KeyInput;
  antomPublicKey: KeyInput;
  gatewayUrl: string;
  keyVersion: string;
  /** Our notify URL (Antom signs notifications over its path). */
  notifyUrl: string;
  settlementCurrency: string | null;
  isSandbox: boolean;
  timeoutMs?: number;
  /** How the code of each method is shown: a QR to draw, or text to type. */
  codeDisplay: (paymentMethodType: string) => 'qr' | 'text';
  onCall?: (log: GatewayCallLog) => void;
  sleep?: (ms: number) => Promise<void>;
}

const PAY_RESEND_LIMIT = 2;

/** Antom wants ISO-8601 with an explicit offset (docs/antom-notes.md §7.3). */
function antomTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}

function parseTime(value: string | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

// Image renderings, largest first: the cashier shows Antom's image only when no TEXT value came.
const IMAGE_PREFERENCE = ['BIGIMAGE', 'MIDDLEIMAGE', 'IMAGE', 'SMALLIMAGE'] as const;

/**
 * The code to show from `orderCodeForm.codeDetails` (docs/antom-notes.md §4; D13.7): a TEXT value becomes
 * our own rendering (`qr` drawn by the cashier, or `text` to type, per the method); with images only,
 * Antom's largest image (`image`). A value that is neither a URL nor a data URL is taken as base64 PNG,
 * as the SDK models allow ("an image URL, plain or base64-encoded"). Without any, the normalUrl as a QR.
 */
export function codeOf(
  response: PayResponse,
  display: 'qr' | 'text',
): { kind: 'qr' | 'text' | 'image'; value: string } | null {
  const details = response.orderCodeForm?.codeDetails ?? [];
  const text = details.find((detail) => detail.displayType === 'TEXT' && detail.codeValue);
  if (text) return { kind: display, value: text.codeValue };
  for (const displayType of IMAGE_PREFERENCE) {
    const image = details.find((detail) => detail.displayType === displayType && detail.codeValue);
    if (image) return { kind: 'image', value: imageSource(image.codeValue) };
  }
  return response.normalUrl ? { kind: 'qr', value: response.normalUrl } : null;
}

function imageSource(value: string): string {
  if (/^(https?:|data:image\/)/i.test(value)) return value;
  return `data:image/png;base64,${value.replace(/\s+/g, '')}`;
}

/**
 * A gateway image URL the buyer's page may show: https, or http on a loopback host (the development
 * sandbox). Anything else (a `javascript:` or `data:` URL, a typo) is dropped and the bundled logo shows.
 */
export function imageUrlOf(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    if (url.protocol === 'https:') return url.href;
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    return url.protocol === 'http:' && loopback ? url.href : null;
  } catch {
    return null;
  }
}

/** consult's per-payment limits for a currency (`amountLimitInfoMap[currency].singleLimit`), if any. */
function singleLimitOf(option: PaymentOption, currency: string): GatewayMethodOption['limits'] {
  const single = option.amountLimitInfoMap?.[currency]?.singleLimit;
  const min = single?.minAmount?.currency === currency ? single.minAmount.value : null;
  const max = single?.maxAmount?.currency === currency ? single.maxAmount.value : null;
  return min === null && max === null ? null : { min, max };
}

function errorCode(error: unknown): string {
  return error instanceof AntomError ? error.code : 'GATEWAY_ERROR';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class AntomGateway implements PaymentGateway {
  readonly isSandbox: boolean;
  readonly #client: AntomClient;
  readonly #options: AntomGatewayOptions;
  /**
   * The notify URL as Antom calls it: its path and query string are what Antom signs
   * (docs/antom-notes.md §2.4).
   */
  readonly #notifyTarget: string;
  readonly #antomPublicKey;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: AntomGatewayOptions) {
    this.#options = options;
    this.isSandbox = options.isSandbox;
    const notify = new URL(options.notifyUrl);
    this.#notifyTarget = notify.pathname + notify.search;
    this.#antomPublicKey = loadPublicKey(options.antomPublicKey, 'ANTOM_PUBLIC_KEY');
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#client = new AntomClient({
      clientId: options.clientId,
      privateKey: options.privateKey,
      antomPublicKey: this.#antomPublicKey,
      gatewayUrl: options.gatewayUrl,
      keyVersion: options.keyVersion,
      timeoutMs: options.timeoutMs ?? 8_000,
      maxRetries: 2,
      backoffMs: 200,
    });
  }

  /** The longest one call (inquiry, cancel, refund) may take with its retries (ms). */
  maxCallDurationMs(): number {
    return this.#client.maxCallDurationMs();
  }

  /** The longest a confirm may wait on `pay`, for the lease of a PENDING attempt (ms). */
  maxPayDurationMs(): number {
    return (
      this.#client.maxCallDurationMs({ maxRetries: 0 }) * (PAY_RESEND_LIMIT + 1) + 2_000 * PAY_RESEND_LIMIT
    );
  }

  /**
   * The audit hook of one call, tied to its order and payment. (Passed per call rather than kept in
   * AsyncLocalStorage, which on Node 20 puts a hook on every promise in the process.)
   */
  #logFor(context: CallContext | undefined): (record: AntomCallRecord) => void {
    return (record) => this.#log(record, context);
  }

  #log(record: AntomCallRecord, context: CallContext | undefined): void {
    this.#options.onCall?.({
      context,
      api: record.api,
      attempt: record.attempt,
      requestTime: record.requestTime,
      requestBody: record.requestBody,
      httpStatus: record.httpStatus,
      responseBody: record.responseBody,
      resultStatus: record.result?.resultStatus,
      resultCode: record.result?.resultCode,
      error: record.error ? `${record.error.code}: ${record.error.message}` : undefined,
      errorType: record.error?.type,
      durationMs: record.durationMs,
      at: Date.now(),
    });
  }

  async createPayment(input: CreatePaymentInput, context: CallContext): Promise<CreatePaymentResult> {
    const request = this.#payRequest(input);
    for (let sent = 0; ; sent += 1) {
      let outcome;
      try {
        outcome = await this.#client.pay(request, { maxRetries: 0, onCall: this.#logFor(context) });
      } catch (error) {
        return { kind: 'unknown', code: errorCode(error), message: errorMessage(error) };
      }
      switch (outcome.kind) {
        case 'created':
          return this.#created(input, outcome.paymentId, outcome.response);
        case 'succeeded':
          return { kind: 'succeeded', gatewayPaymentId: outcome.paymentId ?? null };
        case 'failed':
          return {
            kind: 'failed',
            code: outcome.resultCode,
            message: outcome.resultMessage ?? outcome.resultCode,
          };
        case 'unknown':
          if (!RETRYABLE_UNKNOWN_CODES.has(outcome.resultCode) || sent >= PAY_RESEND_LIMIT) {
            return { kind: 'unknown', code: outcome.resultCode, message: outcome.resultMessage ?? '' };
          }
          await this.#sleep(300 * 2 ** sent + Math.floor(Math.random() * 200));
      }
    }
  }

  #payRequest(input: CreatePaymentInput): PayRequest {
    const buyer = input.buyer
      ? {
          ...(input.buyer.id ? { referenceBuyerId: input.buyer.id } : {}),
          ...(input.buyer.email ? { buyerEmail: input.buyer.email } : {}),
          ...(input.buyer.phone ? { buyerPhoneNo: input.buyer.phone } : {}),
          ...(input.buyer.name ? { buyerName: { fullName: input.buyer.name } } : {}),
        }
      : undefined;
    return {
      productCode: 'CASHIER_PAYMENT',
      paymentRequestId: input.paymentRequestId,
      order: {
        referenceOrderId: input.orderReference,
        orderDescription: input.orderDescription,
        orderAmount: input.amount,
        ...(buyer && Object.keys(buyer).length > 0 ? { buyer } : {}),
        ...(input.items.length > 0
          ? {
              goods: input.items.map((item, index) => ({
                referenceGoodsId: item.reference ?? String(index + 1),
                goodsName: item.name,
                goodsUnitAmount: item.unitAmount,
                goodsQuantity: String(item.quantity),
              })),
            }
          : {}),
      },
      paymentAmount: input.amount,
      paymentMethod: { paymentMethodType: input.paymentMethodType },
      paymentRedirectUrl: input.redirectUrl,
      paymentNotifyUrl: this.#options.notifyUrl,
      paymentExpiryTime: antomTime(input.expiresAt),
      ...(this.#options.settlementCurrency
        ? { settlementStrategy: { settlementCurrency: this.#options.settlementCurrency } }
        : {}),
      env: { terminalType: input.terminalType, ...(input.osType ? { osType: input.osType } : {}) },
      ...(input.userRegion ? { userRegion: input.userRegion } : {}),
    };
  }

  #created(input: CreatePaymentInput, paymentId: string, response: PayResponse): CreatePaymentResult {
    const mobile = input.terminalType !== 'WEB';
    const links = mobile
      ? {
          app: response.applinkUrl ?? null,
          scheme: response.schemeUrl ?? null,
          normal: response.normalUrl ?? null,
        }
      : null;
    return {
      kind: 'created',
      gatewayPaymentId: paymentId,
      code: codeOf(response, this.#options.codeDisplay(input.paymentMethodType)),
      codeExpiresAt: parseTime(response.orderCodeForm?.expireTime),
      deepLink: links ? (links.app ?? links.scheme) : null,
      links: links && (links.app || links.scheme || links.normal) ? links : null,
      walletUrl: this.isSandbox ? (response.normalUrl ?? null) : null,
    };
  }

  async inquirePayment(paymentRequestId: string, context: CallContext): Promise<InquiryResult> {
    try {
      const outcome = await this.#client.inquiryPayment(
        { paymentRequestId },
        { onCall: this.#logFor(context) },
      );
      if (outcome.kind === 'found') {
        const response = outcome.response;
        return {
          kind: 'found',
          status: outcome.paymentStatus,
          gatewayPaymentId: response.paymentId ?? null,
          resultCode: response.paymentResultCode ?? null,
          amount: response.paymentAmount ?? null,
          paidAt: parseTime(response.paymentTime),
          reversal: outcome.reversal ? { at: parseTime(outcome.reversal.time) } : null,
        };
      }
      if (outcome.kind === 'failed' && outcome.notFound) return { kind: 'not_found' };
      return { kind: 'unknown', code: outcome.resultCode };
    } catch (error) {
      return { kind: 'unknown', code: errorCode(error) };
    }
  }

  async cancelPayment(paymentRequestId: string, context: CallContext): Promise<CancelResult> {
    try {
      const outcome = await this.#client.cancel({ paymentRequestId }, { onCall: this.#logFor(context) });
      if (outcome.kind === 'cancelled') return { kind: 'cancelled' };
      if (outcome.kind === 'failed') {
        return {
          kind: 'rejected',
          code: outcome.resultCode,
          message: outcome.resultMessage ?? outcome.resultCode,
        };
      }
      return { kind: 'unknown', code: outcome.resultCode };
    } catch (error) {
      return { kind: 'unknown', code: errorCode(error) };
    }
  }

  async refund(
    input: { refundRequestId: string; gatewayPaymentId: string; amount: Money; reason: string | null },
    context: CallContext,
  ): Promise<RefundResult> {
    try {
      const outcome = await this.#client.refund(
        {
          refundRequestId: input.refundRequestId,
          paymentId: input.gatewayPaymentId,
          refundAmount: input.amount,
          ...(input.reason ? { refundReason: input.reason.slice(0, 256) } : {}),
          refundNotifyUrl: this.#options.notifyUrl,
        },
        { onCall: this.#logFor(context) },
      );
      switch (outcome.kind) {
        case 'succeeded':
          return { kind: 'succeeded', gatewayRefundId: outcome.refundId ?? null };
        case 'processing':
          return { kind: 'processing', gatewayRefundId: outcome.refundId ?? null };
        case 'failed':
          return {
            kind: 'rejected',
            code: outcome.resultCode,
            message: outcome.resultMessage ?? outcome.resultCode,
          };
        default:
          return { kind: 'unknown', code: outcome.resultCode };
      }
    } catch (error) {
      return { kind: 'unknown', code: errorCode(error) };
    }
  }

  async inquireRefund(refundRequestId: string, context: CallContext): Promise<RefundInquiryResult> {
    try {
      const outcome = await this.#client.inquiryRefund(
        { refundRequestId },
        { onCall: this.#logFor(context) },
      );
      if (outcome.kind === 'found') {
        return {
          kind: 'found',
          status: outcome.refundStatus,
          gatewayRefundId: outcome.response.refundId ?? null,
          resultCode: outcome.resultCode,
        };
      }
      if (outcome.kind === 'failed' && outcome.notFound) return { kind: 'not_found' };
      return { kind: 'unknown', code: outcome.resultCode };
    } catch (error) {
      return { kind: 'unknown', code: errorCode(error) };
    }
  }

  async consult(input: {
    amount: Money;
    region: string | null;
    terminalType: 'WEB' | 'WAP' | 'APP';
  }): Promise<GatewayMethodOption[] | undefined> {
    try {
      const outcome = await this.#client.consult(
        {
          productCode: 'CASHIER_PAYMENT',
          paymentAmount: input.amount,
          env: { terminalType: input.terminalType },
          ...(input.region ? { userRegion: input.region } : {}),
          ...(this.#options.settlementCurrency
            ? { settlementStrategy: { settlementCurrency: this.#options.settlementCurrency } }
            : {}),
        },
        { maxRetries: 0, timeoutMs: 3_000, onCall: this.#logFor(undefined) },
      );
      if (outcome.kind !== 'ok') return undefined;
      return (outcome.response.paymentOptions ?? []).map((option) => ({
        paymentMethodType: option.paymentMethodType,
        enabled: option.enabled === true || option.enabled === 'true',
        limits: singleLimitOf(option, input.amount.currency),
        logoUrl: imageUrlOf(option.logo?.logoUrl),
      }));
    } catch {
      return undefined;
    }
  }

  verifyNotification(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): VerifiedNotification {
    try {
      const event = verifyNotification({
        rawBody,
        headers,
        notifyPath: this.#notifyTarget,
        clientId: this.#options.clientId,
        antomPublicKey: this.#antomPublicKey,
      });
      const ack = NOTIFICATION_ACK;
      if (event.type === 'REFUND_RESULT') {
        return {
          ok: true,
          ack,
          notification: {
            type: 'refund',
            succeeded: event.outcome === 'succeeded',
            resultCode: event.result.resultCode,
            refundRequestId: event.refundRequestId,
            gatewayRefundId: event.refundId,
            amount: event.refundAmount,
          },
        };
      }
      if (event.type === 'OTHER') {
        return {
          ok: true,
          ack,
          notification: {
            type: 'other',
            notifyType: event.notifyType,
            paymentRequestId: event.paymentRequestId ?? null,
            refundRequestId: event.refundRequestId ?? null,
            gatewayPaymentId: event.paymentId ?? null,
            resultCode: event.result?.resultCode ?? null,
          },
        };
      }
      return {
        ok: true,
        ack,
        notification: {
          type: 'payment',
          final: event.type === 'PAYMENT_RESULT',
          succeeded: event.type === 'PAYMENT_RESULT' && event.outcome === 'succeeded',
          resultCode: event.result.resultCode,
          paymentRequestId: event.paymentRequestId,
          gatewayPaymentId: event.paymentId,
          amount: event.paymentAmount,
          paidAt: event.type === 'PAYMENT_RESULT' ? parseTime(event.paymentTime) : null,
        },
      };
    } catch (error) {
      const code = error instanceof AntomError ? error.type : 'notification';
      return {
        ok: false,
        reason: errorMessage(error),
        code:
          code === 'signature'
            ? 'SIGNATURE'
            : error instanceof AntomError && error.code === 'CLIENT_ID_MISMATCH'
              ? 'CLIENT'
              : 'MALFORMED',
      };
    }
  }
}
