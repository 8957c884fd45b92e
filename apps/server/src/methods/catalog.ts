// The payment-method catalog (S5): what this merchant offers, in configuration. Each entry says how the
// code is shown (QR to scan, or a number to type), where and in which currency it works, its amount
// limits, how long a code lives, and what Antom allows afterwards (cancel / refund), which decides how a
// duplicate payment is given back (S10). Override it with PAYMENT_METHODS=@path/to/catalog.json.
import { amountProblems } from '@paydesk/antom';

export type MethodCategory = 'QR' | 'BANK_TRANSFER' | 'PAYMENT_CODE';

export interface CatalogMethod {
  type: string;
  /** Display names by language (en is required; zh, th, id when known). */
  names: Record<string, string>;
  category: MethodCategory;
  /** A URL path or absolute URL of the logo. */
  logo: string;
  bankName?: string;
  currencies: string[];
  /** ISO-3166 alpha-2 regions; empty means anywhere. */
  regions: string[];
  /** Per currency, inclusive minor-unit limits. */
  minAmount?: Record<string, string>;
  maxAmount?: Record<string, string>;
  /** How long a code may be paid, in seconds (the attempt's timeout, S19). */
  timeoutSeconds: number;
  /** Antom's cancel rule: `paid` = cancellable after payment (until 00:15 UTC+8 T+1), `unpaid` only before, `never`. */
  cancel: 'paid' | 'unpaid' | 'never';
  refund: 'full_and_partial' | 'full' | 'none';
  /**
   * A digital wallet (default false). Antom refunds wallets synchronously and every other method
   * asynchronously (https://docs.antom.com/ac/questions/refund_question): the ops console tells the
   * operator, before a refund, whether the buyer gets the money back at once or within days.
   */
  wallet?: boolean;
  /** The Antom page the currencies, regions, limits and rules were taken from. */
  source?: string;
}

/**
 * A method offered for one order: the catalog entry, plus Antom's own logo URL when consult gave one
 * (`paymentOptions[].logo.logoUrl`; the cashier shows it, with the bundled `logo` behind it, D15).
 */
export type OfferedMethod = CatalogMethod & { gatewayLogoUrl?: string | null };

const CORE_CATALOG: CatalogMethod[] = [
  {
    type: 'PROMPTPAY',
    names: { en: 'PromptPay', zh: 'PromptPay', th: 'พร้อมเพย์', id: 'PromptPay' },
    category: 'QR',
    logo: '/assets/methods/promptpay.svg',
    currencies: ['THB'],
    regions: ['TH'],
    minAmount: { THB: '1' },
    maxAmount: { THB: '999999999999' },
    timeoutSeconds: 480,
    cancel: 'unpaid',
    refund: 'none',
  },
  {
    type: 'TRUEMONEY',
    names: { en: 'TrueMoney Wallet', zh: 'TrueMoney 钱包', th: 'ทรูมันนี่ วอลเล็ท', id: 'TrueMoney Wallet' },
    category: 'QR',
    logo: '/assets/methods/truemoney.svg',
    currencies: ['THB'],
    regions: ['TH'],
    minAmount: { THB: '100' },
    maxAmount: { THB: '5000000' },
    timeoutSeconds: 480,
    cancel: 'paid',
    refund: 'full_and_partial',
    wallet: true,
  },
  {
    type: 'PAYNOW',
    names: { en: 'PayNow', zh: 'PayNow', th: 'PayNow', id: 'PayNow' },
    category: 'QR',
    logo: '/assets/methods/paynow.svg',
    currencies: ['SGD'],
    regions: ['SG'],
    minAmount: { SGD: '1' },
    maxAmount: { SGD: '20000000' },
    timeoutSeconds: 480,
    cancel: 'paid',
    refund: 'full_and_partial',
  },
  {
    type: 'QRIS',
    names: { en: 'QRIS', zh: 'QRIS', th: 'QRIS', id: 'QRIS' },
    category: 'QR',
    logo: '/assets/methods/qris.svg',
    currencies: ['IDR'],
    regions: ['ID'],
    minAmount: { IDR: '100' },
    maxAmount: { IDR: '1000000000' },
    timeoutSeconds: 480,
    cancel: 'never',
    refund: 'full_and_partial',
  },
  {
    type: 'BANKTRANSFER_PERMATA',
    names: {
      en: 'Permata Bank virtual account',
      zh: 'Permata 银行虚拟账户',
      th: 'บัญชีเสมือน Permata Bank',
      id: 'Virtual Account Permata',
    },
    category: 'BANK_TRANSFER',
    logo: '/assets/methods/permata.svg',
    bankName: 'Permata Bank',
    currencies: ['IDR'],
    regions: ['ID'],
    minAmount: { IDR: '1000000' },
    maxAmount: { IDR: '5000000000000' },
    timeoutSeconds: 24 * 3600,
    cancel: 'never',
    refund: 'full_and_partial',
  },
  {
    type: 'BANKTRANSFER_BNI',
    names: {
      en: 'BNI virtual account',
      zh: 'BNI 银行虚拟账户',
      th: 'บัญชีเสมือน BNI',
      id: 'Virtual Account BNI',
    },
    category: 'BANK_TRANSFER',
    logo: '/assets/methods/bni.svg',
    bankName: 'Bank Negara Indonesia (BNI)',
    currencies: ['IDR'],
    regions: ['ID'],
    minAmount: { IDR: '1000000' },
    maxAmount: { IDR: '5000000000000' },
    timeoutSeconds: 24 * 3600,
    cancel: 'never',
    refund: 'full_and_partial',
  },
  {
    type: 'KONBINI',
    names: {
      en: 'Konbini (convenience store)',
      zh: '便利店支付 (Konbini)',
      th: 'ร้านสะดวกซื้อ (Konbini)',
      id: 'Konbini',
    },
    category: 'PAYMENT_CODE',
    logo: '/assets/methods/konbini.svg',
    currencies: ['JPY'],
    regions: ['JP'],
    minAmount: { JPY: '100' },
    maxAmount: { JPY: '300000' },
    timeoutSeconds: 3 * 24 * 3600,
    cancel: 'paid',
    refund: 'full_and_partial',
  },
];

