// Antom's reconciliation reports from the sandbox's ledger (D16.1): a day's Transaction details
// report with PAYMENT, CANCEL and REFUND rows in Antom's columns, the settlement files of its batch, and
// all of them over a real SFTP server on loopback, read-only, at Antom's paths and names.
import ssh2 from 'ssh2';
import type { SFTPWrapper } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf, generateSshKeyPair } from '../src/index.ts';
import { createPayment, payRequest, startSandbox, uniqueId, type Harness } from './helpers.ts';

const { Client, utils } = ssh2;

let h: Harness;
const key = generateSshKeyPair();
let port: number;
beforeAll(async () => {
  h = await startSandbox({ reports: { customerId: '2188400000009999' } });
  port = await h.sandbox.reports.listenSftp({ username: 'merchant', authorizedKeys: [key.public] });
});
afterAll(() => h.close());

/** Opens an SFTP session as `username` with `privateKey`, pinning the sandbox's host key. */
function sftpSession(
  privateKey = key.private,
  username = 'merchant',
): Promise<{ sftp: SFTPWrapper; end(): void }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client
      .on('ready', () =>
        client.sftp((error, sftp) => (error ? reject(error) : resolve({ sftp, end: () => client.end() }))),
      )
      .on('error', reject)
      .connect({
        host: '127.0.0.1',
        port,
        username,
        privateKey,
        hostVerifier: (hostKey: Buffer) =>
          h.sandbox.reports.sftp!.hostKeyFingerprint === fingerprintOf(hostKey),
      });
  });
}

const readdir = (sftp: SFTPWrapper, path: string) =>
  new Promise<string[]>((resolve, reject) =>
    sftp.readdir(path, (error, list) =>
      error ? reject(error) : resolve(list.map((e) => e.filename).sort()),
    ),
  );
const read = (sftp: SFTPWrapper, path: string) =>
  new Promise<string>((resolve, reject) =>
    sftp.readFile(path, (error, data) => (error ? reject(error) : resolve(data.toString('utf8')))),
  );

/** Parses one report: header and rows as objects (the files here hold no quoted commas but the test's). */
function rows(csv: string): Record<string, string>[] {
  const lines = csv.trimEnd().split('\n');
  expect(lines.at(-1)).toBe('<END>');
  const header = lines[0]!.split(',');
  return lines
    .slice(1, -1)
    .map((line) => Object.fromEntries(header.map((name, i) => [name, line.split(',')[i] ?? ''])));
}

async function paid(
  method: string,
  value: string,
  currency = 'THB',
): Promise<{ paymentId: string; paymentRequestId: string }> {
  const request = payRequest({ amount: { currency, value }, paymentMethod: { paymentMethodType: method } });
  const { paymentId } = await createPayment(h.client(), request);
  expect((await h.control('POST', `/sandbox/api/payments/${paymentId}/pay`)).status).toBe(200);
  return { paymentId, paymentRequestId: request.paymentRequestId };
}

