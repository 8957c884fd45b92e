// What the buyer's pages are told (S2, S15–S17): everything comes from our database; the gateway is never
// asked on a buyer's behalf, so polling costs no gateway calls (D4.8).
import type {
  CheckoutPayment,
  CheckoutStatus,
  CheckoutView,
  PaidPayment,
  PaymentLinks,
  PaymentMethodView,
  PaymentNotice,
} from '@paydesk/api';
import type { Kysely } from 'kysely';
import type { DB, OrderRow, PaymentRow } from '../db/schema.ts';
import { iso, type Clock } from '../domain/clock.ts';
import { DomainError } from '../domain/errors.ts';
import { hashToken } from '../domain/ids.ts';
import {
  buyerPaymentStatus,
  FINAL_ATTEMPT_STATUSES,
  LIVE_ATTEMPT_STATUSES,
} from '../domain/state-machine.ts';
import { isConfigurationFault } from '../gateway/gateway-health.ts';
import type { CatalogMethod, OfferedMethod } from '../methods/catalog.ts';
import type { MethodService } from '../methods/method.service.ts';
import { findOrderByTokenHash } from '../orders/order.repository.ts';
import { listPayments } from '../payments/payment.repository.ts';
import { noticeOf, paymentReason } from '../orders/order.views.ts';
import { NO_BRANDING, type Branding } from './branding.ts';
import { PreparedStatus, type StatusCache } from './status.cache.ts';

/** The cashier's languages (D15), as apps/cashier/src/lib/lang.ts names them. */
export const LANGUAGES = ['en', 'zh', 'zh-TW', 'th', 'id', 'ms', 'vi', 'fil', 'ja', 'ko'] as const;
export type Language = (typeof LANGUAGES)[number];

/** One tag as one of our languages: zh-TW/HK/MO/Hant → zh-TW, other zh → zh, tl → fil, in → id. */
function asLanguage(tag: string | undefined): Language | undefined {
  const parts = (tag ?? '').trim().toLowerCase().split(/[-_]/);
  const base = parts[0] ?? '';
  if (base === 'zh') {
    const rest = parts.slice(1);
    return rest.some((p) => ['tw', 'hk', 'mo', 'hant'].includes(p)) && !rest.includes('hans')
      ? 'zh-TW'
      : 'zh';
  }
  if (base === 'tl') return 'fil';
  if (base === 'in') return 'id';
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : undefined;
}

/** Picks our language from `?lang=` or Accept-Language. */
export function pickLanguage(query: string | undefined, acceptLanguage: string | undefined): Language {
  const wanted = [query, ...(acceptLanguage ?? '').split(',').map((part) => part.split(';')[0]?.trim())];
  for (const tag of wanted) {
    const lang = asLanguage(tag);
    if (lang) return lang;
  }
  return 'en';
}

/** A method's name in `lang`: Traditional Chinese falls back to Simplified, then English, never the type. */
export function methodName(method: Pick<CatalogMethod, 'names' | 'type'>, lang: Language): string {
  return (
    method.names[lang] ?? (lang === 'zh-TW' ? method.names.zh : undefined) ?? method.names.en ?? method.type
  );
}

export interface CheckoutServiceDeps {
  db: Kysely<DB>;
  clock: Clock;
  methods: MethodService;
  merchantName: string;
  /** Logo, accent colour, support and legal links (D15); none when absent. */
  branding?: Branding;
  presentation: 'overlay' | 'page';
  isSandbox: boolean;
  successRedirectSeconds: number;
  /** Answers repeated polls from memory (D7.4); every read goes to the database without. */
  statusCache?: StatusCache<PreparedStatus>;
}

/** How many orders `knownOrderByTokenHash` keeps (the oldest read goes first): about 10 MB at most. */
const KNOWN_ORDERS = 10_000;

export class CheckoutService {
  readonly #d: CheckoutServiceDeps;
  /** Orders by token hash, as last read on this instance, least recently read first. */
  readonly #known = new Map<string, OrderRow>();

  constructor(deps: CheckoutServiceDeps) {
    this.#d = deps;
  }

  /** The order behind a checkout token, found by the token's hash (no timing signal about other tokens). */
  orderByToken(token: string): Promise<OrderRow> {
    return this.orderByTokenHash(hashToken(token));
  }

