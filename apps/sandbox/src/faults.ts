// Fault injection (D3.9): what real networks and a real Antom do to a merchant — slow
// answers, 5xx, U answers, rate limits, replies lost after the work was done, bad signatures, and
// notifications dropped, duplicated, delayed or reordered. Draws come from a seeded PRNG (mulberry32), so
// the same seed and the same sequence of requests give the same faults every run.
import type { AntomApi } from '@paydesk/antom';
import { FaultConfigError } from './errors.ts';

export const API_FAULT_KINDS = [
  'latency',
  'http5xx',
  'unknown',
  'rateLimit',
  'lostReply',
  'badSignature',
  'unsigned',
] as const;
export type ApiFaultKind = (typeof API_FAULT_KINDS)[number];

const APIS: readonly (AntomApi | '*')[] = [
  '*',
  'consult',
  'pay',
  'inquiryPayment',
  'cancel',
  'refund',
  'inquiryRefund',
];

/** One API fault rule. Without `probability` it always fires; without `times` it never runs out. */
export interface ApiFaultRule {
  api: AntomApi | '*';
  kind: ApiFaultKind;
  /** Chance (0–1) that a matching request gets the fault. */
  probability?: number;
  /** Only the next N matching requests that draw the fault get it. */
  times?: number;
  /** `latency`: added delay in ms before the request is handled. */
  latencyMs?: number;
  /** `http5xx`: the status (500–599, default 503). `rateLimit`: 429 for the HTTP variant (default: signed U). */
  status?: number;
}

export interface NotificationFaults {
  /** Chance (0–1) that a delivery attempt is dropped (not sent; the retry schedule continues). */
  drop?: number;
  /** Chance (0–1) that a delivery attempt is sent twice. */
  duplicate?: number;
  /** Each attempt waits a random time in this range (ms) before it is sent. */
  delayMs?: { min: number; max: number };
  /** First attempts are held for `windowMs`, then sent newest first. */
  reorder?: { windowMs: number };
}

export interface FaultConfig {
  seed: number;
  rules: ApiFaultRule[];
  notifications: NotificationFaults;
}

/** A small, fast, seedable PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function invalid(message: string): never {
  throw new FaultConfigError(message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      invalid(`${where}${key} is not a known field (allowed: ${allowed.join(', ')})`);
  }
}

function probability(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    invalid(`${field} must be a number between 0 and 1`);
  }
  return value;
}

function integer(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(`${field} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** Validates a `PUT /sandbox/api/faults` body. Throws FaultConfigError naming the first bad field. */
export function parseFaultConfig(body: unknown, randomSeed: () => number): FaultConfig {
  if (!isPlainObject(body)) invalid('the body must be a JSON object');
  onlyKeys(body, ['seed', 'rules', 'notifications'], '');
  const seed = integer(body.seed, 'seed', 0, 4_294_967_295) ?? randomSeed();
  const rawRules = body.rules ?? [];
  if (!Array.isArray(rawRules)) invalid('rules must be an array');
  if (rawRules.length > 50) invalid('rules must have at most 50 entries');
  const rules = rawRules.map((raw, index) => parseRule(raw, `rules[${index}].`));
  const notifications = parseNotificationFaults(body.notifications);
  return { seed, rules, notifications };
}

function parseRule(raw: unknown, where: string): ApiFaultRule {
  if (!isPlainObject(raw)) invalid(`${where.slice(0, -1)} must be an object`);
  onlyKeys(raw, ['api', 'kind', 'probability', 'times', 'latencyMs', 'status'], where);
  const api = raw.api ?? '*';
  if (typeof api !== 'string' || !APIS.includes(api as AntomApi))
    invalid(`${where}api must be one of ${APIS.join(', ')}`);
  const kind = raw.kind;
  if (typeof kind !== 'string' || !API_FAULT_KINDS.includes(kind as ApiFaultKind)) {
    invalid(`${where}kind must be one of ${API_FAULT_KINDS.join(', ')}`);
  }
  const rule: ApiFaultRule = { api: api as ApiFaultRule['api'], kind: kind as ApiFaultKind };
  const p = probability(raw.probability, `${where}probability`);
  if (p !== undefined) rule.probability = p;
  const times = integer(raw.times, `${where}times`, 1, 1_000_000);
  if (times !== undefined) rule.times = times;
  if (kind === 'latency') {
    const latencyMs = integer(raw.latencyMs, `${where}latencyMs`, 0, 120_000);
    if (latencyMs === undefined) invalid(`${where}latencyMs is required for a latency fault`);
    rule.latencyMs = latencyMs;
  } else if (raw.latencyMs !== undefined) {
    invalid(`${where}latencyMs is only for latency faults`);
  }
  if (kind === 'http5xx') {
    rule.status = integer(raw.status, `${where}status`, 500, 599) ?? 503;
  } else if (kind === 'rateLimit') {
    if (raw.status !== undefined && raw.status !== 429) {
      invalid(`${where}status must be 429 (the HTTP variant) or absent (a signed U answer)`);
    }
    if (raw.status === 429) rule.status = 429;
  } else if (raw.status !== undefined) {
    invalid(`${where}status is only for http5xx and rateLimit faults`);
  }
  return rule;
}

