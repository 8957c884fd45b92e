// Where the sandbox's reports live once published: a read-only tree under `/v1/settlements`, as Antom's
// SFTP server lays it out ("Obtain reports": `/v1/settlements/<customerId>/<date>/<name>`). Antom publishes
// day T's reports on T+1; the sandbox does the same lazily — the first look at the tree after a day's
// publication time publishes every day since the sandbox started — and tests may publish a day early, or
// a truncated copy (a transfer cut short) to see the merchant refuse it and fetch again later.
import type { SandboxStore } from '../store.ts';
import { antomDate } from '../time.ts';
import { buildDayReports, dayWindow, type DayReports, type ReportContext } from './report-files.ts';

export const REPORTS_ROOT = '/v1/settlements';
/** Days published at most, counted back from yesterday (Antom keeps seven on its server). */
const MAX_CATCH_UP_DAYS = 31;

export interface PublishedFile {
  path: string;
  content: Buffer;
  /** Epoch ms the file was written. */
  mtime: number;
}

export interface ReportPublisherOptions {
  store: SandboxStore;
  now: () => number;
  context: ReportContext;
  /** How long after the end of day T (UTC+8) its reports appear (default two hours). */
  publishAfterMs?: number;
}

export class ReportPublisher {
  readonly #o: Required<ReportPublisherOptions>;
  readonly #files = new Map<string, PublishedFile>();
  readonly #days = new Set<string>();
  #since: number;

  constructor(options: ReportPublisherOptions) {
    this.#o = { publishAfterMs: 2 * 3_600_000, ...options };
    this.#since = options.now();
  }

  get context(): ReportContext {
    return this.#o.context;
  }

  /** The reports of day T (yyyyMMdd) as the ledger stands now, without publishing them. */
  build(day: string): DayReports {
    const { store, context } = this.#o;
    return buildDayReports(day, store.payments(), store.refunds(), context);
  }

  /**
   * Publishes day T's reports now, replacing any earlier copy. `truncate` cuts the transaction report
   * before its last row and its `<END>` line, as an interrupted upload would leave it.
   */
  publish(day: string, options: { truncate?: boolean } = {}): PublishedFile[] {
    const reports = this.build(day);
    const now = this.#o.now();
    const written: PublishedFile[] = [];
    const put = (folder: string, name: string, content: string) => {
      const file = {
        path: `${REPORTS_ROOT}/${folder}/${name}`,
        content: Buffer.from(content, 'utf8'),
        mtime: now,
      };
      this.#files.set(file.path, file);
      written.push(file);
    };
    const transactions = options.truncate
      ? truncated(reports.transactions.content)
      : reports.transactions.content;
    put(reports.transactions.folder, reports.transactions.name, transactions);
    for (const file of [...reports.settlementDetails, ...reports.settlementSummaries]) {
      put(file.folder, file.name, file.content);
    }
    this.#days.add(day);
    return written;
  }

  /** Publishes every day whose time has come and that is not published yet (bounded catch-up). */
  publishDue(): void {
    const now = this.#o.now();
    const latest = antomDate(now - this.#o.publishAfterMs - 86_400_000);
    let first = antomDate(Math.min(this.#since, ...this.#o.store.payments().map((p) => p.createdAt)));
    const earliest = antomDate(now - MAX_CATCH_UP_DAYS * 86_400_000);
    if (first < earliest) first = earliest;
    for (let day = first; day <= latest; day = antomDate(dayWindow(day).end)) {
      if (!this.#days.has(day)) this.publish(day);
    }
  }

  /** The published file at `path`, after publishing what is due. */
  file(path: string): PublishedFile | undefined {
    this.publishDue();
    return this.#files.get(normalise(path));
  }

  /** Every published file, after publishing what is due. */
  files(): PublishedFile[] {
    this.publishDue();
    return [...this.#files.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  /**
   * What a directory holds: its files and sub-directories, or undefined when no published path lies
   * under it.
   */
  list(dir: string): { name: string; directory: boolean; file?: PublishedFile }[] | undefined {
    const base = normalise(dir);
    const prefix = base === '/' ? '/' : `${base}/`;
    const entries = new Map<string, { name: string; directory: boolean; file?: PublishedFile }>();
    let found = base === '/';
    for (const file of this.files()) {
      if (!file.path.startsWith(prefix)) continue;
      found = true;
      const [name, ...rest] = file.path.slice(prefix.length).split('/');
      if (!name) continue;
      entries.set(name, rest.length > 0 ? { name, directory: true } : { name, directory: false, file });
    }
    return found ? [...entries.values()].sort((a, b) => a.name.localeCompare(b.name)) : undefined;
  }

  /** Forgets what was published (the sandbox's reset). */
  clear(): void {
    this.#files.clear();
    this.#days.clear();
    this.#since = this.#o.now();
  }
}

/** Drops the `<END>` line and the last row, keeping half of that row, as a cut transfer leaves a file. */
function truncated(content: string): string {
  const lines = content.split('\n').filter((line) => line !== '' && line !== '<END>');
  const last = lines.pop() ?? '';
  return `${[...lines, last.slice(0, Math.ceil(last.length / 2))].join('\n')}`;
}

/** `/a//b/./c/` → `/a/b/c`; `..` never climbs above the root. */
export function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}