  /** The order behind a checkout token whose hash (`hashToken`) the caller already took. */
  async orderByTokenHash(tokenHash: string): Promise<OrderRow> {
    const order = await findOrderByTokenHash(this.#d.db, tokenHash);
    if (!order) throw new DomainError('CHECKOUT_NOT_FOUND', 'no such checkout');
    this.#known.delete(tokenHash);
    this.#known.set(tokenHash, order);
    if (this.#known.size > KNOWN_ORDERS) this.#known.delete(this.#known.keys().next().value!);
    return order;
  }

  /**
   * For confirm (D17.11): the order as this instance last read it (`fresh` false: its status may be old,
   * everything else is as written, since nothing changes an order's token, amount, region, deadline or
   * texts), else read now. A buyer's page reads its checkout before confirming, so confirm reads nothing.
   */
  async knownOrderByTokenHash(tokenHash: string): Promise<{ order: OrderRow; fresh: boolean }> {
    const known = this.#known.get(tokenHash);
    if (known) return { order: known, fresh: false };
    return { order: await this.orderByTokenHash(tokenHash), fresh: true };
  }

  methodView(method: OfferedMethod, lang: Language): PaymentMethodView {
    // Antom's own logo from consult when it gave one, the bundled one behind it (D15).
    const gatewayLogo = method.gatewayLogoUrl ?? null;
    return {
      type: method.type,
      name: methodName(method, lang),
      names: method.names,
      category: method.category,
      logoUrl: gatewayLogo ?? method.logo,
      logoFallbackUrl: gatewayLogo ? method.logo : null,
      bankName: method.bankName ?? null,
      timeoutSeconds: method.timeoutSeconds,
      cancellable: method.cancel !== 'never',
    };
  }

  async view(order: OrderRow, lang: Language): Promise<CheckoutView> {
    const [methods, payments] = await Promise.all([
      order.status === 'OPEN'
        ? this.#d.methods.availableFor({ currency: order.currency, value: order.amount }, order.region)
        : [],
      listPayments(this.#d.db, order.id),
    ]);
    const truth = buyerTruth(order, payments);
    const payment = truth.current;
    return {
      order: {
        id: order.id,
        reference: order.reference,
        description: order.description,
        amount: { currency: order.currency, value: order.amount },
        items: JSON.parse(order.items),
        status: order.status,
        expiresAt: iso(order.expires_at),
        returnUrl: order.return_url,
        merchantName: this.#d.merchantName,
      },
      serverTime: iso(this.#d.clock.now()),
      paymentMethods: methods.map((method) => this.methodView(method, lang)),
      payment: payment ? this.payment(payment, order.status, lang) : null,
      presentation: this.#d.presentation,
      branding: { merchantName: this.#d.merchantName, ...(this.#d.branding ?? NO_BRANDING) },
      sandbox: this.#d.isSandbox,
      successRedirectSeconds: this.#d.successRedirectSeconds,
      paidPayment: truth.paidPayment,
      notices: truth.notices,
      settled: truth.settled,
    };
  }

  /** An attempt as the buyer sees it; the code only while it can still be paid for an open order. */
  payment(
    payment: PaymentRow,
    orderStatus: OrderRow['status'] = 'OPEN',
    lang: Language = 'en',
  ): CheckoutPayment {
    const status = buyerPaymentStatus(payment.status);
    const method = this.#d.methods.find(payment.method_type);
    const showCode = orderStatus === 'OPEN' && payment.status === 'PROCESSING' && payment.code_value !== null;
    return {
      id: payment.id,
      status,
      reason: buyerReason(payment),
      paymentMethodType: payment.method_type,
      ...(method ? { paymentMethodName: methodName(method, lang) } : {}),
      amount: { currency: payment.currency, value: payment.amount },
      code: showCode
        ? { kind: payment.code_kind as 'qr' | 'text' | 'image', value: payment.code_value as string }
        : null,
      expiresAt: iso(payment.expires_at),
      deepLink: showCode ? payment.deep_link : null,
      links: showCode ? paymentLinks(payment.links) : null,
      walletUrl: showCode && this.#d.isSandbox ? payment.wallet_url : null,
    };
  }

  /** The poll's answer from the status cache alone, at once (no promise): undefined unless it holds it. */
  cachedStatusJson(tokenHash: string, now = this.#d.clock.now()): string | undefined {
    return this.#d.statusCache?.get(tokenHash, now)?.json(isoNow(now));
  }

  /**
   * The poll's answer, as JSON, for the token with hash `tokenHash`: from the status cache when it holds
   * the order's latest state (then nothing but the server time is written), else read and prepared.
   */
  async statusJsonByTokenHash(tokenHash: string): Promise<string> {
    const { clock, statusCache: cache } = this.#d;
    const startedAt = clock.now();
    const cached = this.cachedStatusJson(tokenHash, startedAt);
    if (cached !== undefined) return cached;
    const epoch = cache?.epoch ?? 0;
    const order = await this.orderByTokenHash(tokenHash);
    const status = await this.status(order);
    const prepared = new PreparedStatus(status);
    cache?.set(tokenHash, order.id, prepared, epoch, startedAt);
    return prepared.json(status.serverTime);
  }

  async status(order: OrderRow): Promise<CheckoutStatus> {
    return this.statusOf(order, await listPayments(this.#d.db, order.id));
  }

  /** The status of `order` whose payments (listPayments) the caller has read. */
  statusOf(order: OrderRow, payments: readonly PaymentRow[]): CheckoutStatus {
    const truth = buyerTruth(order, payments);
    const payment = truth.current;
    return {
      orderStatus: order.status,
      expiresAt: iso(order.expires_at),
      payment: payment
        ? {
            id: payment.id,
            status: buyerPaymentStatus(payment.status),
            reason: buyerReason(payment),
            hasCode:
              order.status === 'OPEN' && payment.status === 'PROCESSING' && payment.code_value !== null,
          }
        : null,
      serverTime: iso(this.#d.clock.now()),
      returnUrl: order.return_url,
      paidPayment: truth.paidPayment,
      notices: truth.notices,
      settled: truth.settled,
    };
  }
}

let lastMs = NaN;
let lastIso = '';
/** `iso(ms)`, kept for the millisecond: thousands of polls a second mostly ask for the same one. */
function isoNow(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = iso(ms);
  }
  return lastIso;
}

/**
 * What the buyer is told about an order's payments (S16, D11): the payment to show (the live one,
 * else the one that ended last, so a surplus shows its notice), the one that paid the order, every other
 * payment they were charged for and what became of the money, and whether anything can still change —
 * the page keeps listening until nothing can.
 */
export function buyerTruth(
  order: Pick<OrderRow, 'status' | 'paid_payment_id'>,
  payments: readonly PaymentRow[],
): {
  current: PaymentRow | undefined;
  paidPayment: PaidPayment | null;
  notices: PaymentNotice[];
  settled: boolean;
} {
  const live = payments.find((p) => LIVE_ATTEMPT_STATUSES.includes(p.status));
  const ended = [...payments].sort(
    (a, b) => (b.final_at ?? b.updated_at) - (a.final_at ?? a.updated_at) || (b.id < a.id ? -1 : 1),
  );
  const paid = payments.find((p) => p.id === order.paid_payment_id);
  const notices: PaymentNotice[] = [];
  for (const p of payments) {
    const notice = noticeOf(p);
    if (notice) notices.push(notice);
  }
  const settled =
    order.status !== 'OPEN' &&
    payments.every(
      (p) =>
        FINAL_ATTEMPT_STATUSES.includes(p.status) &&
        p.next_check_at === null &&
        !(p.reason ?? '').endsWith('_REFUND_PENDING'),
    );
  return {
    current: live ?? ended[0],
    paidPayment: paid
      ? {
          id: paid.id,
          paymentMethodType: paid.method_type,
          amount: { currency: paid.currency, value: paid.amount },
          paidAt: iso(paid.paid_at),
        }
      : null,
    notices,
    settled,
  };
}

/** The reason a buyer sees: a fault of the integration itself is "payments are briefly unavailable". */
function buyerReason(payment: PaymentRow): string | null {
  const reason = paymentReason(payment);
  return isConfigurationFault(reason) ? 'GATEWAY_UNAVAILABLE' : reason;
}

/** The stored links of an attempt (JSON written from the gateway's answer), or null. */
function paymentLinks(stored: string | null): PaymentLinks | null {
  if (!stored) return null;
  const links = JSON.parse(stored) as Partial<PaymentLinks>;
  return { app: links.app ?? null, scheme: links.scheme ?? null, normal: links.normal ?? null };
}
