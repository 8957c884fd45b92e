// The control API of the reports (D16): what is published on the SFTP server, a day's reports as the
// ledger stands now (what a reliability harness reconciles against), and publishing a day early — whole,
// or cut short to see the merchant refuse it. Errors are `{ error: { code, message } }` with a 4xx.
import type { FastifyInstance } from 'fastify';
import { ControlError } from '../http-errors.ts';
import { antomDate } from '../time.ts';
import { REPORTS_ROOT, type ReportPublisher } from './report.publisher.ts';
import type { SftpServer } from './sftp.server.ts';

export interface ReportRoutesOptions {
  publisher: ReportPublisher;
  now: () => number;
  /** The SFTP server and its user, once it listens. */
  sftp: () => { server: SftpServer; username: string } | undefined;
}

/** `2026-12-03`, `20261203` or `today` → `20261203` (UTC+8, Antom's day); anything else is a 400. */
function dayOf(text: string, now: number): string {
  if (text === 'today') return antomDate(now);
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
  const day = match ? `${match[1]}${match[2]}${match[3]}` : '';
  const parsed = match ? new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`) : null;
  if (
    !parsed ||
    Number.isNaN(parsed.getTime()) ||
    parsed.toISOString().slice(0, 10).replaceAll('-', '') !== day
  ) {
    throw new ControlError(400, 'INVALID_DAY', `day must be YYYY-MM-DD, YYYYMMDD or today (got "${text}")`);
  }
  return day;
}

export async function reportRoutes(app: FastifyInstance, options: ReportRoutesOptions): Promise<void> {
  const { publisher, now } = options;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ControlError(400, 'INVALID_JSON', 'the body is not valid JSON'), undefined);
    }
  });
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof ControlError) {
      return reply.code(error.statusCode).send({ error: { code: error.code, message: error.message } });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .send({ error: { code: error.code ?? 'BAD_REQUEST', message: error.message } });
    }
    request.log.error({ err: error }, 'sandbox report request failed');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
  });

  app.get('/sandbox/api/reports', async () => {
    const sftp = options.sftp();
    return {
      root: REPORTS_ROOT,
      customerId: publisher.context.customerId,
      sftp: sftp
        ? {
            port: sftp.server.port,
            username: sftp.username,
            hostKeyFingerprint: sftp.server.hostKeyFingerprint,
          }
        : null,
      files: publisher
        .files()
        .map((f) => ({ path: f.path, size: f.content.length, mtime: new Date(f.mtime).toISOString() })),
    };
  });

  app.get<{ Params: { day: string } }>('/sandbox/api/reports/:day', async (request) => {
    const day = dayOf(request.params.day, now());
    const reports = publisher.build(day);
    const file = (kind: string, f: { folder: string; name: string; content: string }) => ({
      kind,
      name: f.name,
      path: `${REPORTS_ROOT}/${f.folder}/${f.name}`,
      content: f.content,
    });
    return {
      day,
      files: [
        file('TRANSACTIONS', reports.transactions),
        ...reports.settlementDetails.map((f) => file('SETTLEMENT_DETAILS', f)),
        ...reports.settlementSummaries.map((f) => file('SETTLEMENT_SUMMARY', f)),
      ],
    };
  });

  app.post<{ Params: { day: string } }>('/sandbox/api/reports/:day/publish', async (request) => {
    const day = dayOf(request.params.day, now());
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) {
      throw new ControlError(400, 'INVALID_BODY', 'the body must be a JSON object');
    }
    const unknown = Object.keys(body).filter((key) => key !== 'truncate');
    if (unknown.length > 0) throw new ControlError(400, 'UNKNOWN_FIELD', `unknown field ${unknown[0]}`);
    if (body.truncate !== undefined && typeof body.truncate !== 'boolean') {
      throw new ControlError(400, 'INVALID_FIELD', 'truncate must be a boolean');
    }
    const written = publisher.publish(day, { truncate: body.truncate === true });
    return { day, files: written.map((f) => ({ path: f.path, size: f.content.length })) };
  });
}
