// The one place that talks HTTP (docs/style.md §12): the Buyer API for the cashier (base URL configurable
// for the embed), the demo shop's backend, and the Merchant API for the ops console. Components call
// these functions and never `fetch` directly. Errors become ApiError with the server's stable code.
import type {
  DayList,
  DayView,
  DiscrepancyView,
  ImportReportResult,
  MerchantPaymentMethodList,
  OpsHealth,
  Overview,
  OverviewOrdersQuery,
  CheckoutStatus,
  CheckoutView,
  CreatePaymentResponse,
  OrderList,
  OrderStatus,
  OrderView,
  RefundBody,
  RefundView,
  TerminalType,
} from '@paydesk/api';

/** A failed call: `status` 0 means the server could not be reached. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'the server could not be reached');
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? response.statusText,
    );
  }
  return body as T;
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** A fresh Idempotency-Key, so a retried write is answered once (docs/product.md "HTTP contract"). */
function idempotencyKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** The Buyer API of one checkout, the token being the only credential. */
export interface CheckoutApi {
  view(lang: string): Promise<CheckoutView>;
  status(): Promise<CheckoutStatus>;
  pay(input: {
    paymentMethodType: string;
    terminalType: TerminalType;
    osType?: 'IOS' | 'ANDROID';
  }): Promise<CreatePaymentResponse>;
  cancel(paymentId: string): Promise<CreatePaymentResponse>;
  /** The Server-Sent Events URL (S15 live push). */
  eventsUrl: string;
  /** A server path (logo, page) as an absolute URL. */
  resolve(path: string): string;
}

/** Buyer API client for `token`; `baseUrl` is '' for the hosted pages and the Paydesk origin in the embed. */
export function checkoutApi(baseUrl: string, token: string): CheckoutApi {
  const base = baseUrl.replace(/\/+$/, '');
  const root = `${base}/api/v1/checkout/${encodeURIComponent(token)}`;
  return {
    view: (lang) => call(`${root}?lang=${encodeURIComponent(lang)}`),
    status: () => call(`${root}/status`),
    pay: (input) => call(`${root}/payments`, json(input, { 'idempotency-key': idempotencyKey() })),
    cancel: (paymentId) =>
      call(`${root}/payments/${encodeURIComponent(paymentId)}/cancel`, {
        method: 'POST',
        headers: { 'idempotency-key': idempotencyKey() },
      }),
    eventsUrl: `${root}/events`,
    resolve: (path) => (/^[a-z]+:/i.test(path) ? path : base + path),
  };
}

// ------------------------------------------------------------------------------------------ demo shop

export interface ShopProduct {
  id: string;
  names: Record<string, string>;
  descriptions: Record<string, string>;
  emoji: string;
  prices: Record<string, string>;
}
export interface ShopRegion {
  code: string;
  currency: string;
  names: Record<string, string>;
}

export const shopApi = {
  catalog: () => call<{ regions: ShopRegion[]; products: ShopProduct[] }>('/shop/api/catalog'),
  placeOrder: (body: { region: string; items: { productId: string; quantity: number }[]; lang: string }) =>
    call<{ orderId: string; checkoutUrl: string; checkoutToken: string }>('/shop/api/orders', json(body)),
};

// ---------------------------------------------------------------------------------------- ops console

export interface OrderFilter {
  status?: OrderStatus | '';
  q?: string;
  needsAttention?: boolean;
  cursor?: string | null;
  limit?: number;
}

/** The Merchant API with the operator's key (`Authorization: Bearer`). */
export function merchantApi(key: string) {
  const auth = { authorization: `Bearer ${key}` };
  return {
    orders(filter: OrderFilter): Promise<OrderList> {
      const query = new URLSearchParams();
      if (filter.status) query.set('status', filter.status);
      if (filter.q?.trim()) query.set('q', filter.q.trim());
      if (filter.needsAttention) query.set('needsAttention', 'true');
      if (filter.cursor) query.set('cursor', filter.cursor);
      query.set('limit', String(filter.limit ?? 20));
      return call(`/api/v1/orders?${query}`, { headers: auth });
    },
    order: (id: string) => call<OrderView>(`/api/v1/orders/${encodeURIComponent(id)}`, { headers: auth }),
    refund: (id: string, body: RefundBody) =>
      call<RefundView>(
        `/api/v1/orders/${encodeURIComponent(id)}/refunds`,
        json(body, { ...auth, 'idempotency-key': idempotencyKey() }),
      ),
    // D11: the integration's health (the fault banner) and the method catalog (names, refund rules).
    health: () => call<OpsHealth>('/api/v1/ops/health', { headers: auth }),
    paymentMethods: () => call<MerchantPaymentMethodList>('/api/v1/payment-methods', { headers: auth }),
    // D16: the overview and reconciliation with Antom's reports.
    overview: () => call<Overview>('/api/v1/reports/overview', { headers: auth }),
    overviewOrders: (query: OverviewOrdersQuery) => {
      const params = new URLSearchParams(
        Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
      );
      return call<OrderList>(`/api/v1/reports/overview/orders?${params}`, { headers: auth });
    },
    reconciliationDays: () => call<DayList>('/api/v1/reconciliation/days', { headers: auth }),
    reconciliationDay: (day: string) =>
      call<DayView>(`/api/v1/reconciliation/days/${encodeURIComponent(day)}`, { headers: auth }),
    importReport: (name: string, content: string) =>
      call<ImportReportResult>(
        '/api/v1/reconciliation/reports',
        json({ name, content }, { ...auth, 'idempotency-key': idempotencyKey() }),
      ),
    resolveDiscrepancy: (id: string, note: string) =>
      call<DiscrepancyView>(
        `/api/v1/reconciliation/discrepancies/${encodeURIComponent(id)}/resolve`,
        json({ note }, { ...auth, 'idempotency-key': idempotencyKey() }),
      ),
    fetchReports: () =>
      call<{ days: { day: string; status: string; error?: string }[] }>('/api/v1/reconciliation/fetch', {
        method: 'POST',
        headers: auth,
      }),
  };
}
export type MerchantApi = ReturnType<typeof merchantApi>;
