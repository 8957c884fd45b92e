// Money a buyer was charged beyond the order (D11), as the console shows it: a marker on the order
// list's row, and on the order page one card per payment — which payment, how much, when it was charged,
// and either when a cancel reversed it or how it is being given back and where that stands.
import type { OrderView, PaymentNotice } from '@paydesk/api';
import { formatMoney } from '../lib/money.ts';
import { when } from './format.tsx';
import {
  methodName,
  noticeSentence,
  noticeTitle,
  noticeTone,
  refundMethodWords,
  refundStatusWords,
  type MethodBook,
} from './words.ts';

/** The markers of an order-list row: one per payment charged beyond the order. */
export function NoticeMarkers({ notices }: { notices: readonly PaymentNotice[] | undefined }) {
  if (!notices?.length) return null;
  return (
    <>
      {notices.map((notice) => (
        <span
          key={notice.paymentId}
          class={`adm-badge adm-${noticeTone(notice)} adm-flag`}
          data-testid="notice-marker"
        >
          {noticeTitle(notice)} · {formatMoney(notice.amount, 'en')}
        </span>
      ))}
    </>
  );
}

/** The order page's account of every payment charged beyond the order. */
export function NoticeCards({ order, methods }: { order: OrderView; methods: MethodBook | null }) {
  const notices = order.notices ?? [];
  return (
    <>
      {notices.map((notice) => {
        const payment = order.payments.find((p) => p.id === notice.paymentId);
        const refund = order.refunds.find((r) => r.paymentId === notice.paymentId && r.kind === 'DUPLICATE');
        const headingId = `adm-notice-${notice.paymentId}`;
        return (
          <section
            key={notice.paymentId}
            class={`adm-card adm-notice adm-notice-${noticeTone(notice)}`}
            aria-labelledby={headingId}
            data-testid="notice"
          >
            <h2 id={headingId} class="adm-h2">
              {noticeTitle(notice)}
            </h2>
            <p class="adm-small">{noticeSentence(notice, methods)}</p>
            <dl class="adm-facts">
              <dt>Payment</dt>
              <dd>
                <span class="pd-mono">{notice.paymentId}</span> ·{' '}
                {methodName(methods, notice.paymentMethodType)}
              </dd>
              <dt>Amount</dt>
              <dd>{formatMoney(notice.amount, 'en')}</dd>
              <dt>Charged</dt>
              <dd>{when(payment?.paidAt)}</dd>
              {notice.cause === 'REVERSED' ? (
                <>
                  <dt>Reversed</dt>
                  <dd>{when(payment?.reversedAt ?? notice.at)}</dd>
                </>
              ) : (
                <>
                  <dt>Given back by</dt>
                  <dd>{refund ? refundMethodWords(refund.method) : '—'}</dd>
                  <dt>Where it stands</dt>
                  <dd>
                    {refund ? (
                      <>
                        {refundStatusWords(refund.status)}
                        {refund.finalAt && <> · {when(refund.finalAt)}</>}{' '}
                        <span class="pd-mono pd-muted">{refund.id}</span>
                      </>
                    ) : (
                      '—'
                    )}
                  </dd>
                </>
              )}
            </dl>
          </section>
        );
      })}
    </>
  );
}
