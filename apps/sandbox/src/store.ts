// The sandbox's state: payments, refunds, notification deliveries and the API request log, in memory with
// indexes by every id the protocol and the control API look things up by. Services own the rules and move
// statuses only through transitions.ts; the store only keeps records, tells listeners about changes (for
// the state file) and takes snapshots.
import type { AntomApi, Amount, TerminalType } from '@paydesk/antom';

export type SandboxPaymentStatus = 'PROCESSING' | 'SUCCESS' | 'FAIL' | 'CANCELLED';
export type SandboxRefundStatus = 'PROCESSING' | 'SUCCESS' | 'FAIL';

export interface PaymentRecord {
  paymentId: string;
  paymentRequestId: string;
  referenceOrderId: string;
  orderDescription: string;
  paymentMethodType: string;
  amount: Amount;
  terminalType: TerminalType;
  status: SandboxPaymentStatus;
  /** Antom's `paymentResultCode` / `paymentResultMessage` for the current status. */
  resultCode: string;
  resultMessage: string;
  createdAt: number;
  expiresAt: number;
  paidAt?: number;
  /** When the payment became FAIL (declined or expired). */
  failedAt?: number;
  cancelledAt?: number;
  /** True when FAIL came from the code running out rather than a decline. */
  expired: boolean;
  /** What a cancel of the paid payment gave back to the buyer (minor units; "0" otherwise). */
  reversedAmount: string;
  /** What the buyer sees: the QR payload or the VA / payment number. */
  codeValue: string;
  /** The opaque token of the wallet page `/wallet/c/<token>`. */
  token: string;
  notifyUrl?: string;
  redirectUrl: string;
  /** The body of the first `pay` answer, replayed for an identical retry (docs/antom-notes.md §7.4). */
  payAnswer: Record<string, unknown>;
  notificationIds: string[];
}

export interface RefundRecord {
  refundId: string;
  refundRequestId: string;
  paymentId: string;
  amount: Amount;
  status: SandboxRefundStatus;
  resultCode: string;
  resultMessage: string;
  mode: 'SYNC' | 'ASYNC';
  createdAt: number;
  finishedAt?: number;
  /** When an asynchronous refund settles by itself. */
  settlesAt?: number;
  notifyUrl?: string;
  reason?: string;
  notificationIds: string[];
}

export interface DeliveryAttempt {
  /** ISO-8601 (UTC) time the attempt started. */
  at: string;
  /** HTTP status of the merchant's answer; null when no answer came (network error, drop). */
  httpStatus: number | null;
  /** The first 500 characters of the merchant's answer. */
  answer: string | null;
  error: string | null;
  durationMs: number;
  /** The merchant's `Server-Timing` answer header, if it sent one (its own account of the time, ≤ 200 chars). */
  serverTiming?: string;
  /** The notification fault applied to this attempt, if any (`drop`, `duplicate`, `delay`, `reorder`). */
  fault?: string;
}

export interface NotificationRecord {
  id: string;
  notifyType: 'PAYMENT_RESULT' | 'REFUND_RESULT';
  url: string;
  paymentId?: string;
  refundId?: string;
  /** The exact JSON body sent on every attempt. */
  body: string;
  createdAt: number;
  attempts: DeliveryAttempt[];
  /** Scheduled attempts made so far (a duplicate copy is not a separate try). */
  tries: number;
  delivered: boolean;
  /** `pending` while attempts remain; `failed` once the retry schedule is used up. */
  status: 'pending' | 'delivered' | 'failed';
  /** Epoch ms of the next scheduled attempt while pending. */
  nextAttemptAt?: number;
}

export interface RequestRecord {
  seq: number;
  /** ISO-8601 (UTC) time the request arrived. */
  at: string;
  api: AntomApi | 'unknown';
  path: string;
  clientId?: string;
  paymentRequestId?: string;
  paymentId?: string;
  refundRequestId?: string;
  refundId?: string;
  resultStatus?: 'S' | 'F' | 'U';
  resultCode?: string;
  /** The HTTP status answered; null when the reply was deliberately lost (`lostReply`). */
  httpStatus: number | null;
  /** The API fault applied to this request, if any. */
  fault?: string;
}

/** What the state file holds (payments, refunds and deliveries; not the request log or faults). */
export interface StoreSnapshot {
  version: 1;
  payments: PaymentRecord[];
  refunds: RefundRecord[];
  notifications: NotificationRecord[];
}

const MAX_REQUESTS = 10_000;

export class SandboxStore {
  readonly #payments = new Map<string, PaymentRecord>();
  readonly #paymentsByRequestId = new Map<string, PaymentRecord>();
  readonly #paymentsByToken = new Map<string, PaymentRecord>();
  readonly #paymentsByCode = new Map<string, PaymentRecord>();
  readonly #refunds = new Map<string, RefundRecord>();
  readonly #refundsByRequestId = new Map<string, RefundRecord>();
  readonly #notifications = new Map<string, NotificationRecord>();
  #requests: RequestRecord[] = [];
  #seq = 0;
  readonly #listeners = new Set<() => void>();

