// Row types of every table, as Kysely sees them (see migrations.ts for the DDL).
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type {
  AttemptStatus,
  OrderStatus,
  RefundKind,
  RefundMethod,
  RefundStatus,
} from '../domain/state-machine.ts';

export type { AttemptStatus, OrderStatus, RefundKind, RefundMethod, RefundStatus };

export interface OrdersTable {
  id: string;
  reference: string;
  status: OrderStatus;
  currency: string;
  amount: string;
  description: string;
  items: string;
  buyer: string | null;
  region: string | null;
  return_url: string | null;
  metadata: string;
  checkout_token: string;
  checkout_token_hash: string;
  expires_at: number;
  created_at: number;
  updated_at: number;
  paid_at: number | null;
  final_at: number | null;
  paid_payment_id: string | null;
  refunded: Generated<string>;
  refund_reserved: Generated<string>;
  needs_attention: string | null;
}

export interface PaymentsTable {
  id: string;
  order_id: string;
  status: AttemptStatus;
  reason: string | null;
  method_type: string;
  terminal_type: string;
  currency: string;
  amount: string;
  gateway_payment_id: string | null;
  code_kind: string | null;
  code_value: string | null;
  deep_link: string | null;
  /** JSON `{ app, scheme, normal }` of the links Antom gave for a phone (migration 0004), or null. */
  links: string | null;
  wallet_url: string | null;
  expires_at: number;
  gateway_expires_at: number;
  created_at: number;
  updated_at: number;
  /** When Antom captured it; on a CANCELLING or CANCELLED attempt, a capture reported but not settled. */
  paid_at: number | null;
  /** When a cancel returned a captured payment to the buyer (REVERSED, D11). */
  reversed_at: Generated<number | null>;
  final_at: number | null;
  next_check_at: number | null;
  check_count: Generated<number>;
  lease_until: number | null;
  cancel_reason: string | null;
  kept: Generated<number>;
  /** Bumped by every write of the row; what a compare-and-set on an attempt checks besides its status (D17.8). */
  version: Generated<number>;
}

/**
 * Every column of `payments`, by name, for statements that must not say `*` (a prepared statement's result
 * columns may not change when a migration adds one: db/prepared.ts).
 */
export const PAYMENT_COLUMNS = [
  'id',
  'order_id',
  'status',
  'reason',
  'method_type',
  'terminal_type',
  'currency',
  'amount',
  'gateway_payment_id',
  'code_kind',
  'code_value',
  'deep_link',
  'links',
  'wallet_url',
  'expires_at',
  'gateway_expires_at',
  'created_at',
  'updated_at',
  'paid_at',
  'reversed_at',
  'final_at',
  'next_check_at',
  'check_count',
  'lease_until',
  'cancel_reason',
  'kept',
  'version',
] as const satisfies readonly (keyof PaymentsTable)[];
/** Compiles only while every column of PaymentsTable is in PAYMENT_COLUMNS (a missing one is required here). */
export const PAYMENT_COLUMNS_COMPLETE: Record<
  Exclude<keyof PaymentsTable, (typeof PAYMENT_COLUMNS)[number]>,
  never
> = {};

export interface RefundsTable {
  id: string;
  order_id: string;
  payment_id: string;
  kind: RefundKind;
  method: RefundMethod;
  status: RefundStatus;
  currency: string;
  amount: string;
  reason: string | null;
  failure_code: string | null;
  gateway_refund_id: string | null;
  created_at: number;
  updated_at: number;
  final_at: number | null;
  next_check_at: number | null;
  check_count: Generated<number>;
  lease_until: number | null;
}

export interface OrderEventsTable {
  seq: Generated<number>;
  id: string;
  order_id: string;
  type: string;
  data: string;
  created_at: number;
}

export interface GatewayCallsTable {
  seq: Generated<number>;
  order_id: string | null;
  payment_id: string | null;
  refund_id: string | null;
  api: string;
  attempt: number;
  request_time: string;
  request_body: string;
  http_status: number | null;
  response_body: string | null;
  result_status: string | null;
  result_code: string | null;
  error: string | null;
  duration_ms: number;
  created_at: number;
}

