// The fixture set of Antom's request and response samples (docs/antom/samples, D13) and a small shape
// validator written from the same pages and the official SDKs' models. The client's, the sandbox's and
// the server's tests all check against these one set of shapes, so none of them can drift alone.
//
// A shape maps a dotted path to a rule: `<type>[!][(<argument>)]`, `!` meaning required whenever the
// parent object is there; `[]` in a path walks every element of an array. Types: `string` (argument: the
// maximum length), `datetime` (ISO-8601 with a zone), `amount` ({ currency, value } in minor units),
// `result` ({ resultCode, resultStatus S/F/U, resultMessage }), `enum` (argument: `A|B|C`), `bool` ("true"
// or "false", or a JSON boolean where Antom's models say boolean), `limits` (consult's amountLimitInfoMap:
// { <currency>: { singleLimit?, dayLimit?, monthLimit? } } of { minAmount?, maxAmount?, remainAmount? }),
// `object`, `array`, `any` (anything, not looked into).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Shape = Record<string, string>;

export interface SampleResponse {
  name: string;
  body: Record<string, unknown>;
  /** What the client makes of it: the outcome kind, or the notification type. */
  expect: string;
}

export interface SampleFile {
  api: string;
  /** The API reference page the shapes (and, where `verbatim`, the samples) come from. */
  page: string;
  /** Where the sample text itself was read, when not the reference page. */
  samplesFrom?: string;
  /** True when request and response are Antom's published text; false when assembled from the field list. */
  verbatim: boolean;
  note: string;
  request: Record<string, unknown>;
  responses: SampleResponse[];
  /** For the notify APIs: what Antom POSTs (a body `{ "$ref": "request" }` stands for the request). */
  notifications?: SampleResponse[];
  requestShape: Shape;
  responseShape: Shape;
  /** Request fields a custom-cashier integration must send (the server's requests are checked for them). */
  requiredForCustomCashier: string[];
}

const SAMPLES_DIR = fileURLToPath(new URL('../../../../docs/antom/samples/', import.meta.url));