// Alipay+ wallets and local QR schemes Antom offers for the custom cashier in Asia (D15). Currencies,
// regions and per-payment limits are those of the page named in `source`; a per-day or per-month cap is
// taken as the per-payment maximum. Antom's default timeout for all of these is 14 minutes
// (https://docs.antom.com/ac/pm/default_timeout), but a paymentExpiryTime we send must stay under 10 minutes
// for non-bank-transfer methods, so the catalog keeps the 8 minutes it uses for PromptPay and TrueMoney.
// Cancel: Indonesian methods never; QRPH stays payable when the merchant closes (its page says so); the
// others until 00:15 UTC+8 on T+1 (https://docs.antom.com/ac/cashierpay/cancel).
const ALIPAY_PLUS = 'https://docs.antom.com/ac/cashierpay/alipayplus';
const wallet = (
  entry: Omit<CatalogMethod, 'category' | 'timeoutSeconds' | 'cancel' | 'refund'> &
    Partial<Pick<CatalogMethod, 'cancel' | 'refund'>>,
): CatalogMethod => ({
  category: 'QR',
  timeoutSeconds: 480,
  cancel: 'paid',
  refund: 'full_and_partial',
  wallet: true,
  ...entry,
});

const ASIA_WALLETS: CatalogMethod[] = [
  wallet({
    type: 'ALIPAY_CN',
    names: { en: 'Alipay', zh: '支付宝', 'zh-TW': '支付寶', ja: 'Alipay（支付宝）', ko: '알리페이' },
    logo: '/assets/methods/alipay.svg',
    currencies: ['CNY'],
    regions: ['CN'],
    minAmount: { CNY: '10' }, // 0.10 CNY; no published maximum
    source: ALIPAY_PLUS,
  }),
  wallet({
    type: 'ALIPAY_HK',
    names: { en: 'AlipayHK', zh: 'AlipayHK 支付宝香港', 'zh-TW': 'AlipayHK 支付寶香港' },
    logo: '/assets/methods/alipayhk.svg',
    currencies: ['HKD'],
    regions: ['HK'],
    minAmount: { HKD: '1' },
    maxAmount: { HKD: '5000000' }, // 50,000 HKD per transaction
    source: ALIPAY_PLUS,
  }),
  wallet({
    type: 'GCASH',
    names: { en: 'GCash' },
    logo: '/assets/methods/gcash.svg',
    currencies: ['PHP'],
    regions: ['PH'],
    minAmount: { PHP: '100' },
    maxAmount: { PHP: '10000000' }, // 100,000 PHP per day
    source: 'https://docs.antom.com/ac/antomop/gcash',
  }),
  wallet({
    type: 'DANA',
    names: { en: 'DANA' },
    logo: '/assets/methods/dana.svg',
    currencies: ['IDR'],
    regions: ['ID'],
    minAmount: { IDR: '30000' }, // 300 IDR
    maxAmount: { IDR: '1000000000' }, // 10,000,000 IDR per transaction
    cancel: 'never',
    source: ALIPAY_PLUS,
  }),
  wallet({
    type: 'KAKAOPAY',
    names: { en: 'Kakao Pay', ko: '카카오페이', zh: 'Kakao Pay', ja: 'カカオペイ' },
    logo: '/assets/methods/kakaopay.svg',
    currencies: ['KRW'],
    regions: ['KR'],
    minAmount: { KRW: '50' },
    maxAmount: { KRW: '2000000' },
    source: ALIPAY_PLUS,
  }),
  wallet({
    type: 'TNG',
    names: { en: "Touch 'n Go eWallet" },
    logo: '/assets/methods/tng.svg',
    currencies: ['MYR'],
    regions: ['MY'],
    minAmount: { MYR: '5' }, // 0.05 MYR
    maxAmount: { MYR: '2000000' }, // 20,000 MYR per transaction
    source: ALIPAY_PLUS,
  }),
  wallet({
    type: 'BOOST',
    names: { en: 'Boost' },
    logo: '/assets/methods/boost.svg',
    currencies: ['MYR'],
    regions: ['MY'],
    minAmount: { MYR: '5' },
    maxAmount: { MYR: '500000' }, // 5,000 MYR per month
    source: ALIPAY_PLUS,
  }),
  wallet({
    type: 'RABBIT_LINE_PAY',
    names: { en: 'Rabbit LINE Pay', th: 'แรบบิท ไลน์ เพย์' },
    logo: '/assets/methods/rabbitlinepay.svg',
    currencies: ['THB'],
    regions: ['TH'],
    minAmount: { THB: '1' },
    maxAmount: { THB: '5000000' }, // 50,000 THB
    source: 'https://docs.antom.com/ac/antomop/rabbitlinepay',
  }),
  wallet({
    type: 'PAYPAY',
    names: { en: 'PayPay', ja: 'PayPay（ペイペイ）' },
    logo: '/assets/methods/paypay.svg',
    currencies: ['JPY'],
    regions: ['JP'],
    minAmount: { JPY: '1' },
    maxAmount: { JPY: '500000' }, // 500,000 JPY in 24 hours
    source: 'https://docs.antom.com/ac/cashierpay/wallet',
  }),
  wallet({
    type: 'QRPH',
    names: { en: 'QR Ph', fil: 'QR Ph' },
    logo: '/assets/methods/qrph.svg',
    currencies: ['PHP'],
    regions: ['PH'],
    minAmount: { PHP: '2000' }, // 20 PHP
    maxAmount: { PHP: '999999900' }, // 9,999,999 PHP
    cancel: 'never',
    refund: 'none',
    wallet: false, // a bank QR scheme, not a wallet
    source: 'https://docs.antom.com/ac/antomop/qrph',
  }),
];

