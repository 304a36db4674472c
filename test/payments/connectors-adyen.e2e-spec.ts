import { randomUUID } from 'node:crypto';
import { AdyenConnector, type AdyenSettings } from '@modules/payments/connectors/adyen/adyen.connector';
import { ConnectorError, WebhookVerificationError } from '@modules/payments/connectors/connector';
import { AdyenFake } from '../support/providers/adyen-fake';
import { closedPort } from '../support/providers/payment-fake-base';

/*
 * The Adyen connector (official SDK's Checkout PaymentsApi and ModificationsApi, through its
 * pluggable HTTP client pointed at the fake) against a local Adyen Checkout.
 */
describe('Adyen connector against the Adyen fake', () => {
  let fake: AdyenFake;
  let settings: AdyenSettings;
  let adyen: AdyenConnector;

  beforeEach(async () => {
    fake = await new AdyenFake().start();
    settings = {
      apiKey: fake.apiKey,
      merchantAccount: fake.merchantAccount,
      baseUrl: fake.url,
      hmacKey: fake.hmacKey,
      timeoutMs: 1500,
      currencies: [],
      defaultReturnUrl: 'https://app.example/return',
      reportBaseUrl: `${fake.reportsUrl}/reports/download`,
      firstReportBatch: 1,
    };
    adyen = new AdyenConnector(settings);
  });
  afterEach(() => fake.close());

  const payment = (token = 'stored-visa', over: Record<string, unknown> = {}) => ({
    paymentId: randomUUID(),
    idempotencyKey: `key-${randomUUID()}`,
    method: 'card' as const,
    currency: 'EUR',
    amount: 2599n,
    paymentMethodToken: token,
    ...over,
  });

  it('sends /payments with merchantAccount, amount {currency, value}, reference = our id and the Idempotency-Key header', async () => {
    const request = payment();
    const result = await adyen.authorize(request);
    expect(result).toEqual({ status: 'succeeded', providerReference: expect.stringMatching(/^PSP/) as unknown });
    expect(fake.bodies[0]).toMatchObject({
      merchantAccount: 'SkyroECOM',
      amount: { currency: 'EUR', value: 2599 },
      reference: request.paymentId,
      returnUrl: 'https://app.example/return',
    });
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v72/payments', idempotencyKey: request.idempotencyKey });
    expect(fake.charges).toHaveLength(1);
  });

  it('maps Refused to a failed result with the refusal code, RedirectShopper to requires_action, Pending to processing', async () => {
    expect(await adyen.authorize(payment('stored-refused'))).toMatchObject({ status: 'failed', failureCode: 'Refused:2' });
    const redirect = await adyen.authorize(payment('stored-3ds'));
    expect(redirect).toMatchObject({ status: 'requires_action', nextAction: { type: 'redirect', url: `${fake.url}/hpp/3ds/${redirect.providerReference}` } });
    expect((await adyen.authorize(payment('stored-pending'))).status).toBe('processing');
    expect(fake.charges).toHaveLength(0);
  });

  it('captures, refunds and cancels on /payments/{pspReference}/…, answered received (processing) and settled by notification', async () => {
    const paid = await adyen.authorize(payment());
    const captured = await adyen.capture(paid.providerReference, 2599n, 'EUR', `cap-${randomUUID()}`);
    expect(captured).toEqual({ status: 'processing', providerReference: paid.providerReference });
    const refund = await adyen.refund({
      paymentId: randomUUID(),
      refundId: randomUUID(),
      providerReference: paid.providerReference,
      amount: 1000n,
      currency: 'EUR',
      idempotencyKey: `r-${randomUUID()}`,
    });
    expect(refund.status).toBe('processing');
    expect(fake.refundsReceived).toEqual([{ pspReference: refund.providerReference, originalReference: paid.providerReference, value: 1000 }]);
    const other = await adyen.authorize(payment('stored-3ds'));
    expect((await adyen.cancel(other.providerReference, `c-${randomUUID()}`)).status).toBe('processing');
    expect(fake.requests.map((r) => r.path).filter((p) => p !== '/v72/payments')).toEqual([
      `/v72/payments/${paid.providerReference}/captures`,
      `/v72/payments/${paid.providerReference}/refunds`,
      `/v72/payments/${other.providerReference}/cancels`,
    ]);
    expect(adyen.capabilities.has('status')).toBe(false);
  });

  it('a timeout after the work is outcome-unknown; the retry with the same Idempotency-Key charges once', async () => {
    const request = payment();
    fake.afterTheWork('hang');
    const error = await adyen.authorize(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true, outcomeUnknown: true });
    expect(fake.charges).toHaveLength(1);
    const retried = await adyen.authorize(request);
    expect(retried).toMatchObject({ status: 'succeeded', providerReference: fake.charges[0]!.pspReference });
    expect(fake.charges).toHaveLength(1);
  });

  it('a dropped socket and a 5xx are outcome-unknown; 422 validation is not retryable; a wrong key is not retryable', async () => {
    fake.afterTheWork('drop');
    await expect(adyen.authorize(payment())).rejects.toMatchObject({ retryable: true, outcomeUnknown: true });
    fake.script.push({
      status: 500,
      headers: { 'content-type': 'application/json' },
      body: '{"status":500,"errorCode":"905","message":"Payment details are not supported","errorType":"configuration"}',
    });
    await expect(adyen.authorize(payment())).rejects.toMatchObject({ code: '905', retryable: true, outcomeUnknown: true });
    await expect(adyen.authorize(payment('stored-visa', { currency: 'EURO' }))).rejects.toMatchObject({ code: '138', retryable: false, outcomeUnknown: false });
    const wrong = new AdyenConnector({ ...settings, apiKey: 'AQE_wrong_key_999' });
    const error = (await wrong.authorize(payment()).catch((e: unknown) => e)) as ConnectorError;
    expect(error).toMatchObject({ retryable: false, outcomeUnknown: false });
    expect(error.message).not.toContain('AQE_wrong_key_999');
  });

  it('connection refused is retryable with the outcome known', async () => {
    const offline = new AdyenConnector({ ...settings, baseUrl: `http://127.0.0.1:${await closedPort()}` });
    await expect(offline.authorize(payment())).rejects.toMatchObject({ code: 'UNREACHABLE', retryable: true, outcomeUnknown: false });
  });

  describe('standard notifications', () => {
    it('verifies every item with the SDK HmacValidator and translates AUTHORISATION, CAPTURE, REFUND, CANCELLATION', async () => {
      const request = payment();
      const paid = await adyen.authorize(request);
      await adyen.capture(paid.providerReference, 2599n, 'EUR', randomUUID());
      const refund = await adyen.refund({
        paymentId: request.paymentId,
        refundId: randomUUID(),
        providerReference: paid.providerReference,
        amount: 599n,
        currency: 'EUR',
        idempotencyKey: randomUUID(),
      });
      const [authorisation, capture, refunded] = fake.events;
      const { body, headers } = fake.sign(authorisation!, { items: [authorisation!, capture!, refunded!] });
      const events = await adyen.verifyWebhook(body, headers);
      expect(events).toMatchObject([
        {
          eventId: `${paid.providerReference}:AUTHORISATION:true`,
          subject: 'payment',
          status: 'succeeded',
          providerReference: paid.providerReference,
          paymentId: request.paymentId,
          amount: 2599n,
        },
        { subject: 'payment', status: 'succeeded', providerReference: paid.providerReference },
        { subject: 'refund', status: 'refunded', providerReference: refund.providerReference, amount: 599n },
      ]);
      const other = await adyen.authorize(payment('stored-3ds'));
      await adyen.cancel(other.providerReference, randomUUID());
      const cancellation = fake.events.at(-1)!;
      expect(await adyen.verifyWebhook(fake.sign(cancellation).body, {})).toMatchObject([
        { subject: 'payment', status: 'canceled', providerReference: other.providerReference },
      ]);
    });

    it('translates a refused authorisation and a failed refund', async () => {
      await adyen.authorize(payment('stored-refused'));
      expect(await adyen.verifyWebhook(fake.sign(fake.events[0]!).body, {})).toMatchObject([{ status: 'failed', failureCode: 'Refused:Refused' }]);
      const paid = await adyen.authorize(payment());
      fake.modificationsSucceed = false;
      await adyen.refund({
        paymentId: randomUUID(),
        refundId: randomUUID(),
        providerReference: paid.providerReference,
        amount: 1n,
        currency: 'EUR',
        idempotencyKey: randomUUID(),
      });
      expect(await adyen.verifyWebhook(fake.sign(fake.events.at(-1)!).body, {})).toMatchObject([
        { subject: 'refund', status: 'failed', failureCode: 'Insufficient balance on payment' },
      ]);
    });

    it('refuses a batch with a forged item, a tampered amount, a missing signature, or no items', async () => {
      await adyen.authorize(payment());
      const item = fake.events[0]!;
      await expect(adyen.verifyWebhook(fake.sign(item, { key: 'AA'.repeat(32) }).body, {})).rejects.toBeInstanceOf(WebhookVerificationError);
      const tampered = Buffer.from(fake.sign(item).body.toString('utf8').replace('"value":2599', '"value":1'));
      await expect(adyen.verifyWebhook(tampered, {})).rejects.toBeInstanceOf(WebhookVerificationError);
      const unsigned = Buffer.from(JSON.stringify({ live: 'false', notificationItems: [{ NotificationRequestItem: item }] }));
      await expect(adyen.verifyWebhook(unsigned, {})).rejects.toBeInstanceOf(WebhookVerificationError);
      const good = fake.sign(item);
      const mixed = JSON.parse(good.body.toString('utf8')) as { notificationItems: unknown[] };
      mixed.notificationItems.push(JSON.parse(fake.sign(item, { key: 'BB'.repeat(32) }).body.toString('utf8')).notificationItems[0]);
      await expect(adyen.verifyWebhook(Buffer.from(JSON.stringify(mixed)), {})).rejects.toBeInstanceOf(WebhookVerificationError);
      await expect(adyen.verifyWebhook(Buffer.from('{"live":"false","notificationItems":[]}'), {})).rejects.toBeInstanceOf(WebhookVerificationError);
    });
  });
});
