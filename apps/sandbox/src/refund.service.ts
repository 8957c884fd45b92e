// The refund rules (docs/antom-notes.md §5.3, §5.4): by Antom's paymentId, idempotent on refundRequestId,
// partial and multiple refunds up to what was paid, per-method capability and window, synchronous for wallets
// and asynchronous (U REFUND_IN_PROCESS, then a REFUND_RESULT notification) for banks and bank QR schemes.
import { compareMinor, subtractMinor } from '@paydesk/antom';
import { newRefundId } from './ids.ts';
import { ledgerOf } from './ledger.ts';
import { findMethod } from './methods.ts';
import type { PaymentService, ServiceContext } from './payment.service.ts';
import { failure, inProcess, paramIllegal, success, type AntomAnswer } from './results.ts';
import type { RefundRecord } from './store.ts';
import { formatAntomTime } from './time.ts';
import { moveRefund } from './transitions.ts';
import { FieldChecker, nonStringScalars } from './validation.ts';

const DAY = 86_400_000;

export interface RefundServiceOptions {
  /** How long an asynchronous refund stays PROCESSING before it succeeds by itself (ms). */
  asyncRefundDelayMs: number;
}

export class RefundService {
  readonly #ctx: ServiceContext;
  readonly #payments: PaymentService;
  readonly #options: RefundServiceOptions;

  constructor(ctx: ServiceContext, payments: PaymentService, options: RefundServiceOptions) {
    this.#ctx = ctx;
    this.#payments = payments;
    this.#options = options;
  }

  refund(body: unknown): AntomAnswer {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return paramIllegal(['the body must be a JSON object']);
    }
    const check = new FieldChecker(body);
    check.problems.push(...nonStringScalars(body));
    const refundRequestId = check.string('refundRequestId', { required: true, max: 64 });
    const paymentId = check.string('paymentId', { required: true, max: 64 });
    const amount = check.amount('refundAmount');
    check.string('referenceRefundId', { max: 64 });
    const reason = check.string('refundReason', { max: 256 });
    const notifyUrl = check.url('refundNotifyUrl', { max: 1024 });
    const isAsync = check.string('isAsyncRefund', { oneOf: ['true', 'false'] });
    if (!check.ok) return paramIllegal(check.problems);

    const existing = this.#ctx.store.refundByRequestId(refundRequestId!);
    if (existing) {
      if (
        existing.paymentId !== paymentId ||
        existing.amount.currency !== amount!.currency ||
        existing.amount.value !== amount!.value
      ) {
        return failure(
          'REPEAT_REQ_INCONSISTENT',
          `refundRequestId ${refundRequestId} was used with another payment or amount`,
        );
      }
      return this.#answer(this.#settleIfDue(existing));
    }

    const payment = this.#ctx.store.payment(paymentId!);
    if (!payment) {
      const byRequestId = this.#ctx.store.paymentByRequestId(paymentId!);
      return failure(
        'ORDER_NOT_EXIST',
        byRequestId
          ? `paymentId ${paymentId} is a paymentRequestId; refund needs Antom's paymentId (${byRequestId.paymentId})`
          : `no payment with paymentId ${paymentId}`,
      );
    }
    this.#payments.refresh(payment);
    const method = findMethod(payment.paymentMethodType)!;
    if (!method.refund.supported) {
      return failure('REFUND_NOT_SUPPORTED', `${method.paymentMethodType} payments cannot be refunded`);
    }
    // Antom's refund tables name both (seen as DPOS_PAYMENT_ORDER_IS_CANCELED and …_ORDER_STATUS_INVALID
    // in docs.antom.com/ac/omnichannel/inquiryRefund): a cancelled payment, or one in progress or failed.
    if (payment.status === 'CANCELLED') {
      return failure(
        'ORDER_IS_CANCELED',
        'the payment was cancelled (a cancel after payment gave the money back in full); it cannot be refunded',
      );
    }
    if (payment.status !== 'SUCCESS') {
      return failure('ORDER_STATUS_INVALID', `the payment is not paid (status ${payment.status})`);
    }
    if (amount!.currency !== payment.amount.currency) {
      return paramIllegal([
        `refundAmount.currency must be the payment's currency ${payment.amount.currency}`,
      ]);
    }
    const now = this.#ctx.now();
    if (now > payment.paidAt! + method.refund.windowDays * DAY) {
      return failure(
        'REFUND_WINDOW_EXCEED',
        `${method.paymentMethodType} refunds are accepted for ${method.refund.windowDays} days after payment`,
      );
    }
    const refunds = this.#ctx.store.refundsOf(payment.paymentId);
    const ledger = ledgerOf(payment, refunds);
    const refundable = subtractMinor(
      subtractMinor(subtractMinor(ledger.captured, ledger.refunded), ledger.pendingRefund),
      ledger.reversed,
    );
    if (compareMinor(amount!.value, refundable) > 0) {
      return failure(
        'REFUND_AMOUNT_EXCEED',
        `refundAmount.value ${amount!.value} exceeds what is left to refund (${refundable} ${payment.amount.currency})`,
      );
    }
    if (!method.refund.multiple && refunds.some((refund) => refund.status !== 'FAIL')) {
      return failure(
        'MULTIPLE_REFUNDS_NOT_SUPPORTED',
        `${method.paymentMethodType} allows one refund per payment`,
      );
    }
    if (!method.refund.partial && amount!.value !== refundable) {
      return failure(
        'PARTIAL_REFUND_NOT_SUPPORTED',
        `${method.paymentMethodType} refunds the full amount only`,
      );
    }

