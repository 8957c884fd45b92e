// The payment rules: pay (idempotency, codes), inquiryPayment, cancel (and the reversal of a paid payment),
// and what the buyer does in the wallet (pay, decline) — docs/antom-notes.md §3–§5, §7. Every status change
// goes through the transition table (transitions.ts); every read checks expiry first, so a status is never
// stale even if the expiry timer has not fired yet. Refusals of buyer actions are SandboxRuleErrors; the
// routes decide what HTTP makes of them.
import { compareMinor } from '@paydesk/antom';
import { codeDetailsFor, codeImageUrl } from './codes.ts';
import { newPaymentId, newToken, randomDigits } from './ids.ts';
import { findMethod, PAYMENT_METHODS, type PaymentMethod } from './methods.ts';
import type { Notifier } from './notifier.ts';
import { checkPayRequest } from './pay-request.ts';
import { failure, inProcess, paramIllegal, success, type AntomAnswer } from './results.ts';
import type { PaymentRecord, SandboxStore } from './store.ts';
import { cancelDeadlineAfterPayment, formatAntomTime, parseAntomTime } from './time.ts';
import type { Timers } from './timers.ts';
import { movePayment } from './transitions.ts';
import { FieldChecker, isObject, nonStringScalars, pick } from './validation.ts';

/** What the services share: state, clock, timers, delivery and a few settings. */
export interface ServiceContext {
  store: SandboxStore;
  timers: Timers;
  notifier: Notifier;
  now: () => number;
  /** The base of wallet URLs and QR payloads (may change once the server listens). */
  publicUrl: () => string;
  /** Send a FAIL PAYMENT_RESULT when a code expires (Antom's behaviour is not documented; default off). */
  notifyOnExpiry: boolean;
  /** The "Dashboard" notify URL, used when a request names none. */
  defaultNotifyUrl: string | undefined;
}

// A little slack on the expiry ceiling, for clock skew between merchant and gateway.
const EXPIRY_SLACK_MS = 5_000;

/** Result messages for the decline codes the wallet offers (docs/antom-notes.md §6.2). */
export const DECLINE_CODES: Readonly<Record<string, string>> = Object.freeze({
  USER_BALANCE_NOT_ENOUGH: 'The user balance is not enough for this payment.',
  RISK_REJECT: 'The payment was rejected by risk control.',
  USER_PAYMENT_VERIFICATION_FAILED: 'The user failed to verify the payment.',
  USER_STATUS_ABNORMAL: "The user's account status is abnormal.",
  PAYMENT_AMOUNT_EXCEED_LIMIT: "The amount exceeds the user's payment limit.",
});

const EXPIRED_MESSAGE = 'The payment expired: the buyer did not pay before expireTime.';

export class PaymentService {
  readonly #ctx: ServiceContext;

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  // ---- pay (docs/antom-notes.md §3, §4, §7.4)

