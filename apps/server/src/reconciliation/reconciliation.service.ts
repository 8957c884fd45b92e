// Reconciliation with Antom's books (D16.2–D16.4): import a report file once (by name and hash) in
// one transaction — nothing half-imported — then match the days it touches and keep each discrepancy with
// both sides' data until a later report, our own state, or an operator with a note resolves it. A new
// discrepancy leaves as the `reconciliation.discrepancy` webhook through the outbox, in that transaction.
import { createHash } from 'node:crypto';
import type { DiscrepancyView, ImportReportResult, ReportFileView, DaySummary, DayView } from '@paydesk/api';
import type { Kysely } from 'kysely';
import type { DB, ReconFileKind } from '../db/schema.ts';
import { isUniqueViolation } from '../db/database.ts';
import { inTransaction, type Tx } from '../db/transaction.ts';
import { iso, type Clock } from '../domain/clock.ts';
import { DomainError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import type { Outbox } from '../webhooks/outbox.ts';
import { addDays, antomDay, dayWindow, isDay } from './antom-day.ts';
import { matchDay, reportKey, type Books, type Finding, type ReportRow } from './matching.ts';
import { parseReport, ReportRefused, type ParsedReport } from './report.parser.ts';
import * as repo from './reconciliation.repository.ts';

export interface ReconciliationServiceDeps {
  db: Kysely<DB>;
  clock: Clock;
  outbox: Outbox;
}

export type ImportSource = 'SFTP' | 'UPLOAD';

export class ReconciliationService {
  readonly #d: ReconciliationServiceDeps;

  constructor(deps: ReconciliationServiceDeps) {
    this.#d = deps;
  }

  /**
   * Imports one report file. The same name with the same bytes is a DUPLICATE (nothing changes); the same
   * name with other bytes replaces the earlier copy. Throws DomainError REPORT_MALFORMED naming the line
   * and reason (ReportRefused as its cause) and changes nothing.
   */
  async importFile(
    name: string,
    content: Uint8Array | string,
    source: ImportSource,
  ): Promise<ImportReportResult> {
    const { db, clock } = this.#d;
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const existing = await repo.findFile(db, name, sha256);
    if (existing) return this.#duplicate(existing);

    let parsed: ParsedReport;
    try {
      parsed = parseReport(name, bytes);
    } catch (error) {
      if (!(error instanceof ReportRefused)) throw error;
      throw new DomainError('REPORT_MALFORMED', `${name} refused: ${error.message}`, [
        { field: error.line > 0 ? `line ${error.line}` : 'file', message: error.message },
      ]);
    }
    const now = clock.now();
    const fileId = newId('rcf', now);
    const dayOfRow = (time: number | null) => (time === null ? parsed.day || antomDay(now) : antomDay(time));
    const fileDay =
      parsed.kind === 'TRANSACTIONS'
        ? parsed.day
        : parsed.kind === 'SETTLEMENT_DETAILS'
          ? dayOfRow(parsed.rows[0]?.time ?? null)
          : antomDay(now);
    try {
      const day = await inTransaction(db, async (tx) => {
        await repo.insertFile(tx.trx, {
          id: fileId,
          name,
          sha256,
          kind: parsed.kind,
          day: fileDay,
          source,
          row_count: parsed.rows.length,
          status: 'IMPORTED',
          imported_at: now,
        });
        await repo.supersede(tx.trx, name, fileId);
        if (parsed.kind === 'SETTLEMENT_SUMMARY') {
          await repo.insertSettlements(
            tx.trx,
            parsed.rows.map((r) => ({
              file_id: fileId,
              batch_id: r.batchId,
              summary_type: r.summaryType,
              count: r.count,
              currency: r.currency,
              settlement_amount: r.settlementAmount,
              fee: r.fee,
            })),
          );
          return fileDay;
        }
        await repo.insertRows(
          tx.trx,
          parsed.rows.map((r) => ({
            file_id: fileId,
            kind: parsed.kind,
            day: parsed.kind === 'TRANSACTIONS' ? parsed.day : dayOfRow(r.time),
            line: r.line,
            batch_id: r.batchId,
            transaction_type: r.transactionType,
            transaction_id: r.transactionId,
            original_transaction_id: r.originalTransactionId,
            transaction_request_id: r.transactionRequestId,
            original_transaction_request_id: r.originalTransactionRequestId,
            payment_method_type: r.paymentMethodType,
            currency: r.currency,
            amount: r.amount,
            fee: r.fee,
            settlement_amount: r.settlementAmount,
            settlement_currency: r.settlementCurrency,
            transaction_time: r.time,
            raw: JSON.stringify(r.raw),
          })),
        );
        if (parsed.kind === 'TRANSACTIONS') {
          await repo.saveDay(tx.trx, parsed.day, {
            status: 'IMPORTED',
            lastError: null,
            at: now,
            imported: true,
          });
          // A transaction completing near midnight may land in the next or previous day's report.
          for (const day of [addDays(parsed.day, -1), parsed.day, addDays(parsed.day, 1)]) {
            await this.#matchDay(tx, day, now);
          }
        }
        return fileDay;
      });
      const file = await repo.findFile(db, name, sha256);
      return {
        status: 'IMPORTED',
        file: fileView(file!),
        discrepancies: (await repo.discrepanciesOfDay(db, day))
          .filter((d) => d.status === 'OPEN')
          .map(discrepancyView),
      };
    } catch (error) {
      // Another instance imported the same file meanwhile: the unique (name, sha256) index keeps it once.
      if (!isUniqueViolation(error)) throw error;
      const winner = await repo.findFile(db, name, sha256);
      if (!winner) throw error;
      return this.#duplicate(winner);
    }
  }

  /**
   * For the reliability harness: imports a day's report (as the sandbox publishes it) and answers the
   * open discrepancies of that day — an empty list when Antom's books and ours agree.
   */
  async reconcileReport(name: string, content: string): Promise<DiscrepancyView[]> {
    const result = await this.importFile(name, content, 'UPLOAD');
    return (await repo.discrepanciesOfDay(this.#d.db, result.file.day))
      .filter((d) => d.status === 'OPEN')
      .map(discrepancyView);
  }

  /** Records that day T's report could not be had (not published yet, or refused), for the day list. */
  async recordFetchProblem(
    day: string,
    status: 'WAITING' | 'REFUSED' | 'MISSING',
    error: string,
  ): Promise<void> {
    await repo.saveDay(this.#d.db, day, {
      status,
      lastError: error,
      at: this.#d.clock.now(),
      attempted: true,
    });
  }

  /** The Antom day of the first order ever placed, or null: days before it have nothing to reconcile. */
  async firstDay(): Promise<string | null> {
    const first = await repo.firstOrderAt(this.#d.db);
    return first === null ? null : antomDay(first);
  }

  /** The day's state, or undefined when nothing is known of it. */
  dayState(day: string) {
    return repo.findDay(this.#d.db, day);
  }

  async #duplicate(file: repo.FileRow): Promise<ImportReportResult> {
    const open = (await repo.discrepanciesOfDay(this.#d.db, file.day)).filter((d) => d.status === 'OPEN');
    return { status: 'DUPLICATE', file: fileView(file), discrepancies: open.map(discrepancyView) };
  }

  /** Matches day T when its transaction report is in, and brings its discrepancies up to date. */
  async #matchDay(tx: Tx, day: string, now: number): Promise<void> {
    const trx = tx.trx;
    if (!(await repo.hasTransactionReport(trx, day))) return;
    const rows = await repo.transactionRowsOfDay(trx, day);
    const { start, end } = dayWindow(day);
    const final = await repo.finalWithin(trx, start, end);
    const paymentIds = new Set<string>();
    const refundIds = new Set<string>();
    for (const row of rows) {
      if (!row.transaction_request_id) continue;
      if (row.transaction_type === 'REFUND') refundIds.add(row.transaction_request_id);
      else paymentIds.add(row.transaction_request_id);
    }
    for (const p of [...final.captured, ...final.reversed]) paymentIds.add(p.id);
    for (const r of final.refunds) {
      refundIds.add(r.id);
      paymentIds.add(r.payment_id);
    }
    const refunds = await repo.refundsByIds(trx, [...refundIds]);
    for (const r of refunds) paymentIds.add(r.payment_id);
    const payments = await repo.paymentsByIds(trx, [...paymentIds]);
    // A CANCEL row is matched by the give-back (a refund made by cancel) of that payment.
    const cancels = (await repo.refundsOfPayments(trx, [...paymentIds])).filter((r) => r.method === 'CANCEL');
    const expected: Books['expected'] = [
      ...final.captured.map((p) => ({ transactionType: 'PAYMENT' as const, requestId: p.id })),
      ...final.reversed.map((p) => ({ transactionType: 'CANCEL' as const, requestId: p.id })),
      ...final.refunds.map((r) =>
        r.method === 'CANCEL'
          ? { transactionType: 'CANCEL' as const, requestId: r.payment_id }
          : { transactionType: 'REFUND' as const, requestId: r.id },
      ),
    ];
    const books: Books = {
      payments: new Map(payments.map((p) => [p.id, p])),
      refunds: new Map([...refunds, ...cancels].map((r) => [r.id, r])),
      expected,
      reportedAnywhere: await repo.reportedKeys(trx, [...new Set(expected.map((e) => e.requestId))]),
    };
    const reportRows: ReportRow[] = rows.map((r) => ({
      file: r.file_name,
      line: r.line,
      transactionType: r.transaction_type,
      transactionId: r.transaction_id,
      originalTransactionId: r.original_transaction_id,
      transactionRequestId: r.transaction_request_id,
      currency: r.currency,
      amount: r.amount,
      fee: r.fee,
      settlementAmount: r.settlement_amount,
      time: r.transaction_time,
    }));
    await this.#record(tx, day, matchDay(reportRows, books), now);
  }

  /** Opens what is new, refreshes what is still open, and resolves what no longer holds. */
  async #record(tx: Tx, day: string, findings: Finding[], now: number): Promise<void> {
    const existing = await repo.discrepanciesOfDay(tx.trx, day);
    const bySubject = new Map(existing.map((d) => [`${d.kind}|${d.subject}`, d]));
    const seen = new Set<string>();
    for (const finding of findings) {
      const subject = reportKey(finding.transactionType, finding.requestId);
      const key = `${finding.kind}|${subject}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const sides = {
        reason: finding.reason,
        ours: finding.ours ? JSON.stringify(finding.ours) : null,
        antom: finding.antom ? JSON.stringify(finding.antom) : null,
        updated_at: now,
      };
      const found = bySubject.get(key);
      if (found?.status === 'OPEN' || found?.resolution === 'OPERATOR') {
        if (found.status === 'OPEN') await repo.updateDiscrepancy(tx.trx, found.id, sides);
        continue;
      }
      if (found) {
        const reopened = await repo.updateDiscrepancy(tx.trx, found.id, {
          ...sides,
          status: 'OPEN',
          resolution: null,
          resolved_at: null,
        });
        if (reopened) await this.#announce(tx, reopened, now);
        continue;
      }
      const row = {
        id: newId('dsc', now),
        day,
        kind: finding.kind,
        subject,
        transaction_type: finding.transactionType,
        request_id: finding.requestId,
        order_id: finding.orderId,
        payment_id: finding.paymentId,
        refund_id: finding.refundId,
        status: 'OPEN' as const,
        resolution: null,
        note: null,
        created_at: now,
        resolved_at: null,
        ...sides,
      };
      await repo.insertDiscrepancy(tx.trx, row);
      await this.#announce(tx, row, now);
    }
    for (const d of existing) {
      if (d.status === 'OPEN' && !seen.has(`${d.kind}|${d.subject}`)) {
        await repo.updateDiscrepancy(
          tx.trx,
          d.id,
          { status: 'RESOLVED', resolution: 'REPORT', resolved_at: now, updated_at: now },
          'OPEN',
        );
      }
    }
  }

  async #announce(tx: Tx, row: repo.DiscrepancyRow, now: number): Promise<void> {
    const event = {
      id: newId('evt', now),
      type: 'reconciliation.discrepancy',
      createdAt: iso(now),
      data: { discrepancy: discrepancyView(row) },
    };
    await this.#d.outbox.enqueueEvent(tx, event, row.order_id ?? row.id, now);
  }

  /** Resolves an open discrepancy by hand; a resolved one answers CONFLICT. */
  async resolve(id: string, note: string): Promise<DiscrepancyView> {
    const { db, clock } = this.#d;
    const now = clock.now();
    const found = await repo.findDiscrepancy(db, id);
    if (!found) throw new DomainError('DISCREPANCY_NOT_FOUND', `no discrepancy ${id}`);
    const resolved = await repo.updateDiscrepancy(
      db,
      id,
      { status: 'RESOLVED', resolution: 'OPERATOR', note: note.trim(), resolved_at: now, updated_at: now },
      'OPEN',
    );
    if (!resolved) throw new DomainError('CONFLICT', `discrepancy ${id} is already resolved`);
    return discrepancyView(resolved);
  }

  /** Days newest first: what is known of each fetch, its totals and its open discrepancies. */
  async listDays(limit = 31): Promise<DaySummary[]> {
    const { db } = this.#d;
    const days = await repo.listDayRows(db, limit);
    const names = days.map((d) => d.day);
    const [open, totals] = await Promise.all([repo.openCountsByDay(db, names), this.#totals(names)]);
    return days.map((d) => daySummary(d, open.get(d.day) ?? 0, totals.get(d.day)));
  }

  async day(day: string): Promise<DayView> {
    const { db } = this.#d;
    if (!isDay(day)) {
      throw new DomainError('VALIDATION_FAILED', `date ${day} is not a calendar day`, [
        { field: 'params.date', message: 'must be a real YYYY-MM-DD date' },
      ]);
    }
    const [state, discrepancies, files, settlements, totals] = await Promise.all([
      repo.findDay(db, day),
      repo.discrepanciesOfDay(db, day),
      repo.filesOfDay(db, day),
      repo.settlementsOfDay(db, day),
      this.#totals([day]),
    ]);
    const summary = daySummary(
      state ?? {
        day,
        status: 'WAITING',
        attempts: 0,
        last_error: null,
        last_attempt_at: null,
        imported_at: null,
      },
      discrepancies.filter((d) => d.status === 'OPEN').length,
      totals.get(day),
    );
    return {
      ...summary,
      files: files.map(fileView),
      settlements: settlements.map((s) => ({
        batchId: s.batch_id,
        currency: s.currency,
        summaryType: s.summary_type,
        count: s.count,
        settlement: s.settlement_amount,
        fees: s.fee,
      })),
      discrepancies: discrepancies.map(discrepancyView),
    };
  }

  /** The gauge of open discrepancies (`paydesk_reconciliation_open_discrepancies`). */
  openCount(): Promise<number> {
    return repo.countOpenDiscrepancies(this.#d.db);
  }

  async #totals(
    days: readonly string[],
  ): Promise<Map<string, { rows: number; totals: DaySummary['totals'] }>> {
    const rows = await repo.totalsOfDays(this.#d.db, days);
    const out = new Map<string, { rows: number; byCurrency: Map<string, Record<string, bigint>> }>();
    for (const row of rows) {
      const day = out.get(row.day) ?? { rows: 0, byCurrency: new Map() };
      out.set(row.day, day);
      day.rows += 1;
      const t = day.byCurrency.get(row.currency) ?? {
        captured: 0n,
        reversed: 0n,
        refunded: 0n,
        fees: 0n,
        settlement: 0n,
      };
      day.byCurrency.set(row.currency, t);
      const amount = BigInt(row.amount);
      if (row.transaction_type === 'PAYMENT') t.captured! += amount;
      else if (row.transaction_type === 'CANCEL') t.reversed! -= amount;
      else if (row.transaction_type === 'REFUND') t.refunded! -= amount;
      t.fees! += BigInt(row.fee);
      t.settlement! += BigInt(row.settlement_amount);
    }
    return new Map(
      [...out].map(([day, { rows: count, byCurrency }]) => [
        day,
        {
          rows: count,
          totals: [...byCurrency]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([currency, t]) => ({
              currency,
              captured: t.captured!.toString(),
              reversed: t.reversed!.toString(),
              refunded: t.refunded!.toString(),
              net: (t.captured! - t.reversed! - t.refunded!).toString(),
              fees: t.fees!.toString(),
              settlement: t.settlement!.toString(),
            })),
        },
      ]),
    );
  }
}

function daySummary(
  d: repo.DayRow,
  open: number,
  totals: { rows: number; totals: DaySummary['totals'] } | undefined,
): DaySummary {
  return {
    day: d.day,
    status: d.status,
    attempts: d.attempts,
    lastError: d.last_error,
    importedAt: iso(d.imported_at),
    rows: totals?.rows ?? 0,
    openDiscrepancies: open,
    totals: totals?.totals ?? [],
  };
}

export function fileView(f: repo.FileRow): ReportFileView {
  return {
    id: f.id,
    name: f.name,
    kind: f.kind as ReconFileKind,
    day: f.day,
    source: f.source,
    sha256: f.sha256,
    rows: f.row_count,
    status: f.status,
    importedAt: iso(f.imported_at),
  };
}

export function discrepancyView(d: repo.DiscrepancyRow): DiscrepancyView {
  return {
    id: d.id,
    day: d.day,
    kind: d.kind,
    transactionType: d.transaction_type,
    requestId: d.request_id,
    reason: d.reason,
    orderId: d.order_id,
    paymentId: d.payment_id,
    refundId: d.refund_id,
    ours: d.ours ? (JSON.parse(d.ours) as Record<string, unknown>) : null,
    antom: d.antom ? (JSON.parse(d.antom) as Record<string, unknown>) : null,
    status: d.status,
    resolution: d.resolution,
    note: d.note,
    createdAt: iso(d.created_at),
    resolvedAt: iso(d.resolved_at),
  };
}