/** Every sample file, by API name. */
export function loadSamples(): Record<string, SampleFile> {
  const out: Record<string, SampleFile> = {};
  for (const name of readdirSync(SAMPLES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()) {
    const sample = JSON.parse(readFileSync(SAMPLES_DIR + name, 'utf8')) as SampleFile;
    for (const notification of sample.notifications ?? []) {
      if (notification.body.$ref === 'request') notification.body = sample.request;
    }
    out[sample.api] = sample;
  }
  return out;
}

interface Rule {
  type: string;
  required: boolean;
  argument: string | undefined;
}

function parseRule(text: string): Rule {
  const match = /^([a-z]+)(!)?(?:\((.*)\))?$/.exec(text);
  if (!match) throw new Error(`bad shape rule ${text}`);
  return { type: match[1]!, required: match[2] === '!', argument: match[3] };
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The problem with one value under its rule, or undefined. */
function problemOf(path: string, value: unknown, rule: Rule): string | undefined {
  switch (rule.type) {
    case 'string':
      if (typeof value !== 'string') return `${path} must be a string`;
      if (rule.argument && value.length > Number(rule.argument)) {
        return `${path} is longer than ${rule.argument} characters`;
      }
      return undefined;
    case 'datetime':
      return typeof value === 'string' && ISO_WITH_ZONE.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : `${path} must be ISO-8601 with a zone`;
    case 'amount':
      return isObject(value) &&
        typeof value.currency === 'string' &&
        /^[A-Z]{3}$/.test(value.currency) &&
        typeof value.value === 'string' &&
        /^\d{1,16}$/.test(value.value) &&
        Object.keys(value).every((key) => key === 'currency' || key === 'value')
        ? undefined
        : `${path} must be { currency, value } with a minor-unit string value`;
    case 'result':
      return isObject(value) &&
        typeof value.resultCode === 'string' &&
        ['S', 'F', 'U'].includes(value.resultStatus as string) &&
        (value.resultMessage === undefined || typeof value.resultMessage === 'string') &&
        Object.keys(value).every((key) => ['resultCode', 'resultStatus', 'resultMessage'].includes(key))
        ? undefined
        : `${path} must be { resultCode, resultStatus S/F/U, resultMessage? }`;
    case 'enum':
      return typeof value === 'string' && rule.argument!.split('|').includes(value)
        ? undefined
        : `${path} must be one of ${rule.argument} (got ${JSON.stringify(value)})`;
    case 'bool':
      return value === true || value === false || value === 'true' || value === 'false'
        ? undefined
        : `${path} must be true or false`;
    case 'limits':
      return limitsProblem(path, value);
    case 'object':
      return isObject(value) ? undefined : `${path} must be an object`;
    case 'array':
      return Array.isArray(value) ? undefined : `${path} must be an array`;
    case 'any':
      return undefined;
    default:
      throw new Error(`unknown shape type ${rule.type}`);
  }
}

function limitsProblem(path: string, value: unknown): string | undefined {
  if (!isObject(value)) return `${path} must be an object keyed by currency`;
  for (const [currency, info] of Object.entries(value)) {
    if (!/^[A-Z]{3}$/.test(currency) || !isObject(info))
      return `${path}.${currency} must be a currency's limits`;
    for (const [kind, limit] of Object.entries(info)) {
      if (!['singleLimit', 'dayLimit', 'monthLimit'].includes(kind) || !isObject(limit)) {
        return `${path}.${currency}.${kind} is not singleLimit, dayLimit or monthLimit`;
      }
      for (const [bound, amount] of Object.entries(limit)) {
        const problem = ['minAmount', 'maxAmount', 'remainAmount'].includes(bound)
          ? problemOf(`${path}.${currency}.${kind}.${bound}`, amount, {
              type: 'amount',
              required: false,
              argument: undefined,
            })
          : `${path}.${currency}.${kind}.${bound} is not minAmount, maxAmount or remainAmount`;
        if (problem) return problem;
      }
    }
  }
  return undefined;
}

/** The values at a dotted path, `[]` walking arrays; each with its concrete path and whether its parent exists. */
function valuesAt(root: unknown, path: string): { path: string; value: unknown; parentExists: boolean }[] {
  let current: { path: string; value: unknown }[] = [{ path: '', value: root }];
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i]!;
    const many = part.endsWith('[]');
    const key = many ? part.slice(0, -2) : part;
    const next: { path: string; value: unknown; parentExists: boolean }[] = [];
    for (const item of current) {
      if (!isObject(item.value)) continue;
      const value = item.value[key];
      const here = item.path ? `${item.path}.${key}` : key;
      if (many) {
        if (Array.isArray(value))
          value.forEach((element, index) =>
            next.push({ path: `${here}[${index}]`, value: element, parentExists: true }),
          );
      } else {
        next.push({ path: here, value, parentExists: true });
      }
    }
    if (i === parts.length - 1) return next;
    current = next.filter((item) => item.value !== undefined);
  }
  return [];
}

/**
 * Every way `value` breaks `shape`: a required field missing, a field of the wrong type, and — when
 * `strict` — a field the shape does not know (a field Antom's models do not have).
 */
export function shapeProblems(value: unknown, shape: Shape, options: { strict?: boolean } = {}): string[] {
  const problems: string[] = [];
  for (const [path, text] of Object.entries(shape)) {
    const rule = parseRule(text);
    for (const found of valuesAt(value, path)) {
      if (found.value === undefined || found.value === null) {
        if (rule.required) problems.push(`${found.path} is required`);
        continue;
      }
      const problem = problemOf(found.path, found.value, rule);
      if (problem) problems.push(problem);
    }
  }
  if (options.strict) problems.push(...unknownFields(value, shape, ''));
  return problems;
}

function unknownFields(value: unknown, shape: Shape, prefix: string): string[] {
  if (!isObject(value)) return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const rule = shape[path] ?? shape[`${path}[]`];
    if (rule === undefined && !Object.hasOwn(shape, path)) {
      out.push(`${path} is not a field of Antom's model`);
      continue;
    }
    const type = parseRule(rule ?? 'any').type;
    if (type !== 'object' && type !== 'array') continue;
    if (Array.isArray(child))
      child.forEach((element) => out.push(...unknownFields(element, shape, `${path}[]`)));
    else out.push(...unknownFields(child, shape, path));
  }
  return out;
}
