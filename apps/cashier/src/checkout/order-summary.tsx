// The order as the server states it (S6): merchant, amount, what is being bought, and the time left to
// pay on the server clock.
import { useContext } from 'preact/hooks';
import type { CheckoutView } from '@paydesk/api';
import { formatRemaining } from '../lib/countdown.ts';
import { formatMoney } from '../lib/money.ts';
import { ClockIcon } from '../ui/icons.tsx';
import { CheckoutContext } from './context.ts';

export function OrderSummary({ view, showTimer }: { view: CheckoutView; showTimer: boolean }) {
  const { t, lang, left, terminal } = useContext(CheckoutContext);
  const { order } = view;
  const ms = left(order.expiresAt);
  return (
    <section class="pd-summary" aria-label={t('summary')}>
      <p class="pd-desc">{order.description}</p>
      <h1 class="pd-total">
        <span class="pd-sr">{t('total')}: </span>
        <span data-testid="order-amount">{formatMoney(order.amount, lang)}</span>
      </h1>
      <p class="pd-ref">{t('orderRef', { ref: order.reference })}</p>
      {order.items.length > 0 && (
        <details class="pd-items" open={terminal === 'WEB'}>
          <summary>{t('summary')}</summary>
          <ul>
            {order.items.map((item, index) => (
              <li key={index}>
                <span>
                  {item.name} <span class="pd-muted">×{item.quantity}</span>
                </span>
                <span>
                  {formatMoney(
                    {
                      currency: item.unitAmount.currency,
                      value: (BigInt(item.unitAmount.value) * BigInt(item.quantity)).toString(),
                    },
                    lang,
                  )}
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
      {showTimer && (
        <p class={`pd-timer${ms < 120_000 ? ' pd-urgent' : ''}`}>
          <ClockIcon size={18} />
          <span>{t('payWithin')}</span>
          <strong class="pd-mono" role="timer" data-testid="order-countdown">
            {formatRemaining(ms)}
          </strong>
        </p>
      )}
    </section>
  );
}
