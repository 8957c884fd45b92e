// A typed code (S3): bank transfers and konbini. Its own chunk, fetched when such a code is shown, so the
// QR path does not carry it (the page stays under its size budget, bench/size.bench.ts).
import type { CheckoutPayment, PaymentMethodView } from '@paydesk/api';
import { useContext, useRef, useState } from 'preact/hooks';
import { groupCode } from '../lib/code-format.ts';
import { browserTimeZone, formatDeadline } from '../lib/deadline.ts';
import { CalendarIcon, CheckIcon, CopyIcon, DownloadIcon, PrintIcon } from '../ui/icons.tsx';
import { CheckoutContext } from './context.ts';

/** The save and reminder tools, fetched on first use. */
const tools = () => import('./code-tools.ts');

/**
 * A typed code (S3): large, grouped, monospace, with copy; the bank, the deadline in the buyer's time zone
 * and steps; and, as such codes live for days (D15), save as image, print and a calendar reminder.
 */
export function TextCode({
  value,
  method,
  payment,
  title,
}: {
  value: string;
  method: PaymentMethodView | undefined;
  payment: CheckoutPayment;
  title: string;
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
  const zone = browserTimeZone();
  const deadline = formatDeadline(payment.expiresAt, lang, zone);
  const methodName = method?.name ?? payment.paymentMethodName ?? '';
  const label = bankTransfer ? t('vaNumber') : t('payCode');
  const file = `${payment.paymentMethodType.toLowerCase()}-${payment.id}`;
  const remind = () =>
    void tools().then(({ download, reminderIcs }) =>
      download(
        new Blob(
          [
            reminderIcs({
              uid: `${payment.id}@paydesk`,
              title,
              description: t('reminderBody', { method: methodName, code: value, deadline }),
              deadline: payment.expiresAt,
              now: new Date().toISOString(),
              leadMs: 2 * 3600_000,
            }),
          ],
          { type: 'text/calendar;charset=utf-8' },
        ),
        `${file}.ics`,
      ),
    );

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
          <dd data-testid="deadline">{deadline}</dd>
        </div>
      </dl>
      <p class="pd-code-label" id="pd-code-label">
        {label}
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
      <div class="pd-tools">
        <button
          type="button"
          class="pd-btn pd-secondary"
          onClick={() =>
            void tools().then(({ saveTextCodePng }) =>
              saveTextCodePng(
                {
                  title,
                  label,
                  code: groupCode(value),
                  lines: [method?.bankName, `${t('payBefore')}: ${deadline}`].filter(Boolean) as string[],
                },
                `${file}.png`,
              ),
            )
          }
        >
          <DownloadIcon size={18} />
          {t('saveImage')}
        </button>
        <button type="button" class="pd-btn pd-secondary" onClick={() => window.print()}>
          <PrintIcon size={18} />
          {t('print')}
        </button>
        <button type="button" class="pd-btn pd-secondary" onClick={remind}>
          <CalendarIcon size={18} />
          {t('addReminder')}
        </button>
      </div>
      <p class="pd-muted pd-small">{t('timeZone', { zone })}</p>
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
