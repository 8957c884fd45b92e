// The scheduled fetch of Antom's reports over SFTP (D16.2). Antom publishes day T's transaction
// report on T+1 in `<root>/<customerId>/<T>/` and the settlement files of its batch in `<root>/<customerId>/
// <settlement date>/` ("Obtain reports"). Each run looks at every day of the catch-up window whose
// publication time has passed and whose report is not in yet, so days missed while Paydesk was down are
// fetched when it is back; a day not there yet, or refused (cut short, malformed), is tried again next run.
// The clock is injected and `fetchOnce()` is one bounded step, so tests call it instead of waiting.
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import type { SFTPWrapper } from 'ssh2';
import type { ReconciliationConfig } from '../config.ts';
import type { Clock } from '../domain/clock.ts';
import { DomainError } from '../domain/errors.ts';
import { addDays, antomDay, compactDay, dayWindow } from './antom-day.ts';
import { reportKindOf } from './report.parser.ts';
import type { ReconciliationService } from './reconciliation.service.ts';

const { Client } = ssh2;

export type SftpSettings = NonNullable<ReconciliationConfig['sftp']>;

/** What one run did for each day it looked at. */
export interface FetchOutcome {
  day: string;
  status: 'IMPORTED' | 'WAITING' | 'REFUSED' | 'MISSING' | 'ERROR';
  files: { name: string; status: 'IMPORTED' | 'DUPLICATE' | 'REFUSED' }[];
  error?: string;
}

/** The few SFTP operations the fetch needs (docs/style.md §2). */
interface Remote {
  list(dir: string): Promise<string[] | undefined>;
  read(path: string): Promise<Buffer>;
  close(): void;
}

/** Opens an SFTP session; the host key is pinned when a fingerprint is configured. */
export function connectSftp(settings: SftpSettings, timeoutMs = 15_000): Promise<Remote> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const fail = (error: Error) => {
      client.end();
      reject(error);
    };
    client
      .on('ready', () =>
        client.sftp((error, sftp) => (error ? fail(error) : resolve(remoteOf(sftp, () => client.end())))),
      )
      .on('error', fail)
      .connect({
        host: settings.host,
        port: settings.port,
        username: settings.username,
        ...(settings.privateKey ? { privateKey: settings.privateKey } : {}),
        ...(settings.password ? { password: settings.password } : {}),
        readyTimeout: timeoutMs,
        hostVerifier: (key: Buffer) =>
          settings.hostKeyFingerprint === null ||
          `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}` ===
            settings.hostKeyFingerprint,
      });
  });
}

function remoteOf(sftp: SFTPWrapper, end: () => void): Remote {
  return {
    list: (dir) =>
      new Promise((resolve, reject) =>
        sftp.readdir(dir, (error, entries) => {
          if (!error) return resolve(entries.map((e) => e.filename));
          // ENOENT: the folder of a day that is not published yet.
          if ((error as { code?: number }).code === 2) return resolve(undefined);
          reject(error);
        }),
      ),
    read: (path) =>
      new Promise((resolve, reject) =>
        sftp.readFile(path, (error, data) => (error ? reject(error) : resolve(data))),
      ),
    close: end,
  };
}

export interface ReportFetcherDeps {
  settings: SftpSettings;
  clock: Clock;
  service: ReconciliationService;
  publishAfterMinutes: number;
  catchUpDays: number;
  /** How to reach the server (tests may pass another); default: ssh2 over TCP. */
  connect?: (settings: SftpSettings) => Promise<Remote>;
}

export class ReportFetcher {
  readonly #d: ReportFetcherDeps;

  constructor(deps: ReportFetcherDeps) {
    this.#d = deps;
  }

