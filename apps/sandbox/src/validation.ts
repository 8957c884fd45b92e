// Request checks the Antom way (docs/antom-notes.md §3): every scalar is a JSON string, required fields are
// present, lengths hold. Problems are collected, each naming its field by its JSON path, and answered
// together as one PARAM_ILLEGAL so a developer fixes them in one round.
import { amountProblems, type Amount } from '@paydesk/antom';

/** Reads a dotted path (`order.orderAmount.value`, `order.goods[0].goodsName`) from a parsed body. */
export function pick(body: unknown, path: string): unknown {
  let value: unknown = body;
  for (const key of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (Array.isArray(value) && /^\d+$/.test(key)) value = value[Number(key)];
    else if (value == null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    else value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

/**
 * Numbers and booleans anywhere in the body, as problems naming their path (at most `limit`). JSON null is
 * taken as "absent" rather than a wrong type, since several SDK serialisers emit it for unset fields.
 */
export function nonStringScalars(value: unknown, path = '', limit = 5, out: string[] = []): string[] {
  if (out.length >= limit) return out;
  if (Array.isArray(value)) {
    value.forEach((item, index) => nonStringScalars(item, `${path}[${index}]`, limit, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      nonStringScalars(item, path ? `${path}.${key}` : key, limit, out);
    }
  } else if (value !== null && typeof value !== 'string') {
    out.push(`${path || 'body'} must be a string (got ${typeof value})`);
  }
  return out;
}

interface StringRule {
  required?: boolean;
  max?: number;
  oneOf?: readonly string[];
  pattern?: RegExp;
  /** Described in the message when `pattern` fails. */
  patternHint?: string;
}

/** Collects problems while reading fields from a parsed body. */
export class FieldChecker {
  readonly problems: string[] = [];
  readonly #body: unknown;

  constructor(body: unknown) {
    this.#body = body;
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }

  add(problem: string): void {
    this.problems.push(problem);
  }

  /** A string field; records a problem and returns undefined when missing or invalid. */
  string(path: string, rule: StringRule = {}): string | undefined {
    const value = pick(this.#body, path);
    if (value == null || value === '') {
      if (rule.required) this.add(`${path} is required`);
      return undefined;
    }
    if (typeof value !== 'string') {
      // Reported once by nonStringScalars when it is a scalar; objects and arrays are reported here.
      if (typeof value === 'object') this.add(`${path} must be a string`);
      return undefined;
    }
    if (rule.max !== undefined && value.length > rule.max) {
      this.add(`${path} must be at most ${rule.max} characters`);
      return undefined;
    }
    if (rule.oneOf && !rule.oneOf.includes(value)) {
      this.add(`${path} must be one of ${rule.oneOf.join(', ')}`);
      return undefined;
    }
    if (rule.pattern && !rule.pattern.test(value)) {
      this.add(`${path} ${rule.patternHint ?? 'has an invalid format'}`);
      return undefined;
    }
    return value;
  }

  /** An object field. */
  object(path: string, required = false): Record<string, unknown> | undefined {
    const value = pick(this.#body, path);
    if (value == null) {
      if (required) this.add(`${path} is required`);
      return undefined;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.add(`${path} must be an object`);
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  /** An Antom amount (docs/antom-notes.md §7.2), checked with the client's own rules. */
  amount(path: string, required = true): Amount | undefined {
    const value = pick(this.#body, path);
    if (value == null) {
      if (required) this.add(`${path} is required`);
      return undefined;
    }
    const problems = amountProblems(value, path);
    if (problems.length === 0) return value as Amount;
    for (const problem of problems) {
      // A number or boolean scalar is already reported by nonStringScalars; do not say it twice.
      const typed = / must be a string$/.exec(problem) ? pick(this.#body, problem.split(' ')[0]!) : undefined;
      if (typed !== undefined && typed !== null && typeof typed !== 'object') continue;
      this.add(problem);
    }
    return undefined;
  }

  /** An absolute http(s) URL. */
  url(path: string, rule: { required?: boolean; max: number }): string | undefined {
    const value = this.string(path, rule);
    if (value === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.add(`${path} must be an absolute URL`);
      return undefined;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      this.add(`${path} must be an http or https URL`);
      return undefined;
    }
    return value;
  }
}

export const TERMINAL_TYPES = ['WEB', 'WAP', 'APP', 'MINI_APP'] as const;

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An optional array of strings (each matching `pattern` when given); records a problem otherwise. */
export function stringList(
  check: FieldChecker,
  body: Record<string, unknown>,
  field: string,
  pattern?: RegExp,
): string[] | undefined {
  const value = body[field];
  if (value == null) return undefined;
  if (
    !Array.isArray(value) ||
    value.some((item) => typeof item !== 'string' || (pattern && !pattern.test(item)))
  ) {
    check.add(`${field} must be an array of ${pattern ? 'region codes' : 'strings'}`);
    return undefined;
  }
  return value as string[];
}
