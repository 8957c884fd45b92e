// Reads the state of a run from both sides: every order the server has (with payments, refunds and event
// history, through the Merchant API) and what Antom holds (sandbox ledger, payments, refunds). The
// sandbox keeps only its latest 10 000 API requests, so `pay` (and other) requests are collected while the
// run goes.
import type { AntomApi } from '@paydesk/antom';
import type { OrderView } from '@paydesk/api';
import type { RequestRecord } from '@paydesk/sandbox';
import type { Endpoint } from './http.client.ts';
import type { Observation } from './invariant.checks.ts';

/** Polls the sandbox request log for one API's requests and keeps every one it sees (by sequence number). */
export class RequestCollector {
  readonly #antom: Endpoint;
  readonly #api: AntomApi;
  readonly #seen = new Map<number, RequestRecord>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(antom: Endpoint, api: AntomApi) {
    this.#antom = antom;
    this.#api = api;
  }

  start(everyMs = 1_000): void {
    this.#timer = setInterval(() => {
      this.#running = this.#running.then(() => this.poll()).catch(() => {});
    }, everyMs);
  }

  async poll(): Promise<void> {
    const answer = await this.#antom.call('GET', `/sandbox/api/requests?api=${this.#api}`);
    for (const record of (answer.body?.requests ?? []) as RequestRecord[]) {
      // A record is updated in place until it is answered; keep the latest view of it.
      this.#seen.set(record.seq, record);
    }
  }

  async stop(): Promise<RequestRecord[]> {
    clearInterval(this.#timer);
    await this.#running;
    await this.poll();
    return [...this.#seen.values()];
  }

  get count(): number {
    return this.#seen.size;
  }
}

/** Every order id the server knows, newest first (cursor pagination). */
export async function listOrderIds(merchant: Endpoint): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : '?limit=100';
    const page = await merchant.call('GET', `/api/v1/orders${query}`);
    if (page.status !== 200) throw new Error(`listing orders answered ${page.status}`);
    ids.push(...page.body.data.map((o: { id: string }) => o.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  return ids;
}

/** Reads orders (with history) a few at a time. */
export async function readOrders(merchant: Endpoint, ids: readonly string[]): Promise<OrderView[]> {
  const out: OrderView[] = new Array(ids.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(8, ids.length) }, async () => {
      while (next < ids.length) {
        const index = next++;
        const answer = await merchant.call('GET', `/api/v1/orders/${ids[index]}`);
        if (answer.status !== 200) throw new Error(`GET order ${ids[index]} answered ${answer.status}`);
        out[index] = answer.body as OrderView;
      }
    }),
  );
  return out;
}

/** One observation of both sides, for the invariant checks. */
export async function observe(
  merchant: Endpoint,
  antom: Endpoint,
  payRequests: RequestRecord[],
): Promise<Observation> {
  const at = Date.now();
  const orders = await readOrders(merchant, await listOrderIds(merchant));
  const [ledger, payments, refunds] = await Promise.all([
    antom.call('GET', '/sandbox/api/ledger'),
    antom.call('GET', '/sandbox/api/payments'),
    antom.call('GET', '/sandbox/api/refunds'),
  ]);
  return {
    orders,
    ledger: ledger.body.payments,
    antomPayments: payments.body.payments,
    antomRefunds: refunds.body.refunds,
    payRequests,
    at,
  };
}
