// The methods the server offers for this amount, currency and region (S5), as a radio group.
import { useContext } from 'preact/hooks';
import type { PaymentMethodView } from '@paydesk/api';
import { MethodLogo } from '../ui/method-logo.tsx';
import { CheckoutContext } from './context.ts';

export function MethodList(props: {
  methods: PaymentMethodView[];
  selected: string | null;
  disabled: boolean;
  onSelect(type: string): void;
}) {
  const { t, api } = useContext(CheckoutContext);
  if (props.methods.length === 0) return <p class="pd-note">{t('noMethods')}</p>;
  return (
    <fieldset class="pd-methods" disabled={props.disabled}>
      <legend class="pd-h2">{t('chooseMethod')}</legend>
      {props.methods.map((method) => (
        <label key={method.type} class={`pd-method${props.selected === method.type ? ' is-on' : ''}`}>
          <input
            type="radio"
            name="pd-method"
            value={method.type}
            checked={props.selected === method.type}
            onChange={() => props.onSelect(method.type)}
          />
          <MethodLogo
            name={method.name}
            sources={[
              api.resolve(method.logoUrl),
              method.logoFallbackUrl && api.resolve(method.logoFallbackUrl),
            ]}
          />
          <span class="pd-method-text">
            <span class="pd-method-name">{method.name}</span>
            {method.bankName && <span class="pd-muted">{method.bankName}</span>}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
