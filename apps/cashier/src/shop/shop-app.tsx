// The demo shop (S4): products priced in the chosen region's currency (the prices live on the server),
// a cart, and Place order, which asks the shop's own backend to create the order through the Merchant
// API, then opens the cashier at the returned checkout URL.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { shopApi, type ShopProduct, type ShopRegion } from '../api.ts';
import type { Lang } from '../lib/lang.ts';
import { formatMoney } from '../lib/money.ts';
import { Spinner } from '../ui/icons.tsx';
import { LangSelect } from '../ui/lang-select.tsx';
import { ProductArt } from './product-art.tsx';
import { shopText } from './shop-messages.ts';

const REGION_BY_LANG: Partial<Record<Lang, string>> = { en: 'TH', zh: 'SG', th: 'TH', id: 'ID' };

export function ShopApp({ initialLang }: { initialLang: Lang }) {
  const [lang, setLang] = useState(initialLang);
  const [catalog, setCatalog] = useState<{ regions: ShopRegion[]; products: ShopProduct[] } | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [regionCode, setRegionCode] = useState(REGION_BY_LANG[initialLang] ?? 'TH');
  const [cart, setCart] = useState<Record<string, number>>({});
  const [placing, setPlacing] = useState(false);
  const [failed, setFailed] = useState(false);
  const text = useMemo(() => shopText(lang), [lang]);

  const load = () => {
    setLoadFailed(false);
    shopApi.catalog().then(setCatalog, () => setLoadFailed(true));
  };
  useEffect(load, []);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = text('store');
  }, [lang, text]);

  if (!catalog) {
    return (
      <div class="pd shop" lang={lang}>
        <main class="shop-main" aria-busy={!loadFailed}>
          {loadFailed ? (
            <p class="pd-alert" role="alert">
              {text('loadFailed')}{' '}
              <button type="button" class="pd-btn pd-secondary" onClick={load}>
                {text('retry')}
              </button>
            </p>
          ) : (
            <Spinner />
          )}
        </main>
      </div>
    );
  }

  const region = catalog.regions.find((r) => r.code === regionCode) ?? catalog.regions[0];
  const currency = region?.currency ?? 'THB';
  const name = (product: ShopProduct) => product.names[lang] ?? product.names.en ?? product.id;
  const lines = catalog.products
    .filter((product) => (cart[product.id] ?? 0) > 0 && product.prices[currency])
    .map((product) => ({ product, quantity: cart[product.id] ?? 0, price: product.prices[currency] ?? '0' }));
  const total = lines.reduce((sum, line) => sum + BigInt(line.price) * BigInt(line.quantity), 0n).toString();
  const change = (id: string, delta: number) =>
    setCart((current) => ({ ...current, [id]: Math.max(0, Math.min(99, (current[id] ?? 0) + delta)) }));

  const placeOrder = async () => {
    if (placing || lines.length === 0) return;
    setPlacing(true);
    setFailed(false);
    try {
      const order = await shopApi.placeOrder({
        region: region?.code ?? 'TH',
        items: lines.map((line) => ({ productId: line.product.id, quantity: line.quantity })),
        lang,
      });
      location.assign(`${order.checkoutUrl}?lang=${lang}`);
    } catch {
      setFailed(true);
      setPlacing(false);
    }
  };

  return (
    <div class="pd shop" lang={lang}>
      <header class="shop-top">
        <div class="shop-brand">
          <span class="shop-logo" aria-hidden="true">
            P
          </span>
          <div>
            <p class="shop-name">{text('store')}</p>
            <p class="pd-muted shop-tagline">{text('tagline')}</p>
          </div>
        </div>
        <div class="shop-controls">
          <label class="shop-region">
            <span>{text('region')}</span>
            <select
              value={region?.code}
              onChange={(e) => setRegionCode((e.currentTarget as HTMLSelectElement).value)}
            >
              {catalog.regions.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.names[lang] ?? r.names.en} · {r.currency}
                </option>
              ))}
            </select>
          </label>
          <LangSelect lang={lang} label={text('language')} onChange={setLang} />
        </div>
      </header>
      <p class="shop-demo">{text('demo')}</p>
      <main class="shop-main">
        <ul class="shop-grid" aria-label={text('store')}>
          {catalog.products.map((product) => {
            const price = product.prices[currency];
            const count = cart[product.id] ?? 0;
            return (
              <li key={product.id} class="shop-card">
                <ProductArt id={product.id} emoji={product.emoji} />
                <h2 class="shop-product">{name(product)}</h2>
                <p class="pd-muted shop-desc">{product.descriptions[lang] ?? product.descriptions.en}</p>
                <p class="shop-price">{price ? formatMoney({ currency, value: price }, lang) : '—'}</p>
                {count === 0 ? (
                  <button
                    type="button"
                    class="pd-btn pd-secondary"
                    disabled={!price}
                    onClick={() => change(product.id, 1)}
                  >
                    {text('add')}
                  </button>
                ) : (
                  <div class="shop-qty">
                    <button
                      type="button"
                      class="pd-btn pd-secondary"
                      aria-label={text('less', { name: name(product) })}
                      onClick={() => change(product.id, -1)}
                    >
                      −
                    </button>
                    <span aria-live="polite">{count}</span>
                    <button
                      type="button"
                      class="pd-btn pd-secondary"
                      aria-label={text('more', { name: name(product) })}
                      onClick={() => change(product.id, 1)}
                    >
                      +
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
        <aside class="shop-cart" aria-labelledby="shop-cart-h">
          <h2 id="shop-cart-h" class="shop-cart-h">
            {text('cart')}
          </h2>
          {lines.length === 0 ? (
            <p class="pd-muted">{text('empty')}</p>
          ) : (
            <ul class="shop-lines">
              {lines.map((line) => (
                <li key={line.product.id}>
                  <span>
                    {name(line.product)} <span class="pd-muted">×{line.quantity}</span>
                  </span>
                  <span>
                    {formatMoney(
                      { currency, value: (BigInt(line.price) * BigInt(line.quantity)).toString() },
                      lang,
                    )}
                  </span>
                </li>
              ))}
            </ul>
          )}
          <p class="shop-total">
            <span>{text('total')}</span>
            <strong data-testid="cart-total">{formatMoney({ currency, value: total }, lang)}</strong>
          </p>
          {failed && (
            <p class="pd-alert" role="alert">
              {text('failed')}
            </p>
          )}
          <button
            type="button"
            class="pd-btn pd-primary shop-place"
            disabled={lines.length === 0 || placing}
            onClick={() => void placeOrder()}
          >
            {placing ? (
              <>
                <Spinner />
                {text('placing')}
              </>
            ) : (
              text('placeOrder')
            )}
          </button>
        </aside>
      </main>
    </div>
  );
}