function parseNotificationFaults(raw: unknown): NotificationFaults {
  if (raw === undefined) return {};
  if (!isPlainObject(raw)) invalid('notifications must be an object');
  onlyKeys(raw, ['drop', 'duplicate', 'delayMs', 'reorder'], 'notifications.');
  const out: NotificationFaults = {};
  const drop = probability(raw.drop, 'notifications.drop');
  if (drop !== undefined) out.drop = drop;
  const duplicate = probability(raw.duplicate, 'notifications.duplicate');
  if (duplicate !== undefined) out.duplicate = duplicate;
  if (raw.delayMs !== undefined) {
    let min: unknown;
    let max: unknown;
    if (typeof raw.delayMs === 'number') [min, max] = [raw.delayMs, raw.delayMs];
    else if (Array.isArray(raw.delayMs) && raw.delayMs.length === 2) [min, max] = raw.delayMs;
    else if (isPlainObject(raw.delayMs)) {
      onlyKeys(raw.delayMs, ['min', 'max'], 'notifications.delayMs.');
      [min, max] = [raw.delayMs.min ?? 0, raw.delayMs.max];
    } else invalid('notifications.delayMs must be a number, [min, max] or { min, max }');
    const lo = integer(min, 'notifications.delayMs.min', 0, 600_000);
    const hi = integer(max, 'notifications.delayMs.max', 0, 600_000);
    if (lo === undefined || hi === undefined) invalid('notifications.delayMs needs min and max');
    if (lo > hi) invalid('notifications.delayMs.min must not exceed notifications.delayMs.max');
    out.delayMs = { min: lo, max: hi };
  }
  if (raw.reorder !== undefined && raw.reorder !== false) {
    if (raw.reorder === true) out.reorder = { windowMs: 200 };
    else if (isPlainObject(raw.reorder)) {
      onlyKeys(raw.reorder, ['windowMs'], 'notifications.reorder.');
      out.reorder = {
        windowMs: integer(raw.reorder.windowMs, 'notifications.reorder.windowMs', 1, 60_000) ?? 200,
      };
    } else invalid('notifications.reorder must be true, false or { windowMs }');
  }
  return out;
}

interface RuleState {
  rule: ApiFaultRule;
  remaining: number | undefined;
  fired: number;
}

/** What to do to one API request. */
export interface ApiFaultDecision {
  latencyMs: number;
  /** The fault that shapes the answer (all kinds but latency), if any fired. */
  fault?: ApiFaultRule;
}

export interface NotificationFaultDecision {
  drop: boolean;
  duplicate: boolean;
  delayMs: number;
}

/** Holds the active fault configuration and decides, per request or delivery attempt, what happens. */
export class FaultInjector {
  #config: FaultConfig | undefined;
  #rules: RuleState[] = [];
  #apiRandom: () => number = Math.random;
  #notifyRandom: () => number = Math.random;

  /** Replaces the configuration and restarts both PRNG streams from the seed. */
  set(config: FaultConfig): void {
    this.#config = config;
    this.#rules = config.rules.map((rule) => ({ rule, remaining: rule.times, fired: 0 }));
    this.#apiRandom = mulberry32(config.seed);
    // A separate stream, so notification draws do not shift when API traffic changes.
    this.#notifyRandom = mulberry32(config.seed ^ 0x9e3779b9);
  }

  clear(): void {
    this.#config = undefined;
    this.#rules = [];
  }

  get active(): boolean {
    return this.#config !== undefined;
  }

  /** The configuration with each rule's remaining count and how often it fired. */
  describe(): { active: boolean; seed?: number; rules: unknown[]; notifications: NotificationFaults } {
    if (!this.#config) return { active: false, rules: [], notifications: {} };
    return {
      active: true,
      seed: this.#config.seed,
      rules: this.#rules.map(({ rule, remaining, fired }) => ({
        ...rule,
        remaining: remaining ?? null,
        fired,
      })),
      notifications: this.#config.notifications,
    };
  }

  /** Decides the faults for one request to `api`. Latency rules add up; the first other rule that fires wins. */
  decideApi(api: AntomApi): ApiFaultDecision {
    const decision: ApiFaultDecision = { latencyMs: 0 };
    for (const state of this.#rules) {
      const { rule } = state;
      if (rule.api !== '*' && rule.api !== api) continue;
      if (state.remaining === 0) continue;
      if (rule.kind !== 'latency' && decision.fault) continue;
      const fires = rule.probability === undefined ? true : this.#apiRandom() < rule.probability;
      if (!fires) continue;
      if (state.remaining !== undefined) state.remaining -= 1;
      state.fired += 1;
      if (rule.kind === 'latency') decision.latencyMs += rule.latencyMs ?? 0;
      else decision.fault = rule;
    }
    return decision;
  }

  /** Decides the faults for one notification delivery attempt. */
  decideNotification(): NotificationFaultDecision {
    const faults = this.#config?.notifications;
    if (!faults) return { drop: false, duplicate: false, delayMs: 0 };
    const drop = faults.drop !== undefined && this.#notifyRandom() < faults.drop;
    const duplicate = faults.duplicate !== undefined && this.#notifyRandom() < faults.duplicate;
    let delayMs = 0;
    if (faults.delayMs) {
      const { min, max } = faults.delayMs;
      delayMs = min + Math.floor(this.#notifyRandom() * (max - min + 1));
    }
    return { drop, duplicate, delayMs };
  }

  /** The reorder window for first delivery attempts, or undefined when reordering is off. */
  reorderWindowMs(): number | undefined {
    return this.#config?.notifications.reorder?.windowMs;
  }
}
