// The merchant's view of money at a glance (D16.5): for today, the last 7 and the last 30 days
// (Antom's days, UTC+8, like the reports), orders placed, paid, expired and closed; conversion from confirm
// to paid per method; captured, refunded and reversed per currency; open discrepancies and orders needing
// attention. Every figure can be opened as the list of orders behind it (`ordersBehind`).
import type {
  OrderList,
  Overview,
  OverviewOrdersQuery,
  OverviewPeriod,
  OverviewPeriodView,
} from '@paydesk/api';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { iso, type Clock } from '../domain/clock.ts';
import { orderSummary } from '../orders/order.views.ts';
import { listNoticePayments } from '../payments/payment.repository.ts';
import { addDays, antomDay, dayWindow } from '../reconciliation/antom-day.ts';
import * as repo from './overview.repository.ts';

export interface OverviewServiceDeps {
  db: Kysely<DB>;
  clock: Clock;
  publicUrl: string;
  openDiscrepancies: () => Promise<number>;
}

const PERIOD_DAYS: Record<OverviewPeriod, number> = { today: 1, '7d': 7, '30d': 30 };

export class OverviewService {
  readonly #d: OverviewServiceDeps;

  constructor(deps: OverviewServiceDeps) {
    this.#d = deps;
  }

  /** [start, end) of a period: from 00:00 UTC+8 of its first day up to now. */
  window(period: OverviewPeriod): { start: number; end: number; days: string[] } {
    const now = this.#d.clock.now();
    const today = antomDay(now);
    const days = Array.from({ length: PERIOD_DAYS[period] }, (_, i) =>
      addDays(today, i - PERIOD_DAYS[period] + 1),
    );
    return { start: dayWindow(days[0]!).start, end: now + 1, days };
  }

  async overview(): Promise<Overview> {
    const { db, clock } = this.#d;
    const [periods, openDiscrepancies, needsAttention] = await Promise.all([
      Promise.all((['today', '7d', '30d'] as const).map((p) => this.#period(p))),
      this.#d.openDiscrepancies(),
      repo.needsAttentionCount(db),
    ]);
    return { generatedAt: iso(clock.now()), periods, openDiscrepancies, needsAttention };
  }

  async #period(period: OverviewPeriod): Promise<OverviewPeriodView> {
    const { db } = this.#d;
    const { start, end, days } = this.window(period);
    const [orders, attempts, captures, givenBack, times] = await Promise.all([
      repo.orderCounts(db, start, end),
      repo.attemptsWithin(db, start, end),
      repo.capturesWithin(db, start, end),
      repo.givenBackWithin(db, start, end),
      repo.orderTimesWithin(db, start, end),
    ]);

    const byMethod = new Map<string, { confirmed: Set<string>; paid: Set<string> }>();
    for (const a of attempts) {
      const m = byMethod.get(a.method_type) ?? { confirmed: new Set(), paid: new Set() };
      byMethod.set(a.method_type, m);
      m.confirmed.add(a.order_id);
      if (a.kept === 1) m.paid.add(a.order_id);
    }
    const conversion = [...byMethod]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([method, m]) => ({
        method,
        confirmed: m.confirmed.size,
        paid: m.paid.size,
        rate: m.confirmed.size === 0 ? 0 : Math.round((m.paid.size / m.confirmed.size) * 10_000) / 10_000,
      }));

    const money = new Map<string, { captured: bigint; refunded: bigint; reversed: bigint }>();
    const flow = (currency: string) => {
      const m = money.get(currency) ?? { captured: 0n, refunded: 0n, reversed: 0n };
      money.set(currency, m);
      return m;
    };
    for (const c of captures) flow(c.currency).captured += BigInt(c.amount);
    for (const r of givenBack.refunds) {
      if (r.method === 'REFUND') flow(r.currency).refunded += BigInt(r.amount);
      else flow(r.currency).reversed += BigInt(r.amount);
    }
    for (const p of givenBack.reversed) flow(p.currency).reversed += BigInt(p.amount);

    const daily = days.map((day) => ({ day, placed: 0, paid: 0 }));
    const index = new Map(daily.map((d, i) => [d.day, i]));
    for (const t of times) {
      if (t.created_at >= start && t.created_at < end) daily[index.get(antomDay(t.created_at))!]!.placed += 1;
      if (t.paid_at !== null && t.paid_at >= start && t.paid_at < end) {
        daily[index.get(antomDay(t.paid_at))!]!.paid += 1;
      }
    }

    return {
      period,
      from: iso(start),
      to: iso(end - 1),
      orders,
      conversion,
      money: [...money]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, m]) => ({
          currency,
          captured: m.captured.toString(),
          refunded: m.refunded.toString(),
          reversed: m.reversed.toString(),
        })),
      daily,
    };
  }

  /** The orders behind one figure of the overview (newest first, at most `limit`). */
  async ordersBehind(query: OverviewOrdersQuery): Promise<OrderList> {
    const { db, publicUrl } = this.#d;
    const { start, end } = this.window(query.period ?? 'today');
    const limit = query.limit ?? 200;
    let ids: string[];
    switch (query.figure) {
      case 'placed':
      case 'paid':
      case 'expired':
      case 'closed':
      case 'attention':
        ids = await repo.orderIdsWhere(db, query.figure, start, end);
        if (query.figure === 'paid' && query.method) {
          const attempts = await repo.attemptsWithin(db, 0, end);
          const paidWith = new Set(
            attempts.filter((a) => a.kept === 1 && a.method_type === query.method).map((a) => a.order_id),
          );
          ids = ids.filter((id) => paidWith.has(id));
        }
        break;
      case 'confirmed': {
        const attempts = await repo.attemptsWithin(db, start, end);
        ids = [
          ...new Set(
            attempts.filter((a) => !query.method || a.method_type === query.method).map((a) => a.order_id),
          ),
        ];
        break;
      }
      case 'captured':
        ids = (await repo.capturesWithin(db, start, end))
          .filter((c) => !query.currency || c.currency === query.currency)
          .map((c) => c.order_id);
        break;
      case 'refunded':
      case 'reversed': {
        const { refunds, reversed } = await repo.givenBackWithin(db, start, end);
        const wanted = query.figure === 'refunded' ? 'REFUND' : 'CANCEL';
        ids = [
          ...refunds
            .filter((r) => r.method === wanted)
            .map((r) => ({ order_id: r.order_id, currency: r.currency })),
          ...(query.figure === 'reversed' ? reversed : []),
        ]
          .filter((r) => !query.currency || r.currency === query.currency)
          .map((r) => r.order_id);
        break;
      }
    }
    const orders = await repo.ordersByIds(db, [...new Set(ids)], limit);
    const notices = await listNoticePayments(
      db,
      orders.map((o) => o.id),
    );
    return {
      data: orders.map((o) =>
        orderSummary(
          o,
          publicUrl,
          notices.filter((p) => p.order_id === o.id),
        ),
      ),
      nextCursor: null,
    };
  }
}