  /**
   * The days due now: published by Antom's clock, not imported yet, within the catch-up window, and not
   * before the first order (a new install has no reports to wait for).
   */
  async dueDays(): Promise<string[]> {
    const now = this.#d.clock.now();
    const today = antomDay(now);
    const first = await this.#d.service.firstDay();
    const due: string[] = [];
    if (first === null) return due;
    for (let back = this.#d.catchUpDays; back >= 1; back -= 1) {
      const day = addDays(today, -back);
      if (day < first) continue;
      if (dayWindow(day).end + this.#d.publishAfterMinutes * 60_000 > now) continue;
      const state = await this.#d.service.dayState(day);
      if (state?.status === 'IMPORTED') continue;
      due.push(day);
    }
    return due;
  }

  /** One run: fetches and imports every due day's files; never throws for a day's problem. */
  async fetchOnce(): Promise<FetchOutcome[]> {
    const days = await this.dueDays();
    if (days.length === 0) return [];
    const { settings, service } = this.#d;
    let remote: Remote;
    try {
      remote = await (this.#d.connect ?? connectSftp)(settings);
    } catch (error) {
      const message = `SFTP ${settings.host}:${settings.port}: ${(error as Error).message}`;
      for (const day of days) await service.recordFetchProblem(day, 'WAITING', message);
      return days.map((day) => ({ day, status: 'ERROR', files: [], error: message }));
    }
    const outcomes: FetchOutcome[] = [];
    try {
      for (const day of days) outcomes.push(await this.#fetchDay(remote, day));
    } finally {
      remote.close();
    }
    return outcomes;
  }

  async #fetchDay(remote: Remote, day: string): Promise<FetchOutcome> {
    const { settings, service } = this.#d;
    const base = `${settings.root}/${settings.customerId}`;
    const outcome: FetchOutcome = { day, status: 'WAITING', files: [] };
    const transactionName = new RegExp(`^transactionItems_${compactDay(day)}_\\d{3}\\.csv$`);
    try {
      const transactions = ((await remote.list(`${base}/${compactDay(day)}`)) ?? []).filter((name) =>
        transactionName.test(name),
      );
      // The batch that settles day T is published on its settlement date, T+1 by default.
      const settlements = ((await remote.list(`${base}/${compactDay(addDays(day, 1))}`)) ?? []).filter(
        (name) => ['SETTLEMENT_DETAILS', 'SETTLEMENT_SUMMARY'].includes(reportKindOf(name) ?? ''),
      );
      const folderOf = (name: string) =>
        transactions.includes(name) ? compactDay(day) : compactDay(addDays(day, 1));
      let refused: string | undefined;
      for (const name of [...transactions, ...settlements]) {
        const bytes = await remote.read(`${base}/${folderOf(name)}/${name}`);
        try {
          const result = await service.importFile(name, bytes, 'SFTP');
          outcome.files.push({ name, status: result.status });
        } catch (error) {
          if (!(error instanceof DomainError) || error.code !== 'REPORT_MALFORMED') throw error;
          outcome.files.push({ name, status: 'REFUSED' });
          if (transactions.includes(name)) refused = error.message;
        }
      }
      if (refused) {
        outcome.status = 'REFUSED';
        outcome.error = refused;
      } else if (transactions.length > 0) {
        outcome.status = 'IMPORTED';
        return outcome;
      } else {
        outcome.error = `${base}/${compactDay(day)}/transactionItems_${compactDay(day)}_000.csv is not published yet`;
      }
    } catch (error) {
      outcome.status = 'ERROR';
      outcome.error = (error as Error).message;
    }
    // The last day of the window gets no other chance: Antom deletes reports after seven days.
    const lastChance = addDays(antomDay(this.#d.clock.now()), -this.#d.catchUpDays) === day;
    const status = outcome.status === 'REFUSED' ? 'REFUSED' : lastChance ? 'MISSING' : 'WAITING';
    if (lastChance && status === 'MISSING') outcome.status = 'MISSING';
    await service.recordFetchProblem(day, status, outcome.error ?? 'unknown');
    return outcome;
  }
}
