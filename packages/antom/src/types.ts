// Antom wire types (docs/antom-notes.md §3–5). Every scalar is a string on the wire, as Antom requires, so
// the types say `string` even for amounts, booleans and times. Optional fields are the ones Antom documents
// as optional; the client never adds or reorders fields, it signs and sends exactly what it is given.

export type ResultStatus = 'S' | 'F' | 'U';

/** The `result` object every Antom answer and notification carries. */
export interface AntomResult {
  resultCode: string;
  resultStatus: ResultStatus;
  resultMessage?: string;
}

/**
 * Money: ISO-4217 code and a positive integer string in the currency's minor unit (docs/antom-notes.md §7.2).
 */
export interface Amount {
  currency: string;
  value: string;
}

export type TerminalType = 'WEB' | 'WAP' | 'APP' | 'MINI_APP';
export type OsType = 'IOS' | 'ANDROID';
export type PaymentStatus = 'SUCCESS' | 'FAIL' | 'PROCESSING' | 'CANCELLED' | 'PENDING';
export type RefundStatus = 'SUCCESS' | 'FAIL' | 'PROCESSING';
export type DisplayType = 'TEXT' | 'SMALLIMAGE' | 'MIDDLEIMAGE' | 'BIGIMAGE' | 'IMAGE';
export type PaymentMethodCategory =
  | 'ALIPAY_PLUS'
  | 'WALLET'
  | 'MOBILE_BANKING_APP'
  | 'BANK_TRANSFER'
  | 'ONLINE_BANKING'
  | 'CARD'
  | 'OTC'
  | 'VA';

export interface Env {
  terminalType: TerminalType;
  osType?: OsType;
  clientIp?: string;
  userAgent?: string;
  deviceTokenId?: string;
  timeZoneOffset?: string;
}

export interface Buyer {
  referenceBuyerId?: string;
  buyerEmail?: string;
  buyerPhoneNo?: string;
  buyerName?: { firstName?: string; lastName?: string; fullName?: string };
}

export interface Goods {
  referenceGoodsId: string;
  goodsName: string;
  goodsCategory?: string;
  goodsUnitAmount?: Amount;
  goodsQuantity?: string;
  goodsUrl?: string;
  deliveryMethodType?: 'PHYSICAL' | 'DIGITAL';
}

export interface Order {
  referenceOrderId: string;
  orderDescription: string;
  orderAmount: Amount;
  buyer?: Buyer;
  goods?: Goods[];
  extendInfo?: string;
}

// ---- consult (docs/antom-notes.md §5.5)

export interface ConsultRequest {
  productCode: 'CASHIER_PAYMENT';
  paymentAmount: Amount;
  env: Env;
  userRegion?: string;
  allowedPaymentMethodRegions?: string[];
  allowedPaymentMethods?: string[];
  blockedPaymentMethods?: string[];
  settlementStrategy?: { settlementCurrency: string };
  merchantAccountId?: string;
}

/** One limit of a method (Java SDK `model/ams/AmountLimit`): the bounds of a payment, and what is left. */
export interface AmountLimit {
  minAmount?: Amount;
  maxAmount?: Amount;
  remainAmount?: Amount;
}

/**
 * A method's limits in one currency (Java SDK `model/ams/AmountLimitInfo`): per payment, per day, per
 * month. consult answers `amountLimitInfoMap: { <currency>: AmountLimitInfo }`.
 */
export interface AmountLimitInfo {
  singleLimit?: AmountLimit;
  dayLimit?: AmountLimit;
  monthLimit?: AmountLimit;
}

export interface PaymentOption {
  paymentMethodType: string;
  enabled: string | boolean;
  disableReason?: string;
  paymentMethodCategory?: PaymentMethodCategory;
  paymentMethodRegion?: string[];
  supportedCurrencies?: string[];
  logo?: { logoName?: string; logoUrl?: string };
  amountLimitInfoMap?: Record<string, AmountLimitInfo>;
  preferred?: string | boolean;
}

export interface ConsultResponse {
  result: AntomResult;
  paymentOptions?: PaymentOption[];
}

// ---- pay (docs/antom-notes.md §3, §4)

export interface PayRequest {
  productCode: 'CASHIER_PAYMENT';
  /** Idempotency key, at most 64 characters: one per payment attempt, never reused with another body. */
  paymentRequestId: string;
  order: Order;
  paymentAmount: Amount;
  paymentMethod: { paymentMethodType: string; paymentMethodMetaData?: Record<string, string> };
  paymentRedirectUrl: string;
  paymentNotifyUrl?: string;
  /** ISO-8601 with offset. */
  paymentExpiryTime?: string;
  settlementStrategy?: { settlementCurrency: string };
  env: Env;
  userRegion?: string;
  merchantAccountId?: string;
  /** Required when `env.terminalType` is `MINI_APP`. */
  appId?: string;
  metadata?: string;
  extendInfo?: string;
}

/**
 * One rendering of the payment code (docs/antom-notes.md §4): `TEXT` is the raw value (a QR payload to draw,
 * or a number to type); `SMALLIMAGE`, `MIDDLEIMAGE`, `BIGIMAGE` (and `IMAGE`) carry an image of the code.
 */
export interface CodeDetail {
  codeValue: string;
  displayType: DisplayType;
  codeValueType?: 'BARCODE' | 'QRCODE';
}

