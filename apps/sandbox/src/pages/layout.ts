// Shared pieces of the server-rendered pages: escaping, money and time formatting, and one stylesheet.
// Everything is inline (no CDN, no external assets) so the pages work offline and on a phone on the LAN.
import { fromMinorUnits } from '@paydesk/antom';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** `THB 1,500.00` from minor units, with the currency's decimals and thousands separators; no floats. */
export function formatMoney(value: string, currency: string): string {
  let plain: string;
  try {
    plain = fromMinorUnits(value, currency);
  } catch {
    return `${currency} ${value}`;
  }
  const [whole = '0', fraction] = plain.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${currency} ${fraction === undefined ? grouped : `${grouped}.${fraction}`}`;
}

/** `2026-05-20 10:30:45 UTC` for epoch ms. */
export function formatUtc(ms: number | undefined): string {
  if (ms === undefined) return '';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A complete HTML document. `script` is inline JavaScript run at the end of the body. */
export function page(input: { title: string; body: string; bodyClass?: string; script?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(input.title)}</title>
<style>${STYLES}</style>
</head>
<body${input.bodyClass ? ` class="${escapeHtml(input.bodyClass)}"` : ''}>
${input.body}
${input.script ? `<script>${input.script}</script>` : ''}
</body>
</html>`;
}

const STYLES = `
*,*::before,*::after{box-sizing:border-box}
:root{--ink:#15202b;--muted:#4a5868;--line:#d5dce4;--bg:#f3f5f8;--card:#fff;--ok:#0f6b3a;--bad:#a3231a;--warn:#8a5300;--accent:#1d4ed8;--brand:#1d4ed8}
html{font-size:16px}
body{margin:0;background:var(--bg);color:var(--ink);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
a{color:var(--accent)}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
h1,h2,h3{line-height:1.2;margin:0 0 .5rem}
button,select,input{font:inherit}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.wallet main{max-width:28rem;margin:0 auto;padding:1rem .75rem 2rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:1.25rem;box-shadow:0 1px 3px rgba(16,24,40,.08)}
.brand{display:flex;align-items:center;gap:.6rem;margin:-1.25rem -1.25rem 1rem;padding:.9rem 1.25rem;border-radius:14px 14px 0 0;background:var(--brand);color:#fff;font-weight:600}
.logo{display:inline-grid;place-items:center;width:2.2rem;height:2.2rem;border-radius:8px;background:#fff;color:var(--brand);font-weight:800;font-size:.85rem;flex:none}
.brand-name{display:grid;line-height:1.25}
.brand-name small{font-weight:500;font-size:.8rem;opacity:.9}
.title{font-size:1.5rem}
.merchant{margin:0;color:var(--muted)}
.amount{font-size:2rem;margin:.15rem 0 1rem;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.facts{display:grid;grid-template-columns:auto 1fr;gap:.35rem .9rem;margin:0 0 1rem}
.facts dt{color:var(--muted)}
.facts dd{margin:0;overflow-wrap:anywhere}
.code{font-size:1.2rem;letter-spacing:.04em;font-weight:700;word-spacing:.1em}
.timer{font-variant-numeric:tabular-nums;font-weight:700}
.state{border-radius:10px;padding:.75rem 1rem;margin:0 0 1rem;font-weight:600;border:1px solid}
.state-PROCESSING{background:#eef4ff;border-color:#b8ccf5;color:#1e3a8a}
.state-SUCCESS{background:#e8f6ee;border-color:#9fd3b5;color:var(--ok)}
.state-FAIL,.state-CANCELLED,.state-error{background:#fdecea;border-color:#f1b3ad;color:var(--bad)}
.actions{display:grid;gap:.75rem}
.btn{display:block;width:100%;min-height:3rem;border-radius:10px;border:2px solid transparent;padding:.65rem 1rem;font-weight:700;cursor:pointer;text-align:center;text-decoration:none}
.btn-pay{background:#0f6b3a;color:#fff}
.btn-pay:hover{background:#0b5530}
.btn-decline{background:#fff;color:var(--bad);border-color:var(--bad)}
.btn-decline:hover{background:#fdecea}
.btn:disabled{opacity:.5;cursor:not-allowed}
.decline{display:grid;gap:.4rem;border-top:1px solid var(--line);padding-top:.75rem}
label{font-weight:600}
select,input[type=text]{width:100%;min-height:2.75rem;padding:.5rem .6rem;border:1px solid #8795a5;border-radius:8px;background:#fff;color:var(--ink)}
.note{color:var(--muted);font-size:.875rem;margin:1rem 0 0}
.overview main{max-width:80rem;margin:0 auto;padding:1rem}
.overview header.top{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.75rem;margin-bottom:1rem}
.toolbar{display:flex;flex-wrap:wrap;align-items:center;gap:.75rem}
.toolbar .btn{width:auto;min-height:2.5rem;padding:.4rem 1rem;background:var(--accent);color:#fff}
section{margin:0 0 1.5rem}
.overview details{margin:0 0 1.25rem}
.table-wrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:10px}
table{border-collapse:collapse;width:100%;font-size:.875rem}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#e9edf2;font-weight:600;white-space:nowrap}
tr:last-child td{border-bottom:0}
.badge{display:inline-block;border-radius:999px;padding:.05rem .55rem;font-size:.8rem;font-weight:700;border:1px solid}
.b-SUCCESS,.b-delivered,.b-S{background:#e8f6ee;color:var(--ok);border-color:#9fd3b5}
.b-PROCESSING,.b-pending,.b-U{background:#fff5e0;color:var(--warn);border-color:#f0cf8f}
.b-FAIL,.b-CANCELLED,.b-failed,.b-F{background:#fdecea;color:var(--bad);border-color:#f1b3ad}
.empty{color:var(--muted);padding:.75rem}
details summary{cursor:pointer}
.attempts{margin:.25rem 0 0;padding-left:1.1rem}
.muted{color:var(--muted)}
`;
