// Refunding a paid order from the console (D11): the form checks the amount against what is left,
// then a dialog says exactly what will happen — the amount, the method, full or partial, and what the
// buyer will see — before one refund is sent. Escape or Cancel close it without sending; focus stays in
// the dialog while it is open and returns to the Refund button after.
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { OrderView, RefundView } from '@paydesk/api';
import { ApiError, type MerchantApi } from '../api.ts';
import { formatMoney, minorToDecimal, parseMajor } from '../lib/money.ts';
import { keepFocusIn } from '../ui/focus-trap.ts';
import {
  buyerSees,
  lower,
  methodName,
  refundScope,
  refundStatusWords,
  type MethodBook,
  type RefundPlan,
} from './words.ts';

/** What is left to refund: the paid amount less every merchant refund that did not fail. */
export function refundableOf(order: OrderView): bigint {
  const taken = order.refunds
    .filter((r) => r.kind === 'MERCHANT' && r.status !== 'FAILED')
    .reduce((sum, r) => sum + BigInt(r.amount.value), 0n);
  const left = BigInt(order.amount.value) - taken;
  return left > 0n ? left : 0n;
}

export function RefundForm(props: {
  api: MerchantApi;
  order: OrderView;
  methods: MethodBook | null;
  onDone(): void;
}) {
  const { order, methods } = props;
  const currency = order.amount.currency;
  const paid = order.payments.find((p) => p.kept);
  const method = paid ? (methods?.get(paid.paymentMethodType) ?? null) : null;
  const refundable = refundableOf(order);
  const left = { currency, value: refundable.toString() };
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [plan, setPlan] = useState<(RefundPlan & { reason: string }) | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const fullOnly = method?.refund === 'full';

  if (order.status !== 'PAID' || !paid) {
    return (
      <Card>
        <p class="pd-muted">Only paid orders can be refunded.</p>
      </Card>
    );
  }
  if (method?.refund === 'none') {
    return (
      <Card>
        <p class="pd-muted">
          {method.name} payments cannot be refunded through Antom: give the money back to the buyer yourself.
        </p>
      </Card>
    );
  }

  const review = (event: Event) => {
    event.preventDefault();
    const minor = fullOnly || amount.trim() === '' ? left.value : parseMajor(amount, currency);
    if (!minor || BigInt(minor) <= 0n || BigInt(minor) > refundable) {
      setResult({ ok: false, text: `Enter an amount up to ${formatMoney(left, 'en')}.` });
      return;
    }
    setResult(null);
    setPlan({
      amount: { currency, value: minor },
      refundable: left,
      paid: order.amount,
      method,
      paymentMethodType: paid.paymentMethodType,
      reason: reason.trim(),
    });
  };

  const send = async (chosen: RefundPlan & { reason: string }) => {
    try {
      const refund: RefundView = await props.api.refund(order.id, {
        amount: chosen.amount,
        ...(chosen.reason ? { reason: chosen.reason } : {}),
      });
      setResult({
        ok: refund.status !== 'FAILED',
        text: `Refund ${refund.id} of ${formatMoney(refund.amount, 'en')}: ${lower(refundStatusWords(refund.status))}.`,
      });
      setAmount('');
      setReason('');
      props.onDone();
    } catch (failure) {
      setResult({
        ok: false,
        text:
          failure instanceof ApiError
            ? `Not refunded: ${failure.message} (${failure.code})`
            : 'Not refunded: the server could not be reached.',
      });
    } finally {
      setPlan(null);
    }
  };

  return (
    <Card>
      {refundable > 0n ? (
        <form onSubmit={review}>
          <p class="pd-muted adm-small">
            Up to {formatMoney(left, 'en')} can be refunded to the buyer's{' '}
            {methodName(methods, paid.paymentMethodType)}.
            {fullOnly && ' This method refunds the full amount only.'}
          </p>
          {!fullOnly && (
            <label class="adm-field">
              <span>Amount ({currency})</span>
              <input
                inputMode="decimal"
                placeholder={minorToDecimal(left.value, currency)}
                value={amount}
                onInput={(event) => setAmount((event.currentTarget as HTMLInputElement).value)}
              />
            </label>
          )}
          <label class="adm-field">
            <span>Reason (optional)</span>
            <input
              value={reason}
              maxLength={256}
              onInput={(event) => setReason((event.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <button ref={button} type="submit" class="pd-btn pd-primary adm-wide">
            Refund
          </button>
        </form>
      ) : (
        <p class="pd-muted">Everything paid has been refunded.</p>
      )}
      {result && (
        <p class={result.ok ? 'pd-note adm-result' : 'pd-alert adm-result'} role="status">
          {result.text}
        </p>
      )}
      {plan && (
        <RefundDialog
          plan={plan}
          paymentId={paid.id}
          returnFocus={button}
          onCancel={() => setPlan(null)}
          onConfirm={() => send(plan)}
        />
      )}
    </Card>
  );
}

function Card({ children }: { children: ComponentChildren }) {
  return (
    <section class="adm-card" aria-labelledby="adm-refund-h">
      <h2 id="adm-refund-h" class="adm-h2">
        Refund
      </h2>
      {children}
    </section>
  );
}

function RefundDialog(props: {
  plan: RefundPlan & { reason: string };
  paymentId: string;
  returnFocus: { current: HTMLElement | null };
  onCancel(): void;
  onConfirm(): Promise<void>;
}) {
  const { plan } = props;
  const ref = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [sending, setSending] = useState(false);
  // One refund per confirmation, even if the button is pressed twice before the page redraws.
  const sentRef = useRef(false);
  const scope = refundScope(plan);
  const amount = formatMoney(plan.amount, 'en');
  const returnFocus = props.returnFocus;

  // Focus moves into the dialog as it opens (a layout effect, before the browser paints), so a key pressed
  // at once already lands in it; on close it returns to the Refund button.
  useLayoutEffect(() => {
    const back = returnFocus.current;
    cancelRef.current?.focus();
    return () => back?.focus();
  }, [returnFocus]);

  const confirm = () => {
    if (sentRef.current) return;
    sentRef.current = true;
    setSending(true);
    void props.onConfirm();
  };

  // Escape and Tab are handled for the whole document from the moment the dialog is open (it is modal): a
  // key pressed with focus outside it still closes it, and Tab brings focus back in rather than past it.
  const onCancel = props.onCancel;
  useLayoutEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const dialog = ref.current;
      if (event.key === 'Escape') {
        event.preventDefault();
        if (!sentRef.current) onCancel();
        return;
      }
      if (dialog) keepFocusIn(event, dialog);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [onCancel]);

  return (
    <div
      class="adm-layer"
      onMouseDown={(event) => event.target === event.currentTarget && event.preventDefault()}
    >
      <div
        ref={ref}
        class="adm-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="adm-confirm-h"
        aria-describedby="adm-confirm-scope"
        tabIndex={-1}
      >
        <h2 id="adm-confirm-h" class="adm-h2">
          Refund {amount}?
        </h2>
        <p id="adm-confirm-scope" class="adm-small">
          <strong>{scope.full ? 'Full refund.' : 'Partial refund.'}</strong> {scope.detail}
        </p>
        <dl class="adm-facts adm-confirm-facts">
          <dt>Amount</dt>
          <dd data-testid="confirm-amount">{amount}</dd>
          <dt>Method</dt>
          <dd>
            {plan.method?.name ?? plan.paymentMethodType}{' '}
            <span class="pd-mono pd-muted">{props.paymentId}</span>
          </dd>
          <dt>The buyer</dt>
          <dd data-testid="confirm-buyer">{buyerSees(plan)}</dd>
          {plan.reason && (
            <>
              <dt>Reason</dt>
              <dd>{plan.reason}</dd>
            </>
          )}
        </dl>
        <p class="pd-muted adm-small">A refund cannot be undone.</p>
        <div class="adm-actions">
          <button
            ref={cancelRef}
            type="button"
            class="pd-btn pd-secondary"
            onClick={props.onCancel}
            disabled={sending}
          >
            Cancel
          </button>
          <button type="button" class="pd-btn pd-primary" onClick={confirm} disabled={sending}>
            {sending ? 'Refunding…' : `Refund ${amount}`}
          </button>
        </div>
      </div>
    </div>
  );
}
