// The payment rules: consult, pay (validation, idempotency, codes), inquiryPayment, cancel, and what the
// buyer does in the wallet (pay, decline) — PROTOCOL §3–§5, §7. Every read checks expiry first, so a status
// is never stale even if the expiry timer has not fired yet.
import { compareMinor, type TerminalType } from '@paydesk/antom';
import { newPaymentId, newToken, randomDigits } from './ids.ts';
import { findMethod, methodLimits, PAYMENT_METHODS, type PaymentMethod } from './methods.ts';
import type { Notifier } from './notifier.ts';
import { ControlError, failure, inProcess, paramIllegal, success, type AntomAnswer } from './results.ts';
import type { PaymentRecord, SandboxStore } from './store.ts';
import { cancelDeadlineAfterPayment, formatAntomTime, parseAntomTime } from './time.ts';
import type { Timers } from './timers.ts';
import { FieldChecker, nonStringScalars, pick } from './validation.ts';

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

const TERMINAL_TYPES = ['WEB', 'WAP', 'APP', 'MINI_APP'] as const;
// A little slack on the expiry ceiling, for clock skew between merchant and gateway.
const EXPIRY_SLACK_MS = 5_000;

/** Result messages for the decline codes the wallet offers (PROTOCOL §6.2). */
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

  // ---- consult (PROTOCOL §5.5)

  consult(body: unknown): AntomAnswer {
    if (!isObject(body)) return paramIllegal(['the body must be a JSON object']);
    const check = new FieldChecker(body);
    check.problems.push(...nonStringScalars(body));
    check.string('productCode', { required: true, oneOf: ['CASHIER_PAYMENT'] });
    const amount = check.amount('paymentAmount');
    check.object('env', true);
    check.string('env.terminalType', { required: true, oneOf: TERMINAL_TYPES });
    const userRegion = check.string('userRegion', {
      pattern: /^[A-Z]{2}$/,
      patternHint: 'must be ISO-3166 alpha-2',
    });
    const regions = stringList(check, body, 'allowedPaymentMethodRegions', /^([A-Z]{2}|GLOBAL)$/);
    const allowed = stringList(check, body, 'allowedPaymentMethods');
    const blocked = stringList(check, body, 'blockedPaymentMethods');
    if (!check.ok || !amount) return paramIllegal(check.problems);

    const base = this.#ctx.publicUrl();
    const options = PAYMENT_METHODS.filter(
      (method) =>
        method.currencies.includes(amount.currency) &&
        (!allowed || allowed.includes(method.paymentMethodType)) &&
        !blocked?.includes(method.paymentMethodType) &&
        (!regions || regions.includes('GLOBAL') || method.regions.some((r) => regions.includes(r))) &&
        (!userRegion || method.regions.includes(userRegion)),
    ).map((method) => {
      const limits = methodLimits(method, amount.currency)!;
      const within =
        compareMinor(amount.value, limits.minAmount.value) >= 0 &&
        compareMinor(amount.value, limits.maxAmount.value) <= 0;
      return {
        paymentMethodType: method.paymentMethodType,
        paymentMethodCategory: method.category,
        paymentMethodRegion: [...method.regions],
        supportedCurrencies: [...method.currencies],
        enabled: within,
        ...(within ? {} : { disableReason: 'PAYMENT_AMOUNT_EXCEED_LIMIT' }),
        logo: { logoName: method.name, logoUrl: `${base}/sandbox/logos/${method.paymentMethodType}.svg` },
        amountLimitInfoMap: { [amount.currency]: limits },
      };
    });
    return success({ paymentOptions: options });
  }

  // ---- pay (PROTOCOL §3, §4, §7.4)

  pay(body: unknown): AntomAnswer {
    if (!isObject(body)) return paramIllegal(['the body must be a JSON object']);
    const check = new FieldChecker(body);
    check.problems.push(...nonStringScalars(body));
    const paymentRequestId = check.string('paymentRequestId', { required: true, max: 64 });

    const existing = paymentRequestId ? this.#ctx.store.paymentByRequestId(paymentRequestId) : undefined;
    if (existing) return this.#repeat(existing, body);

    check.string('productCode', { required: true, oneOf: ['CASHIER_PAYMENT'] });
    check.object('order', true);
    const referenceOrderId = check.string('order.referenceOrderId', { required: true, max: 64 });
    const orderDescription = check.string('order.orderDescription', { required: true, max: 256 });
    const orderAmount = check.amount('order.orderAmount');
    const amount = check.amount('paymentAmount');
    if (orderAmount && amount && orderAmount.currency !== amount.currency) {
      check.add('paymentAmount.currency must equal order.orderAmount.currency');
    }
    const goods = pick(body, 'order.goods');
    if (goods != null) {
      if (!Array.isArray(goods) || goods.length > 100)
        check.add('order.goods must be an array of at most 100 items');
      else
        goods.forEach((_item, index) => {
          check.string(`order.goods[${index}].referenceGoodsId`, { required: true, max: 64 });
          check.string(`order.goods[${index}].goodsName`, { required: true, max: 256 });
        });
    }
    check.object('paymentMethod', true);
    const methodType = check.string('paymentMethod.paymentMethodType', { required: true, max: 64 });
    const redirectUrl = check.url('paymentRedirectUrl', { required: true, max: 2048 });
    const notifyUrl = check.url('paymentNotifyUrl', { max: 2048 });
    const expiryText = check.string('paymentExpiryTime', { max: 64 });
    check.string('settlementStrategy.settlementCurrency', {
      pattern: /^[A-Z]{3}$/,
      patternHint: 'must be ISO-4217',
    });
    check.object('env', true);
    const terminalType = check.string('env.terminalType', { required: true, oneOf: TERMINAL_TYPES }) as
      TerminalType | undefined;
    check.string('env.osType', { oneOf: ['IOS', 'ANDROID'] });
    if (terminalType === 'MINI_APP') check.string('appId', { required: true, max: 64 });
    check.string('userRegion', { pattern: /^[A-Z]{2}$/, patternHint: 'must be ISO-3166 alpha-2' });
    check.string('merchantAccountId', { max: 32 });
    if (!check.ok) return paramIllegal(check.problems);

    const method = findMethod(methodType!);
    if (!method) {
      return paramIllegal([
        `paymentMethod.paymentMethodType ${methodType} is not supported (the sandbox offers ${PAYMENT_METHODS.map((m) => m.paymentMethodType).join(', ')})`,
      ]);
    }
    if (!method.currencies.includes(amount!.currency)) {
      return paramIllegal([
        `paymentAmount.currency ${amount!.currency} is not supported by ${method.paymentMethodType} (${method.currencies.join(', ')})`,
      ]);
    }
    const limits = method.limits[amount!.currency]!;
    if (compareMinor(amount!.value, limits.min) < 0 || compareMinor(amount!.value, limits.max) > 0) {
      return failure(
        'PAYMENT_AMOUNT_EXCEED_LIMIT',
        `paymentAmount.value ${amount!.value} is outside ${method.paymentMethodType}'s limits ${limits.min}–${limits.max} ${amount!.currency} (minor units)`,
      );
    }
    const now = this.#ctx.now();
    let expiresAt = Math.floor((now + method.defaultExpiryMs) / 1000) * 1000;
    if (expiryText !== undefined) {
      const requested = parseAntomTime(expiryText);
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
      paymentRequestId: paymentRequestId!,
      referenceOrderId: referenceOrderId!,
      orderDescription: orderDescription!,
      paymentMethodType: method.paymentMethodType,
      amount: { currency: amount!.currency, value: amount!.value },
      terminalType: terminalType!,
      status: 'PROCESSING',
      resultCode: 'PAYMENT_IN_PROCESS',
      resultMessage: 'The payment is waiting for the buyer.',
      createdAt: now,
      expiresAt,
      expired: false,
      cancelledAmount: '0',
      codeValue: method.display === 'QR' ? this.walletUrl(token) : this.#newTextCode(method),
      token,
      notifyUrl: notifyUrl ?? this.#ctx.defaultNotifyUrl,
      redirectUrl: redirectUrl!,
      payAnswer: {},
      notificationIds: [],
    };
    const wallet = this.walletUrl(token);
    payment.payAnswer = inProcess('PAYMENT_IN_PROCESS', 'payment in process', {
      paymentRequestId: payment.paymentRequestId,
      paymentId: payment.paymentId,
      paymentCreateTime: formatAntomTime(payment.createdAt),
      paymentAmount: payment.amount,
      orderCodeForm: {
        expireTime: formatAntomTime(payment.expiresAt),
        paymentMethodType: method.paymentMethodType,
        codeDetails: [{ codeValue: payment.codeValue, displayType: 'TEXT' }],
      },
      normalUrl: wallet,
      // On phones the cashier offers the wallet as a deep link (PROTOCOL §4: at least one URL is returned).
      ...(terminalType === 'WAP' || terminalType === 'APP' ? { applinkUrl: wallet } : {}),
    });
    this.#ctx.store.addPayment(payment);
    this.#armExpiry(payment);
    return payment.payAnswer as AntomAnswer;
  }

  /** A pay with a known paymentRequestId (PROTOCOL §7.4): the same answer, or why not. */
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
      // Already paid: say so with S rather than show a code again (PROTOCOL §4, "S → already paid").
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

  // ---- inquiryPayment (PROTOCOL §5.1)

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
      ...(payment.status === 'SUCCESS' ? { paymentTime: formatAntomTime(payment.paidAt!) } : {}),
      paymentMethodType: payment.paymentMethodType,
      ...(transactions.length > 0 ? { transactions } : {}),
    });
  }

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
    if (payment.status === 'CANCELLED') {
      list.push({
        transactionType: 'CANCEL',
        transactionStatus: 'SUCCESS',
        transactionId: payment.paymentId,
        transactionRequestId: payment.paymentRequestId,
        transactionAmount: {
          currency: payment.amount.currency,
          value: payment.paidAt !== undefined ? payment.cancelledAmount : payment.amount.value,
        },
        transactionTime: formatAntomTime(payment.cancelledAt!),
        transactionResult: { resultCode: 'SUCCESS', resultStatus: 'S', resultMessage: 'success' },
      });
    }
    return list;
  }

  // ---- cancel (PROTOCOL §5.2)

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
    if (payment.status === 'SUCCESS') {
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
      // A paid payment is refunded in full by the cancel (PROTOCOL §5.2) and stays CANCELLED.
      payment.cancelledAmount = payment.amount.value;
      payment.resultMessage = 'Cancelled by the merchant; the paid amount was refunded in full.';
    } else {
      payment.resultMessage = 'Cancelled by the merchant before the buyer paid.';
    }
    payment.status = 'CANCELLED';
    payment.resultCode = 'ORDER_IS_CLOSED';
    payment.cancelledAt = now;
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
    // paymentId wins when both are given (PROTOCOL §5.1).
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
    if (payment.status === 'PROCESSING' && this.#ctx.now() >= payment.expiresAt) this.#expire(payment);
    return payment;
  }

  #expire(payment: PaymentRecord): void {
    payment.status = 'FAIL';
    payment.expired = true;
    payment.failedAt = payment.expiresAt;
    payment.resultCode = 'ORDER_IS_CLOSED';
    payment.resultMessage = EXPIRED_MESSAGE;
    this.#ctx.store.changed();
    if (this.#ctx.notifyOnExpiry) this.#notifyResult(payment);
  }

  #armExpiry(payment: PaymentRecord): void {
    this.#ctx.timers.after(payment.expiresAt - this.#ctx.now(), () => {
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

  /** The buyer pays (wallet Pay button, control API). Throws a 409 ControlError when not payable. */
  buyerPay(payment: PaymentRecord): PaymentRecord {
    this.#requirePayable(this.refresh(payment));
    payment.status = 'SUCCESS';
    payment.paidAt = this.#ctx.now();
    payment.resultCode = 'SUCCESS';
    payment.resultMessage = 'success';
    this.#ctx.store.changed();
    this.#notifyResult(payment);
    return payment;
  }

  /** The buyer declines or the payment fails with `resultCode`. Throws a 409 ControlError when not payable. */
  buyerFail(payment: PaymentRecord, resultCode: string, resultMessage?: string): PaymentRecord {
    this.#requirePayable(this.refresh(payment));
    payment.status = 'FAIL';
    payment.failedAt = this.#ctx.now();
    payment.resultCode = resultCode;
    payment.resultMessage = resultMessage ?? DECLINE_CODES[resultCode] ?? 'The payment failed.';
    this.#ctx.store.changed();
    this.#notifyResult(payment);
    return payment;
  }

  /** Expires a waiting payment now (tests). Throws a 409 ControlError when it is not waiting. */
  forceExpire(payment: PaymentRecord): PaymentRecord {
    this.#requirePayable(this.refresh(payment));
    payment.expiresAt = this.#ctx.now();
    this.#expire(payment);
    return payment;
  }

  #requirePayable(payment: PaymentRecord): void {
    if (payment.status === 'PROCESSING') return;
    if (payment.status === 'SUCCESS')
      throw new ControlError(409, 'PAYMENT_ALREADY_PAID', 'the payment is already paid');
    if (payment.status === 'CANCELLED') {
      throw new ControlError(409, 'PAYMENT_CANCELLED', 'the payment was cancelled by the merchant');
    }
    if (payment.expired) throw new ControlError(409, 'PAYMENT_EXPIRED', 'the payment code has expired');
    throw new ControlError(409, 'PAYMENT_FAILED', `the payment already failed (${payment.resultCode})`);
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

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringList(
  check: FieldChecker,
  body: Record<string, unknown>,
  field: string,
  pattern?: RegExp,
): string[] | undefined {
  const value = body[field];
  if (value == null) return undefined;
  if (
    !Array.isArray(value) ||
    value.some((item) => typeof item !== 'string' || (pattern && !pattern.test(item)))
  ) {
    check.add(`${field} must be an array of ${pattern ? 'region codes' : 'strings'}`);
    return undefined;
  }
  return value as string[];
}

function describeDuration(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 2 * 86_400_000) return `${ms / 86_400_000} days`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hours`;
  return `${ms / 60_000} minutes`;
}
