// Alipay+ wallets and local QR schemes the checkout's catalog offers for Asia (D15.5), so the sandbox knows
// every method the catalog can show. Currencies, regions, limits and cancel/refund rules follow the Antom
// pages the catalog cites (apps/server/src/methods/catalog.ts); where a page gives no bound the limit is a
// sandbox choice, marked so. Antom's default timeout for all of them is 14 minutes.
import type { PaymentMethod } from './methods.ts';

const MINUTE = 60_000;
const QR_MAX_EXPIRY = 10 * MINUTE;

const wallet = (
  method: Pick<PaymentMethod, 'paymentMethodType' | 'name' | 'regions' | 'currencies' | 'limits' | 'color'> &
    Partial<PaymentMethod>,
): PaymentMethod => ({
  category: 'WALLET',
  defaultExpiryMs: 14 * MINUTE,
  maxExpiryMs: QR_MAX_EXPIRY,
  cancel: 'UNTIL_T1_0015_UTC8',
  refund: { supported: true, partial: true, multiple: true, windowDays: 365, mode: 'SYNC' },
  display: 'QR',
  ...method,
});

export const ASIA_METHODS: readonly PaymentMethod[] = [
  wallet({
    paymentMethodType: 'ALIPAY_CN',
    name: 'Alipay',
    category: 'ALIPAY_PLUS',
    regions: ['CN'],
    currencies: ['CNY'],
    limits: { CNY: { min: '10', max: '99999999999' } }, // 0.10 CNY – no published maximum (sandbox choice)
    color: '#1677ff',
  }),
  wallet({
    paymentMethodType: 'ALIPAY_HK',
    name: 'AlipayHK',
    category: 'ALIPAY_PLUS',
    regions: ['HK'],
    currencies: ['HKD'],
    limits: { HKD: { min: '1', max: '5000000' } }, // 0.01 – 50,000 HKD per transaction
    color: '#1677ff',
  }),
  wallet({
    paymentMethodType: 'DANA',
    name: 'DANA',
    category: 'ALIPAY_PLUS',
    regions: ['ID'],
    currencies: ['IDR'],
    limits: { IDR: { min: '30000', max: '1000000000' } }, // 300 – 10,000,000 IDR per transaction
    cancel: 'NEVER',
    color: '#118eea',
  }),
  wallet({
    paymentMethodType: 'KAKAOPAY',
    name: 'Kakao Pay',
    category: 'ALIPAY_PLUS',
    regions: ['KR'],
    currencies: ['KRW'],
    limits: { KRW: { min: '50', max: '2000000' } }, // 50 – 2,000,000 KRW
    color: '#ffeb00',
  }),
  wallet({
    paymentMethodType: 'TNG',
    name: "Touch 'n Go eWallet",
    category: 'ALIPAY_PLUS',
    regions: ['MY'],
    currencies: ['MYR'],
    limits: { MYR: { min: '5', max: '2000000' } }, // 0.05 – 20,000 MYR per transaction
    color: '#005abb',
  }),
  wallet({
    paymentMethodType: 'BOOST',
    name: 'Boost',
    category: 'ALIPAY_PLUS',
    regions: ['MY'],
    currencies: ['MYR'],
    limits: { MYR: { min: '5', max: '500000' } }, // 0.05 – 5,000 MYR (a month)
    color: '#ee2e24',
  }),
  wallet({
    paymentMethodType: 'RABBIT_LINE_PAY',
    name: 'Rabbit LINE Pay',
    category: 'ALIPAY_PLUS',
    regions: ['TH'],
    currencies: ['THB'],
    limits: { THB: { min: '1', max: '5000000' } }, // 0.01 – 50,000 THB
    color: '#06c755',
  }),
  wallet({
    paymentMethodType: 'PAYPAY',
    name: 'PayPay',
    regions: ['JP'],
    currencies: ['JPY'],
    limits: { JPY: { min: '1', max: '500000' } }, // 1 – 500,000 JPY (in 24 hours)
    color: '#ff0033',
  }),
  wallet({
    paymentMethodType: 'QRPH',
    name: 'QR Ph',
    category: 'MOBILE_BANKING_APP',
    regions: ['PH'],
    currencies: ['PHP'],
    limits: { PHP: { min: '2000', max: '999999900' } }, // 20 – 9,999,999 PHP
    // The merchant closing the order does not stop the buyer paying (Antom's QRPH page): never cancellable.
    cancel: 'NEVER',
    refund: { supported: false, partial: false, multiple: false, windowDays: 0, mode: 'ASYNC' },
    color: '#0038a8',
  }),
];
