// Buyer API (from the browser; the unguessable checkout token is the only credential).
import Type, { type Static } from 'typebox';
import {
  IsoDateTime,
  Money,
  OrderStatus,
  PaymentCode,
  PaymentNotice,
  PaymentStatus,
  TerminalType,
} from './common.ts';
import { OrderItem } from './orders.ts';

export const CheckoutParams = Type.Object({
  token: Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
});
export const CheckoutPaymentParams = Type.Object({
  token: Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
  paymentId: Type.String({ pattern: '^pay_[0-9A-Za-z]{1,40}$' }),
});

export const PaymentMethodView = Type.Object({
  type: Type.String({ description: 'Antom paymentMethodType, e.g. PROMPTPAY' }),
  name: Type.String({ description: 'in the language asked for (Accept-Language / ?lang)' }),
  names: Type.Record(Type.String(), Type.String()),
  category: Type.Union([Type.Literal('QR'), Type.Literal('BANK_TRANSFER'), Type.Literal('PAYMENT_CODE')]),
  logoUrl: Type.String({ description: "the gateway's logo when consult gives one, else the catalog's" }),
  logoFallbackUrl: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description: "the catalog's bundled logo, when logoUrl is the gateway's (shown if that one fails)",
    }),
  ),
  bankName: Type.Union([Type.String(), Type.Null()]),
  timeoutSeconds: Type.Integer(),
  cancellable: Type.Boolean({
    description:
      'false where Antom cannot cancel a code (e.g. QRIS, Indonesian virtual accounts): after Cancel it stays payable until it expires',
  }),
});
export type PaymentMethodView = Static<typeof PaymentMethodView>;

/**
 * The links Antom gives a phone for opening the wallet on the same device (S1: Web, WAP and App): `app`
 * is its app link (applinkUrl, a universal link), `scheme` the wallet's own scheme URL (schemeUrl), `normal`
 * a web page (normalUrl). Any of them may be null.
 */
export const PaymentLinks = Type.Object({
  app: Type.Union([Type.String(), Type.Null()]),
  scheme: Type.Union([Type.String(), Type.Null()]),
  normal: Type.Union([Type.String(), Type.Null()]),
});
export type PaymentLinks = Static<typeof PaymentLinks>;

/** The live (or last) payment attempt as the buyer sees it. */
export const CheckoutPayment = Type.Object({
  id: Type.String(),
  status: PaymentStatus,
  reason: Type.Union([Type.String(), Type.Null()]),
  paymentMethodType: Type.String(),
  paymentMethodName: Type.Optional(
    Type.String({ description: 'the display name in the language asked for, never the raw type' }),
  ),
  amount: Money,
  code: Type.Union([PaymentCode, Type.Null()], {
    description: 'null while the gateway has not answered yet ("still working")',
  }),
  expiresAt: IsoDateTime,
  deepLink: Type.Union([Type.String(), Type.Null()], {
    description: 'app link / scheme URL for phones, when Antom gives one',
  }),
  links: Type.Union([PaymentLinks, Type.Null()], {
    description:
      'every link Antom gave for a phone (WAP/APP terminals) while the code can be paid; null otherwise',
  }),
  walletUrl: Type.Union([Type.String(), Type.Null()], {
    description: 'sandbox only: the wallet simulator page',
  }),
});
export type CheckoutPayment = Static<typeof CheckoutPayment>;

/** The merchant's brand on the buyer's pages (D15); every field but the name may be null. */
export const CheckoutBranding = Type.Object({
  merchantName: Type.String(),
  logoUrl: Type.Union([Type.String(), Type.Null()]),
  accentColor: Type.Union([Type.String({ pattern: '^#[0-9a-f]{6}$' }), Type.Null()], {
    description: 'button colour; at least 4.5:1 against white text',
  }),
  supportEmail: Type.Union([Type.String(), Type.Null()]),
  supportUrl: Type.Union([Type.String(), Type.Null()]),
  termsUrl: Type.Union([Type.String(), Type.Null()]),
  privacyUrl: Type.Union([Type.String(), Type.Null()]),
});
export type CheckoutBranding = Static<typeof CheckoutBranding>;

/** The payment that paid the order (for the success screen and receipt). */
export const PaidPayment = Type.Object({
  id: Type.String(),
  paymentMethodType: Type.String(),
  amount: Money,
  paidAt: Type.Union([IsoDateTime, Type.Null()]),
});
export type PaidPayment = Static<typeof PaidPayment>;

const buyerTruth = {
  paidPayment: Type.Union([PaidPayment, Type.Null()]),
  notices: Type.Array(PaymentNotice),
  settled: Type.Boolean({
    description:
      'true once nothing about this checkout can change any more (the order final, every payment final, nothing being given back): the page may stop listening',
  }),
};

export const CheckoutView = Type.Object({
  order: Type.Object({
    id: Type.String(),
    reference: Type.String(),
    description: Type.String(),
    amount: Money,
    items: Type.Array(OrderItem),
    status: OrderStatus,
    expiresAt: IsoDateTime,
    returnUrl: Type.Union([Type.String(), Type.Null()]),
    merchantName: Type.String(),
  }),
  serverTime: IsoDateTime,
  paymentMethods: Type.Array(PaymentMethodView),
  payment: Type.Union([CheckoutPayment, Type.Null()]),
  presentation: Type.Union([Type.Literal('overlay'), Type.Literal('page')], {
    description: 'S12: overlay or new page',
  }),
  branding: CheckoutBranding,
  sandbox: Type.Boolean({ description: 'true when the gateway is the Paydesk sandbox' }),
  successRedirectSeconds: Type.Integer({
    description: 'S18: the countdown on the success screen before redirecting',
  }),
  ...buyerTruth,
});
export type CheckoutView = Static<typeof CheckoutView>;

export const CreatePaymentBody = Type.Object(
  {
    paymentMethodType: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Z0-9_]+$' }),
    terminalType: TerminalType,
    osType: Type.Optional(Type.Union([Type.Literal('IOS'), Type.Literal('ANDROID')])),
  },
  { additionalProperties: false },
);
export type CreatePaymentBody = Static<typeof CreatePaymentBody>;

export const CreatePaymentResponse = Type.Object({ ...CheckoutPayment.properties, serverTime: IsoDateTime });
export type CreatePaymentResponse = Static<typeof CreatePaymentResponse>;

export const CheckoutStatus = Type.Object({
  orderStatus: OrderStatus,
  expiresAt: IsoDateTime,
  payment: Type.Union([
    Type.Object({
      id: Type.String(),
      status: PaymentStatus,
      reason: Type.Union([Type.String(), Type.Null()]),
      hasCode: Type.Boolean(),
    }),
    Type.Null(),
  ]),
  serverTime: IsoDateTime,
  returnUrl: Type.Union([Type.String(), Type.Null()]),
  ...buyerTruth,
});
export type CheckoutStatus = Static<typeof CheckoutStatus>;
