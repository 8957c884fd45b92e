// The payment methods the sandbox offers, as one data table (docs/antom-notes.md §5.2, §5.3, §7.1, §7.5). The
// checkout server's tests and docs read it too, so every rule the sandbox enforces per method lives here and
// nowhere else. Limits marked "sandbox choice" are not published by Antom; they are plausible, and
// documented.
import type { AmountLimitInfo, PaymentMethodCategory } from '@paydesk/antom';
import { ASIA_METHODS } from './methods.asia.ts';

/** How the buyer receives the code: a QR payload to scan, or a number to type (VA / payment code). */
export type CodeDisplay = 'QR' | 'TEXT';

/**
 * When `cancel` is accepted (docs/antom-notes.md §5.2): never (Indonesian methods), only before the buyer
 * pays (Thai bank transfers; PromptPay by our choice, docs/antom-notes.md §10.9), or until 00:15 UTC+8 on the
 * day after payment (others).
 */
export type CancelRule = 'NEVER' | 'BEFORE_PAYMENT' | 'UNTIL_T1_0015_UTC8';

/**
 * Refund capability (docs/antom-notes.md §5.3): wallets refund synchronously, banks and bank QR schemes
 * asynchronously.
 */
export interface RefundRule {
  supported: boolean;
  /** A refund of less than what is left is allowed. */
  partial: boolean;
  /** More than one refund per payment is allowed. */
  multiple: boolean;
  /** Days after payment during which refunds are accepted. */
  windowDays: number;
  /** SYNC answers S at once; ASYNC answers U REFUND_IN_PROCESS and settles later with a REFUND_RESULT notification. */
  mode: 'SYNC' | 'ASYNC';
}

