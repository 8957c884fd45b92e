// The baseline of the status-poll bench (D7.4): a bare Fastify route answering a constant
// JSON shaped like GET /api/v1/checkout/:token/status, in a process of its own started the same way as the
// server (`node --import tsx`). Its throughput is what this machine can serve with no database, no token
// look-up and no rate limiting — the ceiling the status poll is held against.
import Fastify from 'fastify';

const STATUS = {
  orderStatus: 'OPEN',
  expiresAt: '2030-01-01T00:30:00.000Z',
  payment: { id: 'pay_0123456789abcdefghijklmn', status: 'PROCESSING', reason: null, hasCode: true },
  serverTime: '2030-01-01T00:00:00.000Z',
  returnUrl: null,
} as const;

const app = Fastify({ logger: false });
app.get('/status', async () => STATUS);
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
