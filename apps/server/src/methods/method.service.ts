// Which payment methods a checkout offers (S5): the configured catalog filtered by the order's currency,
// amount and region, then by Antom's `consult` when the gateway answers it. Consult answers are cached
// per (currency, amount, region) and shared by concurrent page loads, so a page load never costs a call.
import { compareMinor } from '@paydesk/antom';
import type { Money } from '@paydesk/api';
import type { Clock } from '../domain/clock.ts';
import type { GatewayMethodOption, PaymentGateway } from '../gateway/payment-gateway.ts';
import type { CatalogMethod } from './catalog.ts';

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

  /** The catalog entry for a method type, whether or not it is offered for a given order. */
  find(type: string): CatalogMethod | undefined {
    return this.#catalog.find((method) => method.type === type);
  }

  /** Methods the catalog allows for this amount and region, without asking the gateway. */
  fromCatalog(amount: Money, region: string | null): CatalogMethod[] {
    return this.#catalog.filter((method) => {
      if (!method.currencies.includes(amount.currency)) return false;
      if (region && method.regions.length > 0 && !method.regions.includes(region)) return false;
      const min = method.minAmount?.[amount.currency];
      const max = method.maxAmount?.[amount.currency];
      if (min && compareMinor(amount.value, min) < 0) return false;
      if (max && compareMinor(amount.value, max) > 0) return false;
      return true;
    });
  }

  /** Methods offered for this order: catalog rules, then the gateway's consult answer when there is one. */
  async availableFor(amount: Money, region: string | null): Promise<CatalogMethod[]> {
    const candidates = this.fromCatalog(amount, region);
    if (!this.#useConsult || candidates.length === 0) return candidates;
    const options = await this.#consult(amount, region);
    if (!options) return candidates;
    const enabled = new Set(
      options.filter((option) => option.enabled).map((option) => option.paymentMethodType),
    );
    return candidates.filter((method) => enabled.has(method.type));
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
