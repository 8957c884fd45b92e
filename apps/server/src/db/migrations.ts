// Numbered migrations, typed Kysely<any> and shared by SQLite and PostgreSQL (docs/style.md §3). Money is
// stored as minor-unit strings (up to 16 digits do not fit a double), times as epoch milliseconds.
import { sql, type Kysely } from 'kysely';
import type { DialectName } from './database.ts';

/** The few column types that differ by dialect, supplied by database.ts. */
export interface MigrationTypes {
  autoIncrementPrimaryKey: string;
  /** PostgreSQL-only features (the change trigger) are skipped on SQLite. */
  dialect: DialectName;
}

/** Where PostgreSQL announces every new order event: `<application_name> <order id>` (database.ts). */
export const ORDER_CHANGES_CHANNEL = 'paydesk_order_changes';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Migration = (db: Kysely<any>, types: MigrationTypes) => Promise<void>;

const LIVE = `('PENDING','UNKNOWN','PROCESSING','CANCELLING')`;

export const MIGRATIONS: ReadonlyArray<readonly [string, Migration]> = [
  [
    '0001_initial',
    async (db, types) => {
      await db.schema
        .createTable('orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('amount', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('items', 'text', (c) => c.notNull())
        .addColumn('buyer', 'text')
        .addColumn('region', 'text')
        .addColumn('return_url', 'text')
        .addColumn('metadata', 'text', (c) => c.notNull())
        .addColumn('checkout_token', 'text', (c) => c.notNull())
        .addColumn('checkout_token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('paid_at', 'bigint')
        .addColumn('final_at', 'bigint')
        .addColumn('paid_payment_id', 'text')
        .addColumn('refunded', 'text', (c) => c.notNull().defaultTo('0'))
        .addColumn('refund_reserved', 'text', (c) => c.notNull().defaultTo('0'))
        .addColumn('needs_attention', 'text')
        .execute();
      await db.schema
        .createIndex('orders_status_created')
        .on('orders')
        .columns(['status', 'created_at'])
        .execute();
      await db.schema.createIndex('orders_created').on('orders').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('orders_reference').on('orders').column('reference').execute();

      await db.schema
        .createTable('payments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('method_type', 'text', (c) => c.notNull())
        .addColumn('terminal_type', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('amount', 'text', (c) => c.notNull())
        .addColumn('gateway_payment_id', 'text')
        .addColumn('code_kind', 'text')
        .addColumn('code_value', 'text')
        .addColumn('deep_link', 'text')
        .addColumn('wallet_url', 'text')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('gateway_expires_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('paid_at', 'bigint')
        .addColumn('final_at', 'bigint')
        .addColumn('next_check_at', 'bigint')
        .addColumn('check_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('lease_until', 'bigint')
        .addColumn('cancel_reason', 'text')
        .addColumn('kept', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // S11 / D4.6: at most one live attempt per order, enforced by the database itself.
      await db.schema
        .createIndex('payments_one_live_per_order')
        .on('payments')
        .column('order_id')
        .unique()
        .where(sql.raw<boolean>(`status in ${LIVE}`))
        .execute();
      await db.schema.createIndex('payments_order').on('payments').column('order_id').execute();
      await db.schema
        .createIndex('payments_due')
        .on('payments')
        .columns(['status', 'next_check_at'])
        .execute();
      await db.schema
        .createIndex('payments_gateway_id')
        .on('payments')
        .column('gateway_payment_id')
        .execute();

      await db.schema
        .createTable('refunds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
        .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('amount', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('failure_code', 'text')
        .addColumn('gateway_refund_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('final_at', 'bigint')
        .addColumn('next_check_at', 'bigint')
        .addColumn('check_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('lease_until', 'bigint')
        .execute();
      // S10: a second captured payment is given back exactly once.
      await db.schema
        .createIndex('refunds_one_duplicate_per_payment')
        .on('refunds')
        .column('payment_id')
        .unique()
        .where(sql.raw<boolean>(`kind = 'DUPLICATE'`))
        .execute();
      await db.schema.createIndex('refunds_order').on('refunds').column('order_id').execute();
      await db.schema.createIndex('refunds_due').on('refunds').columns(['status', 'next_check_at']).execute();

      await db.schema
        .createTable('order_events')
        .addColumn('seq', sql.raw(types.autoIncrementPrimaryKey))
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('order_events_order')
        .on('order_events')
        .columns(['order_id', 'seq'])
        .execute();

      await db.schema
        .createTable('gateway_calls')
        .addColumn('seq', sql.raw(types.autoIncrementPrimaryKey))
        .addColumn('order_id', 'text')
        .addColumn('payment_id', 'text')
        .addColumn('refund_id', 'text')
        .addColumn('api', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('request_time', 'text', (c) => c.notNull())
        .addColumn('request_body', 'text', (c) => c.notNull())
        .addColumn('http_status', 'integer')
        .addColumn('response_body', 'text')
        .addColumn('result_status', 'text')
        .addColumn('result_code', 'text')
        .addColumn('error', 'text')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('gateway_calls_order')
        .on('gateway_calls')
        .columns(['order_id', 'seq'])
        .execute();

      await db.schema
        .createTable('notifications')
        .addColumn('seq', sql.raw(types.autoIncrementPrimaryKey))
        .addColumn('order_id', 'text')
        .addColumn('payment_id', 'text')
        .addColumn('refund_id', 'text')
        .addColumn('notify_type', 'text')
        .addColumn('headers', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('verified', 'integer', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('notifications_order')
        .on('notifications')
        .columns(['order_id', 'seq'])
        .execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('response_status', 'integer')
        .addColumn('response_body', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  ],
  [
    '0002_order_change_notify',
    async (db, types) => {
      if (types.dialect !== 'postgres') return;
      // Every order event is announced to the other instances by the database itself, in the inserting
      // transaction (delivered on commit, never on rollback), at no extra round trip (D7.1).
      // The sender's application_name tells each instance which announcements are its own.
      await sql`
        create or replace function paydesk_announce_order_change() returns trigger language plpgsql as $$
        begin
          perform pg_notify('${sql.raw(ORDER_CHANGES_CHANNEL)}', current_setting('application_name') || ' ' || new.order_id);
          return null;
        end $$`.execute(db);
      await sql`
        create trigger order_events_announce after insert on order_events
        for each row execute function paydesk_announce_order_change()`.execute(db);
    },
  ],
  [
    '0003_payment_reversal',
    async (db) => {
      // A payment captured and then reversed by a cancel keeps both times (D11): paid_at, reversed_at.
      await db.schema.alterTable('payments').addColumn('reversed_at', 'bigint').execute();
    },
  ],
  [
    '0004_payment_links',
    async (db) => {
      // Every link Antom gives a phone (applinkUrl, schemeUrl, normalUrl) as JSON, beside deep_link
      // (D13.9): the cashier offers the wallet app on the same device.
      await db.schema.alterTable('payments').addColumn('links', 'text').execute();
    },
  ],
  [
    '0005_reconciliation',
    async (db, types) => {
      // D16: Antom's report files (each imported once, by name and hash), their rows, the settlement
      // batches, the state of each day's fetch, and the discrepancies with both sides' data.
      await db.schema
        .createTable('recon_files')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('row_count', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('imported_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('recon_files_name_hash', ['name', 'sha256'])
        .execute();
      await db.schema.createIndex('recon_files_day').on('recon_files').columns(['day', 'kind']).execute();

      await db.schema
        .createTable('recon_rows')
        .addColumn('seq', sql.raw(types.autoIncrementPrimaryKey))
        .addColumn('file_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('line', 'integer', (c) => c.notNull())
        .addColumn('batch_id', 'text')
        .addColumn('transaction_type', 'text', (c) => c.notNull())
        .addColumn('transaction_id', 'text', (c) => c.notNull())
        .addColumn('original_transaction_id', 'text')
        .addColumn('transaction_request_id', 'text')
        .addColumn('original_transaction_request_id', 'text')
        .addColumn('payment_method_type', 'text')
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('amount', 'text', (c) => c.notNull())
        .addColumn('fee', 'text', (c) => c.notNull())
        .addColumn('settlement_amount', 'text', (c) => c.notNull())
        .addColumn('settlement_currency', 'text', (c) => c.notNull())
        .addColumn('transaction_time', 'bigint')
        .addColumn('raw', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('recon_rows_file').on('recon_rows').column('file_id').execute();
      await db.schema.createIndex('recon_rows_day').on('recon_rows').columns(['day', 'kind']).execute();
      await db.schema
        .createIndex('recon_rows_request')
        .on('recon_rows')
        .column('transaction_request_id')
        .execute();

      await db.schema
        .createTable('recon_settlements')
        .addColumn('seq', sql.raw(types.autoIncrementPrimaryKey))
        .addColumn('file_id', 'text', (c) => c.notNull())
        .addColumn('batch_id', 'text', (c) => c.notNull())
        .addColumn('summary_type', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('settlement_amount', 'text', (c) => c.notNull())
        .addColumn('fee', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('recon_settlements_batch')
        .on('recon_settlements')
        .column('batch_id')
        .execute();

      await db.schema
        .createTable('recon_days')
        .addColumn('day', 'text', (c) => c.primaryKey())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text')
        .addColumn('last_attempt_at', 'bigint')
        .addColumn('imported_at', 'bigint')
        .execute();

      await db.schema
        .createTable('recon_discrepancies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('transaction_type', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text')
        .addColumn('payment_id', 'text')
        .addColumn('refund_id', 'text')
        .addColumn('ours', 'text')
        .addColumn('antom', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('resolution', 'text')
        .addColumn('note', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('resolved_at', 'bigint')
        .addUniqueConstraint('recon_discrepancies_subject', ['day', 'kind', 'subject'])
        .execute();
      await db.schema
        .createIndex('recon_discrepancies_status')
        .on('recon_discrepancies')
        .columns(['status', 'day'])
        .execute();
    },
  ],
  [
    '0006_notification_digest',
    async (db) => {
      // A refused notification is kept as a bounded record (D10.1): its headers, size, hash
      // and a short prefix, never its whole body; refused ones are deleted after a retention period.
      await db.schema.alterTable('notifications').addColumn('body_bytes', 'integer').execute();
      await db.schema.alterTable('notifications').addColumn('body_sha256', 'text').execute();
      await db.schema.createIndex('notifications_created').on('notifications').column('created_at').execute();
      // Refused bodies kept whole by earlier versions (up to 64 KB each) are cut to the same prefix.
      await sql`update notifications set body_bytes = length(body), body = substr(body, 1, 256)
        where verified = 0 and length(body) > 256`.execute(db);
    },
  ],
  [
    '0007_payment_version',
    async (db) => {
      // Every write of an attempt adds one (D17.8): a compare-and-set that checks the status only lost a
      // non-status write made meanwhile (a look's lease, a recorded stop, D11.1); updated_at can tie on a
      // millisecond clock.
      await db.schema
        .alterTable('payments')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  ],
];
