// Merchant API (server to server, `Authorization: Bearer $MERCHANT_API_KEY`).
import Type, { type Static } from 'typebox';
import {
  IsoDateTime,
  Money,
  MoneyOrZero,
  OrderStatus,
  PaymentCode,
  PaymentNotice,
  PaymentStatus,
} from './common.ts';

export const OrderItem = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    quantity: Type.Integer({ minimum: 1, maximum: 100000 }),
    unitAmount: Money,
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type OrderItem = Static<typeof OrderItem>;

export const Buyer = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 64 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 64 })),
    phone: Type.Optional(Type.String({ maxLength: 24 })),
    name: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type Buyer = Static<typeof Buyer>;

export const CreateOrderBody = Type.Object(
  {
    reference: Type.String({ minLength: 1, maxLength: 64, description: "the merchant's own order id" }),
    amount: Money,
    description: Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'shown to the buyer and in their wallet',
    }),
    items: Type.Optional(Type.Array(OrderItem, { maxItems: 100 })),
    buyer: Type.Optional(Buyer),
    region: Type.Optional(
      Type.String({
        pattern: '^[A-Z]{2}$',
        description: 'ISO-3166 alpha-2 buyer region, filters payment methods',
      }),
    ),
    expiresInSeconds: Type.Optional(
      Type.Integer({ minimum: 60, maximum: 7 * 24 * 3600, description: 'default 1800 (30 minutes)' }),
    ),
    returnUrl: Type.Optional(
      Type.String({
        format: 'uri',
        maxLength: 2048,
        description:
          'where the buyer goes after paying: an https: URL (http: only to a loopback host in the development profile); anything else is 422 URL_NOT_ALLOWED',
      }),
    ),
    metadata: Type.Optional(
      Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 500 }), {
        maxProperties: 20,
        description: 'your own key/value pairs, returned as given',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateOrderBody = Static<typeof CreateOrderBody>;

const LOOPBACK_HOST = /^(localhost|[^.]+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Why `value` is not a URL a buyer may be sent to, or null when it is (D10.2: a `javascript:`
 * returnUrl ran in the merchant's page through the embed). Only `https:`; `http:` only to a loopback host,
 * and only when `allowLoopbackHttp` (the development profile).
 */
export function buyerUrlProblem(value: string, options: { allowLoopbackHttp: boolean }): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol === 'https:' && url.hostname) return null;
  if (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname)) {
    return options.allowLoopbackHttp
      ? null
      : 'must be https: (http: to a loopback host is for development only)';
  }
  return options.allowLoopbackHttp
    ? 'must be an https: URL (or http: to localhost in development)'
    : 'must be an https: URL';
}

export const PaymentReason = Type.Optional(
  Type.Union([Type.String(), Type.Null()], {
    description:
      'why, where it helps: TIMEOUT, BUYER_CANCELLED, CHARGE_REVERSED, DUPLICATE_REFUNDED, or the Antom result code',
  }),
);

export const PaymentView = Type.Object({
  id: Type.String({ description: 'pay_…; also the Antom paymentRequestId' }),
  status: PaymentStatus,
  reason: PaymentReason,
  paymentMethodType: Type.String(),
  terminalType: Type.String(),
  amount: Money,
  gatewayPaymentId: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoDateTime,
  expiresAt: IsoDateTime,
  paidAt: Type.Union([IsoDateTime, Type.Null()], {
    description: 'when Antom captured it (also kept on a REVERSED payment)',
  }),
  reversedAt: Type.Union([IsoDateTime, Type.Null()], {
    description: 'REVERSED only: when a cancel returned the captured payment to the buyer',
  }),
  finalAt: Type.Union([IsoDateTime, Type.Null()]),
  state: Type.String({
    description:
      'the internal attempt state (PENDING, UNKNOWN, PROCESSING, CANCELLING, ABANDONED, SUCCESS, FAIL, CANCELLED, REVERSED)',
  }),
  kept: Type.Boolean({ description: 'true for the one captured payment that pays the order' }),
  nextCheckAt: Type.Union([IsoDateTime, Type.Null()], {
    description: 'when Paydesk next asks Antom about it (null: nothing more to ask)',
  }),
});
export type PaymentView = Static<typeof PaymentView>;

export const RefundStatus = Type.Union([
  Type.Literal('PENDING'),
  Type.Literal('PROCESSING'),
  Type.Literal('SUCCEEDED'),
  Type.Literal('FAILED'),
  Type.Literal('MANUAL'),
]);
export type RefundStatus = Static<typeof RefundStatus>;

