// Typical requests for each API, with every scalar as a string (docs/antom-notes.md §3) and a non-ASCII
// description, so the tests also prove the body travels as the exact UTF-8 bytes that were signed.
import type {
  CancelRequest,
  ConsultRequest,
  InquiryPaymentRequest,
  InquiryRefundRequest,
  PayRequest,
  RefundRequest,
} from '../../src/index.ts';

export const LIVE_CLIENT_ID = '2188120000000001';
export const SANDBOX_CLIENT_ID = 'SANDBOX_5YBC2Z2ZF4KL03142';

export function payRequest(overrides: Partial<PayRequest> = {}): PayRequest {
  return {
    productCode: 'CASHIER_PAYMENT',
    paymentRequestId: 'att_01JDQ3W9K8',
    order: {
      referenceOrderId: 'ord_01JDQ3W9',
      orderDescription: 'ชาเย็น × 2 — café crème',
      orderAmount: { currency: 'THB', value: '15000' },
      goods: [
        {
          referenceGoodsId: 'sku_1',
          goodsName: 'ชาเย็น',
          goodsQuantity: '2',
          goodsUnitAmount: { currency: 'THB', value: '7500' },
        },
      ],
    },
    paymentAmount: { currency: 'THB', value: '15000' },
    paymentMethod: { paymentMethodType: 'PROMPTPAY' },
    paymentRedirectUrl: 'https://shop.example/return',
    paymentNotifyUrl: 'https://shop.example/api/v1/antom/notify',
    settlementStrategy: { settlementCurrency: 'THB' },
    env: { terminalType: 'WEB' },
    ...overrides,
  };
}

export const consultRequest: ConsultRequest = {
  productCode: 'CASHIER_PAYMENT',
  paymentAmount: { currency: 'SGD', value: '1250' },
  env: { terminalType: 'WAP', osType: 'IOS' },
  allowedPaymentMethodRegions: ['SG', 'TH'],
};

export const inquiryPaymentRequest: InquiryPaymentRequest = { paymentRequestId: 'att_01JDQ3W9K8' };
export const cancelRequest: CancelRequest = { paymentId: 'pay_antom_1' };
export const refundRequest: RefundRequest = {
  refundRequestId: 'ref_01JDQ4',
  paymentId: 'pay_antom_1',
  refundAmount: { currency: 'SGD', value: '500' },
  refundReason: 'คืนเงิน',
  isAsyncRefund: 'false',
};
export const inquiryRefundRequest: InquiryRefundRequest = { refundRequestId: 'ref_01JDQ4' };
