// The wallet simulator (D3.7): what a buyer's banking or wallet app shows after scanning the
// QR payload or typing the VA number — merchant, amount, method, a live countdown, Pay and Decline. Plain
// forms work without JavaScript; the small script adds the countdown and follows status changes.
import { findMethod } from '../methods.ts';
import { DECLINE_CODES } from '../payment.service.ts';
import type { PaymentRecord } from '../store.ts';
import { escapeHtml, formatMoney, formatUtc, page } from './layout.ts';

const STATE_TEXT: Record<PaymentRecord['status'], string> = {
  PROCESSING: 'Waiting for your payment',
  SUCCESS: 'Paid — you can return to the shop',
  FAIL: 'This payment did not go through',
  CANCELLED: 'The merchant cancelled this payment',
};

/** Two letters for a logo: the first letters of the first two words ("PromptPay" → "PP", "Konbini" → "KO"). */
export function initials(name: string): string {
  const words = name.split(/[\s_]+|(?=[A-Z][a-z])/).filter(Boolean);
  const letters = words.length > 1 ? words.map((word) => word[0]).join('') : (words[0] ?? '');
  return letters.slice(0, 2).toUpperCase();
}

/** Human labels for the decline reasons the wallet offers. */
const DECLINE_LABELS: Record<string, string> = {
  USER_BALANCE_NOT_ENOUGH: 'Not enough balance',
  RISK_REJECT: 'Rejected by risk control',
  USER_PAYMENT_VERIFICATION_FAILED: 'Verification failed',
  USER_STATUS_ABNORMAL: 'Account restricted',
  PAYMENT_AMOUNT_EXCEED_LIMIT: "Over the buyer's limit",
};

/** A VA / payment number in groups of four, easier to read and type ("8528 5527 6576 1079"). */
export function groupDigits(code: string): string {
  return /^\d+$/.test(code) ? code.replace(/(\d{4})(?=\d)/g, '$1 ') : code;
}

function statusDetail(payment: PaymentRecord): string {
  if (payment.status === 'SUCCESS') return `Paid at ${formatUtc(payment.paidAt)}`;
  if (payment.status === 'CANCELLED') return `Cancelled at ${formatUtc(payment.cancelledAt)}`;
  if (payment.expired) return `Expired at ${formatUtc(payment.expiresAt)}`;
  return `Declined (${payment.resultCode})`;
}

/** The wallet page of one payment. `message` is an outcome or error to announce (e.g. after a click). */
export function walletPage(input: {
  payment: PaymentRecord;
  merchantName: string;
  now: number;
  message?: { kind: 'ok' | 'error'; text: string };
}): string {
  const { payment, merchantName, now } = input;
  const method = findMethod(payment.paymentMethodType);
  const methodName = method?.name ?? payment.paymentMethodType;
  const amount = formatMoney(payment.amount.value, payment.amount.currency);
  const live = payment.status === 'PROCESSING';
  const stateText =
    payment.status === 'FAIL' && payment.expired
      ? 'This payment code has expired'
      : STATE_TEXT[payment.status];
  const base = `/wallet/c/${encodeURIComponent(payment.token)}`;
  const reasons = Object.keys(DECLINE_CODES)
    .map((code) => `<option value="${code}">${escapeHtml(DECLINE_LABELS[code] ?? code)}</option>`)
    .join('');

  const body = `<main>
<article class="card" aria-labelledby="amount" style="--brand:${escapeHtml(method?.color ?? '#1d4ed8')}">
  <header class="brand"><span class="logo" aria-hidden="true">${escapeHtml(initials(methodName))}</span><span class="brand-name">${escapeHtml(methodName)}<small>Sandbox wallet</small></span></header>
  <p class="merchant">Pay to <strong>${escapeHtml(merchantName)}</strong></p>
  <h1 id="amount" class="amount">${escapeHtml(amount)}</h1>
  <dl class="facts">
    <dt>Method</dt><dd>${escapeHtml(methodName)}</dd>
    <dt>Order</dt><dd>${escapeHtml(payment.orderDescription)}</dd>
    ${method?.display === 'TEXT' ? `<dt>Payment code</dt><dd class="code mono">${escapeHtml(groupDigits(payment.codeValue))}</dd>` : ''}
    ${
      live
        ? `<dt>Time left</dt><dd><span id="countdown" class="timer" role="timer" aria-live="off" data-expires-at="${payment.expiresAt}" data-server-now="${now}" data-status="${payment.status}" data-status-url="${base}/status">${escapeHtml(formatLeft(payment.expiresAt - now))}</span></dd>`
        : `<dt>Status</dt><dd>${escapeHtml(statusDetail(payment))}</dd>`
    }
  </dl>
  ${input.message ? `<p class="state state-${input.message.kind === 'ok' ? 'SUCCESS' : 'error'}" role="alert">${escapeHtml(input.message.text)}</p>` : ''}
  <p class="state state-${payment.status}" role="status" id="state">${escapeHtml(stateText)}</p>
  ${
    live
      ? `<div class="actions" data-live>
    <form method="post" action="${base}/pay"><button class="btn btn-pay" type="submit">Pay ${escapeHtml(amount)}</button></form>
    <form method="post" action="${base}/decline" class="decline">
      <label for="reason">Decline reason</label>
      <select id="reason" name="reason">${reasons}</select>
      <button class="btn btn-decline" type="submit">Decline</button>
    </form>
  </div>`
      : ''
  }
  <p class="note">Paydesk Antom sandbox — no real money moves. <a href="/wallet">Enter another payment code</a></p>
</article>
</main>`;
  return page({
    title: `${amount} · ${methodName} sandbox wallet`,
    body,
    bodyClass: 'wallet',
    script: live ? SCRIPT : '',
  });
}

