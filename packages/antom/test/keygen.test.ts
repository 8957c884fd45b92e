// The keygen CLI (D2.11), run as `npm run keygen` runs it: `tsx packages/antom/src/cli/keygen.ts` from
// node_modules/.bin (npm's own start, a CPU-second each time, is left out: it timed out a loaded run).
// The printed keys must load (PEM and the dashboard's base64 forms) and form one working pair.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPrivateKey, loadPublicKey, signMessage, verifyMessage } from '../src/index.ts';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const KEYGEN = 'packages/antom/src/cli/keygen.ts';

function keygen(...args: string[]) {
  return run(join(REPO_ROOT, 'node_modules/.bin/tsx'), [KEYGEN, ...args], {
    cwd: REPO_ROOT,
    timeout: 90_000,
  });
}

/** The lines that follow the `# …` heading containing `title`, up to the next blank line or heading. */
function section(output: string, title: string): string {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.startsWith('#') && line.includes(title));
  expect(start).toBeGreaterThanOrEqual(0);
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#') || (line.trim() === '' && body.length > 0)) break;
    if (line.trim() !== '') body.push(line);
  }
  return body.join('\n');
}

const message = { path: '/ams/api/v1/payments/pay', clientId: 'SANDBOX_X', time: '1', body: '{"a":"ก"}' };

describe('npm run keygen', () => {
  let dir: string;
  let plain: { stdout: string; stderr: string };
  let withOut: { stdout: string; stderr: string };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'antom-keygen-'));
    [plain, withOut] = await Promise.all([keygen(), keygen('--out', dir)]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a pair as PEM and as the dashboard base64 forms, all loading to one working pair', () => {
    const privatePem = section(plain.stdout, 'private key (PEM');
    const privateBase64 = section(plain.stdout, 'private key, single-line base64');
    const publicPem = section(plain.stdout, 'public key (PEM');
    const publicBase64 = section(plain.stdout, 'public key, single-line base64');
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----$/);
    expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----$/);
    expect(privateBase64).toMatch(/^[A-Za-z0-9+/]+=*$/); // one line
    expect(publicBase64).toMatch(/^[A-Za-z0-9+/]+=*$/);

    const signature = signMessage(message, loadPrivateKey(privatePem));
    expect(signMessage(message, loadPrivateKey(privateBase64))).toBe(signature);
    expect(verifyMessage(message, signature, loadPublicKey(publicPem))).toBe(true);
    expect(verifyMessage(message, signature, loadPublicKey(publicBase64))).toBe(true);
    expect(loadPrivateKey(privatePem).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('makes a new pair each run', () => {
    expect(section(plain.stdout, 'public key, single-line base64')).not.toBe(
      section(withOut.stdout, 'public key, single-line base64'),
    );
  });

  it('writes the pair to --out DIR, the private key readable by its owner only', () => {
    expect(withOut.stderr).toContain('merchant-private.pem');
    const privatePath = join(dir, 'merchant-private.pem');
    const publicPath = join(dir, 'merchant-public.pem');
    expect(statSync(privatePath).mode & 0o777).toBe(0o600);
    expect(readFileSync(privatePath, 'utf8').trim()).toBe(section(withOut.stdout, 'private key (PEM'));
    const signature = signMessage(message, loadPrivateKey(`@${privatePath}`));
    expect(verifyMessage(message, signature, loadPublicKey(`@${publicPath}`))).toBe(true);
  });

  it('prints usage for --help and fails on --out without a directory', async () => {
    const [help, missing] = await Promise.all([keygen('--help'), keygen('--out').catch((e: unknown) => e)]);
    expect(help.stdout).toContain('usage: antom-keygen');
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('--out needs a directory') });
  });
});