  pay(body: unknown): AntomAnswer {
    if (!isObject(body)) return paramIllegal(['the body must be a JSON object']);
    const requestId = pick(body, 'paymentRequestId');
    const existing =
      typeof requestId === 'string' && requestId.length <= 64
        ? this.#ctx.store.paymentByRequestId(requestId)
        : undefined;
    if (existing) return this.#repeat(existing, body);

    const checked = checkPayRequest(body);
    if (!checked.ok) return paramIllegal(checked.problems);
    const request = checked.fields;
    const method = findMethod(request.methodType);
    if (!method) {
      return paramIllegal([
        `paymentMethod.paymentMethodType ${request.methodType} is not supported (the sandbox offers ${PAYMENT_METHODS.map((m) => m.paymentMethodType).join(', ')})`,
      ]);
    }
    const { amount } = request;
    if (!method.currencies.includes(amount.currency)) {
      return paramIllegal([
        `paymentAmount.currency ${amount.currency} is not supported by ${method.paymentMethodType} (${method.currencies.join(', ')})`,
      ]);
    }
    const limits = method.limits[amount.currency]!;
    if (compareMinor(amount.value, limits.min) < 0 || compareMinor(amount.value, limits.max) > 0) {
      return failure(
        'PAYMENT_AMOUNT_EXCEED_LIMIT',
        `paymentAmount.value ${amount.value} is outside ${method.paymentMethodType}'s limits ${limits.min}–${limits.max} ${amount.currency} (minor units)`,
      );
    }
    const now = this.#ctx.now();
    let expiresAt = Math.floor((now + method.defaultExpiryMs) / 1000) * 1000;
    if (request.expiryText !== undefined) {
      const requested = parseAntomTime(request.expiryText);
      if (requested === undefined) {
        return paramIllegal([
          'paymentExpiryTime must be ISO-8601 with an offset, e.g. 2026-05-20T18:30:45+08:00',
        ]);
      }
      if (requested <= now) return paramIllegal(['paymentExpiryTime must be in the future']);
      if (requested > now + method.maxExpiryMs + EXPIRY_SLACK_MS) {
        return paramIllegal([
          `paymentExpiryTime must be at most ${describeDuration(method.maxExpiryMs)} after the request for ${method.paymentMethodType}`,
        ]);
      }
      expiresAt = requested;
    }

    const token = newToken();
    const payment: PaymentRecord = {
      paymentId: newPaymentId(now),
      paymentRequestId: request.paymentRequestId,
      referenceOrderId: request.referenceOrderId,
      orderDescription: request.orderDescription,
      paymentMethodType: method.paymentMethodType,
      amount,
      terminalType: request.terminalType,
      status: 'PROCESSING',
      resultCode: 'PAYMENT_IN_PROCESS',
      resultMessage: 'The payment is waiting for the buyer.',
      createdAt: now,
      expiresAt,
      expired: false,
      reversedAmount: '0',
      codeValue: method.display === 'QR' ? this.walletUrl(token) : this.#newTextCode(method),
      token,
      notifyUrl: request.notifyUrl ?? this.#ctx.defaultNotifyUrl,
      redirectUrl: request.redirectUrl,
      payAnswer: {},
      notificationIds: [],
    };
    payment.payAnswer = this.#createdAnswer(payment, method);
    this.#ctx.store.addPayment(payment);
    this.#armExpiry(payment);
    return payment.payAnswer as AntomAnswer;
  }

