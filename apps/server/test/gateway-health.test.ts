// Faults of the integration itself (D11): a wrong key or client id is not the buyer's failure. The
// buyer hears "payments are briefly unavailable", /readyz and /metrics report it, the ops console reads
// it from /api/v1/ops/health, and it clears with the first call Antom answers normally.
import { generateKeyPair } from '@paydesk/antom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHealth } from '../src/gateway/gateway-health.ts';
import { startStack, type Stack } from '@paydesk/testkit';

describe('GatewayHealth', () => {
  it('raises a fault on configuration codes and failed signatures, and clears on a normal answer', () => {
    const changes: (string | null)[] = [];
    const health = new GatewayHealth((fault) => changes.push(fault?.code ?? null));
    health.observe({ api: 'pay', resultStatus: 'F', resultCode: 'USER_BALANCE_NOT_ENOUGH', at: 1 });
    expect(health.fault).toBeNull();
    health.observe({ api: 'pay', resultStatus: 'F', resultCode: 'INVALID_SIGNATURE', at: 2 });
    health.observe({ api: 'inquiryPayment', resultStatus: 'F', resultCode: 'INVALID_SIGNATURE', at: 3 });
    expect(health.fault).toMatchObject({ code: 'INVALID_SIGNATURE', api: 'pay', since: 2, calls: 2 });
    // An answer that does not verify counts only when it repeats: three in a row.
    for (const at of [4, 5]) {
      health.observe({ api: 'pay', error: 'SIGNATURE_MISMATCH: no', errorType: 'signature', at });
      expect(health.fault?.code).toBe('INVALID_SIGNATURE');
    }
    health.observe({ api: 'pay', error: 'SIGNATURE_MISMATCH: no', errorType: 'signature', at: 6 });
    expect(health.fault).toMatchObject({ code: 'SIGNATURE_INVALID', since: 6 });
    // A call without a verified answer (a timeout) says nothing either way.
    health.observe({ api: 'pay', error: 'TIMEOUT: slow', errorType: 'timeout', at: 7 });
    expect(health.fault?.code).toBe('SIGNATURE_INVALID');
    health.observe({ api: 'pay', resultStatus: 'U', resultCode: 'PAYMENT_IN_PROCESS', at: 8 });
    expect(health.fault).toBeNull();
    expect(changes).toEqual(['INVALID_SIGNATURE', 'SIGNATURE_INVALID', null]);
  });
});

describe('a merchant key Antom does not know', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Signs with a private key whose public half was never uploaded: the sandbox answers INVALID_SIGNATURE.
    stack = await startStack({
      dialect: 'sqlite',
      config: { antom: { privateKey: generateKeyPair().privateKeyPem } },
    });
  });
  afterAll(() => stack?.close());

  it('tells the buyer payments are briefly unavailable and reports the fault to operators', async () => {
    const before = await stack.call('GET', '/readyz');
    expect(before.status).toBe(200);
    const order = await stack.createOrder();
    const confirm = await stack.confirm(order.checkoutToken, 'PROMPTPAY');
    expect(confirm.body).toMatchObject({ status: 'FAIL', reason: 'GATEWAY_UNAVAILABLE' });
    // The operator still sees Antom's own code.
    const view = await stack.merchant('GET', `/api/v1/orders/${order.id}`);
    expect(view.body.payments[0]).toMatchObject({ state: 'FAIL', reason: 'INVALID_SIGNATURE' });

    const ready = await stack.call('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'not ready',
      database: 'ok',
      // First seen on consult, when the methods for the page were asked for.
      gateway: { status: 'fault', fault: { code: 'INVALID_SIGNATURE', api: 'consult' } },
    });
    expect((await stack.call('GET', '/readyz?check=database')).status).toBe(200);
    const health = await stack.merchant('GET', '/api/v1/ops/health');
    expect(health.body.gateway.fault.message).toContain('ANTOM_PRIVATE_KEY');
    expect((await stack.call('GET', '/api/v1/ops/health')).status).toBe(401);
    const metrics = await stack.merchant('GET', '/metrics');
    expect(String(metrics.body)).toContain('paydesk_gateway_configuration_fault 1');
  });
});