export interface NotificationsTable {
  seq: Generated<number>;
  order_id: string | null;
  payment_id: string | null;
  refund_id: string | null;
  notify_type: string | null;
  headers: string;
  /** The raw body as text; for a refused notification only its first bytes (D10.1). */
  body: string;
  /** Size of the raw body in bytes (null on rows older than migration 0006). */
  body_bytes: number | null;
  /** Hex SHA-256 of the raw body (null on rows older than migration 0006). */
  body_sha256: string | null;
  verified: number;
  outcome: string;
  error: string | null;
  created_at: number;
}

export interface OutboxTable {
  id: string;
  order_id: string;
  type: string;
  payload: string;
  status: 'PENDING' | 'DELIVERED' | 'DEAD';
  attempts: Generated<number>;
  next_attempt_at: number;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  state: 'IN_PROGRESS' | 'DONE';
  response_status: number | null;
  response_body: string | null;
  created_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export type ReconFileKind = 'TRANSACTIONS' | 'SETTLEMENT_DETAILS' | 'SETTLEMENT_SUMMARY';
export type ReconDayStatus = 'WAITING' | 'IMPORTED' | 'REFUSED' | 'MISSING';
export type DiscrepancyKind = 'ANTOM_ONLY' | 'PAYDESK_ONLY' | 'AMOUNT_MISMATCH' | 'STATE_MISMATCH';

/** An Antom report file, imported once by name and hash (D16). */
export interface ReconFilesTable {
  id: string;
  name: string;
  sha256: string;
  kind: ReconFileKind;
  /** YYYY-MM-DD: day T for a transaction report, the settlement date for settlement files. */
  day: string;
  source: 'SFTP' | 'UPLOAD';
  row_count: number;
  status: 'IMPORTED' | 'SUPERSEDED';
  imported_at: number;
}

/** One transaction row of a transaction or settlement details report; amounts signed minor units. */
export interface ReconRowsTable {
  seq: Generated<number>;
  file_id: string;
  kind: ReconFileKind;
  /** YYYY-MM-DD (UTC+8) the transaction belongs to. */
  day: string;
  line: number;
  batch_id: string | null;
  transaction_type: string;
  transaction_id: string;
  original_transaction_id: string | null;
  transaction_request_id: string | null;
  original_transaction_request_id: string | null;
  payment_method_type: string | null;
  currency: string;
  amount: string;
  fee: string;
  settlement_amount: string;
  settlement_currency: string;
  transaction_time: number | null;
  /** The row as Antom wrote it (JSON object of column → text). */
  raw: string;
}

export interface ReconSettlementsTable {
  seq: Generated<number>;
  file_id: string;
  batch_id: string;
  summary_type: string;
  count: number;
  currency: string;
  settlement_amount: string;
  fee: string;
}

export interface ReconDaysTable {
  day: string;
  status: ReconDayStatus;
  attempts: Generated<number>;
  last_error: string | null;
  last_attempt_at: number | null;
  imported_at: number | null;
}

export interface ReconDiscrepanciesTable {
  id: string;
  day: string;
  kind: DiscrepancyKind;
  /** `<transactionType>:<requestId>`, unique per day and kind. */
  subject: string;
  transaction_type: string;
  request_id: string;
  reason: string;
  order_id: string | null;
  payment_id: string | null;
  refund_id: string | null;
  ours: string | null;
  antom: string | null;
  status: 'OPEN' | 'RESOLVED';
  resolution: 'REPORT' | 'OPERATOR' | null;
  note: string | null;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
}

export interface DB {
  orders: OrdersTable;
  payments: PaymentsTable;
  refunds: RefundsTable;
  order_events: OrderEventsTable;
  gateway_calls: GatewayCallsTable;
  notifications: NotificationsTable;
  outbox: OutboxTable;
  idempotency_keys: IdempotencyKeysTable;
  settings: SettingsTable;
  recon_files: ReconFilesTable;
  recon_rows: ReconRowsTable;
  recon_settlements: ReconSettlementsTable;
  recon_days: ReconDaysTable;
  recon_discrepancies: ReconDiscrepanciesTable;
}

export type OrderRow = Selectable<OrdersTable>;
export type PaymentRow = Selectable<PaymentsTable>;
export type RefundRow = Selectable<RefundsTable>;
export type NewPayment = Insertable<PaymentsTable>;
export type PaymentPatch = Updateable<PaymentsTable>;
export type RefundPatch = Updateable<RefundsTable>;
export type OrderPatch = Updateable<OrdersTable>;