  /** Registers a callback run after every change to payments, refunds or notifications. */
  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  /** Tells listeners that a record changed (records are mutated in place by the services). */
  changed(): void {
    for (const listener of this.#listeners) listener();
  }

  addPayment(payment: PaymentRecord): void {
    this.#payments.set(payment.paymentId, payment);
    this.#paymentsByRequestId.set(payment.paymentRequestId, payment);
    this.#paymentsByToken.set(payment.token, payment);
    this.#paymentsByCode.set(payment.codeValue, payment);
    this.changed();
  }

  payment(paymentId: string): PaymentRecord | undefined {
    return this.#payments.get(paymentId);
  }

  paymentByRequestId(paymentRequestId: string): PaymentRecord | undefined {
    return this.#paymentsByRequestId.get(paymentRequestId);
  }

  paymentByToken(token: string): PaymentRecord | undefined {
    return this.#paymentsByToken.get(token);
  }

  paymentByCode(codeValue: string): PaymentRecord | undefined {
    return this.#paymentsByCode.get(codeValue);
  }

  /** True when a code value is already in use (codes are unique for the sandbox's lifetime). */
  hasCode(codeValue: string): boolean {
    return this.#paymentsByCode.has(codeValue);
  }

  /** Payments, newest first. */
  payments(): PaymentRecord[] {
    return [...this.#payments.values()].reverse();
  }

  addRefund(refund: RefundRecord): void {
    this.#refunds.set(refund.refundId, refund);
    this.#refundsByRequestId.set(refund.refundRequestId, refund);
    this.changed();
  }

  refund(refundId: string): RefundRecord | undefined {
    return this.#refunds.get(refundId);
  }

  refundByRequestId(refundRequestId: string): RefundRecord | undefined {
    return this.#refundsByRequestId.get(refundRequestId);
  }

  /** Refunds, newest first. */
  refunds(): RefundRecord[] {
    return [...this.#refunds.values()].reverse();
  }

  /** The refunds of one payment, oldest first. */
  refundsOf(paymentId: string): RefundRecord[] {
    return [...this.#refunds.values()].filter((refund) => refund.paymentId === paymentId);
  }

  addNotification(notification: NotificationRecord): void {
    this.#notifications.set(notification.id, notification);
    this.changed();
  }

  notification(id: string): NotificationRecord | undefined {
    return this.#notifications.get(id);
  }

  /** Notifications, newest first. */
  notifications(): NotificationRecord[] {
    return [...this.#notifications.values()].reverse();
  }

  /** Appends to the request log (bounded: the oldest entries go first) and returns the record. */
  logRequest(entry: Omit<RequestRecord, 'seq'>): RequestRecord {
    this.#seq += 1;
    const record: RequestRecord = { seq: this.#seq, ...entry };
    this.#requests.push(record);
    if (this.#requests.length > MAX_REQUESTS) this.#requests = this.#requests.slice(-MAX_REQUESTS);
    return record;
  }

  /** API requests, newest first. */
  requests(): RequestRecord[] {
    return [...this.#requests].reverse();
  }

  /** Forgets everything (keys and configuration live elsewhere). */
  clear(): void {
    this.#payments.clear();
    this.#paymentsByRequestId.clear();
    this.#paymentsByToken.clear();
    this.#paymentsByCode.clear();
    this.#refunds.clear();
    this.#refundsByRequestId.clear();
    this.#notifications.clear();
    this.#requests = [];
    this.#seq = 0;
    this.changed();
  }

  snapshot(): StoreSnapshot {
    return {
      version: 1,
      payments: [...this.#payments.values()],
      refunds: [...this.#refunds.values()],
      notifications: [...this.#notifications.values()],
    };
  }

  /** Loads a snapshot into an empty store (used at start when a state file exists). */
  restore(snapshot: StoreSnapshot): void {
    for (const payment of snapshot.payments) {
      // State files written before the reversal was named call it cancelledAmount.
      const legacy = payment as PaymentRecord & { cancelledAmount?: string };
      payment.reversedAmount ??= legacy.cancelledAmount ?? '0';
      delete legacy.cancelledAmount;
      this.#payments.set(payment.paymentId, payment);
      this.#paymentsByRequestId.set(payment.paymentRequestId, payment);
      this.#paymentsByToken.set(payment.token, payment);
      this.#paymentsByCode.set(payment.codeValue, payment);
    }
    for (const refund of snapshot.refunds) {
      this.#refunds.set(refund.refundId, refund);
      this.#refundsByRequestId.set(refund.refundRequestId, refund);
    }
    for (const notification of snapshot.notifications) this.#notifications.set(notification.id, notification);
  }
}
