// Which payment methods a checkout offers (S5): the configured catalog filtered by the order's currency,
// amount and region, then by Antom's `consult` when the gateway answers it. Where consult gives a method's
// per-payment limits (`amountLimitInfoMap[currency].singleLimit`), they replace the catalog's for that
// bound: they are Antom's own, the catalog's are defaults written down offline (D13.6). Consult
// answers are cached per (currency, amount, region) and shared by concurrent page loads.
import { compareMinor } from '@paydesk/antom';
import type { Money } from '@paydesk/api';
import type { Clock } from '../domain/clock.ts';
import type { GatewayMethodOption, PaymentGateway } from '../gateway/payment-gateway.ts';
import type { CatalogMethod, OfferedMethod } from './catalog.ts';

const CONSULT_TTL_MS = 5 * 60_000;
const CONSULT_FAILURE_TTL_MS = 30_000;

export class MethodService {
  readonly #catalog: readonly CatalogMethod[];
  readonly #gateway: PaymentGateway;
  readonly #useConsult: boolean;
  readonly #clock: Clock;
  readonly #cache = new Map<string, { until: number; options: Promise<GatewayMethodOption[] | undefined> }>();

  constructor(deps: {
    catalog: readonly CatalogMethod[];
    gateway: PaymentGateway;
    useConsult: boolean;
    clock: Clock;
  }) {
    this.#catalog = deps.catalog;
    this.#gateway = deps.gateway;
    this.#useConsult = deps.useConsult;
    this.#clock = deps.clock;
  }

  /** The whole catalog, in its configured order (the ops console's names and refund rules). */
  all(): readonly CatalogMethod[] {
    return this.#catalog;
  }

  /** The catalog entry for a method type, whether or not it is offered for a given order. */
  find(type: string): CatalogMethod | undefined {
    return this.#catalog.find((method) => method.type === type);
  }

  /** Methods the catalog allows for this amount and region, without asking the gateway. */
  fromCatalog(amount: Money, region: string | null): CatalogMethod[] {
    return this.#catalog.filter(
      (method) => offeredIn(method, amount, region) && within(amount.value, catalogLimits(method, amount)),
    );
  }

  /** Methods offered for this order: catalog rules, then the gateway's consult answer when there is one. */
  async availableFor(amount: Money, region: string | null): Promise<OfferedMethod[]> {
    if (!this.#useConsult) return this.fromCatalog(amount, region);
    const candidates = this.#catalog.filter((method) => offeredIn(method, amount, region));
    if (candidates.length === 0) return [];
    const options = await this.#consult(amount, region);
    if (!options) return this.fromCatalog(amount, region);
    const byType = new Map(options.map((option) => [option.paymentMethodType, option]));
    const offered: OfferedMethod[] = [];
    for (const method of candidates) {
      const option = byType.get(method.type);
      if (!option?.enabled) continue;
      const catalog = catalogLimits(method, amount);
      const limits = { min: option.limits?.min ?? catalog.min, max: option.limits?.max ?? catalog.max };
      // Antom's own logo for the method when consult gave one; the bundled one stays behind it (D15).
      if (within(amount.value, limits)) offered.push({ ...method, gatewayLogoUrl: option.logoUrl });
    }
    return offered;
  }

  #consult(amount: Money, region: string | null): Promise<GatewayMethodOption[] | undefined> {
    const key = `${amount.currency}:${amount.value}:${region ?? ''}`;
    const now = this.#clock.now();
    const hit = this.#cache.get(key);
    if (hit && hit.until > now) return hit.options;
    const options = this.#gateway.consult({ amount, region, terminalType: 'WEB' });
    const entry = { until: now + CONSULT_TTL_MS, options };
    this.#cache.set(key, entry);
    void options.then((result) => {
      if (result === undefined) entry.until = this.#clock.now() + CONSULT_FAILURE_TTL_MS;
    });
    if (this.#cache.size > 1000) this.#cache.delete(this.#cache.keys().next().value as string);
    return options;
  }
}

function offeredIn(method: CatalogMethod, amount: Money, region: string | null): boolean {
  if (!method.currencies.includes(amount.currency)) return false;
  return !region || method.regions.length === 0 || method.regions.includes(region);
}

function catalogLimits(method: CatalogMethod, amount: Money): { min: string | null; max: string | null } {
  return {
    min: method.minAmount?.[amount.currency] ?? null,
    max: method.maxAmount?.[amount.currency] ?? null,
  };
}

function within(value: string, limits: { min: string | null; max: string | null }): boolean {
  if (limits.min !== null && compareMinor(value, limits.min) < 0) return false;
  return limits.max === null || compareMinor(value, limits.max) <= 0;
}