export const DEFAULT_CATALOG: readonly CatalogMethod[] = [...CORE_CATALOG, ...ASIA_WALLETS];

/** Every problem in a catalog, each naming the entry and field (empty when it is valid). */
export function catalogProblems(catalog: unknown): string[] {
  if (!Array.isArray(catalog) || catalog.length === 0)
    return ['PAYMENT_METHODS must be a non-empty JSON array'];
  const problems: string[] = [];
  const seen = new Set<string>();
  catalog.forEach((entry: Partial<CatalogMethod>, index) => {
    const at = `PAYMENT_METHODS[${index}]`;
    if (typeof entry?.type !== 'string' || !/^[A-Z0-9_]{1,64}$/.test(entry.type))
      problems.push(`${at}.type must be an Antom paymentMethodType`);
    else if (seen.has(entry.type)) problems.push(`${at}.type ${entry.type} appears twice`);
    else seen.add(entry.type);
    if (typeof entry?.names?.en !== 'string') problems.push(`${at}.names.en is required`);
    if (!['QR', 'BANK_TRANSFER', 'PAYMENT_CODE'].includes(entry?.category as string)) {
      problems.push(`${at}.category must be QR, BANK_TRANSFER or PAYMENT_CODE`);
    }
    if (typeof entry?.logo !== 'string') problems.push(`${at}.logo must be a URL`);
    if (!Array.isArray(entry?.currencies) || entry.currencies.length === 0)
      problems.push(`${at}.currencies must list currencies`);
    if (!Array.isArray(entry?.regions)) problems.push(`${at}.regions must be an array (empty = anywhere)`);
    if (!Number.isInteger(entry?.timeoutSeconds) || (entry.timeoutSeconds as number) < 10) {
      problems.push(`${at}.timeoutSeconds must be an integer ≥ 10`);
    }
    if (!['paid', 'unpaid', 'never'].includes(entry?.cancel as string))
      problems.push(`${at}.cancel must be paid, unpaid or never`);
    if (!['full_and_partial', 'full', 'none'].includes(entry?.refund as string)) {
      problems.push(`${at}.refund must be full_and_partial, full or none`);
    }
    if (entry?.wallet !== undefined && typeof entry.wallet !== 'boolean')
      problems.push(`${at}.wallet must be true or false`);
    for (const field of ['minAmount', 'maxAmount'] as const) {
      for (const [currency, value] of Object.entries(entry?.[field] ?? {})) {
        const amountIssues = amountProblems({ currency, value }, `${at}.${field}.${currency}`).filter(
          (problem) => !problem.includes('whole rupiah'),
        );
        problems.push(...amountIssues);
      }
    }
  });
  return problems;
}
