// Random sandbox faults for a campaign (D6.4), drawn from the run's seed: latency (some of it
// past the client's timeout), 5xx, signed U answers, rate limits, lost replies, bad or missing signatures,
// and notifications dropped, duplicated, delayed and reordered. The sandbox applies them with its own
// PRNG seeded from the same draw, so a run is replayed by its seed.
import type { ApiFaultRule, FaultConfig } from '@paydesk/sandbox';
import type { SeededRandom } from './seeded.random.ts';

export interface FaultPlanOptions {
  /** Scales every probability (0 = no API faults). */
  intensity: number;
  /** The server's per-call Antom timeout: some latency is drawn past it. */
  antomTimeoutMs: number;
  /** Notification drop probability; undefined draws one. */
  notificationDrop?: number;
  /** Hold `pay` and `cancel` in flight a while, so a crash can land during them (D6.5). */
  slowCalls?: boolean;
}

/** A PUT /sandbox/api/faults body. */
export function faultPlan(rng: SeededRandom, options: FaultPlanOptions): FaultConfig {
  const p = (base: number) => Math.min(1, base * options.intensity);
  const rules: ApiFaultRule[] = [];
  if (options.intensity > 0) {
    rules.push({ api: '*', kind: 'latency', latencyMs: rng.int(20, 250), probability: p(0.3) });
    // Past the client's timeout: the answer is unknown to us although Antom did the work.
    rules.push({
      api: '*',
      kind: 'latency',
      latencyMs: Math.round(options.antomTimeoutMs * 1.3),
      probability: p(0.02),
    });
    if (options.slowCalls) {
      for (const api of ['pay', 'cancel'] as const)
        rules.push({
          api,
          kind: 'latency',
          latencyMs: Math.round(options.antomTimeoutMs * 0.8),
          probability: 0.5,
        });
    }
    rules.push({ api: '*', kind: 'http5xx', status: rng.pick([500, 502, 503, 504]), probability: p(0.03) });
    rules.push({ api: '*', kind: 'unknown', probability: p(0.04) });
    rules.push({ api: '*', kind: 'rateLimit', probability: p(0.02) });
    rules.push({ api: '*', kind: 'rateLimit', status: 429, probability: p(0.01) });
    rules.push({ api: '*', kind: 'lostReply', probability: p(0.04) });
    rules.push({
      api: rng.pick(['pay', 'cancel', 'refund'] as const),
      kind: 'lostReply',
      probability: p(0.05),
    });
    rules.push({ api: '*', kind: 'badSignature', probability: p(0.01) });
    rules.push({ api: '*', kind: 'unsigned', probability: p(0.01) });
  }
  const drop = options.notificationDrop ?? rng.pick([0, 0.2, 0.5, 1]);
  return {
    seed: rng.int(0, 2 ** 31),
    rules,
    notifications: {
      drop,
      duplicate: drop < 1 ? 0.25 : 0,
      delayMs: { min: 0, max: rng.int(0, 600) },
      ...(rng.chance(0.5) ? { reorder: { windowMs: rng.int(50, 300) } } : {}),
    },
  };
}

/** Fired API faults by kind, from GET /sandbox/api/faults. */
export function firedByKind(described: {
  rules?: { kind: string; fired: number }[];
}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const rule of described.rules ?? []) out[rule.kind] = (out[rule.kind] ?? 0) + rule.fired;
  return out;
}
