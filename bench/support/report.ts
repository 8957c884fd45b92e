// The compact table every bench prints: each figure beside a baseline measured in the same run on the same
// machine, the target from D7, and PASS / UNDER TARGET. A row under target sets a failing exit code,
// like the cashier size budget always has. The machine is shared and noisy: compare ratios across runs,
// not absolute numbers.

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
  }
}
