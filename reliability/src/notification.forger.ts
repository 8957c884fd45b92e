// Forged and replayed Antom notifications (D6.3 and D6.6). The truth comes from the sandbox:
// the notifications it really sent. From each, the forger makes either a replay Antom could send (the
// same body re-signed, now or with an old request-time) or a forgery: a bit flipped in the body, the
// signature header or the time; another key; another client id; a payment we never made; an amount or a
// currency changed under a valid signature; no signature; a body that is not JSON. Replays must be
// harmless, forgeries refused (never acknowledged), and neither may change any state.
import type { KeyObject } from 'node:crypto';
import { signNotification } from '@paydesk/antom';
import type { SeededRandom } from './seeded.random.ts';

export const FORGERY_KINDS = [
  'replay',
  'staleReplay',
  'bodyBitFlip',
  'signatureBitFlip',
  'timeBitFlip',
  'clientIdBitFlip',
  'wrongKey',
  'wrongClientId',
  'unknownPayment',
  'amountChanged',
  'currencyChanged',
  'unsigned',
  'notJson',
] as const;
export type ForgeryKind = (typeof FORGERY_KINDS)[number];

/** Replays carry Antom's real content; everything else must be refused. */
export const HARMLESS_KINDS: ReadonlySet<ForgeryKind> = new Set(['replay', 'staleReplay']);

/** A notification the sandbox really sent: its URL path and its JSON body. */
export interface TruthfulNotification {
  path: string;
  body: Record<string, unknown>;
}

export interface ForgedRequest {
  kind: ForgeryKind;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ForgerDeps {
  clientId: string;
  /** The gateway's (Antom's) private key: what makes a signature valid. */
  gatewayKey: KeyObject;
  /** Any other private key (e.g. the merchant's own). */
  otherKey: KeyObject;
}

/** Flips one bit of one byte, keeping the byte printable ASCII when `printable` (header values). */
function flipBit(bytes: Buffer, rng: SeededRandom, printable: boolean): Buffer {
  const out = Buffer.from(bytes);
  for (let tries = 0; tries < 100; tries += 1) {
    const index = rng.int(0, out.length - 1);
    const flipped = (out[index] as number) ^ (1 << rng.int(0, 7));
    if (printable && (flipped < 0x21 || flipped > 0x7e)) continue;
    out[index] = flipped;
    return out;
  }
  out[0] = (out[0] as number) === 0x41 ? 0x42 : 0x41;
  return out;
}

function oldTime(rng: SeededRandom): string {
  return new Date(Date.now() - rng.int(60_000, 30 * 86_400_000)).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** Builds one forged or replayed request from a truthful notification. */
export function forge(
  kind: ForgeryKind,
  truth: TruthfulNotification,
  rng: SeededRandom,
  deps: ForgerDeps,
): ForgedRequest {
  const sign = (body: string, options: { key?: KeyObject; clientId?: string; time?: string } = {}) =>
    signNotification({
      body,
      notifyPath: truth.path,
      clientId: options.clientId ?? deps.clientId,
      requestTime: options.time ?? new Date().toISOString().replace(/\.\d{3}Z$/, '+08:00'),
      privateKey: options.key ?? deps.gatewayKey,
    });
  const text = JSON.stringify(truth.body);
  const signed = (body: string, options?: Parameters<typeof sign>[1]) => ({
    kind,
    headers: sign(body, options),
    body: Buffer.from(body, 'utf8'),
  });
  const withChange = (change: (body: Record<string, unknown>) => void) => {
    const copy = structuredClone(truth.body);
    change(copy);
    return signed(JSON.stringify(copy));
  };
  const amountField = truth.body.notifyType === 'REFUND_RESULT' ? 'refundAmount' : 'paymentAmount';
  const amount = (truth.body[amountField] ?? { currency: 'THB', value: '100' }) as {
    currency: string;
    value: string;
  };
  switch (kind) {
    case 'replay':
      return signed(text);
    case 'staleReplay':
      return signed(text, { time: oldTime(rng) });
    case 'bodyBitFlip': {
      const request = signed(text);
      return { ...request, body: flipBit(request.body, rng, false) };
    }
    case 'signatureBitFlip': {
      // One bit of the signature itself. (Flipping a character of its text form can leave the same
      // bytes — `%2F` vs `%2f`, or base64's unused trailing bits — which is no forgery at all.)
      const request = signed(text);
      const header = request.headers.signature!;
      const start = header.indexOf('signature=') + 'signature='.length;
      const bytes = Buffer.from(decodeURIComponent(header.slice(start)), 'base64');
      const index = rng.int(0, bytes.length - 1);
      bytes[index] = (bytes[index] as number) ^ (1 << rng.int(0, 7));
      const value = encodeURIComponent(bytes.toString('base64'));
      return { ...request, headers: { ...request.headers, signature: header.slice(0, start) + value } };
    }
    case 'timeBitFlip': {
      const request = signed(text);
      const time = flipBit(Buffer.from(request.headers['request-time']!), rng, true).toString('latin1');
      return { ...request, headers: { ...request.headers, 'request-time': time } };
    }
    case 'clientIdBitFlip': {
      const request = signed(text);
      const client = flipBit(Buffer.from(request.headers['client-id']!), rng, true).toString('latin1');
      return { ...request, headers: { ...request.headers, 'client-id': client } };
    }
    case 'wrongKey':
      return signed(text, { key: deps.otherKey });
    case 'wrongClientId':
      return signed(text, { clientId: `SANDBOX_SOMEONE_ELSE_${rng.int(0, 999)}` });
    case 'unknownPayment':
      return withChange((body) => {
        const field = body.notifyType === 'REFUND_RESULT' ? 'refundRequestId' : 'paymentRequestId';
        body[field] = `${field === 'refundRequestId' ? 'ref' : 'pay'}_FORGED${rng.int(0, 1e9)}`;
      });
    case 'amountChanged':
      return withChange((body) => {
        const value = BigInt(amount.value) + BigInt(rng.pick([-1, 1, 100, 99_999]));
        body[amountField] = { ...amount, value: (value > 0n ? value : 1n).toString() };
      });
    case 'currencyChanged':
      return withChange((body) => {
        body[amountField] = { ...amount, currency: amount.currency === 'USD' ? 'EUR' : 'USD' };
      });
    case 'unsigned': {
      const request = signed(text);
      const headers = { ...request.headers };
      delete headers.signature;
      return { ...request, headers };
    }
    case 'notJson':
      return signed(`${text.slice(0, rng.int(1, Math.max(1, text.length - 1)))}`);
  }
}

/** Sends a forged request to the server's notify endpoint. */
export async function sendForged(
  serverUrl: string,
  path: string,
  request: ForgedRequest,
): Promise<{ status: number; text: string }> {
  const response = await fetch(serverUrl + path, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, text: await response.text() };
}

/** The notifications the sandbox really sent (with their URL path), from its control API. */
export function truthfulNotifications(list: unknown): TruthfulNotification[] {
  const items = (list as { notifications?: { url: string; body: Record<string, unknown> }[] })?.notifications;
  return (items ?? []).map((n) => ({ path: new URL(n.url).pathname, body: n.body }));
}
