// The browser specs' stack: the test kit's (@paydesk/testkit) sandbox and checkout server on SQLite,
// serving the built cashier, with the pages' defaults — codes that live 5 minutes unless a spec shortens
// one, the overlay presentation, a short success redirect — and a server clock a spec may move ahead of
// the browser's (`skew`) to show what a buyer sees when the two disagree.
import { catalogWithTimeout, startStack as startKitStack, type Stack as KitStack } from '@paydesk/testkit';
import type { loadConfig } from '@paydesk/server';
import { ensureCashierBuilt } from './build.ts';

export { API_KEY, waitFor, type JsonAnswer as Json } from '@paydesk/testkit';

type ConfigOverrides = NonNullable<Parameters<typeof loadConfig>[1]>;

export interface Stack extends KitStack {
  /** Moves the server's clock (ms); the browser's stays where it is. */
  skew(ms: number): void;
}

export interface StackOptions {
  presentation?: 'overlay' | 'page';
  /** Per-method code timeouts in seconds (others: 300). */
  timeouts?: Record<string, number>;
  successRedirectSeconds?: number;
  config?: ConfigOverrides;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const cashierDist = ensureCashierBuilt();
  const overrides = options.config ?? {};
  let offset = 0;
  const stack = await startKitStack({
    dialect: 'sqlite',
    clock: { now: () => Date.now() + offset },
    config: {
      cashierDist,
      ...overrides,
      checkout: {
        presentation: options.presentation ?? 'overlay',
        gatewayExpiryGraceSeconds: 1,
        paymentMethods: catalogWithTimeout(300).map((method) => ({
          ...method,
          timeoutSeconds: options.timeouts?.[method.type] ?? method.timeoutSeconds,
        })),
        successRedirectSeconds: options.successRedirectSeconds ?? 2,
        ...overrides.checkout,
      },
    },
  });
  const createOrder = stack.createOrder;
  return Object.assign(stack, {
    skew: (ms: number) => {
      offset += ms;
    },
    // The shop's basket the screenshots and the amounts in the specs show.
    createOrder: (overrides: Record<string, unknown> = {}) =>
      createOrder({
        reference: `E2E-${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
        amount: { currency: 'THB', value: '118000' },
        description: 'Jasmine tea ×2, Wildflower honey ×1',
        items: [
          { name: 'Jasmine tea', quantity: 2, unitAmount: { currency: 'THB', value: '45000' } },
          { name: 'Wildflower honey', quantity: 1, unitAmount: { currency: 'THB', value: '28000' } },
        ],
        region: 'TH',
        ...overrides,
      }),
  });
}