export const RefundView = Type.Object({
  id: Type.String({ description: 'ref_…; also the Antom refundRequestId' }),
  paymentId: Type.String(),
  kind: Type.Union([Type.Literal('MERCHANT'), Type.Literal('DUPLICATE')], {
    description: 'MERCHANT: asked through the API; DUPLICATE: a second captured payment given back (S10)',
  }),
  method: Type.Union([Type.Literal('REFUND'), Type.Literal('CANCEL'), Type.Literal('NONE')]),
  status: RefundStatus,
  amount: Money,
  reason: Type.Union([Type.String(), Type.Null()]),
  failureCode: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoDateTime,
  finalAt: Type.Union([IsoDateTime, Type.Null()]),
});
export type RefundView = Static<typeof RefundView>;

export const OrderEventView = Type.Object({
  id: Type.String(),
  type: Type.String({
    description: 'e.g. order.created, payment.processing, gateway.call, notification.received',
  }),
  at: IsoDateTime,
  data: Type.Record(Type.String(), Type.Unknown()),
});
export type OrderEventView = Static<typeof OrderEventView>;

export const OrderSummary = Type.Object({
  id: Type.String({ description: 'ord_…' }),
  reference: Type.String(),
  status: OrderStatus,
  amount: Money,
  description: Type.String(),
  region: Type.Union([Type.String(), Type.Null()]),
  checkoutUrl: Type.String(),
  checkoutToken: Type.String({ description: 'the buyer credential; at least 128 random bits' }),
  expiresAt: IsoDateTime,
  createdAt: IsoDateTime,
  paidAt: Type.Union([IsoDateTime, Type.Null()]),
  refundedAmount: MoneyOrZero,
  needsAttention: Type.Union([Type.String(), Type.Null()], {
    description: 'set when an operator must act (e.g. a duplicate payment Antom cannot give back)',
  }),
  notices: Type.Optional(
    Type.Array(PaymentNotice, {
      description:
        'every other payment the buyer was charged for (a surplus given back, or a capture a cancel reversed) ' +
        'and what became of the money; in the order list and view, not in webhooks',
    }),
  ),
});
export type OrderSummary = Static<typeof OrderSummary>;

export const OrderView = Type.Object({
  ...OrderSummary.properties,
  ...{
    items: Type.Array(OrderItem),
    buyer: Type.Union([Buyer, Type.Null()]),
    returnUrl: Type.Union([Type.String(), Type.Null()]),
    metadata: Type.Record(Type.String(), Type.String()),
    payments: Type.Array(PaymentView),
    refunds: Type.Array(RefundView),
    events: Type.Optional(Type.Array(OrderEventView)),
  },
});
export type OrderView = Static<typeof OrderView>;

export const OrderListQuery = Type.Object(
  {
    status: Type.Optional(OrderStatus),
    q: Type.Optional(
      Type.String({ maxLength: 100, description: 'search by order id, reference or payment id' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    needsAttention: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type OrderListQuery = Static<typeof OrderListQuery>;

export const OrderList = Type.Object({
  data: Type.Array(OrderSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type OrderList = Static<typeof OrderList>;

export const RefundBody = Type.Object(
  {
    amount: Type.Optional(Money),
    reason: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type RefundBody = Static<typeof RefundBody>;

export const OrderIdParams = Type.Object({ id: Type.String({ pattern: '^ord_[0-9A-Za-z]{1,40}$' }) });

/** The body of every webhook delivered to MERCHANT_WEBHOOK_URL. */
export const WebhookEvent = Type.Object({
  id: Type.String({ description: 'evt_…, stable across retries' }),
  type: Type.Union([
    Type.Literal('order.paid'),
    Type.Literal('order.expired'),
    Type.Literal('order.closed'),
    Type.Literal('refund.succeeded'),
    Type.Literal('refund.failed'),
    Type.Literal('payment.duplicate_refunded'),
    Type.Literal('payment.reversed'),
    Type.Literal('order.needs_attention'),
  ]),
  createdAt: IsoDateTime,
  data: Type.Object({
    order: OrderSummary,
    payment: Type.Optional(PaymentView),
    refund: Type.Optional(RefundView),
  }),
});
export type WebhookEvent = Static<typeof WebhookEvent>;

export { PaymentCode };
