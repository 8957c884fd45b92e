// The sandbox overview (`/`, D3.8): recent payments, refunds, notification deliveries with every
// attempt and answer, and API requests — what a developer looks at when "the notification never came".
import type {
  DeliveryAttempt,
  NotificationRecord,
  PaymentRecord,
  RefundRecord,
  RequestRecord,
} from '../store.ts';
import { escapeHtml, formatMoney, formatUtc, page } from './layout.ts';

const LIMIT = 50;

export interface OverviewInput {
  clientId: string;
  publicUrl: string;
  gatewayPublicKeyPem: string;
  payments: PaymentRecord[];
  refunds: RefundRecord[];
  notifications: NotificationRecord[];
  requests: RequestRecord[];
  faultsActive: boolean;
  walletUrl: (payment: PaymentRecord) => string;
}

function badge(value: string): string {
  return `<span class="badge b-${escapeHtml(value)}">${escapeHtml(value)}</span>`;
}

function table(caption: string, headings: string[], rows: string[], empty: string): string {
  const id = caption.toLowerCase().replace(/[^a-z]+/g, '-');
  return `<section aria-labelledby="${id}">
<h2 id="${id}">${escapeHtml(caption)}</h2>
<div class="table-wrap">${
    rows.length === 0
      ? `<p class="empty">${escapeHtml(empty)}</p>`
      : `<table><thead><tr>${headings.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`
  }</div>
</section>`;
}

function attemptsList(attempts: DeliveryAttempt[]): string {
  if (attempts.length === 0) return '<span class="muted">no attempt yet</span>';
  const items = attempts
    .map(
      (a) =>
        `<li>${escapeHtml(a.at)} — ${a.httpStatus === null ? 'no answer' : `HTTP ${a.httpStatus}`}${a.fault ? ` <em>[${escapeHtml(a.fault)}]</em>` : ''}${a.error ? ` — ${escapeHtml(a.error)}` : ''}${a.answer ? `<br><code>${escapeHtml(a.answer.slice(0, 200))}</code>` : ''}</li>`,
    )
    .join('');
  return `<details><summary>${attempts.length} attempt${attempts.length === 1 ? '' : 's'}</summary><ol class="attempts">${items}</ol></details>`;
}

export function overviewPage(input: OverviewInput): string {
  const payments = input.payments.slice(0, LIMIT).map(
    (p) => `<tr>
<td>${escapeHtml(formatUtc(p.createdAt))}</td>
<td><code>${escapeHtml(p.paymentId)}</code><br><span class="muted">${escapeHtml(p.paymentRequestId)}</span></td>
<td>${escapeHtml(p.paymentMethodType)}</td>
<td>${escapeHtml(formatMoney(p.amount.value, p.amount.currency))}</td>
<td>${badge(p.status)}${p.status === 'FAIL' ? `<br><span class="muted">${escapeHtml(p.expired ? 'expired' : p.resultCode)}</span>` : ''}</td>
<td>${escapeHtml(formatUtc(p.expiresAt))}</td>
<td><code>${escapeHtml(p.codeValue)}</code><br><a href="${escapeHtml(input.walletUrl(p))}">open wallet</a></td>
</tr>`,
  );
  const refunds = input.refunds.slice(0, LIMIT).map(
    (r) => `<tr>
<td>${escapeHtml(formatUtc(r.createdAt))}</td>
<td><code>${escapeHtml(r.refundId)}</code><br><span class="muted">${escapeHtml(r.refundRequestId)}</span></td>
<td><code>${escapeHtml(r.paymentId)}</code></td>
<td>${escapeHtml(formatMoney(r.amount.value, r.amount.currency))}</td>
<td>${badge(r.status)} <span class="muted">${escapeHtml(r.mode)}</span></td>
</tr>`,
  );
  const notifications = input.notifications.slice(0, LIMIT).map(
    (n) => `<tr>
<td>${escapeHtml(formatUtc(n.createdAt))}</td>
<td>${escapeHtml(n.notifyType)}<br><code>${escapeHtml(n.refundId ?? n.paymentId ?? '')}</code></td>
<td><code>${escapeHtml(n.url)}</code></td>
<td>${badge(n.status)}${n.nextAttemptAt !== undefined && n.status === 'pending' ? `<br><span class="muted">next ${escapeHtml(formatUtc(n.nextAttemptAt))}</span>` : ''}</td>
<td>${attemptsList(n.attempts)}</td>
</tr>`,
  );
  const requests = input.requests.slice(0, LIMIT).map(
    (r) => `<tr>
<td>${r.seq}</td>
<td>${escapeHtml(r.at)}</td>
<td>${escapeHtml(r.api)}</td>
<td><code>${escapeHtml(r.paymentRequestId ?? r.refundRequestId ?? r.paymentId ?? '')}</code></td>
<td>${r.resultStatus ? badge(r.resultStatus) : ''} ${escapeHtml(r.resultCode ?? '')}</td>
<td>${r.httpStatus ?? 'lost'}</td>
<td>${escapeHtml(r.fault ?? '')}</td>
</tr>`,
  );

  const body = `<main>
<header class="top">
  <div><h1>Paydesk Antom sandbox</h1>
  <p class="muted">Client id <code>${escapeHtml(input.clientId)}</code> · public URL <code>${escapeHtml(input.publicUrl)}</code>${input.faultsActive ? ' · <strong>fault injection is on</strong>' : ''}</p></div>
  <div class="toolbar">
    <a class="btn" href="/">Refresh</a>
    <label><input type="checkbox" id="auto"> Auto-refresh every 5 s</label>
    <a href="/wallet">Wallet: enter a payment code</a>
  </div>
</header>
<details><summary>Gateway public key (the merchant's <code>ANTOM_PUBLIC_KEY</code>)</summary><pre class="mono">${escapeHtml(input.gatewayPublicKeyPem)}</pre></details>
${table('Payments', ['Created', 'Payment / request id', 'Method', 'Amount', 'Status', 'Expires', 'Code'], payments, 'No payments yet.')}
${table('Refunds', ['Created', 'Refund / request id', 'Payment', 'Amount', 'Status'], refunds, 'No refunds yet.')}
${table('Notifications', ['Created', 'Type', 'Notify URL', 'Status', 'Attempts and answers'], notifications, 'No notifications yet.')}
${table('API requests', ['#', 'At', 'API', 'Id', 'Result', 'HTTP', 'Fault'], requests, 'No API requests yet.')}
</main>`;
  return page({ title: 'Paydesk Antom sandbox', body, bodyClass: 'overview', script: SCRIPT });
}

// Auto-refresh is opt-in and remembered, so an open <details> is not lost unless asked for.
const SCRIPT = `(function(){
var box=document.getElementById('auto');var on=localStorage.getItem('sandbox-auto-refresh')==='1';box.checked=on;
var timer=on?setTimeout(function(){location.reload()},5000):null;
box.addEventListener('change',function(){localStorage.setItem('sandbox-auto-refresh',box.checked?'1':'0');
if(box.checked){timer=setTimeout(function(){location.reload()},5000)}else if(timer){clearTimeout(timer)}});
})();`;