export interface PaymentMethod {
  paymentMethodType: string;
  /** Human name for pages and logos. */
  name: string;
  category: PaymentMethodCategory;
  /** ISO-3166 alpha-2 regions where the method is offered. */
  regions: readonly string[];
  currencies: readonly string[];
  /** Inclusive limits per currency, minor-unit strings. */
  limits: Readonly<Record<string, { min: string; max: string }>>;
  /** Code lifetime when the merchant sends no `paymentExpiryTime` (docs/antom-notes.md §7.5). */
  defaultExpiryMs: number;
  /**
   * The furthest `paymentExpiryTime` accepted, counted from the request (docs/antom-notes.md §3 and §10.4).
   */
  maxExpiryMs: number;
  cancel: CancelRule;
  refund: RefundRule;
  display: CodeDisplay;
  /**
   * Which `codeDetails` the pay answer carries (codes.ts): the text value, the text and three images, or
   * images only. Default: text and images for QR methods, text for the others.
   */
  codeDetails?: 'TEXT' | 'TEXT_AND_IMAGES' | 'IMAGES_ONLY';
  /** Digits that start every generated VA / payment number (TEXT methods only). */
  codePrefix?: string;
  /** Total digits of a generated VA / payment number (TEXT methods only). */
  codeLength?: number;
  /** Brand colour for the generated logo and the wallet page. */
  color: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// Antom's docs say a custom paymentExpiryTime must be < 10 min after the request for non-bank-transfer
// methods even though the default is 14 min (docs/antom-notes.md §10.4). We enforce the documented limit:
// code that passes here cannot be refused by Antom for it.
const QR_MAX_EXPIRY = 10 * MINUTE;

/** Every method the sandbox knows, in display order. */
export const PAYMENT_METHODS: readonly PaymentMethod[] = Object.freeze<PaymentMethod[]>([
  {
    paymentMethodType: 'PROMPTPAY',
    name: 'PromptPay',
    category: 'MOBILE_BANKING_APP',
    regions: ['TH'],
    currencies: ['THB'],
    limits: { THB: { min: '1', max: '999999999999' } }, // 0.01 – 9,999,999,999.99 THB
    defaultExpiryMs: 14 * MINUTE,
    maxExpiryMs: QR_MAX_EXPIRY,
    cancel: 'BEFORE_PAYMENT',
    refund: { supported: false, partial: false, multiple: false, windowDays: 0, mode: 'ASYNC' },
    display: 'QR',
    color: '#1b3d6d',
  },
  {
    paymentMethodType: 'PAYNOW',
    name: 'PayNow',
    category: 'MOBILE_BANKING_APP',
    regions: ['SG'],
    currencies: ['SGD'],
    limits: { SGD: { min: '1', max: '20000000' } }, // 0.01 – 200,000 SGD
    defaultExpiryMs: 14 * MINUTE,
    maxExpiryMs: QR_MAX_EXPIRY,
    cancel: 'UNTIL_T1_0015_UTC8',
    refund: { supported: true, partial: true, multiple: true, windowDays: 60, mode: 'ASYNC' },
    display: 'QR',
    color: '#7b2e8e',
  },
  {
    paymentMethodType: 'QRIS',
    name: 'QRIS',
    category: 'MOBILE_BANKING_APP',
    regions: ['ID'],
    currencies: ['IDR'],
    limits: { IDR: { min: '100', max: '1000000000' } }, // 1 – 10,000,000 IDR
    defaultExpiryMs: 14 * MINUTE,
    maxExpiryMs: QR_MAX_EXPIRY,
    cancel: 'NEVER',
    refund: { supported: true, partial: true, multiple: true, windowDays: 90, mode: 'ASYNC' },
    display: 'QR',
    color: '#c8102e',
  },
  {
    paymentMethodType: 'TRUEMONEY',
    name: 'TrueMoney Wallet',
    category: 'WALLET',
    regions: ['TH'],
    currencies: ['THB'],
    limits: { THB: { min: '100', max: '10000000' } }, // 1 – 100,000 THB (max: sandbox choice)
    defaultExpiryMs: 14 * MINUTE,
    maxExpiryMs: QR_MAX_EXPIRY,
    cancel: 'UNTIL_T1_0015_UTC8',
    refund: { supported: true, partial: true, multiple: true, windowDays: 365, mode: 'SYNC' },
    display: 'QR',
    color: '#ee6c00',
  },
  {
    paymentMethodType: 'GCASH',
    name: 'GCash',
    category: 'WALLET',
    regions: ['PH'],
    currencies: ['PHP'],
    limits: { PHP: { min: '100', max: '10000000' } }, // 1 – 100,000 PHP (max: sandbox choice)
    defaultExpiryMs: 14 * MINUTE,
    maxExpiryMs: QR_MAX_EXPIRY,
    cancel: 'UNTIL_T1_0015_UTC8',
    refund: { supported: true, partial: true, multiple: true, windowDays: 180, mode: 'SYNC' },
    display: 'QR',
    // Images only, no TEXT entry (sandbox choice): the one method whose code the merchant cannot draw.
    codeDetails: 'IMAGES_ONLY',
    color: '#0a5bd3',
  },
  {
    paymentMethodType: 'BANKTRANSFER_PERMATA',
    name: 'Permata Virtual Account',
    category: 'BANK_TRANSFER',
    regions: ['ID'],
    currencies: ['IDR'],
    limits: { IDR: { min: '1000000', max: '10000000000' } }, // 10,000 – 100,000,000 IDR (sandbox choice)
    defaultExpiryMs: 48 * HOUR,
    maxExpiryMs: 48 * HOUR,
    cancel: 'NEVER',
    refund: { supported: true, partial: true, multiple: true, windowDays: 90, mode: 'ASYNC' },
    display: 'TEXT',
    codePrefix: '8528',
    codeLength: 16,
    color: '#0b7a3e',
  },
  {
    paymentMethodType: 'BANKTRANSFER_BNI',
    name: 'BNI Virtual Account',
    category: 'BANK_TRANSFER',
    regions: ['ID'],
    currencies: ['IDR'],
    limits: { IDR: { min: '1000000', max: '10000000000' } }, // 10,000 – 100,000,000 IDR (sandbox choice)
    defaultExpiryMs: 48 * HOUR,
    maxExpiryMs: 48 * HOUR,
    cancel: 'NEVER',
    refund: { supported: true, partial: true, multiple: true, windowDays: 90, mode: 'ASYNC' },
    display: 'TEXT',
    codePrefix: '988',
    codeLength: 16,
    color: '#f15a22',
  },
  {
    paymentMethodType: 'BANKTRANSFER_BANGKOKBANK',
    name: 'Bangkok Bank transfer',
    category: 'BANK_TRANSFER',
    regions: ['TH'],
    currencies: ['THB'],
    limits: { THB: { min: '2000', max: '200000000' } }, // 20 – 2,000,000 THB (sandbox choice)
    defaultExpiryMs: 48 * HOUR,
    maxExpiryMs: 48 * HOUR,
    cancel: 'BEFORE_PAYMENT',
    refund: { supported: true, partial: true, multiple: true, windowDays: 90, mode: 'ASYNC' },
    display: 'TEXT',
    codePrefix: '002',
    codeLength: 15,
    color: '#1e3a8a',
  },
  {
    paymentMethodType: 'KONBINI',
    name: 'Konbini',
    category: 'OTC',
    regions: ['JP'],
    currencies: ['JPY'],
    limits: { JPY: { min: '100', max: '300000' } }, // 100 – 300,000 JPY (sandbox choice)
    defaultExpiryMs: 7 * DAY,
    maxExpiryMs: 7 * DAY,
    cancel: 'UNTIL_T1_0015_UTC8',
    refund: { supported: true, partial: true, multiple: true, windowDays: 180, mode: 'ASYNC' },
    display: 'TEXT',
    codePrefix: '7',
    codeLength: 12,
    color: '#0f766e',
  },
  ...ASIA_METHODS,
]);

/** The method with this `paymentMethodType`, or undefined. */
export function findMethod(paymentMethodType: string): PaymentMethod | undefined {
  return PAYMENT_METHODS.find((method) => method.paymentMethodType === paymentMethodType);
}

/**
 * The method's limits for a currency in consult's shape (`amountLimitInfoMap[currency]`, Java SDK
 * `AmountLimitInfo`): the per-payment bounds as `singleLimit`. No day or month limit is kept per buyer here.
 */
export function methodLimits(method: PaymentMethod, currency: string): AmountLimitInfo | undefined {
  const limit = method.limits[currency];
  if (!limit) return undefined;
  return {
    singleLimit: { minAmount: { currency, value: limit.min }, maxAmount: { currency, value: limit.max } },
  };
}
