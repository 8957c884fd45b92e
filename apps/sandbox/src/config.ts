// Configuration from SANDBOX_* variables (docs/product.md, configuration table): parsed once, every problem
// listed in one error, keys in any form the Antom client accepts (PEM, single-line base64, `@path`).
// Development key pairs live in `<dataDir>/dev-keys.json`, created on first start and reused after.
import type { KeyObject } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, loadPrivateKey, loadPublicKey, type KeyPairForms } from '@paydesk/antom';

/** The client id the sandbox accepts when none is configured. */
export const DEFAULT_CLIENT_ID = 'SANDBOX_PAYDESK_DEV';
export const DEFAULT_PORT = 3001;

/** Bad configuration: `problems` lists every one, the message joins them. */
export class SandboxConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[], options?: { cause?: unknown }) {
    super(`Invalid sandbox configuration:\n  - ${problems.join('\n  - ')}`, options);
    this.name = 'SandboxConfigError';
    this.problems = problems;
  }
}

/** What `sandboxConfigFromEnv` returns; keys are absent when the development pair should be used. */
export interface SandboxEnvConfig {
  port: number;
  host: string;
  clientId: string;
  merchantPublicKey?: KeyObject;
  gatewayPrivateKey?: KeyObject;
  /** Base of wallet URLs and QR payloads, without a trailing slash (undefined with port 0: the bound address). */
  publicUrl?: string;
  timeScale: number;
  dataDir: string;
  /** Where payments and refunds are kept across restarts; undefined = memory only. */
  stateFile?: string;
  merchantName?: string;
  asyncRefundDelayMs?: number;
  /** Notify URL used when a request names none (Antom's Dashboard setting). */
  defaultNotifyUrl?: string;
}

/**
 * Reads SANDBOX_PORT, SANDBOX_HOST, SANDBOX_CLIENT_ID, SANDBOX_MERCHANT_PUBLIC_KEY, SANDBOX_PRIVATE_KEY,
 * SANDBOX_PUBLIC_URL, SANDBOX_TIME_SCALE and the optional SANDBOX_DATA_DIR, SANDBOX_STATE_FILE,
 * SANDBOX_MERCHANT_NAME, SANDBOX_ASYNC_REFUND_DELAY_MS, SANDBOX_NOTIFY_URL. Throws SandboxConfigError
 * listing every problem.
 */