describe('the reconciliation reports', () => {
  it("lists today's PAYMENT, CANCEL and REFUND rows with Antom's ids, signed amounts and fees", async () => {
    const kept = await paid('TRUEMONEY', '150000');
    const cancelled = await paid('TRUEMONEY', '20000');
    expect((await h.client().cancel({ paymentId: cancelled.paymentId })).kind).toBe('cancelled');
    const refundRequestId = uniqueId('refund');
    const refund = await h.client().refund({
      refundRequestId,
      paymentId: kept.paymentId,
      refundAmount: { currency: 'THB', value: '50000' },
    });
    expect(refund.kind).toBe('succeeded');

    const answer = await h.control<{
      day: string;
      files: { kind: string; name: string; path: string; content: string }[];
    }>('GET', '/sandbox/api/reports/today');
    expect(answer.status).toBe(200);
    const { day, files } = answer.body;
    const transactions = files.find((f) => f.kind === 'TRANSACTIONS')!;
    expect(transactions.path).toBe(`/v1/settlements/2188400000009999/${day}/transactionItems_${day}_000.csv`);
    const byKey = new Map(
      rows(transactions.content).map((r) => [`${r.transactionType}:${r.transactionRequestId}`, r]),
    );
    expect(byKey.get(`PAYMENT:${kept.paymentRequestId}`)).toMatchObject({
      transactionId: kept.paymentId,
      originalTransactionId: '',
      transactionAmountValue: '1500.00',
      transactionCurrency: 'THB',
      feeAmountValue: '-27.00', // 1.8 % of a wallet payment
      taxFeeAmountValue: '-1.89', // 7 % of the fee
      settlementAmountValue: '1471.11',
      paymentMethodType: 'TRUEMONEY',
    });
    expect(byKey.get(`CANCEL:${cancelled.paymentRequestId}`)).toMatchObject({
      transactionId: cancelled.paymentId,
      originalTransactionId: cancelled.paymentId,
      transactionAmountValue: '-200.00',
      feeAmountValue: '3.60',
    });
    expect(byKey.get(`REFUND:${refundRequestId}`)).toMatchObject({
      transactionId: refund.response!.refundId,
      originalTransactionId: kept.paymentId,
      originalTransactionRequestId: kept.paymentRequestId,
      transactionAmountValue: '-500.00',
      feeAmountValue: '0.00',
    });

    const summary = files.find((f) => f.kind === 'SETTLEMENT_SUMMARY')!;
    expect(summary.name).toMatch(/^settlementSummary_THB_\d{14}_000\.csv$/);
    const total = rows(summary.content).find((r) => r.summaryType === 'TOTAL')!;
    const details = rows(files.find((f) => f.kind === 'SETTLEMENT_DETAILS')!.content);
    const cents = (text: string) => Math.round(Number(text) * 100);
    expect(cents(total.settlementAmountValue!)).toBe(
      details.reduce((sum, r) => sum + cents(r.settlementAmountValue!), 0),
    );
    expect(total.count).toBe(String(details.length));
  });

  it('serves a published day over SFTP at Antom’s folders, read-only, and a truncated copy without <END>', async () => {
    const { paymentRequestId } = await paid('GCASH', '99900', 'PHP');
    const published = await h.control<{ day: string; files: { path: string }[] }>(
      'POST',
      '/sandbox/api/reports/today/publish',
      { truncate: true },
    );
    expect(published.status).toBe(200);
    const { day } = published.body;
    const session = await sftpSession();
    try {
      expect(await readdir(session.sftp, '/v1/settlements')).toEqual(['2188400000009999']);
      const folder = `/v1/settlements/2188400000009999/${day}`;
      expect(await readdir(session.sftp, folder)).toEqual([`transactionItems_${day}_000.csv`]);
      const cut = await read(session.sftp, `${folder}/transactionItems_${day}_000.csv`);
      expect(cut).not.toContain('<END>');

      await h.control('POST', '/sandbox/api/reports/today/publish', {});
      const whole = await read(session.sftp, `${folder}/transactionItems_${day}_000.csv`);
      expect(whole.trimEnd().endsWith('<END>')).toBe(true);
      expect(whole).toContain(paymentRequestId);

      const refused = await new Promise<Error | undefined>((resolve) =>
        session.sftp.writeFile(`${folder}/mine.csv`, 'x', (error) => resolve(error ?? undefined)),
      );
      expect(refused?.message).toMatch(/read-only/);
    } finally {
      session.end();
    }
  });

  it('draws SSH keys ssh2 itself accepts (its generator drops a leading zero about once in 250 keys)', () => {
    for (let i = 0; i < 1_000; i += 1) {
      const pair = generateSshKeyPair();
      expect(utils.parseKey(pair.public)).not.toBeInstanceOf(Error);
    }
  });

  it('refuses a key it does not know', async () => {
    const stranger = generateSshKeyPair();
    await expect(sftpSession(stranger.private)).rejects.toThrow(/authentication/i);
  });

  it('refuses a malformed day with 400', async () => {
    const bad = await h.control('GET', '/sandbox/api/reports/2026-02-30');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'INVALID_DAY' } });
  });
});
