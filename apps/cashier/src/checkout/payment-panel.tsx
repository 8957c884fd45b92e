// What the buyer pays with (S3, S7, S13, S14): the QR to scan, or the bank-transfer / konbini code to
// type, with the amount, the method, the code's countdown, Cancel, and on phones the app link and a way
// to save the QR. The same panel sits in the overlay or on the new page.
import { useContext, useRef, useState } from 'preact/hooks';
import type { CheckoutPayment, PaymentMethodView } from '@paydesk/api';
import { groupCode } from '../lib/code-format.ts';
import { formatRemaining } from '../lib/countdown.ts';
import { formatMoney, localeOf } from '../lib/money.ts';
import { CopyIcon, DownloadIcon, ExternalIcon, Spinner, CheckIcon } from '../ui/icons.tsx';
import { CheckoutContext } from './context.ts';
import { QrCode, saveQrPng } from './qr-code.tsx';

export interface PaymentPanelProps {
  payment: CheckoutPayment;
  method: PaymentMethodView | undefined;
  sandbox: boolean;
  headingId: string;
  cancelling: boolean;
  onCancel(): void;
}

export function PaymentPanel({
  payment,
  method,
  sandbox,
  headingId,
  cancelling,
  onCancel,
}: PaymentPanelProps) {
  const { t, lang, api, terminal, left } = useContext(CheckoutContext);
  const name = method?.name ?? payment.paymentMethodType;
  const code = payment.code;
  const remaining = formatRemaining(left(payment.expiresAt));
  const phone = terminal !== 'WEB';
  const isText = code?.kind === 'text';

  return (
    <div class="pd-pay" data-payment-id={payment.id} data-method={payment.paymentMethodType}>
      <div class="pd-pay-head">
        {method && <img class="pd-logo" src={api.resolve(method.logoUrl)} alt="" width={48} height={32} />}
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
        <TextCode value={code.value} method={method} expiresAt={payment.expiresAt} />
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

      {code && (phone || (sandbox && payment.walletUrl)) && (
        <div class="pd-links">
          {phone && payment.deepLink && (
            <a class="pd-btn pd-primary" href={payment.deepLink}>
              <ExternalIcon size={18} />
              {t('openApp')}
            </a>
          )}
          {phone && code.kind === 'qr' && (
            <button
              type="button"
              class="pd-btn pd-secondary"
              onClick={() =>
                saveQrPng(code.value, `${payment.paymentMethodType.toLowerCase()}-${payment.id}.png`)
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

      <button type="button" class="pd-btn pd-ghost pd-cancel" onClick={onCancel} disabled={cancelling}>
        {cancelling ? t('cancelling') : t('cancel')}
      </button>
    </div>
  );
}

/** A typed code (S3): large, grouped, monospace, with a copy button, the bank, the deadline and steps. */
function TextCode({
  value,
  method,
  expiresAt,
}: {
  value: string;
  method: PaymentMethodView | undefined;
  expiresAt: string;
}) {
  const { t, lang } = useContext(CheckoutContext);
  const [copied, setCopied] = useState(false);
  const codeRef = useRef<HTMLElement>(null);
  const bankTransfer = method?.category === 'BANK_TRANSFER';
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // No clipboard API (insecure origin, old WebView): select the code so the buyer can copy it.
      const selection = getSelection();
      if (codeRef.current && selection) selection.selectAllChildren(codeRef.current);
      document.execCommand?.('copy');
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2500);
  };
  const deadline = new Intl.DateTimeFormat(localeOf(lang), {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(expiresAt));

  return (
    <div class="pd-textcode">
      <dl class="pd-facts">
        {method?.bankName && (
          <div>
            <dt>{t('bank')}</dt>
            <dd>{method.bankName}</dd>
          </div>
        )}
        <div>
          <dt>{t('payBefore')}</dt>
          <dd>{deadline}</dd>
        </div>
      </dl>
      <p class="pd-code-label" id="pd-code-label">
        {bankTransfer ? t('vaNumber') : t('payCode')}
      </p>
      <div class="pd-code-row">
        <code ref={codeRef} class="pd-code" aria-labelledby="pd-code-label" data-code={value}>
          {groupCode(value)}
        </code>
        <button type="button" class="pd-btn pd-secondary pd-copy" onClick={copy}>
          {copied ? <CheckIcon size={18} /> : <CopyIcon size={18} />}
          <span aria-live="polite">{copied ? t('copied') : t('copy')}</span>
        </button>
      </div>
      <ol class="pd-steps">
        {t(bankTransfer ? 'bankSteps' : 'storeSteps')
          .split('|')
          .map((step) => (
            <li key={step}>{step}</li>
          ))}
      </ol>
    </div>
  );
}
