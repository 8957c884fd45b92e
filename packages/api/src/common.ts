// Shared pieces of Paydesk's HTTP contract (docs/product.md "HTTP contract (v1)").
import Type, { type Static } from 'typebox';

/** Money: ISO-4217 code and an integer string in the currency's minor unit (the Antom convention). */
export const Money = Type.Object(
  {
    currency: Type.String({
      pattern: '^[A-Z]{3}$',
      description: 'ISO-4217 code, e.g. THB',
      examples: ['THB'],
    }),
    value: Type.String({
      pattern: '^[1-9][0-9]{0,15}$',
      description: 'positive integer in the minor unit, at most 16 digits ("150000" = 1,500.00 THB)',
      examples: ['150000'],
    }),
  },
  { additionalProperties: false, description: 'An amount of money in minor units' },
);
export type Money = Static<typeof Money>;

/** Money that may be zero (refunded totals and the like). */
export const MoneyOrZero = Type.Object(
  {
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    value: Type.String({ pattern: '^(0|[1-9][0-9]{0,15})$' }),
  },
  { additionalProperties: false },
);
export type MoneyOrZero = Static<typeof MoneyOrZero>;

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable machine-readable code, e.g. ORDER_ALREADY_PAID' }),
      message: Type.String({ description: 'what was wrong, for people' }),
      details: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
    }),
  },
  { description: 'Every 4xx/5xx answer' },
);
export type ErrorBody = Static<typeof ErrorBody>;

export const IsoDateTime = Type.String({ format: 'date-time', description: 'ISO-8601 UTC' });

export const OrderStatus = Type.Union(
  [Type.Literal('OPEN'), Type.Literal('PAID'), Type.Literal('EXPIRED'), Type.Literal('CLOSED')],
  { description: 'OPEN (awaiting payment) → PAID | EXPIRED | CLOSED, all final' },
);
export type OrderStatus = Static<typeof OrderStatus>;

/** Antom's paymentStatus, as the buyer sees it (S16). */
export const PaymentStatus = Type.Union(
  [Type.Literal('PROCESSING'), Type.Literal('SUCCESS'), Type.Literal('FAIL'), Type.Literal('CANCELLED')],
  { description: "Antom's paymentStatus: PROCESSING (wait) → SUCCESS | FAIL | CANCELLED" },
);
export type PaymentStatus = Static<typeof PaymentStatus>;

export const TerminalType = Type.Union([Type.Literal('WEB'), Type.Literal('WAP'), Type.Literal('APP')], {
  description: 'WEB (desktop browser), WAP (phone browser) or APP (in-app WebView) — S1',
});
export type TerminalType = Static<typeof TerminalType>;

export const PaymentCode = Type.Object(
  {
    kind: Type.Union([Type.Literal('qr'), Type.Literal('text'), Type.Literal('image')], {
      description:
        'qr: draw `value` as a QR code; text: show `value` to type (bank transfer); image: `value` is an image URL',
    }),
    value: Type.String(),
  },
  { additionalProperties: false },
);
export type PaymentCode = Static<typeof PaymentCode>;

export const IdempotencyKeyHeader = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Same key + same body → the first answer again; same key + another body → 422',
    }),
  ),
});

/**
 * A payment the buyer was charged for beyond the one that paid the order, and what became of the money
 * (D11): given back (pending, done, or left to the merchant), or reversed by a cancel. The buyer's
 * page and the Merchant API's order list and view share it.
 */
export const PaymentNotice = Type.Object({
  paymentId: Type.String(),
  paymentMethodType: Type.String(),
  amount: Money,
  outcome: Type.Union([
    Type.Literal('REFUND_PENDING'),
    Type.Literal('REFUNDED'),
    Type.Literal('REFUND_MANUAL'),
    Type.Literal('REVERSED'),
  ]),
  /** DUPLICATE: the order was already paid; LATE: it had closed or expired; REVERSED: see outcome. */
  cause: Type.Union([Type.Literal('DUPLICATE'), Type.Literal('LATE_PAYMENT'), Type.Literal('REVERSED')]),
  at: Type.Union([IsoDateTime, Type.Null()]),
});
export type PaymentNotice = Static<typeof PaymentNotice>;
