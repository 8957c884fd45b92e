// API paths (docs/antom-notes.md §1.1–1.2): `SANDBOX_` client ids call `/ams/sandbox/api/…` on the same host.
import { describe, expect, it } from 'vitest';
import { ANTOM_PATHS, apiFromPath, apiPath, isSandboxClientId, type AntomApi } from '../src/index.ts';

const apis = Object.keys(ANTOM_PATHS) as AntomApi[];

describe('apiPath', () => {
  it('lists the six APIs the cashier uses', () => {
    expect(apis.sort()).toEqual(['cancel', 'consult', 'inquiryPayment', 'inquiryRefund', 'pay', 'refund']);
  });

  it.each(apis)(
    '%s: /ams/api/v1/payments/… for a live id, /ams/sandbox/api/v1/payments/… for SANDBOX_',
    (api) => {
      expect(apiPath(api, '2188120000000001')).toBe(`/ams/api/v1/payments/${api}`);
      expect(apiPath(api, 'SANDBOX_5YBC2Z2ZF4KL03142')).toBe(`/ams/sandbox/api/v1/payments/${api}`);
    },
  );

  it('treats only the exact upper-case prefix as a sandbox id', () => {
    expect(isSandboxClientId('SANDBOX_X')).toBe(true);
    expect(isSandboxClientId('sandbox_X')).toBe(false);
    expect(isSandboxClientId('X_SANDBOX_')).toBe(false);
  });
});

describe('apiFromPath', () => {
  it.each(apis)('names %s from either prefix, ignoring a query string', (api) => {
    expect(apiFromPath(`/ams/api/v1/payments/${api}`)).toBe(api);
    expect(apiFromPath(`/ams/sandbox/api/v1/payments/${api}`)).toBe(api);
    expect(apiFromPath(`/ams/sandbox/api/v1/payments/${api}?trace=1`)).toBe(api);
    expect(apiFromPath(`/ams/api/v1/payments/${api}?trace=1`)).toBe(api);
  });

  it.each(['/ams/api/v1/payments/capture', '/ams/api/v1/payments/pay/extra', '/payNotify', '/', ''])(
    'is undefined for %j',
    (path) => {
      expect(apiFromPath(path)).toBeUndefined();
    },
  );
});
