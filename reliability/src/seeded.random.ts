// One seed drives a whole run (D6.4): buyer behaviour, fault plans, crash moments and forgeries
// all draw from streams forked off one mulberry32 generator, so a failing run is replayed by its seed.
import { mulberry32 } from '@paydesk/sandbox';

/** A seeded pseudo-random stream with the few draws the campaign needs. */
export class SeededRandom {
  readonly seed: number;
  readonly #next: () => number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.#next = mulberry32(this.seed);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** An integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.#next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.#next() * items.length)] as T;
  }

  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let draw = this.#next() * total;
    for (const [key, weight] of entries) {
      draw -= weight;
      if (draw < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }

  /** An independent stream whose draws do not shift when this one is used more or less. */
  fork(label: string): SeededRandom {
    let hash = this.seed ^ 0x811c9dc5;
    for (const char of label) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
    return new SeededRandom(hash >>> 0);
  }
}

/** Multiplies the property-based tests' run counts (RELIABILITY_RUNS_SCALE=10 for a long fuzzing run). */
export const RUNS_SCALE = Math.max(0.1, Number(process.env.RELIABILITY_RUNS_SCALE ?? '1') || 1);
