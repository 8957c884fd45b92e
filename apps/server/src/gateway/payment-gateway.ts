// The gateway port (docs/style.md §2): what the checkout needs from a QR payment gateway, in domain terms.
// antom.gateway.ts adapts the Antom client to it; another QR gateway could be added beside it.
import type { Money } from '@paydesk/api';

/**
 * PENDING: the buyer completed and the final result is awaited (docs/antom-notes.md §5.1) — not cancellable
 * by us.
 */
export type GatewayPaymentStatus = 'PROCESSING' | 'PENDING' | 'SUCCESS' | 'FAIL' | 'CANCELLED';

/** Who a gateway call is made for, so every call is logged against its order (D4.16). */
export interface CallContext {
  orderId: string;
  paymentId?: string;
  refundId?: string;
}

export interface CreatePaymentInput {
  paymentRequestId: string;
  orderReference: string;
  orderDescription: string;
  amount: Money;
  items: { name: string; quantity: number; unitAmount: Money; reference?: string }[];
  buyer: { id?: string; email?: string; phone?: string; name?: string } | null;
  paymentMethodType: string;
  terminalType: 'WEB' | 'WAP' | 'APP';
  osType?: 'IOS' | 'ANDROID';
  userRegion: string | null;
  /** When the gateway should stop accepting the code (epoch ms). */
  expiresAt: number;
  redirectUrl: string;
}

/**
 * The links Antom gives for a payment (docs/antom-notes.md §4; D13.9): `app` (applinkUrl, a universal
 * link), `scheme` (schemeUrl, the wallet's own scheme) and `normal` (normalUrl, a web page). A phone
 * opens the wallet on the same device with them instead of scanning its own screen (S1).
 */
export interface GatewayLinks {
  app: string | null;
  scheme: string | null;
  normal: string | null;
}

export type CreatePaymentResult =
  | {
      kind: 'created';
      gatewayPaymentId: string;
      code: { kind: 'qr' | 'text' | 'image'; value: string } | null;
      codeExpiresAt: number | null;
      /** The link a phone should open first (app link, else scheme URL), for WAP and APP terminals. */
      deepLink: string | null;
      /** Every link Antom gave, for WAP and APP terminals; null for WEB. (Optional for test doubles.) */
      links?: GatewayLinks | null;
      walletUrl: string | null;
    }
  | { kind: 'succeeded'; gatewayPaymentId: string | null }
  | { kind: 'failed'; code: string; message: string }
  /** No trustworthy answer (timeout, dropped reply, 5xx, unverifiable, U): the payment may exist. */
  | { kind: 'unknown'; code: string; message: string };

export type InquiryResult =
  | {
      kind: 'found';
      status: GatewayPaymentStatus;
      gatewayPaymentId: string | null;
      resultCode: string | null;
      amount: Money | null;
      paidAt: number | null;
      /**
       * Antom reports the payment was captured and then cancelled, the funds returned to the buyer (a
       * reversal, D11; docs/antom/reversal.md); `at` is when, if Antom says. Null when there was no
       * such cancel. (Optional for test doubles; the Antom adapter always sets it.)
       */
      reversal?: { at: number | null } | null;
    }
  | { kind: 'not_found' }
  | { kind: 'unknown'; code: string };

export type CancelResult =
  | { kind: 'cancelled' }
  | { kind: 'rejected'; code: string; message: string }
  | { kind: 'unknown'; code: string };

export type RefundResult =
  | { kind: 'succeeded'; gatewayRefundId: string | null }
  | { kind: 'processing'; gatewayRefundId: string | null }
  | { kind: 'rejected'; code: string; message: string }
  | { kind: 'unknown'; code: string };

export type RefundInquiryResult =
  | {
      kind: 'found';
      status: 'SUCCESS' | 'FAIL' | 'PROCESSING';
      gatewayRefundId: string | null;
      resultCode: string | null;
    }
  | { kind: 'not_found' }
  | { kind: 'unknown'; code: string };

export interface GatewayMethodOption {
  paymentMethodType: string;
  enabled: boolean;
  /**
   * The gateway's own per-payment limits in the consulted currency (minor units; null where it gives no
   * bound), or null when it gives none: they then win over the catalog's (D13.6).
   */
  limits: { min: string | null; max: string | null } | null;
  /** The method's logo as the gateway serves it (`logo.logoUrl`), when it is an https URL (D15). */
  logoUrl: string | null;
}

export type GatewayNotification =
  | {
      type: 'payment';
      final: boolean;
      succeeded: boolean;
      resultCode: string;
      paymentRequestId: string;
      gatewayPaymentId: string;
      amount: Money;
      paidAt: number | null;
    }
  | {
      type: 'refund';
      succeeded: boolean;
      resultCode: string;
      refundRequestId: string;
      gatewayRefundId: string;
      amount: Money;
    }
  /**
   * A verified notification of a type we do not act on (e.g. OFFLINE_PAYMENT_CODE): record it and
   * acknowledge it, or Antom resends it for a day (D13.5; D11).
   */
  | {
      type: 'other';
      notifyType: string;
      paymentRequestId: string | null;
      refundRequestId: string | null;
      gatewayPaymentId: string | null;
      resultCode: string | null;
    };

export type VerifiedNotification =
  | { ok: true; notification: GatewayNotification; ack: string }
  | { ok: false; reason: string; code: 'SIGNATURE' | 'CLIENT' | 'MALFORMED' };

export interface PaymentGateway {
  /** True for the Paydesk sandbox (the cashier then shows a wallet link). */
  readonly isSandbox: boolean;
  /** The longest one call may take with its resends (ms): a sweeper step's claim covers three of them. */
  maxCallDurationMs(): number;
  /** The longest a confirm may wait on `pay` (ms): how long a PENDING attempt is left to its confirm. */
  maxPayDurationMs(): number;
  createPayment(input: CreatePaymentInput, context: CallContext): Promise<CreatePaymentResult>;
  inquirePayment(paymentRequestId: string, context: CallContext): Promise<InquiryResult>;
  cancelPayment(paymentRequestId: string, context: CallContext): Promise<CancelResult>;
  refund(
    input: { refundRequestId: string; gatewayPaymentId: string; amount: Money; reason: string | null },
    context: CallContext,
  ): Promise<RefundResult>;
  inquireRefund(refundRequestId: string, context: CallContext): Promise<RefundInquiryResult>;
  /** Methods the gateway offers for this amount and region; undefined when it cannot say. */
  consult(input: {
    amount: Money;
    region: string | null;
    terminalType: 'WEB' | 'WAP' | 'APP';
  }): Promise<GatewayMethodOption[] | undefined>;
  /** Checks a notification over its raw body before anything in it is read. */
  verifyNotification(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): VerifiedNotification;
}

/** A record of one gateway exchange, for the append-only audit log. */
export interface GatewayCallLog {
  context: CallContext | undefined;
  api: string;
  attempt: number;
  requestTime: string;
  requestBody: string;
  httpStatus: number | undefined;
  responseBody: string | undefined;
  resultStatus: string | undefined;
  resultCode: string | undefined;
  error: string | undefined;
  /** What kind of failure `error` is: `signature` when Antom's answer did not verify. */
  errorType?: string;
  durationMs: number;
  at: number;
}