  /**
   * The U PAYMENT_IN_PROCESS answer of a new payment (docs/antom-notes.md §4): the code in every rendering
   * the method has, and the links a phone opens — `normalUrl` always (the wallet page, as Antom's QR page for
   * WEB), `applinkUrl` for WAP and APP, and `schemeUrl` for APP (D13.9).
   */
  #createdAnswer(payment: PaymentRecord, method: PaymentMethod): Record<string, unknown> {
    const wallet = this.walletUrl(payment.token);
    const base = this.#ctx.publicUrl();
    const { terminalType } = payment;
    return inProcess('PAYMENT_IN_PROCESS', 'payment in process', {
      paymentRequestId: payment.paymentRequestId,
      paymentId: payment.paymentId,
      paymentCreateTime: formatAntomTime(payment.createdAt),
      paymentAmount: payment.amount,
      orderCodeForm: {
        expireTime: formatAntomTime(payment.expiresAt),
        paymentMethodType: method.paymentMethodType,
        codeDetails: codeDetailsFor(method, payment.codeValue, (file) =>
          codeImageUrl(base, payment.token, file),
        ),
      },
      normalUrl: wallet,
      ...(terminalType === 'WAP' || terminalType === 'APP' ? { applinkUrl: wallet } : {}),
      ...(terminalType === 'APP' ? { schemeUrl: `paydesk-sandbox-wallet://c/${payment.token}` } : {}),
    });
  }

  /** A pay with a known paymentRequestId (docs/antom-notes.md §7.4): the same answer, or why not. */
  #repeat(existing: PaymentRecord, body: Record<string, unknown>): AntomAnswer {
    const same =
      pick(body, 'paymentAmount.currency') === existing.amount.currency &&
      pick(body, 'paymentAmount.value') === existing.amount.value &&
      pick(body, 'paymentMethod.paymentMethodType') === existing.paymentMethodType;
    if (!same) {
      return failure(
        'REPEAT_REQ_INCONSISTENT',
        `paymentRequestId ${existing.paymentRequestId} was used with another amount or payment method`,
      );
    }
    const payment = this.refresh(existing);
    if (payment.status === 'PROCESSING') return payment.payAnswer as AntomAnswer;
    if (payment.status === 'SUCCESS') {
      // Already paid: say so with S rather than show a code again (docs/antom-notes.md §4, "S → already
      // paid").
      return success({
        paymentRequestId: payment.paymentRequestId,
        paymentId: payment.paymentId,
        paymentCreateTime: formatAntomTime(payment.createdAt),
        paymentAmount: payment.amount,
        paymentTime: formatAntomTime(payment.paidAt!),
      });
    }
    return failure(
      'ORDER_IS_CLOSED',
      `the payment for paymentRequestId ${payment.paymentRequestId} is closed (${payment.expired ? 'expired' : payment.status === 'CANCELLED' ? 'cancelled' : 'failed'}); use a new paymentRequestId`,
    );
  }

  #newTextCode(method: PaymentMethod): string {
    const prefix = method.codePrefix ?? '';
    for (;;) {
      const code = prefix + randomDigits((method.codeLength ?? 16) - prefix.length);
      if (!this.#ctx.store.hasCode(code)) return code;
    }
  }

  /** The wallet page URL for a token: also the QR payload of QR methods. */
  walletUrl(token: string): string {
    return `${this.#ctx.publicUrl()}/wallet/c/${token}`;
  }

  // ---- inquiryPayment (docs/antom-notes.md §5.1)

  inquiryPayment(body: unknown): AntomAnswer {
    const found = this.#lookup(body);
    if ('result' in found) return found;
    const payment = this.refresh(found.payment);
    const transactions = this.#transactions(payment);
    return success({
      paymentStatus: payment.status,
      paymentResultCode: payment.resultCode,
      paymentResultMessage: payment.resultMessage,
      paymentRequestId: payment.paymentRequestId,
      paymentId: payment.paymentId,
      paymentAmount: payment.amount,
      paymentCreateTime: formatAntomTime(payment.createdAt),
      // Only for SUCCESS (docs/antom-notes.md §5.1): a reversed payment reads CANCELLED and the capture shows
      // in its CANCEL transaction instead.
      ...(payment.status === 'SUCCESS' ? { paymentTime: formatAntomTime(payment.paidAt!) } : {}),
      paymentMethodType: payment.paymentMethodType,
      ...(transactions.length > 0 ? { transactions } : {}),
    });
  }

  /**
   * The payment's follow-up transactions (docs/antom-notes.md §5.1): one REFUND per refund, and one CANCEL
   * when a cancel gave a capture back (the reversal, docs/antom/reversal.md). A cancel of an unpaid code
   * moved no money and lists nothing, as the docs say transactions are present "when a refund or capture
   * exists".
   */
  #transactions(payment: PaymentRecord): Record<string, unknown>[] {
    const list: Record<string, unknown>[] = this.#ctx.store.refundsOf(payment.paymentId).map((refund) => ({
      transactionType: 'REFUND',
      transactionStatus: refund.status,
      transactionId: refund.refundId,
      transactionRequestId: refund.refundRequestId,
      transactionAmount: refund.amount,
      transactionTime: formatAntomTime(refund.finishedAt ?? refund.createdAt),
      transactionResult: {
        resultCode: refund.resultCode,
        resultStatus: refund.status === 'SUCCESS' ? 'S' : refund.status === 'FAIL' ? 'F' : 'U',
        resultMessage: refund.resultMessage,
      },
    }));
    if (payment.status === 'CANCELLED' && compareMinor(payment.reversedAmount, '0') > 0) {
      list.push({
        transactionType: 'CANCEL',
        transactionStatus: 'SUCCESS',
        transactionId: payment.paymentId,
        transactionRequestId: payment.paymentRequestId,
        transactionAmount: { currency: payment.amount.currency, value: payment.reversedAmount },
        transactionTime: formatAntomTime(payment.cancelledAt!),
        transactionResult: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
      });
    }
    return list;
  }

  // ---- cancel (docs/antom-notes.md §5.2; docs.antom.com/ac/cashierpay/cancel)

  cancel(body: unknown): AntomAnswer {
    const found = this.#lookup(body);
    if ('result' in found) return found;
    const payment = this.refresh(found.payment);
    const method = findMethod(payment.paymentMethodType)!;
    const cancelled = (): AntomAnswer =>
      success({
        paymentId: payment.paymentId,
        paymentRequestId: payment.paymentRequestId,
        cancelTime: formatAntomTime(payment.cancelledAt!),
      });
    if (payment.status === 'CANCELLED') return cancelled();
    if (payment.status === 'FAIL') {
      return failure(
        'ORDER_IS_CLOSED',
        `the payment is already closed (${payment.expired ? 'expired' : 'failed'})`,
      );
    }
    if (method.cancel === 'NEVER') {
      return failure(
        'CANCEL_WINDOW_EXCEED',
        `${method.paymentMethodType} payments cannot be cancelled (Indonesian methods); let it expire, or refund it once paid`,
      );
    }
    const now = this.#ctx.now();
    if (payment.status === 'PROCESSING') {
      movePayment(payment, 'CANCELLED', {
        cancelledAt: now,
        resultCode: 'ORDER_IS_CLOSED',
        resultMessage: 'Cancelled by the merchant before the buyer paid.',
      });
      this.#ctx.store.changed();
      return cancelled();
    }
    if (method.cancel === 'BEFORE_PAYMENT') {
      return failure(
        'CANCEL_WINDOW_EXCEED',
        `${method.paymentMethodType} payments can only be cancelled before the buyer pays; this one is paid`,
      );
    }
    if (now > cancelDeadlineAfterPayment(payment.paidAt!)) {
      return failure(
        'CANCEL_WINDOW_EXCEED',
        `the cancel window closed at ${formatAntomTime(cancelDeadlineAfterPayment(payment.paidAt!))} (00:15 UTC+8 on the day after payment); use refund`,
      );
    }
    if (this.#ctx.store.refundsOf(payment.paymentId).some((refund) => refund.status !== 'FAIL')) {
      return failure(
        'ORDER_STATUS_INVALID',
        'the payment has refunds; refund the rest instead of cancelling',
      );
    }
    // "For transactions cancelled after successful payment, the funds will be returned to the user's
    // account" (docs.antom.com/ac/easypay/cancel.md): the capture is reversed in full, and the payment
    // reads CANCELLED from then on. No notification announces it (docs/antom/reversal.md).
    movePayment(payment, 'REVERSED', {
      cancelledAt: now,
      reversedAmount: payment.amount.value,
      resultCode: 'ORDER_IS_CLOSED',
      resultMessage: 'Cancelled by the merchant after the buyer paid; the paid amount was returned in full.',
    });
    this.#ctx.store.changed();
    return cancelled();
  }

  #lookup(body: unknown): { payment: PaymentRecord } | AntomAnswer {
    if (!isObject(body)) return paramIllegal(['the body must be a JSON object']);
    const check = new FieldChecker(body);
    check.problems.push(...nonStringScalars(body));
    const paymentId = check.string('paymentId', { max: 64 });
    const paymentRequestId = check.string('paymentRequestId', { max: 64 });
    check.string('merchantAccountId', { max: 32 });
    if (check.ok && !paymentId && !paymentRequestId) check.add('paymentId or paymentRequestId is required');
    if (!check.ok) return paramIllegal(check.problems);
    // paymentId wins when both are given (docs/antom-notes.md §5.1).
    const payment = paymentId
      ? this.#ctx.store.payment(paymentId)
      : this.#ctx.store.paymentByRequestId(paymentRequestId!);
    if (!payment) {
      return failure(
        'ORDER_NOT_EXIST',
        paymentId
          ? `no payment with paymentId ${paymentId}`
          : `no payment with paymentRequestId ${paymentRequestId}`,
      );
    }
    return { payment };
  }

  // ---- lifecycle

  /** Applies expiry if the code ran out (lazy check, called on every read) and returns the payment. */
  refresh(payment: PaymentRecord): PaymentRecord {
    if (payment.status === 'PROCESSING' && this.#ctx.now() >= payment.expiresAt) {
      this.#expire(payment, payment.expiresAt);
    }
    return payment;
  }

  #expire(payment: PaymentRecord, at: number): void {
    movePayment(payment, 'EXPIRED', {
      expired: true,
      expiresAt: at,
      failedAt: at,
      resultCode: 'ORDER_IS_CLOSED',
      resultMessage: EXPIRED_MESSAGE,
    });
    this.#ctx.store.changed();
    if (this.#ctx.notifyOnExpiry) this.#notifyResult(payment);
  }

  #armExpiry(payment: PaymentRecord): void {
    this.#ctx.timers.at(payment.expiresAt, this.#ctx.now, () => {
      this.refresh(payment);
    });
  }

  /** Re-arms expiry timers after a restart (state file). */
  rearm(): void {
    for (const payment of this.#ctx.store.payments()) {
      if (payment.status === 'PROCESSING') {
        this.refresh(payment);
        if (payment.status === 'PROCESSING') this.#armExpiry(payment);
      }
    }
  }

  /** The buyer pays (wallet Pay button, control API). Throws SandboxRuleError when not payable. */
  buyerPay(payment: PaymentRecord): PaymentRecord {
    movePayment(this.refresh(payment), 'PAID', {
      paidAt: this.#ctx.now(),
      resultCode: 'SUCCESS',
      resultMessage: 'success',
    });
    this.#ctx.store.changed();
    this.#notifyResult(payment);
    return payment;
  }

  /** The buyer declines or the payment fails with `resultCode`. Throws SandboxRuleError when not payable. */
  buyerFail(payment: PaymentRecord, resultCode: string, resultMessage?: string): PaymentRecord {
    movePayment(this.refresh(payment), 'DECLINED', {
      failedAt: this.#ctx.now(),
      resultCode,
      resultMessage: resultMessage ?? DECLINE_CODES[resultCode] ?? 'The payment failed.',
    });
    this.#ctx.store.changed();
    this.#notifyResult(payment);
    return payment;
  }

  /** Expires a waiting payment now (tests). Throws SandboxRuleError when it is not waiting. */
  forceExpire(payment: PaymentRecord): PaymentRecord {
    this.#expire(this.refresh(payment), this.#ctx.now());
    return payment;
  }

  #notifyResult(payment: PaymentRecord): void {
    if (!payment.notifyUrl) return;
    const succeeded = payment.status === 'SUCCESS';
    const record = this.#ctx.notifier.enqueue({
      notifyType: 'PAYMENT_RESULT',
      url: payment.notifyUrl,
      paymentId: payment.paymentId,
      body: {
        notifyType: 'PAYMENT_RESULT',
        result: {
          resultCode: payment.resultCode,
          resultStatus: succeeded ? 'S' : 'F',
          resultMessage: payment.resultMessage,
        },
        paymentRequestId: payment.paymentRequestId,
        paymentId: payment.paymentId,
        paymentAmount: payment.amount,
        paymentCreateTime: formatAntomTime(payment.createdAt),
        ...(succeeded ? { paymentTime: formatAntomTime(payment.paidAt!) } : {}),
        paymentMethodType: payment.paymentMethodType,
      },
    });
    payment.notificationIds.push(record.id);
  }
}

function describeDuration(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 2 * 86_400_000) return `${ms / 86_400_000} days`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hours`;
  return `${ms / 60_000} minutes`;
}
