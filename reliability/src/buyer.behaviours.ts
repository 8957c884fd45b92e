// What buyers, their wallets and the merchant do to one order (D6.4). Buyers act only through
// the Buyer API over HTTP; wallets through the sandbox control API (scanning a code, declining); the
// merchant through the Merchant API. Every answer is checked: never a 5xx, and every 4xx names its error.
import type { Answer, Endpoint } from './http.client.ts';
import type { Violation } from './invariant.checks.ts';
import type { SeededRandom } from './seeded.random.ts';

export const BEHAVIOURS = [
  'pay',
  'decline',
  'cancelThenPay',
  'abandon',
  'doubleClick',
  'twoTabs',
  'oldCode',
  'payAtExpiry',
  'merchantClose',
  'closeAfterPay',
  'cancelAfterPay',
  'payWhileStopping',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export const BEHAVIOUR_WEIGHTS: Record<Behaviour, number> = {
  pay: 22,
  decline: 8,
  cancelThenPay: 10,
  abandon: 8,
  doubleClick: 10,
  twoTabs: 10,
  oldCode: 12,
  payAtExpiry: 10,
  merchantClose: 10,
  // D11: a stop that comes after the buyer paid (its notification maybe lost) must not reverse it;
  // a payment landing while the stop is on its way is the one race left, and must be recorded.
  closeAfterPay: 8,
  cancelAfterPay: 8,
  payWhileStopping: 8,
};

interface Market {
  currency: string;
  region: string;
  amount: (rng: SeededRandom) => string;
}

/**
 * Orders in every currency of the catalog, so every cancel and refund rule of docs/antom-notes.md §5.2–5.3 is
 * met.
 */
export const MARKETS: readonly Market[] = [
  { currency: 'THB', region: 'TH', amount: (rng) => String(rng.int(100, 4_000) * 100) },
  { currency: 'SGD', region: 'SG', amount: (rng) => String(rng.int(100, 90_000)) },
  // IDR must be whole rupiah (docs/antom-notes.md §7.2); bank transfers start at 10,000.00 IDR.
  { currency: 'IDR', region: 'ID', amount: (rng) => String(rng.int(10_000, 500_000) * 100) },
  { currency: 'JPY', region: 'JP', amount: (rng) => String(rng.int(100, 50_000)) },
];

export interface ActorStats {
  behaviours: Record<string, number>;
  confirms: number;
  scans: number;
  scansRefused: number;
  declines: number;
  buyerCancels: number;
  closes: number;
  refundRequests: number;
  /**
   * Merchant writes cut by a crash and retried with the same Idempotency-Key, answered 409
   * IDEMPOTENCY_KEY_IN_USE: the first request's slot is never released after a SIGKILL.
   */
  stuckIdempotencyKeys: number;
  /**
   * Closes and cancels sent after the buyer's payment went through that did not end paid: allowed only
   * when Antom's answers could not show the payment (faults); checkReversals says whether they could.
   */
  stopsAfterPayAccepted: number;
}

export function emptyActorStats(): ActorStats {
  return {
    behaviours: {},
    confirms: 0,
    scans: 0,
    scansRefused: 0,
    declines: 0,
    buyerCancels: 0,
    closes: 0,
    refundRequests: 0,
    stuckIdempotencyKeys: 0,
    stopsAfterPayAccepted: 0,
  };
}

export interface ActorDeps {
  merchant: Endpoint;
  buyer: Endpoint;
  antom: Endpoint;
  stats: ActorStats;
  violations: Violation[];
  /** How long a code lives (the catalog timeout), to bound waits. */
  methodTimeoutMs: number;
  /** Antom's expiry grace after ours. */
  graceMs: number;
}

interface Payment {
  id: string;
  status: string;
  code: { kind: string; value: string } | null;
  expiresAt: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** One order and everyone who acts on it. */
export class OrderActor {
  readonly #d: ActorDeps;
  readonly #rng: SeededRandom;
  order!: { id: string; checkoutToken: string; amount: { currency: string; value: string } };
  methods: string[] = [];
  #key = 0;
  /** Whether any wallet payment went through: only then may the merchant have something to refund. */
  #scanned = false;

  constructor(deps: ActorDeps, rng: SeededRandom) {
    this.#d = deps;
    this.#rng = rng;
  }

  /** Checks an answer: a status from `allowed`, never 5xx, and a 4xx that says what was wrong. */
  #expect(answer: Answer, allowed: number[], what: string): Answer {
    const orderId = this.order?.id;
    const error = answer.body?.error;
    if (answer.status === 409 && error?.code === 'IDEMPOTENCY_KEY_IN_USE') {
      this.#d.stats.stuckIdempotencyKeys += 1;
      return answer;
    }
    if (answer.status >= 500 || !allowed.includes(answer.status)) {
      this.#d.violations.push({
        invariant: 'api',
        ...(orderId ? { orderId } : {}),
        message: `${what} answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`,
      });
    } else if (
      answer.status >= 400 &&
      (typeof error?.code !== 'string' || typeof error?.message !== 'string')
    ) {
      this.#d.violations.push({
        invariant: 'api',
        ...(orderId ? { orderId } : {}),
        message: `${what} answered ${answer.status} without error.code and error.message`,
      });
    }
    return answer;
  }

  /** The merchant's backend: every write carries an Idempotency-Key, so retries after a crash are safe. */
  #merchantWrite(path: string, body?: unknown) {
    this.#key += 1;
    return this.#d.merchant.call('POST', path, body, {
      headers: { 'idempotency-key': `${this.order?.id ?? 'new'}-${this.#key}-${this.#rng.int(0, 1e9)}` },
    });
  }

  /** Creates the order; false when a crash interrupted it (see `stuckIdempotencyKeys`). */
  async create(market: Market, reference: string): Promise<boolean> {
    const answer = this.#expect(
      await this.#merchantWrite('/api/v1/orders', {
        reference,
        amount: { currency: market.currency, value: market.amount(this.#rng) },
        description: `Reliability order ${reference}`,
        region: market.region,
        expiresInSeconds: 60,
      }),
      [201],
      'create order',
    );
    if (answer.status === 409) return false;
    if (answer.status !== 201) throw new Error(`could not create an order: ${answer.status}`);
    this.order = answer.body;
    const view = this.#expect(
      await this.#d.buyer.call('GET', `/api/v1/checkout/${this.order.checkoutToken}`),
      [200],
      'checkout view',
    );
    this.methods = (view.body?.paymentMethods ?? []).map((m: { type: string }) => m.type);
    return true;
  }

  #path(suffix = '') {
    return `/api/v1/checkout/${this.order.checkoutToken}${suffix}`;
  }

  async #confirm(method: string): Promise<Payment | undefined> {
    this.#d.stats.confirms += 1;
    const answer = this.#expect(
      await this.#d.buyer.call('POST', this.#path('/payments'), {
        paymentMethodType: method,
        terminalType: this.#rng.pick(['WEB', 'WAP', 'APP']),
      }),
      [200, 201, 409, 410, 422],
      'confirm',
    );
    return answer.status === 200 || answer.status === 201 ? (answer.body as Payment) : undefined;
  }

  /** Polls like the cashier (S15) until the payment shows its code or ends; returns it as it stands. */
  async #awaitCode(payment: Payment): Promise<Payment> {
    if (payment.code || payment.status !== 'PROCESSING') return payment;
    // A buyer waits a while for a code that does not come, then gives up (the attempt must still end).
    const deadline = Date.now() + this.#rng.int(3_000, 10_000);
    while (Date.now() < deadline) {
      await sleep(this.#rng.int(150, 400));
      const status = this.#expect(await this.#d.buyer.call('GET', this.#path('/status')), [200], 'status');
      const current = status.body?.payment;
      if (!current || current.id !== payment.id) return { ...payment, status: 'GONE' };
      if (current.hasCode || current.status !== 'PROCESSING') {
        const view = this.#expect(await this.#d.buyer.call('GET', this.#path()), [200], 'checkout view');
        const shown = view.body?.payment;
        return shown && shown.id === payment.id ? shown : { ...payment, status: current.status };
      }
    }
    return payment;
  }

  /** The wallet scans a code and pays (what the camera and Pay button do). */
  async #scan(code: string): Promise<boolean> {
    this.#d.stats.scans += 1;
    const answer = await this.#d.antom.call('POST', '/sandbox/api/codes/pay', { codeValue: code });
    if (answer.status !== 200) this.#d.stats.scansRefused += 1;
    else this.#scanned = true;
    return answer.status === 200;
  }

  async #decline(paymentRequestId: string): Promise<void> {
    const found = await this.#d.antom.call(
      'GET',
      `/sandbox/api/payments?paymentRequestId=${paymentRequestId}`,
    );
    const paymentId = found.body?.payments?.[0]?.paymentId;
    if (!paymentId) return;
    this.#d.stats.declines += 1;
    await this.#d.antom.call('POST', `/sandbox/api/payments/${paymentId}/fail`, {
      resultCode: this.#rng.pick([
        'USER_BALANCE_NOT_ENOUGH',
        'RISK_REJECT',
        'USER_PAYMENT_VERIFICATION_FAILED',
      ]),
    });
  }

  async #cancel(paymentId: string): Promise<Answer> {
    this.#d.stats.buyerCancels += 1;
    return this.#expect(
      await this.#d.buyer.call('POST', this.#path(`/payments/${paymentId}/cancel`)),
      [200, 404, 409],
      'buyer cancel',
    );
  }

  async #close(): Promise<Answer> {
    this.#d.stats.closes += 1;
    return this.#expect(
      await this.#merchantWrite(`/api/v1/orders/${this.order.id}/close`),
      [200, 409, 410],
      'close',
    );
  }

  /** Confirms and waits for the code; the code is undefined when the payment ended first. */
  async #codeFor(method: string): Promise<{ payment: Payment; code?: string } | undefined> {
    const confirmed = await this.#confirm(method);
    if (!confirmed) return undefined;
    const payment = await this.#awaitCode(confirmed);
    return { payment, ...(payment.code ? { code: payment.code.value } : {}) };
  }

  #think(max = 800) {
    return sleep(this.#rng.int(0, max));
  }

  #method(): string | undefined {
    return this.methods.length > 0 ? this.#rng.pick(this.methods) : undefined;
  }

  /** Runs one behaviour from start to end, then maybe the merchant's refunds. */
  async run(behaviour: Behaviour): Promise<void> {
    this.#d.stats.behaviours[behaviour] = (this.#d.stats.behaviours[behaviour] ?? 0) + 1;
    const method = this.#method();
    if (!method) return;
    switch (behaviour) {
      case 'pay': {
        const got = await this.#codeFor(method);
        await this.#think();
        if (got?.code) await this.#scan(got.code);
        // A wallet that scans twice is refused the second time.
        if (got?.code && this.#rng.chance(0.2)) await this.#scan(got.code);
        break;
      }
      case 'decline': {
        const got = await this.#codeFor(method);
        await this.#think();
        if (got) await this.#decline(got.payment.id);
        if (this.#rng.chance(0.5)) {
          await this.#think();
          const again = await this.#codeFor(this.#method() ?? method);
          if (again?.code) await this.#scan(again.code);
        }
        break;
      }
      case 'cancelThenPay': {
        const first = await this.#codeFor(method);
        await this.#think();
        if (first) await this.#cancel(first.payment.id);
        const second = await this.#codeFor(this.#method() ?? method);
        await this.#think();
        if (second?.code) await this.#scan(second.code);
        break;
      }
      case 'abandon': {
        await this.#codeFor(method);
        break;
      }
      case 'doubleClick': {
        const clicks = await Promise.all(
          Array.from({ length: this.#rng.int(2, 4) }, () => this.#confirm(method)),
        );
        const live = clicks.find((c) => c !== undefined);
        if (live) {
          const payment = await this.#awaitCode(live);
          await this.#think();
          if (payment.code) await this.#scan(payment.code.value);
        }
        break;
      }
      case 'twoTabs': {
        // Two tabs confirm at once, maybe with different methods; each pays what it was shown, and a
        // tab refused with PAYMENT_IN_PROGRESS cancels the other's payment and tries again (S20).
        const other = this.#method() ?? method;
        const tabs = await Promise.all([this.#codeFor(method), this.#codeFor(other)]);
        await Promise.all(
          tabs.map(async (tab, index) => {
            await this.#think(1_500);
            if (tab?.code) {
              await this.#scan(tab.code);
              return;
            }
            const view = await this.#d.buyer.call('GET', this.#path());
            const live = view.body?.payment;
            if (live?.status === 'PROCESSING') await this.#cancel(live.id);
            const retry = await this.#codeFor(index === 0 ? method : other);
            if (retry?.code) await this.#scan(retry.code);
          }),
        );
        break;
      }
      case 'oldCode': {
        // The buyer cancels, pays a new code, then also pays the first code they still have on screen.
        const first = await this.#codeFor(method);
        await this.#think();
        if (first) await this.#cancel(first.payment.id);
        const second = await this.#codeFor(this.#method() ?? method);
        await this.#think();
        if (second?.code) await this.#scan(second.code);
        await this.#think(1_500);
        if (first?.code) await this.#scan(first.code);
        break;
      }
      case 'payAtExpiry': {
        const got = await this.#codeFor(method);
        if (got?.code) {
          const at = Date.parse(got.payment.expiresAt) + this.#rng.int(-1_500, this.#d.graceMs + 500);
          await sleep(at - Date.now());
          await this.#scan(got.code);
        }
        break;
      }
      case 'closeAfterPay':
      case 'cancelAfterPay': {
        const got = await this.#codeFor(method);
        if (!got?.code || !(await this.#scan(got.code))) break;
        await this.#think(400);
        // Antom has the money: the close must be refused and the cancel must end paid (D11).
        const answer =
          behaviour === 'closeAfterPay' ? await this.#close() : await this.#cancel(got.payment.id);
        const reversedIt =
          behaviour === 'closeAfterPay'
            ? answer.status === 200
            : answer.status === 200 && answer.body?.status !== 'SUCCESS';
        if (reversedIt) this.#d.stats.stopsAfterPayAccepted += 1;
        break;
      }
      case 'payWhileStopping': {
        const got = await this.#codeFor(method);
        if (!got?.code) break;
        const stop = this.#rng.chance(0.5) ? this.#close() : this.#cancel(got.payment.id);
        await this.#think(300);
        await this.#scan(got.code);
        await stop;
        break;
      }
      case 'merchantClose': {
        const got = await this.#codeFor(method);
        await Promise.all([
          (async () => {
            await this.#think(1_500);
            await this.#close();
          })(),
          (async () => {
            await this.#think(1_500);
            if (got?.code && this.#rng.chance(0.6)) await this.#scan(got.code);
          })(),
        ]);
        break;
      }
    }
    await this.#afterwards();
  }

  /** Once the order is paid: the merchant may refund (partly, several times, some at once) or try to close. */
  async #afterwards(): Promise<void> {
    if (!this.#scanned || !this.#rng.chance(0.6)) return;
    const order = await this.#waitPaid(this.#d.methodTimeoutMs);
    if (!order) return;
    if (this.#rng.chance(0.15)) {
      const closed = await this.#close();
      if (closed.status === 200)
        this.#d.violations.push({
          invariant: 'api',
          orderId: this.order.id,
          message: 'a PAID order was closed',
        });
    }
    if (!this.#rng.chance(0.7)) return;
    const amount = BigInt(this.order.amount.value);
    const unit = this.order.amount.currency === 'IDR' ? 100n : 1n;
    const count = this.#rng.int(1, 3);
    const bodies = Array.from({ length: count }, () => {
      if (this.#rng.chance(0.3)) return null; // everything that is left
      const share = BigInt(this.#rng.int(1, 70));
      const value = ((amount * share) / 100n / unit) * unit;
      return value > 0n
        ? { amount: { currency: this.order.amount.currency, value: value.toString() }, reason: 'reliability' }
        : null;
    });
    const send = async (body: unknown) => {
      this.#d.stats.refundRequests += 1;
      return this.#expect(
        await this.#merchantWrite(`/api/v1/orders/${this.order.id}/refunds`, body),
        [201, 409, 422],
        'refund',
      );
    };
    if (this.#rng.chance(0.5)) await Promise.all(bodies.map(send));
    else for (const body of bodies) await send(body);
  }

  async #waitPaid(withinMs: number): Promise<boolean> {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      const status = await this.#d.buyer.call('GET', this.#path('/status'));
      if (status.body?.orderStatus === 'PAID') return true;
      if (status.body?.orderStatus && status.body.orderStatus !== 'OPEN') return false;
      if (status.body?.payment?.status !== 'PROCESSING' && status.body?.payment?.status !== 'SUCCESS')
        return false;
      await sleep(250);
    }
    return false;
  }
}
