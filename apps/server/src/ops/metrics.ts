// A small Prometheus registry: counters and gauges with labels, rendered in the text exposition format
// at /metrics. No client library needed for the handful of series we keep.
type Labels = Record<string, string>;

function key(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map(
      (name) =>
        `${name}="${String(labels[name]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
    )
    .join(',');
}

class Series {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly values = new Map<string, number>();
  constructor(name: string, help: string, type: 'counter' | 'gauge') {
    this.name = name;
    this.help = help;
    this.type = type;
  }
}

export class Metrics {
  readonly #series = new Map<string, Series>();
  readonly #collectors: (() => Promise<void>)[] = [];

  #get(name: string, help: string, type: 'counter' | 'gauge'): Series {
    let series = this.#series.get(name);
    if (!series) {
      series = new Series(name, help, type);
      this.#series.set(name, series);
    }
    return series;
  }

  counter(name: string, help: string): (labels?: Labels, by?: number) => void {
    const series = this.#get(name, help, 'counter');
    // Counted on every HTTP answer (D17.2: sorting and escaping the labels each time showed in
    // the poll's profile): each label set is rendered once and found again by its plain values.
    const rendered = new Map<string, string>();
    return (labels = {}, by = 1) => {
      let plain = '';
      for (const label in labels) plain += `${label}\u0000${labels[label]}\u0001`;
      let k = rendered.get(plain);
      if (k === undefined) {
        k = key(labels);
        if (rendered.size < 10_000) rendered.set(plain, k);
      }
      series.values.set(k, (series.values.get(k) ?? 0) + by);
    };
  }

  gauge(name: string, help: string): (labels: Labels, value: number) => void {
    const series = this.#get(name, help, 'gauge');
    return (labels, value) => series.values.set(key(labels), value);
  }

  /** Registers a function that refreshes gauges just before each scrape. */
  collect(fn: () => Promise<void>): void {
    this.#collectors.push(fn);
  }

  async render(): Promise<string> {
    for (const fn of this.#collectors) await fn();
    const lines: string[] = [];
    for (const series of this.#series.values()) {
      lines.push(`# HELP ${series.name} ${series.help}`, `# TYPE ${series.name} ${series.type}`);
      if (series.values.size === 0 && series.type === 'counter') lines.push(`${series.name} 0`);
      for (const [labels, value] of series.values)
        lines.push(`${series.name}${labels ? `{${labels}}` : ''} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
