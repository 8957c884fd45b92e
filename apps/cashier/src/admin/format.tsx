// Small display helpers of the ops console (English, the operators' language).
export const when = (iso: string | null | undefined): string =>
  iso
    ? new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso))
    : '—';

/** The colour of a status badge. */
export function tone(status: string): 'ok' | 'bad' | 'live' | 'off' | 'warn' {
  if (['PAID', 'SUCCESS', 'SUCCEEDED'].includes(status)) return 'ok';
  if (['FAIL', 'FAILED'].includes(status)) return 'bad';
  if (['OPEN', 'PROCESSING', 'PENDING'].includes(status)) return 'live';
  if (status === 'MANUAL') return 'warn';
  return 'off';
}

export function Badge({ status }: { status: string }) {
  return <span class={`adm-badge adm-${tone(status)}`}>{status}</span>;
}