export function sandboxConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Readonly<SandboxEnvConfig> {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };

  const port = integer('SANDBOX_PORT', DEFAULT_PORT, 0, 65_535);
  const host = text('SANDBOX_HOST') ?? '127.0.0.1';
  const clientId = text('SANDBOX_CLIENT_ID') ?? DEFAULT_CLIENT_ID;
  if (!/^[\x21-\x7e]{1,64}$/.test(clientId)) {
    problems.push('SANDBOX_CLIENT_ID must be 1–64 printable characters without spaces');
  }

  let merchantPublicKey: KeyObject | undefined;
  const merchantKeyText = text('SANDBOX_MERCHANT_PUBLIC_KEY');
  if (merchantKeyText !== undefined) {
    try {
      merchantPublicKey = loadPublicKey(merchantKeyText, 'SANDBOX_MERCHANT_PUBLIC_KEY');
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  let gatewayPrivateKey: KeyObject | undefined;
  const gatewayKeyText = text('SANDBOX_PRIVATE_KEY');
  if (gatewayKeyText !== undefined) {
    try {
      gatewayPrivateKey = loadPrivateKey(gatewayKeyText, 'SANDBOX_PRIVATE_KEY');
    } catch (error) {
      problems.push((error as Error).message);
    }
  }

  let publicUrl = text('SANDBOX_PUBLIC_URL') ?? `http://localhost:${port}`;
  try {
    const url = new URL(publicUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    if (url.search || url.hash) throw new Error('has a query');
    publicUrl = url.href.replace(/\/+$/, '');
  } catch {
    problems.push(
      `SANDBOX_PUBLIC_URL must be an http(s) URL without query, e.g. http://192.168.1.20:${port}`,
    );
  }

  let timeScale = 1;
  const scaleText = text('SANDBOX_TIME_SCALE');
  if (scaleText !== undefined) {
    const value = Number(scaleText);
    if (!Number.isFinite(value) || value <= 0 || value > 1_000_000) {
      problems.push(`SANDBOX_TIME_SCALE must be a number above 0 and at most 1000000 (got "${scaleText}")`);
    } else timeScale = value;
  }

  const dataDir = text('SANDBOX_DATA_DIR') ?? 'data';
  const stateText = env.SANDBOX_STATE_FILE;
  const stateFile =
    stateText === undefined
      ? join(dataDir, 'sandbox-state.json')
      : stateText.trim() === '' || stateText === 'off'
        ? undefined
        : stateText.trim();
  const asyncRefundDelayMs = text('SANDBOX_ASYNC_REFUND_DELAY_MS')
    ? integer('SANDBOX_ASYNC_REFUND_DELAY_MS', 0, 0, 86_400_000)
    : undefined;

  let defaultNotifyUrl = text('SANDBOX_NOTIFY_URL');
  if (defaultNotifyUrl !== undefined && !/^https?:\/\/\S+$/.test(defaultNotifyUrl)) {
    problems.push('SANDBOX_NOTIFY_URL must be an http(s) URL');
    defaultNotifyUrl = undefined;
  }

  if (problems.length > 0) throw new SandboxConfigError(problems);
  return Object.freeze({
    port,
    host,
    clientId,
    ...(merchantPublicKey ? { merchantPublicKey } : {}),
    ...(gatewayPrivateKey ? { gatewayPrivateKey } : {}),
    ...(publicUrl ? { publicUrl } : {}),
    timeScale,
    dataDir,
    ...(stateFile ? { stateFile } : {}),
    ...(text('SANDBOX_MERCHANT_NAME') ? { merchantName: text('SANDBOX_MERCHANT_NAME') } : {}),
    ...(asyncRefundDelayMs !== undefined ? { asyncRefundDelayMs } : {}),
    ...(defaultNotifyUrl ? { defaultNotifyUrl } : {}),
  });
}

/**
 * The development key pairs: the merchant's (the checkout server signs with its private key, the sandbox
 * verifies with its public key) and the gateway's (the sandbox signs, the checkout server verifies).
 */
export interface DevKeys {
  merchant: KeyPairForms;
  gateway: KeyPairForms;
  /** ISO-8601 creation time. */
  createdAt: string;
}

/** The file name inside the data directory. */
export const DEV_KEYS_FILE = 'dev-keys.json';

/**
 * Reads `<dir>/dev-keys.json`, or creates it (mode 0600) with two fresh RSA-2048 pairs. Creation is
 * race-safe: when two processes start together, both end up with the same file. Throws when the file
 * exists but does not hold two valid pairs (it is never overwritten).
 */
export function loadOrCreateDevKeys(dir: string): DevKeys {
  const file = join(dir, DEV_KEYS_FILE);
  const existing = readDevKeys(file);
  if (existing) {
    // A file an older version left readable to others holds private keys: made owner-only (D10.7).
    if (statSync(file).mode & 0o077) chmodSync(file, 0o600);
    return existing;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys: DevKeys = {
    merchant: generateKeyPair(),
    gateway: generateKeyPair(),
    createdAt: new Date().toISOString(),
  };
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  try {
    linkSync(temp, file); // fails if another process created the file first
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  return readDevKeys(file)!;
}

function readDevKeys(file: string): DevKeys | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const keys = JSON.parse(text) as DevKeys;
    loadPrivateKey(keys.merchant.privateKeyPem);
    loadPublicKey(keys.merchant.publicKeyPem);
    loadPrivateKey(keys.gateway.privateKeyPem);
    loadPublicKey(keys.gateway.publicKeyPem);
    return keys;
  } catch (cause) {
    throw new SandboxConfigError(
      [`${file} does not hold two valid key pairs; delete it to generate new ones`],
      {
        cause,
      },
    );
  }
}
