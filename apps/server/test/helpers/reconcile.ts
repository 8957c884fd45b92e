// For harnesses that run Paydesk and the sandbox as separate processes (the reliability campaign): hand
// the sandbox's transaction report of a day to Paydesk over HTTP and get the open discrepancies back —
// an empty list when Antom's books and Paydesk's agree (D16).
import { jsonRequest } from '@paydesk/testkit';

export interface ReconcileDayOptions {
  serverUrl: string;
  merchantApiKey: string;
  sandboxUrl: string;
  /** YYYY-MM-DD (UTC+8, Antom's day) or `today`. */
  day: string;
}

/** Imports the sandbox's report of `day` as it stands now; resolves to the day's open discrepancies. */
export async function reconcileSandboxDay(options: ReconcileDayOptions): Promise<Record<string, unknown>[]> {
  const reports = await jsonRequest(options.sandboxUrl, 'GET', `/sandbox/api/reports/${options.day}`);
  if (reports.status !== 200)
    throw new Error(`sandbox reports: ${reports.status} ${JSON.stringify(reports.body)}`);
  const file = (reports.body.files as { kind: string; name: string; content: string }[]).find(
    (f) => f.kind === 'TRANSACTIONS',
  )!;
  const imported = await jsonRequest(
    options.serverUrl,
    'POST',
    '/api/v1/reconciliation/reports',
    { name: file.name, content: file.content },
    { authorization: `Bearer ${options.merchantApiKey}` },
  );
  if (imported.status !== 201 && imported.status !== 200) {
    throw new Error(`import: ${imported.status} ${JSON.stringify(imported.body)}`);
  }
  return imported.body.discrepancies as Record<string, unknown>[];
}
