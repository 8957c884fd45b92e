// What the buyer pays with (S3, S7, S13, S14): the QR to scan, or the bank-transfer / konbini code to
// type, with the amount, the method, the code's countdown, Cancel, and on phones the app link and a way
// to save the QR. The same panel sits in the overlay or on the new page.
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { CheckoutPayment, PaymentMethodView } from '@paydesk/api';
import { formatRemaining } from '../lib/countdown.ts';
import { browserTimeZone, formatDeadline } from '../lib/deadline.ts';
import { formatMoney } from '../lib/money.ts';
import { drawQr } from '../lib/qr.ts';
import { DownloadIcon, ExternalIcon, Spinner } from '../ui/icons.tsx';
import { MethodLogo } from '../ui/method-logo.tsx';
import { CheckoutContext } from './context.ts';
import { QrCode } from './qr-code.tsx';
import type { TextCode } from './text-code.tsx';
import { loadTextCode } from './text-code-loader.ts';

/** The save and reminder tools, fetched on first use. */
const tools = () => import('./code-tools.ts');

/** The typed-code view, once fetched (see text-code.tsx). */
let textCodeView: typeof TextCode | null = null;

/** The links Antom gives phones (D13.9), when the server passes them. */
interface Links {
  app?: string | null;
  scheme?: string | null;
  normal?: string | null;
}

export interface PaymentPanelProps {
  payment: CheckoutPayment;
  method: PaymentMethodView | undefined;
  sandbox: boolean;
  merchantName: string;
  headingId: string;
  cancelling: boolean;
  /** Cancel was asked for a code Antom cannot cancel: explain before stopping (D11.3). */
  warning?: boolean;
  onKeep?(): void;
  onCancel(): void;
}

export function PaymentPanel({
  payment,
  method,
  sandbox,
  merchantName,
  headingId,
  cancelling,
  warning = false,
  onKeep,
  onCancel,
}: PaymentPanelProps) {
  const { t, lang, api, terminal, left } = useContext(CheckoutContext);
  const name = method?.name ?? payment.paymentMethodName ?? t('payCode');
  const code = payment.code;
  const remaining = formatRemaining(left(payment.expiresAt));
  const phone = terminal !== 'WEB';
  const isText = code?.kind === 'text';
  // On a phone, open the wallet on the same device (S1): its app link, else its scheme, else the page.
  const links = (payment as { links?: Links | null }).links ?? null;
  // Back from the non-cancellable warning with "Keep this code", focus returns to Cancel (in the dialog,
  // so Escape still reaches it).
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [TextCodeView, setTextCodeView] = useState(() => textCodeView);
  useEffect(() => {
    if (isText && !TextCodeView)
      void loadTextCode().then((view) => setTextCodeView(() => (textCodeView = view)));
  }, [isText, TextCodeView]);
  const walletLink = phone
    ? (links?.app ?? links?.scheme ?? payment.deepLink ?? links?.normal ?? null)
    : null;

  return (
    <div class="pd-pay" data-payment-id={payment.id} data-method={payment.paymentMethodType}>
      <div class="pd-pay-head">
        <MethodLogo
          name={name}
          sources={
            method
              ? [api.resolve(method.logoUrl), method.logoFallbackUrl && api.resolve(method.logoFallbackUrl)]
              : []
          }
        />
        <div>
          <h2 id={headingId} class="pd-h2">
            {isText
              ? method?.category === 'BANK_TRANSFER'
                ? t('vaTitle')
                : t('payCode')
              : t('payWith', { method: name })}
          </h2>
          <p class="pd-pay-amount">{formatMoney(payment.amount, lang)}</p>
        </div>
      </div>

      {!code ? (
        <p class="pd-working">
          <Spinner />
          {t('stillWorking')}
        </p>
      ) : isText ? (
        TextCodeView ? (
          <TextCodeView
            value={code.value}
            method={method}
            payment={payment}
            title={t('reminderTitle', { amount: formatMoney(payment.amount, lang), merchant: merchantName })}
          />
        ) : (
          <p class="pd-working">
            <Spinner />
          </p>
        )
      ) : (
        <div class="pd-qr-box">
          {code.kind === 'image' ? (
            <img class="pd-qr" src={code.value} alt={t('qrAlt', { method: name })} />
          ) : (
            <QrCode value={code.value} label={t('qrAlt', { method: name })} />
          )}
          <p class="pd-hint">{t('scanQr', { method: name })}</p>
        </div>
      )}

      {code && (
        <div class="pd-wait">
          <p>
            <span class="pd-pulse" aria-hidden="true" />
            {t('waiting')}
          </p>
          <p>
            {t('codeExpires')}{' '}
            <strong class="pd-mono" role="timer" data-testid="code-countdown">
              {remaining}
            </strong>
          </p>
        </div>
      )}

      {code && (walletLink || phone || (sandbox && payment.walletUrl)) && (
        <div class="pd-links">
          {walletLink && (
            <a class="pd-btn pd-primary" href={walletLink} data-testid="open-wallet">
              <ExternalIcon size={18} />
              {method || payment.paymentMethodName ? t('openWallet', { method: name }) : t('openApp')}
            </a>
          )}
          {phone && code.kind === 'qr' && (
            <button
              type="button"
              class="pd-btn pd-secondary"
              onClick={() =>
                void tools().then(({ saveQrPng }) =>
                  saveQrPng(
                    drawQr(code.value),
                    `${payment.paymentMethodType.toLowerCase()}-${payment.id}.png`,
                  ),
                )
              }
            >
              <DownloadIcon size={18} />
              {t('saveQr')}
            </button>
          )}
          {sandbox && payment.walletUrl && (
            <a class="pd-link" href={payment.walletUrl} target="_blank" rel="noopener noreferrer">
              {t('sandboxWallet')}
              <ExternalIcon size={16} />
            </a>
          )}
        </div>
      )}

      {warning ? (
        <CancelWarning
          method={name}
          deadline={formatDeadline(payment.expiresAt, lang, browserTimeZone())}
          onKeep={() => {
            onKeep?.();
            setTimeout(() => cancelRef.current?.focus());
          }}
          onLeave={onCancel}
          busy={cancelling}
        />
      ) : (
        <button
          ref={cancelRef}
          type="button"
          class="pd-btn pd-ghost pd-cancel"
          onClick={onCancel}
          disabled={cancelling}
        >
          {cancelling ? t('cancelling') : t('cancel')}
        </button>
      )}
    </div>
  );
}

/** Why Cancel does not make a non-cancellable code unpayable, and the choice to keep it or move on. */
function CancelWarning(props: {
  method: string;
  deadline: string;
  busy: boolean;
  onKeep(): void;
  onLeave(): void;
}) {
  const { t } = useContext(CheckoutContext);
  const keepRef = useRef<HTMLButtonElement>(null);
  useEffect(() => keepRef.current?.focus(), []);
  return (
    <section class="pd-warnbox" role="alert" aria-labelledby="pd-warn-h" data-testid="cancel-warning">
      <h3 id="pd-warn-h" class="pd-h3">
        {t('cancelWarnTitle')}
      </h3>
      <p>{t('cancelWarnBody', { method: props.method, deadline: props.deadline })}</p>
      <div class="pd-actions">
        <button ref={keepRef} type="button" class="pd-btn pd-primary" onClick={props.onKeep}>
          {t('keepCode')}
        </button>
        <button type="button" class="pd-btn pd-ghost" onClick={props.onLeave} disabled={props.busy}>
          {props.busy ? t('cancelling') : t('otherMethod')}
        </button>
      </div>
    </section>
  );
}