    const mode = isAsync === 'true' ? 'ASYNC' : method.refund.mode;
    const refund: RefundRecord = {
      refundId: newRefundId(now),
      refundRequestId: refundRequestId!,
      paymentId: payment.paymentId,
      amount: { currency: amount!.currency, value: amount!.value },
      status: mode === 'SYNC' ? 'SUCCESS' : 'PROCESSING',
      resultCode: mode === 'SYNC' ? 'SUCCESS' : 'REFUND_IN_PROCESS',
      resultMessage: mode === 'SYNC' ? 'success' : 'The refund is being processed.',
      mode,
      createdAt: now,
      ...(mode === 'SYNC' ? { finishedAt: now } : { settlesAt: now + this.#options.asyncRefundDelayMs }),
      notifyUrl: notifyUrl ?? this.#ctx.defaultNotifyUrl,
      ...(reason ? { reason } : {}),
      notificationIds: [],
    };
    this.#ctx.store.addRefund(refund);
    if (mode === 'ASYNC') this.#armSettlement(refund);
    return this.#answer(refund);
  }

  inquiryRefund(body: unknown): AntomAnswer {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return paramIllegal(['the body must be a JSON object']);
    }
    const check = new FieldChecker(body);
    check.problems.push(...nonStringScalars(body));
    const refundId = check.string('refundId', { max: 64 });
    const refundRequestId = check.string('refundRequestId', { max: 64 });
    check.string('merchantAccountId', { max: 32 });
    if (check.ok && !refundId && !refundRequestId) check.add('refundId or refundRequestId is required');
    if (!check.ok) return paramIllegal(check.problems);
    // refundId wins when both are given (docs/antom-notes.md §5.4).
    const refund = refundId
      ? this.#ctx.store.refund(refundId)
      : this.#ctx.store.refundByRequestId(refundRequestId!);
    if (!refund) {
      return failure(
        'REFUND_NOT_EXIST',
        refundId
          ? `no refund with refundId ${refundId}`
          : `no refund with refundRequestId ${refundRequestId}`,
      );
    }
    this.#settleIfDue(refund);
    // The fields of Antom's inquiryRefund answer (Java SDK AlipayInquiryRefundResponse): no paymentId and
    // no reason code for a failed refund — a merchant learns a failure, not why, from this call.
    return success({
      refundId: refund.refundId,
      refundRequestId: refund.refundRequestId,
      refundAmount: refund.amount,
      refundStatus: refund.status,
      ...(refund.status === 'SUCCESS' ? { refundTime: formatAntomTime(refund.finishedAt!) } : {}),
    });
  }

  #answer(refund: RefundRecord): AntomAnswer {
    const fields = {
      refundRequestId: refund.refundRequestId,
      refundId: refund.refundId,
      paymentId: refund.paymentId,
      refundAmount: refund.amount,
    };
    if (refund.status === 'SUCCESS') {
      return success({ ...fields, refundTime: formatAntomTime(refund.finishedAt!) });
    }
    if (refund.status === 'PROCESSING') {
      return inProcess('REFUND_IN_PROCESS', 'The refund is being processed.', fields);
    }
    return failure(refund.resultCode, refund.resultMessage, fields);
  }

  /** Settles an asynchronous refund whose time has come (lazy check on every read). */
  #settleIfDue(refund: RefundRecord): RefundRecord {
    if (
      refund.status === 'PROCESSING' &&
      refund.settlesAt !== undefined &&
      this.#ctx.now() >= refund.settlesAt
    ) {
      this.#settle(refund, 'SUCCESS');
    }
    return refund;
  }

  #armSettlement(refund: RefundRecord): void {
    this.#ctx.timers.at(refund.settlesAt ?? 0, this.#ctx.now, () => {
      this.#settleIfDue(refund);
    });
  }

  /** Re-arms asynchronous refunds after a restart (state file). */
  rearm(): void {
    for (const refund of this.#ctx.store.refunds()) {
      if (refund.status === 'PROCESSING') {
        this.#settleIfDue(refund);
        if (refund.status === 'PROCESSING') this.#armSettlement(refund);
      }
    }
  }

  /** Settles a processing refund now (control API). Throws SandboxRuleError when it is already final. */
  settleNow(
    refund: RefundRecord,
    outcome: 'SUCCESS' | 'FAIL',
    resultCode?: string,
    resultMessage?: string,
  ): RefundRecord {
    this.#settle(refund, outcome, resultCode, resultMessage);
    return refund;
  }

  #settle(
    refund: RefundRecord,
    outcome: 'SUCCESS' | 'FAIL',
    resultCode?: string,
    resultMessage?: string,
  ): void {
    moveRefund(refund, outcome === 'SUCCESS' ? 'SETTLED' : 'FAILED', {
      finishedAt: this.#ctx.now(),
      settlesAt: undefined,
      resultCode: outcome === 'SUCCESS' ? 'SUCCESS' : (resultCode ?? 'PROCESS_FAIL'),
      resultMessage:
        outcome === 'SUCCESS' ? 'success' : (resultMessage ?? 'The refund failed at the payment method.'),
    });
    this.#ctx.store.changed();
    if (!refund.notifyUrl) return;
    const record = this.#ctx.notifier.enqueue({
      notifyType: 'REFUND_RESULT',
      url: refund.notifyUrl,
      paymentId: refund.paymentId,
      refundId: refund.refundId,
      body: {
        notifyType: 'REFUND_RESULT',
        result: {
          resultCode: refund.resultCode,
          resultStatus: outcome === 'SUCCESS' ? 'S' : 'F',
          resultMessage: refund.resultMessage,
        },
        refundStatus: outcome,
        refundRequestId: refund.refundRequestId,
        refundId: refund.refundId,
        refundAmount: refund.amount,
        ...(outcome === 'SUCCESS' ? { refundTime: formatAntomTime(refund.finishedAt!) } : {}),
      },
    });
    refund.notificationIds.push(record.id);
  }
}
