// Antom API paths (docs/antom-notes.md §1.2). Sandbox client ids (`SANDBOX_…`) use `/ams/sandbox/api` on the
// same host, and the rewritten path is the one that is signed (docs/antom-notes.md §1.1).
import type { AntomApi } from './types.ts';

export const ANTOM_PATHS: Readonly<Record<AntomApi, string>> = Object.freeze({
  consult: '/ams/api/v1/payments/consult',
  pay: '/ams/api/v1/payments/pay',
  inquiryPayment: '/ams/api/v1/payments/inquiryPayment',
  cancel: '/ams/api/v1/payments/cancel',
  refund: '/ams/api/v1/payments/refund',
  inquiryRefund: '/ams/api/v1/payments/inquiryRefund',
});

const LIVE_PREFIX = '/ams/api/';
const SANDBOX_PREFIX = '/ams/sandbox/api/';

/** True for client ids that Antom treats as sandbox ids. */
export function isSandboxClientId(clientId: string): boolean {
  return clientId.startsWith('SANDBOX_');
}

/** The path to call (and sign) for `api` with this client id. */
export function apiPath(api: AntomApi, clientId: string): string {
  const path = ANTOM_PATHS[api];
  return isSandboxClientId(clientId) ? SANDBOX_PREFIX + path.slice(LIVE_PREFIX.length) : path;
}

/** The API a request path names, under either prefix, or undefined (used by gateways and the sandbox). */
export function apiFromPath(path: string): AntomApi | undefined {
  const withoutQuery = path.split('?')[0] ?? path;
  const bare = withoutQuery.startsWith(SANDBOX_PREFIX)
    ? LIVE_PREFIX + withoutQuery.slice(SANDBOX_PREFIX.length)
    : withoutQuery;
  return (Object.keys(ANTOM_PATHS) as AntomApi[]).find((api) => ANTOM_PATHS[api] === bare);
}
