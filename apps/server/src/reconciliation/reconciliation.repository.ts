// Every SQL statement of reconciliation (D16), portable Kysely on both dialects.
import type { Insertable, Selectable, Transaction } from 'kysely';
import type { Reader } from '../db/repository.ts';
import type {
  DB,
  PaymentRow,
  ReconDayStatus,
  ReconDaysTable,
  ReconDiscrepanciesTable,
  ReconFilesTable,
  RefundRow,
} from '../db/schema.ts';

export type FileRow = Selectable<ReconFilesTable>;
export type DayRow = Selectable<ReconDaysTable>;
export type DiscrepancyRow = Selectable<ReconDiscrepanciesTable>;

const CHUNK = 200;

/**
 * One query per CHUNK ids, results concatenated: a day's ids can outnumber what one statement may bind
 * (SQLite and PostgreSQL both cap the parameters of a statement).
 */
async function inChunks<T>(ids: readonly string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await query(ids.slice(i, i + CHUNK))));
  return out;
}

export function findFile(db: Reader, name: string, sha256: string): Promise<FileRow | undefined> {
  return db
    .selectFrom('recon_files')
    .selectAll()
    .where('name', '=', name)
    .where('sha256', '=', sha256)
    .executeTakeFirst();
}

export async function insertFile(trx: Transaction<DB>, file: Insertable<ReconFilesTable>): Promise<void> {
  await trx.insertInto('recon_files').values(file).execute();
}

/** Older copies of a file name give way to the new one: their rows go, their record stays as SUPERSEDED. */
export async function supersede(trx: Transaction<DB>, name: string, keepId: string): Promise<void> {
  const older = await trx
    .selectFrom('recon_files')
    .select('id')
    .where('name', '=', name)
    .where('id', '!=', keepId)
    .where('status', '=', 'IMPORTED')
    .execute();
  if (older.length === 0) return;
  const ids = older.map((f) => f.id);
  await trx.deleteFrom('recon_rows').where('file_id', 'in', ids).execute();
  await trx.deleteFrom('recon_settlements').where('file_id', 'in', ids).execute();
  await trx.updateTable('recon_files').set({ status: 'SUPERSEDED' }).where('id', 'in', ids).execute();
}

export async function insertRows(trx: Transaction<DB>, rows: Insertable<DB['recon_rows']>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto('recon_rows')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
}

export async function insertSettlements(
  trx: Transaction<DB>,
  rows: Insertable<DB['recon_settlements']>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto('recon_settlements')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
}

/** Records a fetch or import outcome for a day (insert or update). */
export async function saveDay(
  db: Reader,
  day: string,
  patch: {
    status: ReconDayStatus;
    lastError: string | null;
    at: number;
    attempted?: boolean;
    imported?: boolean;
  },
): Promise<void> {
  const existing = await db.selectFrom('recon_days').selectAll().where('day', '=', day).executeTakeFirst();
  const values = {
    status: patch.status,
    last_error: patch.lastError,
    ...(patch.attempted ? { last_attempt_at: patch.at } : {}),
    ...(patch.imported ? { imported_at: patch.at } : {}),
  };
  if (!existing) {
    await db
      .insertInto('recon_days')
      .values({
        day,
        attempts: patch.attempted ? 1 : 0,
        last_attempt_at: null,
        imported_at: null,
        ...values,
      })
      .onConflict((oc) => oc.column('day').doNothing())
      .execute();
    return;
  }
  await db
    .updateTable('recon_days')
    .set({ ...values, ...(patch.attempted ? { attempts: existing.attempts + 1 } : {}) })
    .where('day', '=', day)
    .execute();
}

export function findDay(db: Reader, day: string): Promise<DayRow | undefined> {
  return db.selectFrom('recon_days').selectAll().where('day', '=', day).executeTakeFirst();
}

export function listDayRows(db: Reader, limit: number): Promise<DayRow[]> {
  return db.selectFrom('recon_days').selectAll().orderBy('day', 'desc').limit(limit).execute();
}

