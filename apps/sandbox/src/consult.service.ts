// consult (docs/antom-notes.md §5.5): the methods table filtered by currency, region and the merchant's allow
// and block lists. Limits come back in Antom's shape,
// `amountLimitInfoMap: { <currency>: { singleLimit: { minAmount, maxAmount } } }` (Java SDK `PaymentOption` /
// `AmountLimitInfo`; D13.6).
import { compareMinor } from '@paydesk/antom';
import { methodLimits, PAYMENT_METHODS } from './methods.ts';
import { paramIllegal, success, type AntomAnswer } from './results.ts';
import { FieldChecker, isObject, nonStringScalars, stringList, TERMINAL_TYPES } from './validation.ts';

export class ConsultService {
  readonly #publicUrl: () => string;
  readonly #logoUrl: (paymentMethodType: string) => string | undefined;

  constructor(publicUrl: () => string, logoUrl?: (paymentMethodType: string) => string | undefined) {
    this.#publicUrl = publicUrl;
    this.#logoUrl = logoUrl ?? (() => undefined);
  }

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

    const base = this.#publicUrl();
    const options = PAYMENT_METHODS.filter(
      (method) =>
        method.currencies.includes(amount.currency) &&
        (!allowed || allowed.includes(method.paymentMethodType)) &&
        !blocked?.includes(method.paymentMethodType) &&
        (!regions || regions.includes('GLOBAL') || method.regions.some((r) => regions.includes(r))) &&
        (!userRegion || method.regions.includes(userRegion)),
    ).map((method) => {
      const limits = methodLimits(method, amount.currency)!;
      const single = limits.singleLimit!;
      const within =
        compareMinor(amount.value, single.minAmount!.value) >= 0 &&
        compareMinor(amount.value, single.maxAmount!.value) <= 0;
      return {
        paymentMethodType: method.paymentMethodType,
        paymentMethodCategory: method.category,
        paymentMethodRegion: [...method.regions],
        supportedCurrencies: [...method.currencies],
        enabled: within,
        ...(within ? {} : { disableReason: 'PAYMENT_AMOUNT_EXCEED_LIMIT' }),
        logo: {
          logoName: method.name,
          logoUrl:
            this.#logoUrl(method.paymentMethodType) ??
            `${base}/sandbox/logos/${method.paymentMethodType}.svg`,
        },
        amountLimitInfoMap: { [amount.currency]: limits },
      };
    });
    return success({ paymentOptions: options });
  }
}
