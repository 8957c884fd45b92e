// What a `pay` request must hold before the sandbox creates anything (docs/antom-notes.md §3; D13): every
// problem names its field, and they are answered together as one PARAM_ILLEGAL. Rules that depend on
// the method (currency, limits, expiry ceiling) are checked afterwards, against the methods table.
import type { Amount, TerminalType } from '@paydesk/antom';
import { FieldChecker, nonStringScalars, pick, TERMINAL_TYPES } from './validation.ts';

/** The fields of a well-formed pay request the sandbox keeps. */
export interface PayRequestFields {
  paymentRequestId: string;
  referenceOrderId: string;
  orderDescription: string;
  amount: Amount;
  methodType: string;
  redirectUrl: string;
  notifyUrl: string | undefined;
  expiryText: string | undefined;
  terminalType: TerminalType;
}

/** Checks a pay request's fields: the kept fields, or every problem found. */
export function checkPayRequest(
  body: Record<string, unknown>,
): { ok: true; fields: PayRequestFields } | { ok: false; problems: string[] } {
  const check = new FieldChecker(body);
  check.problems.push(...nonStringScalars(body));
  const paymentRequestId = check.string('paymentRequestId', { required: true, max: 64 });
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
    if (!Array.isArray(goods) || goods.length > 100) {
      check.add('order.goods must be an array of at most 100 items');
    } else {
      goods.forEach((_item, index) => {
        check.string(`order.goods[${index}].referenceGoodsId`, { required: true, max: 64 });
        check.string(`order.goods[${index}].goodsName`, { required: true, max: 256 });
      });
    }
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
  if (!check.ok) return { ok: false, problems: check.problems };
  return {
    ok: true,
    fields: {
      paymentRequestId: paymentRequestId!,
      referenceOrderId: referenceOrderId!,
      orderDescription: orderDescription!,
      amount: { currency: amount!.currency, value: amount!.value },
      methodType: methodType!,
      redirectUrl: redirectUrl!,
      notifyUrl,
      expiryText,
      terminalType: terminalType!,
    },
  };
}
