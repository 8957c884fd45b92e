// The compact table every bench prints: each figure beside a baseline measured in the same run on the same
// machine, the target from D7, and PASS / UNDER TARGET. A row under target sets a failing exit code,
// like the cashier size budget always has. The machine is shared and noisy: compare ratios across runs,
// not absolute numbers. Each table says how loaded the machine was while it was measured (the 1-minute load
// average when the bench began and when it printed), so a figure taken beside a busy neighbour reads as one.
import { availableParallelism, loadavg } from 'node:os';

export type Verdict = 'PASS' | 'UNDER TARGET' | 'INFO';

export interface Row {
  measure: string;
  ours: string;
  baseline: string;
  target: string;
  /** true = PASS, false = UNDER TARGET, undefined = reported without a target. */
  pass?: boolean;
}

const HEADINGS: Row = { measure: 'measure', ours: 'ours', baseline: 'baseline', target: 'target' };

export class Table {
  readonly #title: string;
  readonly #rows: Row[] = [];
  readonly #notes: string[] = [];

  /** The 1-minute load average when the table was made (the bench's start). */
  readonly #loadAtStart = loadavg()[0]!;

  constructor(title: string) {
    this.#title = title;
  }

  add(row: Row): void {
    this.#rows.push(row);
  }

  /** A line printed under the table (how a figure was measured, what to read into it). */
  note(text: string): void {
    this.#notes.push(text);
  }

  print(): void {
    const verdict = (row: Row): Verdict =>
      row.pass === undefined ? 'INFO' : row.pass ? 'PASS' : 'UNDER TARGET';
    const columns = ['measure', 'ours', 'baseline', 'target'] as const;
    const width = Object.fromEntries(
      columns.map((column) => [
        column,
        Math.max(HEADINGS[column].length, ...this.#rows.map((row) => row[column].length)),
      ]),
    ) as Record<(typeof columns)[number], number>;
    const line = (row: Row, result: string) =>
      `  ${columns.map((column) => row[column].padEnd(width[column])).join('  ')}  ${result}`;
    console.log(`\n${this.#title}`);
    console.log(line(HEADINGS, 'result'));
    for (const row of this.#rows) {
      console.log(line(row, verdict(row)));
      if (row.pass === false) process.exitCode = 1;
    }
    for (const note of this.#notes) console.log(`  · ${note}`);
    console.log(
      `  · machine load (1-min average, ${availableParallelism()} cores): ${this.#loadAtStart.toFixed(1)} when this bench began, ${loadavg()[0]!.toFixed(1)} when it printed`,
    );
  }
}
