// What the ops console reads besides orders (Merchant API key): the integration's health (D11) and
// the payment-method catalog, so an operator sees display names and what a refund does for the buyer.
import Type, { type Static } from 'typebox';

/** A fault of the integration itself: Antom refuses our credentials, or its answers do not verify. */
export const GatewayFaultView = Type.Object({
  code: Type.String({ description: "Antom's result code (e.g. INVALID_SIGNATURE), or SIGNATURE_INVALID" }),
  api: Type.String({ description: 'the Antom API the fault was first seen on' }),
  message: Type.String({ description: 'what is wrong and which setting to check, for people' }),
  since: Type.Integer({ description: 'when it was first seen (epoch ms)' }),
  calls: Type.Integer({ description: 'how many calls have hit it since' }),
});
export type GatewayFaultView = Static<typeof GatewayFaultView>;

export const OpsHealth = Type.Object({
  database: Type.Union([Type.Literal('ok'), Type.Literal('down')]),
  gateway: Type.Object({
    status: Type.Union([Type.Literal('ok'), Type.Literal('fault')], {
      description: 'fault: buyers are told payments are briefly unavailable until a call succeeds again',
    }),
    fault: Type.Optional(GatewayFaultView),
  }),
});
export type OpsHealth = Static<typeof OpsHealth>;

/** One method of the catalog, as an operator needs it (display name, what Antom allows afterwards). */
export const MerchantPaymentMethod = Type.Object({
  type: Type.String({ description: 'Antom paymentMethodType, e.g. TRUEMONEY' }),
  name: Type.String({ description: 'the English display name' }),
  category: Type.Union([Type.Literal('QR'), Type.Literal('BANK_TRANSFER'), Type.Literal('PAYMENT_CODE')]),
  wallet: Type.Boolean({
    description:
      'a digital wallet: Antom refunds it synchronously (the money is back in the wallet at once); other methods refund asynchronously',
  }),
  cancel: Type.Union([Type.Literal('paid'), Type.Literal('unpaid'), Type.Literal('never')], {
    description: 'whether Antom can cancel a payment after it was paid, only before, or never',
  }),
  refund: Type.Union([Type.Literal('full_and_partial'), Type.Literal('full'), Type.Literal('none')]),
});
export type MerchantPaymentMethod = Static<typeof MerchantPaymentMethod>;

export const MerchantPaymentMethodList = Type.Object({ data: Type.Array(MerchantPaymentMethod) });
export type MerchantPaymentMethodList = Static<typeof MerchantPaymentMethodList>;
