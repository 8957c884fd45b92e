// What the buyer's pages are told (S2, S15–S17): everything comes from our database; the gateway is never
// asked on a buyer's behalf, so polling costs no gateway calls (issue 4 point 8).
import type { CheckoutPayment, CheckoutStatus, CheckoutView, PaymentMethodView } from '@paydesk/api';
import type { Kysely } from 'kysely';
import type { DB, OrderRow, PaymentRow } from '../db/schema.ts';
import { iso, type Clock } from '../domain/clock.ts';
import { DomainError } from '../domain/errors.ts';
import { hashToken } from '../domain/ids.ts';
import { buyerPaymentStatus } from '../domain/state-machine.ts';
import type { CatalogMethod } from '../methods/catalog.ts';
import type { MethodService } from '../methods/method.service.ts';
import { findOrderByTokenHash } from '../orders/order.repository.ts';
import { currentPayment } from '../payments/payment.repository.ts';
import { paymentReason } from '../orders/order.views.ts';
import type { StatusCache } from './status.cache.ts';

export const LANGUAGES = ['en', 'zh', 'th', 'id'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Picks our language from `?lang=` or Accept-Language (S9 languages: en, zh, th, id). */
export function pickLanguage(query: string | undefined, acceptLanguage: string | undefined): Language {
  const wanted = [query, ...(acceptLanguage ?? '').split(',').map((part) => part.split(';')[0]?.trim())];
  for (const tag of wanted) {
    const base = tag?.toLowerCase().split('-')[0];
    if (base && (LANGUAGES as readonly string[]).includes(base)) return base as Language;
  }
  return 'en';
}

export interface CheckoutServiceDeps {
  db: Kysely<DB>;
  clock: Clock;
  methods: MethodService;
  merchantName: string;
  presentation: 'overlay' | 'page';
  isSandbox: boolean;
  successRedirectSeconds: number;
  /** Answers repeated polls from memory (issue #7 point 4); every read goes to the database without. */
  statusCache?: StatusCache;
}

export class CheckoutService {
  readonly #d: CheckoutServiceDeps;

  constructor(deps: CheckoutServiceDeps) {
    this.#d = deps;
  }

  /** The order behind a checkout token, found by the token's hash (no timing signal about other tokens). */
  async orderByToken(token: string): Promise<OrderRow> {
    const order = await findOrderByTokenHash(this.#d.db, hashToken(token));
    if (!order) throw new DomainError('CHECKOUT_NOT_FOUND', 'no such checkout');
    return order;
  }

  methodView(method: CatalogMethod, lang: Language): PaymentMethodView {
    return {
      type: method.type,
      name: method.names[lang] ?? method.names.en ?? method.type,
      names: method.names,
      category: method.category,
      logoUrl: method.logo,
      bankName: method.bankName ?? null,
      timeoutSeconds: method.timeoutSeconds,
    };
  }

  async view(order: OrderRow, lang: Language): Promise<CheckoutView> {
    const [methods, payment] = await Promise.all([
      order.status === 'OPEN'
        ? this.#d.methods.availableFor({ currency: order.currency, value: order.amount }, order.region)
        : [],
      currentPayment(this.#d.db, order.id),
    ]);
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
      payment: payment ? this.payment(payment, order.status) : null,
      presentation: this.#d.presentation,
      sandbox: this.#d.isSandbox,
      successRedirectSeconds: this.#d.successRedirectSeconds,
    };
  }

  /** An attempt as the buyer sees it; the code only while it can still be paid for an open order. */
  payment(payment: PaymentRow, orderStatus: OrderRow['status'] = 'OPEN'): CheckoutPayment {
    const status = buyerPaymentStatus(payment.status);
    const showCode = orderStatus === 'OPEN' && payment.status === 'PROCESSING' && payment.code_value !== null;
    return {
      id: payment.id,
      status,
      reason: paymentReason(payment),
      paymentMethodType: payment.method_type,
      amount: { currency: payment.currency, value: payment.amount },
      code: showCode
        ? { kind: payment.code_kind as 'qr' | 'text' | 'image', value: payment.code_value as string }
        : null,
      expiresAt: iso(payment.expires_at),
      deepLink: showCode ? payment.deep_link : null,
      walletUrl: showCode && this.#d.isSandbox ? payment.wallet_url : null,
    };
  }

  /** The poll's answer for a token: from the status cache when it holds the order's latest state. */
  async statusByToken(token: string): Promise<CheckoutStatus> {
    const { clock, statusCache: cache } = this.#d;
    const key = hashToken(token);
    const startedAt = clock.now();
    const cached = cache?.get(key, startedAt);
    if (cached) return { ...cached, serverTime: iso(startedAt) };
    const epoch = cache?.epoch ?? 0;
    const order = await this.orderByToken(token);
    const status = await this.status(order);
    cache?.set(key, order.id, status, epoch, startedAt);
    return status;
  }

  async status(order: OrderRow): Promise<CheckoutStatus> {
    const payment = await currentPayment(this.#d.db, order.id);
    return {
      orderStatus: order.status,
      expiresAt: iso(order.expires_at),
      payment: payment
        ? {
            id: payment.id,
            status: buyerPaymentStatus(payment.status),
            reason: paymentReason(payment),
            hasCode:
              order.status === 'OPEN' && payment.status === 'PROCESSING' && payment.code_value !== null,
          }
        : null,
      serverTime: iso(this.#d.clock.now()),
      returnUrl: order.return_url,
    };
  }
}