export interface OrderCodeForm {
  /** ISO-8601: when the code stops being payable. */
  expireTime: string;
  codeDetails: CodeDetail[];
  paymentMethodType?: string;
  extendInfo?: string;
}

export interface PayResponse {
  result: AntomResult;
  paymentRequestId?: string;
  paymentId?: string;
  paymentCreateTime?: string;
  /** Present when the answer is S (already paid). */
  paymentTime?: string;
  paymentAmount?: Amount;
  actualPaymentAmount?: Amount;
  normalUrl?: string;
  schemeUrl?: string;
  applinkUrl?: string;
  appIdentifier?: string;
  orderCodeForm?: OrderCodeForm;
  paymentActionForm?: string;
  redirectActionForm?: { method?: string; redirectUrl?: string; parameters?: string };
  extendInfo?: string;
}

// ---- inquiryPayment (docs/antom-notes.md §5.1)

export type InquiryPaymentRequest =
  | { paymentRequestId: string; paymentId?: string; merchantAccountId?: string }
  | { paymentId: string; paymentRequestId?: string; merchantAccountId?: string };

export interface Transaction {
  transactionType: 'PAYMENT' | 'REFUND' | 'CAPTURE' | 'CANCEL' | 'AUTHORIZATION' | 'VOID' | 'INCREMENTAL';
  transactionStatus: PaymentStatus;
  transactionId?: string;
  transactionRequestId?: string;
  transactionAmount?: Amount;
  transactionTime?: string;
  transactionResult?: AntomResult;
}

export interface InquiryPaymentResponse {
  result: AntomResult;
  paymentStatus?: PaymentStatus;
  paymentResultCode?: string;
  paymentResultMessage?: string;
  paymentRequestId?: string;
  paymentId?: string;
  paymentAmount?: Amount;
  actualPaymentAmount?: Amount;
  paymentCreateTime?: string;
  /** Present only when `paymentStatus` is SUCCESS. */
  paymentTime?: string;
  paymentMethodType?: string;
  transactions?: Transaction[];
}

// ---- cancel (docs/antom-notes.md §5.2)

export type CancelRequest =
  | { paymentId: string; paymentRequestId?: string; merchantAccountId?: string }
  | { paymentRequestId: string; paymentId?: string; merchantAccountId?: string };

export interface CancelResponse {
  result: AntomResult;
  paymentId?: string;
  paymentRequestId?: string;
  cancelTime?: string;
}

// ---- refund (docs/antom-notes.md §5.3)

export interface RefundRequest {
  /** Idempotency key, at most 64 characters; retry a timed-out refund with the same id. */
  refundRequestId: string;
  /** Antom's payment id (`paymentRequestId` is not accepted here). */
  paymentId: string;
  refundAmount: Amount;
  referenceRefundId?: string;
  refundReason?: string;
  refundNotifyUrl?: string;
  isAsyncRefund?: 'true' | 'false';
  extendInfo?: string;
  metadata?: string;
}

export interface RefundResponse {
  result: AntomResult;
  refundRequestId?: string;
  refundId?: string;
  paymentId?: string;
  refundAmount?: Amount;
  refundTime?: string;
  actualRefundAmount?: Amount;
}

// ---- inquiryRefund (docs/antom-notes.md §5.4)

export type InquiryRefundRequest =
  | { refundRequestId: string; refundId?: string; merchantAccountId?: string }
  | { refundId: string; refundRequestId?: string; merchantAccountId?: string };

export interface InquiryRefundResponse {
  result: AntomResult;
  refundId?: string;
  refundRequestId?: string;
  refundAmount?: Amount;
  refundStatus?: RefundStatus;
  refundTime?: string;
  actualRefundAmount?: Amount;
}

// ---- notifications (docs/antom-notes.md §1.3)

export interface PaymentNotificationBody {
  notifyType: 'PAYMENT_RESULT' | 'PAYMENT_PENDING';
  result: AntomResult;
  paymentRequestId: string;
  paymentId: string;
  paymentAmount: Amount;
  paymentCreateTime?: string;
  paymentTime?: string;
  paymentMethodType?: string;
  actualPaymentAmount?: Amount;
  metadata?: string;
}

export interface RefundNotificationBody {
  notifyType: 'REFUND_RESULT';
  result: AntomResult;
  refundStatus: 'SUCCESS' | 'FAIL';
  refundRequestId: string;
  refundId: string;
  refundAmount: Amount;
  refundTime?: string;
  actualRefundAmount?: Amount;
}

export type NotificationBody = PaymentNotificationBody | RefundNotificationBody;

/** The APIs the client calls, by their Antom names. */
export type AntomApi = 'consult' | 'pay' | 'inquiryPayment' | 'cancel' | 'refund' | 'inquiryRefund';

export interface AntomRequests {
  consult: ConsultRequest;
  pay: PayRequest;
  inquiryPayment: InquiryPaymentRequest;
  cancel: CancelRequest;
  refund: RefundRequest;
  inquiryRefund: InquiryRefundRequest;
}

export interface AntomResponses {
  consult: ConsultResponse;
  pay: PayResponse;
  inquiryPayment: InquiryPaymentResponse;
  cancel: CancelResponse;
  refund: RefundResponse;
  inquiryRefund: InquiryRefundResponse;
}
