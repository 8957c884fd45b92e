// The end of a flow (S9, S10, S16, S18, S19): success with its countdown, failure with Pay again,
// timeout with Refresh, a refunded duplicate, and the orders that can no longer be paid. The heading
// takes focus when it appears, so screen-reader users hear what happened.
import type { ComponentChildren, JSX } from 'preact';
import { useContext, useEffect, useRef } from 'preact/hooks';
import type { CheckoutView } from '@paydesk/api';
import { formatMoney } from '../lib/money.ts';
import { CheckIcon, ClockIcon, CrossIcon, ReturnIcon, LockIcon } from '../ui/icons.tsx';
import { CheckoutContext } from './context.ts';

export type Tone = 'ok' | 'bad' | 'warn' | 'info';

const ICONS: Record<Tone, () => JSX.Element> = {
  ok: () => <CheckIcon size={28} />,
  bad: () => <CrossIcon size={28} />,
  warn: () => <ClockIcon size={28} />,
  info: () => <ReturnIcon size={28} />,
};

export function Outcome(props: {
  tone: Tone;
  title: string;
  testId: string;
  children?: ComponentChildren;
  actions?: ComponentChildren;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [props.testId]);
  const Glyph = ICONS[props.tone];
  return (
    <section class={`pd-outcome pd-${props.tone}`} data-testid={props.testId} aria-labelledby="pd-outcome-h">
      <span class="pd-badge" aria-hidden="true">
        <Glyph />
      </span>
      <h2 id="pd-outcome-h" class="pd-h2" tabIndex={-1} ref={heading}>
        {props.title}
      </h2>
      {props.children}
      {props.actions && <div class="pd-actions">{props.actions}</div>}
    </section>
  );
}

/** The receipt of a paid order (S18 result page): what was bought, for how much, and how it was paid. */
export function Receipt({ view, methodName }: { view: CheckoutView; methodName: string | null }) {
  const { t, lang } = useContext(CheckoutContext);
  const { order } = view;
  return (
    <section class="pd-receipt" data-testid="receipt" aria-labelledby="pd-receipt-h">
      <h2 id="pd-receipt-h" class="pd-h3">
        <LockIcon size={16} />
        {t('receipt')}
      </h2>
      <dl class="pd-facts">
        <div>
          <dt>{t('merchant')}</dt>
          <dd>{order.merchantName}</dd>
        </div>
        <div>
          <dt>{t('reference')}</dt>
          <dd class="pd-mono">{order.reference}</dd>
        </div>
        {methodName && (
          <div>
            <dt>{t('paidWith')}</dt>
            <dd>{methodName}</dd>
          </div>
        )}
        <div>
          <dt>{t('total')}</dt>
          <dd>
            <strong>{formatMoney(order.amount, lang)}</strong>
          </dd>
        </div>
      </dl>
    </section>
  );
}