/** The transaction rows of day T from its imported transaction report(s). */
export function transactionRowsOfDay(db: Reader, day: string) {
  return db
    .selectFrom('recon_rows')
    .innerJoin('recon_files', 'recon_files.id', 'recon_rows.file_id')
    .selectAll('recon_rows')
    .select('recon_files.name as file_name')
    .where('recon_rows.day', '=', day)
    .where('recon_rows.kind', '=', 'TRANSACTIONS')
    .where('recon_files.status', '=', 'IMPORTED')
    .orderBy('recon_rows.seq')
    .execute();
}

export async function hasTransactionReport(db: Reader, day: string): Promise<boolean> {
  const file = await db
    .selectFrom('recon_files')
    .select('id')
    .where('day', '=', day)
    .where('kind', '=', 'TRANSACTIONS')
    .where('status', '=', 'IMPORTED')
    .executeTakeFirst();
  return file !== undefined;
}

/** `<type>:<requestId>` of the transaction-report rows, in any imported report, naming these ids. */
export async function reportedKeys(db: Reader, requestIds: readonly string[]): Promise<Set<string>> {
  const rows = await inChunks(requestIds, (chunk) =>
    db
      .selectFrom('recon_rows')
      .innerJoin('recon_files', 'recon_files.id', 'recon_rows.file_id')
      .select(['recon_rows.transaction_type', 'recon_rows.transaction_request_id'])
      .where('recon_rows.kind', '=', 'TRANSACTIONS')
      .where('recon_files.status', '=', 'IMPORTED')
      .where('recon_rows.transaction_request_id', 'in', chunk)
      .execute(),
  );
  return new Set(rows.map((row) => `${row.transaction_type}:${row.transaction_request_id}`));
}

export function paymentsByIds(db: Reader, ids: readonly string[]): Promise<PaymentRow[]> {
  return inChunks(ids, (chunk) => db.selectFrom('payments').selectAll().where('id', 'in', chunk).execute());
}

export function refundsByIds(db: Reader, ids: readonly string[]): Promise<RefundRow[]> {
  return inChunks(ids, (chunk) => db.selectFrom('refunds').selectAll().where('id', 'in', chunk).execute());
}

export function refundsOfPayments(db: Reader, paymentIds: readonly string[]): Promise<RefundRow[]> {
  return inChunks(paymentIds, (chunk) =>
    db.selectFrom('refunds').selectAll().where('payment_id', 'in', chunk).execute(),
  );
}

/**
 * What we hold final within [start, end): captured attempts, reversed ones (REVERSED, D11.2), and
 * succeeded refunds and cancels. Antom's day T must show each of them.
 */
export async function finalWithin(db: Reader, start: number, end: number) {
  const [captured, reversed, refunds] = await Promise.all([
    db.selectFrom('payments').selectAll().where('paid_at', '>=', start).where('paid_at', '<', end).execute(),
    db
      .selectFrom('payments')
      .selectAll()
      .where('status', '=', 'REVERSED')
      .where('reversed_at', '>=', start)
      .where('reversed_at', '<', end)
      .execute(),
    db
      .selectFrom('refunds')
      .selectAll()
      .where('status', '=', 'SUCCEEDED')
      .where('method', 'in', ['REFUND', 'CANCEL'])
      .where('final_at', '>=', start)
      .where('final_at', '<', end)
      .execute(),
  ]);
  return { captured, reversed, refunds };
}

