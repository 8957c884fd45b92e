// The fixture set (docs/antom/samples, D13): every sample fits the shapes written from Antom's pages
// and models, and the client parses every response sample over real HTTP (and every notification sample
// through verifyNotification) into the outcome it stands for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AntomClient,
  NOTIFICATION_ACK,
  signNotification,
  verifyNotification,
  type AntomRequests,
} from '../src/index.ts';
import { answer, FakeGateway, GATEWAY_PRIVATE_KEY } from './helpers/fake-gateway.helper.ts';
import {
  cancelRequest,
  consultRequest,
  inquiryPaymentRequest,
  inquiryRefundRequest,
  payRequest,
  refundRequest,
  SANDBOX_CLIENT_ID,
} from './helpers/requests.helper.ts';
import { loadSamples, shapeProblems } from './helpers/samples.helper.ts';
import { vectors } from './helpers/vectors.helper.ts';

const samples = loadSamples();
const API_SAMPLES = ['pay', 'inquiryPayment', 'cancel', 'refund', 'inquiryRefund', 'consult'] as const;
const NOTIFY_SAMPLES = ['notifyPayment', 'notifyRefund'] as const;

let gateway: FakeGateway;
beforeAll(async () => {
  gateway = await FakeGateway.start();
});
afterAll(() => gateway.close());

describe('the fixture set', () => {
  it('holds request and response samples of the eight APIs, each naming the page it came from', () => {
    expect(Object.keys(samples).sort()).toEqual(
      [...API_SAMPLES, ...NOTIFY_SAMPLES].sort((a, b) => a.localeCompare(b)),
    );
    for (const sample of Object.values(samples)) {
      expect(sample.page).toMatch(/^https:\/\/docs\.antom\.com\//);
      expect(sample.responses.length).toBeGreaterThan(0);
      expect(sample.note.length).toBeGreaterThan(40);
    }
  });

  it.each(Object.values(samples).map((sample) => [sample.api, sample] as const))(
    '%s: the samples fit their own shapes, with no field outside Antom’s models',
    (_api, sample) => {
      const request = NOTIFY_SAMPLES.includes(sample.api as never) ? undefined : sample.request;
      if (request) expect(shapeProblems(request, sample.requestShape, { strict: true })).toEqual([]);
      for (const response of sample.responses) {
        expect(shapeProblems(response.body, sample.responseShape, { strict: true })).toEqual([]);
      }
      for (const notification of sample.notifications ?? []) {
        expect(shapeProblems(notification.body, sample.requestShape, { strict: true })).toEqual([]);
      }
    },
  );

  it('the shapes catch what they should: a missing required field, a wrong type, an unknown field', () => {
    const { responseShape } = samples.pay!;
    expect(shapeProblems({}, responseShape)).toEqual(['result is required']);
    expect(
      shapeProblems(
        {
          result: { resultCode: 'X', resultStatus: 'S' },
          paymentAmount: { currency: 'THB', value: 150 },
          orderCodeForm: { codeDetails: [{ codeValue: 'x', displayType: 'PICTURE' }] },
          surprise: '1',
        },
        responseShape,
        { strict: true },
      ),
    ).toEqual([
      'paymentAmount must be { currency, value } with a minor-unit string value',
      'orderCodeForm.expireTime is required',
      'orderCodeForm.codeDetails[0].displayType must be one of TEXT|SMALLIMAGE|MIDDLEIMAGE|BIGIMAGE|IMAGE (got "PICTURE")',
      "surprise is not a field of Antom's model",
    ]);
  });

  it('the typed requests this package documents send only fields of Antom’s models', () => {
    const requests: Record<(typeof API_SAMPLES)[number], unknown> = {
      pay: payRequest(),
      inquiryPayment: inquiryPaymentRequest,
      cancel: cancelRequest,
      refund: refundRequest,
      inquiryRefund: inquiryRefundRequest,
      consult: consultRequest,
    };
    for (const api of API_SAMPLES) {
      expect(shapeProblems(requests[api], samples[api]!.requestShape, { strict: true })).toEqual([]);
    }
  });
});

describe('the client parses every response sample', () => {
  const client = () =>
    new AntomClient({
      clientId: SANDBOX_CLIENT_ID,
      privateKey: vectors.keys.merchantPrivateKeyPem,
      antomPublicKey: vectors.keys.gatewayPublicKeyPem,
      gatewayUrl: gateway.url,
      maxRetries: 0,
    });

  it.each(
    API_SAMPLES.flatMap((api) =>
      samples[api]!.responses.map((response) => [api, response.name, response] as const),
    ),
  )('%s: %s', async (api, _name, response) => {
    gateway.reset();
    gateway.script(answer(response.body));
    const outcome = await client().send(api, samples[api]!.request as AntomRequests[typeof api]);
    expect(outcome).toEqual(response.body);
    // The same answer through the API's own method, sorted into its outcome.
    gateway.script(answer(response.body));
    const call = client()[api] as (request: unknown) => Promise<{ kind: string; response: unknown }>;
    const sorted = await call.call(client(), samples[api]!.request);
    expect(sorted.kind).toBe(response.expect);
    expect(sorted.response).toEqual(response.body);
  });

  it('reads the reversal sample as a reversal, and the code samples as created codes', async () => {
    const reversal = samples.inquiryPayment!.responses.find((r) => r.name.includes('reversal'))!;
    gateway.reset();
    gateway.script(answer(reversal.body));
    const outcome = await client().inquiryPayment(inquiryPaymentRequest);
    expect(outcome).toMatchObject({
      kind: 'found',
      paymentStatus: 'CANCELLED',
      reversal: { time: '2019-06-08T19:45:00+08:00', amount: { currency: 'THB', value: '15000' } },
    });
  });
});

describe('verifyNotification parses every notification sample, and the ACK is the sample response', () => {
  it.each(
    NOTIFY_SAMPLES.flatMap((api) =>
      (samples[api]!.notifications ?? []).map((n) => [api, n.name, n] as const),
    ),
  )('%s: %s', (_api, _name, notification) => {
    const rawBody = JSON.stringify(notification.body);
    const headers = signNotification({
      body: rawBody,
      notifyPath: '/api/v1/antom/notify',
      clientId: SANDBOX_CLIENT_ID,
      requestTime: '2019-11-27T12:01:02+08:00',
      privateKey: GATEWAY_PRIVATE_KEY,
    });
    const event = verifyNotification({
      rawBody,
      headers,
      notifyPath: '/api/v1/antom/notify',
      clientId: SANDBOX_CLIENT_ID,
      antomPublicKey: vectors.keys.gatewayPublicKeyPem,
    });
    expect(event.type).toBe(notification.expect);
  });

  it.each(NOTIFY_SAMPLES)('%s: NOTIFICATION_ACK is the published acknowledgement', (api) => {
    expect(JSON.parse(NOTIFICATION_ACK)).toEqual(samples[api]!.responses[0]!.body);
  });
});