/** The payment-code form (`/wallet`): type a VA / payment number to open its wallet page. */
export function codeFormPage(input: { code?: string; error?: string }): string {
  const body = `<main>
<article class="card" aria-labelledby="title">
  <header class="brand"><span class="logo" aria-hidden="true">SW</span><span class="brand-name">Sandbox wallet<small>Paydesk Antom sandbox</small></span></header>
  <h1 id="title" class="title">Pay with a payment code</h1>
  <p class="merchant">Type the virtual-account or payment number the shop showed you.</p>
  ${input.error ? `<p class="state state-error" role="alert">${escapeHtml(input.error)}</p>` : ''}
  <form method="get" action="/wallet" class="actions">
    <label for="code">Payment code</label>
    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="off" required value="${escapeHtml(input.code ?? '')}">
    <button class="btn btn-pay" type="submit">Find payment</button>
  </form>
  <p class="note">Paydesk Antom sandbox — no real money moves. <a href="/">Sandbox overview</a></p>
</article>
</main>`;
  return page({ title: 'Sandbox wallet · payment code', body, bodyClass: 'wallet' });
}

/** A not-found page in the wallet's style. */
export function walletNotFoundPage(): string {
  return codeFormPage({ error: 'This payment link is unknown. Check the code and try again.' });
}

/** `13:59`, `47:59:59`, `6d 23:59:59` for a positive duration in ms. */
export function formatLeft(ms: number): string {
  if (ms <= 0) return 'Expired';
  const total = Math.ceil(ms / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mmss = `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
  if (days > 0) return `${days}d ${String(hours).padStart(2, '0')}:${mmss}`;
  if (hours > 0) return `${String(hours).padStart(2, '0')}:${mmss}`;
  return mmss;
}

// The countdown uses the server's clock (skew-corrected), disables the buttons at zero, and reloads the
// page when the status changes elsewhere (control API, merchant cancel, expiry).
const SCRIPT = `(function(){
var el=document.getElementById('countdown');if(!el)return;
var expiresAt=Number(el.dataset.expiresAt),skew=Number(el.dataset.serverNow)-Date.now(),status=el.dataset.status;
var buttons=document.querySelectorAll('[data-live] button');
function pad(n){return String(n).padStart(2,'0')}
function fmt(ms){var t=Math.ceil(ms/1000),d=Math.floor(t/86400),h=Math.floor(t%86400/3600),m=Math.floor(t%3600/60),s=t%60;
return (d>0?d+'d '+pad(h)+':':h>0?pad(h)+':':'')+pad(m)+':'+pad(s)}
function tick(){var left=expiresAt-(Date.now()+skew);
if(left<=0){el.textContent='Expired';buttons.forEach(function(b){b.disabled=true});return}
el.textContent=fmt(left);setTimeout(tick,1000-((Date.now()+skew)%1000))}
tick();
document.querySelectorAll('[data-live] form').forEach(function(f){f.addEventListener('submit',function(){buttons.forEach(function(b){b.disabled=true})})});
setInterval(function(){fetch(el.dataset.statusUrl,{cache:'no-store'}).then(function(r){return r.json()}).then(function(j){if(j.status!==status)location.reload()}).catch(function(){})},2000);
})();`;