export function discrepanciesOfDay(db: Reader, day: string): Promise<DiscrepancyRow[]> {
  return db
    .selectFrom('recon_discrepancies')
    .selectAll()
    .where('day', '=', day)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function findDiscrepancy(db: Reader, id: string): Promise<DiscrepancyRow | undefined> {
  return db.selectFrom('recon_discrepancies').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertDiscrepancy(
  trx: Transaction<DB>,
  row: Insertable<ReconDiscrepanciesTable>,
): Promise<void> {
  await trx.insertInto('recon_discrepancies').values(row).execute();
}

export async function updateDiscrepancy(
  db: Reader,
  id: string,
  patch: Partial<Omit<DiscrepancyRow, 'id'>>,
  onlyIfStatus?: 'OPEN' | 'RESOLVED',
): Promise<DiscrepancyRow | undefined> {
  let query = db.updateTable('recon_discrepancies').set(patch).where('id', '=', id);
  if (onlyIfStatus) query = query.where('status', '=', onlyIfStatus);
  return query.returningAll().executeTakeFirst();
}

export async function countOpenDiscrepancies(db: Reader): Promise<number> {
  const row = await db
    .selectFrom('recon_discrepancies')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'OPEN')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Open discrepancies per day, for the day list. */
export async function openCountsByDay(db: Reader, days: readonly string[]): Promise<Map<string, number>> {
  if (days.length === 0) return new Map();
  const rows = await db
    .selectFrom('recon_discrepancies')
    .select('day')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'OPEN')
    .where('day', 'in', days)
    .groupBy('day')
    .execute();
  return new Map(rows.map((r) => [r.day, Number(r.n)]));
}

/** Per day and currency, the sums the day page shows, from the transaction reports. */
export function totalsOfDays(db: Reader, days: readonly string[]) {
  return db
    .selectFrom('recon_rows')
    .innerJoin('recon_files', 'recon_files.id', 'recon_rows.file_id')
    .select([
      'recon_rows.day',
      'recon_rows.currency',
      'recon_rows.transaction_type',
      'recon_rows.amount',
      'recon_rows.fee',
      'recon_rows.settlement_amount',
    ])
    .where('recon_rows.kind', '=', 'TRANSACTIONS')
    .where('recon_files.status', '=', 'IMPORTED')
    .where('recon_rows.day', 'in', days.length > 0 ? days : [''])
    .execute();
}

export function filesOfDay(db: Reader, day: string): Promise<FileRow[]> {
  return db
    .selectFrom('recon_files')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('day', '=', day),
        eb(
          'id',
          'in',
          eb
            .selectFrom('recon_rows')
            .select('file_id')
            .where('day', '=', day)
            .where('kind', '=', 'SETTLEMENT_DETAILS'),
        ),
        eb(
          'id',
          'in',
          eb
            .selectFrom('recon_settlements')
            .select('file_id')
            .where(
              'batch_id',
              'in',
              eb
                .selectFrom('recon_rows')
                .select('batch_id')
                .where('day', '=', day)
                .where('kind', '=', 'SETTLEMENT_DETAILS')
                .where('batch_id', 'is not', null)
                .$castTo<string>(),
            ),
        ),
      ]),
    )
    .orderBy('imported_at')
    .execute();
}

/** The settlement summaries of the batches that settle day T's transactions. */
export function settlementsOfDay(db: Reader, day: string) {
  return db
    .selectFrom('recon_settlements')
    .innerJoin('recon_files', 'recon_files.id', 'recon_settlements.file_id')
    .selectAll('recon_settlements')
    .where('recon_files.status', '=', 'IMPORTED')
    .where(
      'recon_settlements.batch_id',
      'in',
      db
        .selectFrom('recon_rows')
        .select('batch_id')
        .where('day', '=', day)
        .where('kind', '=', 'SETTLEMENT_DETAILS')
        .where('batch_id', 'is not', null)
        .$castTo<string>(),
    )
    .orderBy('recon_settlements.batch_id')
    .orderBy('recon_settlements.seq')
    .execute();
}

/** When the first order was placed (epoch ms), or null on a fresh install: no day before it has reports. */
export async function firstOrderAt(db: Reader): Promise<number | null> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.min<number>('created_at').as('first'))
    .executeTakeFirst();
  return row?.first == null ? null : Number(row.first);
}
