import { randomUUID } from 'node:crypto';
import { ConnectorError, WebhookVerificationError } from '@modules/payments/connectors/connector';
import { PaypalConnector, type PaypalSettings } from '@modules/payments/connectors/paypal/paypal.connector';
import { closedPort } from '../support/providers/payment-fake-base';
import { PaypalFake } from '../support/providers/paypal-fake';

/*
 * The PayPal connector (Orders v2 over fetch, OAuth2 client credentials) against a local
 * PayPal: orders, approval, capture, refunds, status, token caching and renewal, the
 * transport failures, and PayPal's webhook verification.
 */
describe('PayPal connector against the PayPal fake', () => {
  let fake: PaypalFake;
  let settings: PaypalSettings;
  let paypal: PaypalConnector;

  beforeEach(async () => {
    fake = await new PaypalFake().start();
    settings = {
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      baseUrl: fake.url,
      webhookId: fake.webhookId,
      timeoutMs: 1500,
      currencies: [],
      defaultReturnUrl: 'https://app.example/return',
    };
    paypal = new PaypalConnector(settings);
  });
  afterEach(() => fake.close());

  const order = (over: Record<string, unknown> = {}) => ({
    paymentId: randomUUID(),
    idempotencyKey: `key-${randomUUID()}`,
    method: 'wallet' as const,
    currency: 'EUR',
    amount: 1999n,
    ...over,
  });

  it('creates an order (intent CAPTURE, custom_id = our id, PayPal-Request-Id) that requires the buyer, then captures it once approved', async () => {
    const request = order();
    const created = await paypal.authorize(request);
    expect(created).toEqual({
      status: 'requires_action',
      providerReference: expect.stringMatching(/^ORD/) as unknown,
      nextAction: { type: 'redirect', url: `${fake.url}/checkoutnow?token=${created.providerReference}` },
    });
    const stored = fake.orders.get(created.providerReference)!;
    expect(stored.purchase_units[0]).toMatchObject({ custom_id: request.paymentId, amount: { currency_code: 'EUR', value: '19.99' } });
    expect(fake.requests.find((r) => r.path === '/v2/checkout/orders')?.idempotencyKey).toBe(request.idempotencyKey);

    await expect(paypal.capture(created.providerReference, 1999n, 'EUR', `cap-${randomUUID()}`)).rejects.toMatchObject({
      code: 'ORDER_NOT_APPROVED',
      retryable: false,
    });
    fake.approve(created.providerReference);
    expect((await paypal.status(created.providerReference)).status).toBe('processing');
    expect(await paypal.capture(created.providerReference, 1999n, 'EUR', `cap-${randomUUID()}`)).toEqual({
      status: 'succeeded',
      providerReference: created.providerReference,
    });
    expect(fake.charges).toEqual([expect.objectContaining({ orderId: created.providerReference, value: '19.99', customId: request.paymentId })]);
    expect((await paypal.status(created.providerReference)).status).toBe('succeeded');
  });

  it('formats amounts by the currency (JPY has no decimals) with string arithmetic', async () => {
    const created = await paypal.authorize(order({ currency: 'JPY', amount: 1500n }));
    expect(fake.orders.get(created.providerReference)!.purchase_units[0]!.amount).toEqual({ currency_code: 'JPY', value: '1500' });
  });

  it('a declined capture is a failed result with the reason', async () => {
    const created = await paypal.authorize(order());
    fake.approve(created.providerReference);
    fake.declineCaptures = true;
    expect(await paypal.capture(created.providerReference, 1999n, 'EUR', randomUUID())).toMatchObject({
      status: 'failed',
      failureCode: 'DECLINED_BY_RISK_FRAUD_FILTERS',
    });
    expect(fake.charges).toHaveLength(0);
  });

  it('refunds on the order capture, with PayPal-Request-Id', async () => {
    const request = order();
    const created = await paypal.authorize(request);
    fake.approve(created.providerReference);
    await paypal.capture(created.providerReference, 1999n, 'EUR', randomUUID());
    const refundKey = `r-${randomUUID()}`;
    const refund = await paypal.refund({
      paymentId: request.paymentId,
      refundId: randomUUID(),
      providerReference: created.providerReference,
      amount: 500n,
      currency: 'EUR',
      idempotencyKey: refundKey,
    });
    expect(refund).toEqual({ status: 'succeeded', providerReference: expect.stringMatching(/^REF/) as unknown });
    expect(fake.refunds).toEqual([{ id: refund.providerReference, captureId: fake.charges[0]!.captureId, value: '5.00', customId: request.paymentId }]);
    expect(
      await paypal.refund({
        paymentId: request.paymentId,
        refundId: randomUUID(),
        providerReference: created.providerReference,
        amount: 500n,
        currency: 'EUR',
        idempotencyKey: refundKey,
      }),
    ).toEqual(refund);
    expect(fake.refunds).toHaveLength(1);
  });

  it('caches the OAuth2 token until it expires, and renews it once on a 401', async () => {
    let now = 1_000_000;
    fake.tokenLifetimeSeconds = 3600;
    const clocked = new PaypalConnector(settings, () => now);
    await clocked.authorize(order());
    await clocked.authorize(order());
    expect(fake.tokensIssued).toBe(1);
    now += 3600_000;
    await clocked.authorize(order());
    expect(fake.tokensIssued).toBe(2);
    fake.revokeTokens();
    expect((await clocked.authorize(order())).status).toBe('requires_action');
    expect(fake.tokensIssued).toBe(3);
    const wrong = new PaypalConnector({ ...settings, clientSecret: 'EwrongSecret999' });
    const error = (await wrong.authorize(order()).catch((e: unknown) => e)) as ConnectorError;
    expect(error).toMatchObject({ code: 'invalid_client', retryable: false, outcomeUnknown: false });
    expect(error.message).not.toContain('EwrongSecret999');
  });

  it('a capture that timed out after PayPal captured is outcome-unknown; the retry with the same PayPal-Request-Id captures once', async () => {
    const created = await paypal.authorize(order());
    fake.approve(created.providerReference);
    const key = `cap-${randomUUID()}`;
    fake.afterTheWork('hang');
    const error = await paypal.capture(created.providerReference, 1999n, 'EUR', key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true, outcomeUnknown: true });
    expect(fake.charges).toHaveLength(1);
    expect((await paypal.capture(created.providerReference, 1999n, 'EUR', key)).status).toBe('succeeded');
    expect(fake.charges).toHaveLength(1);
    // even under another key, an order captured already is read back, never captured twice
    expect((await paypal.capture(created.providerReference, 1999n, 'EUR', `other-${randomUUID()}`)).status).toBe('succeeded');
    expect(fake.charges).toHaveLength(1);
  });

  it('5xx on create is outcome-unknown, on a read known; connection refused is known', async () => {
    fake.script.push({ status: 503, headers: { 'content-type': 'application/json' }, body: '{"name":"SERVICE_UNAVAILABLE"}' });
    await expect(paypal.authorize(order())).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true, outcomeUnknown: true });
    const created = await paypal.authorize(order());
    fake.script.push({ status: 500, headers: { 'content-type': 'application/json' }, body: '{"name":"INTERNAL_SERVER_ERROR"}' });
    await expect(paypal.status(created.providerReference)).rejects.toMatchObject({ retryable: true, outcomeUnknown: false });
    const offline = new PaypalConnector({ ...settings, baseUrl: `http://127.0.0.1:${await closedPort()}` });
    await expect(offline.authorize(order())).rejects.toMatchObject({ code: 'UNREACHABLE', retryable: true, outcomeUnknown: false });
  });

  describe('webhooks', () => {
    it('verifies with PayPal (verify-webhook-signature) and translates approval, capture and refund', async () => {
      const request = order();
      const created = await paypal.authorize(request);
      const approved = fake.approve(created.providerReference);
      await paypal.capture(created.providerReference, 1999n, 'EUR', randomUUID());
      await paypal.refund({
        paymentId: request.paymentId,
        refundId: randomUUID(),
        providerReference: created.providerReference,
        amount: 1999n,
        currency: 'EUR',
        idempotencyKey: randomUUID(),
      });
      const [completed, refunded] = fake.events.filter((e) => e.event_type !== 'CHECKOUT.ORDER.APPROVED');
      const verify = (event: typeof approved) => {
        const { body, headers } = fake.sign(event);
        return paypal.verifyWebhook(body, headers);
      };
      expect(await verify(approved)).toMatchObject([
        {
          eventId: approved.id,
          subject: 'payment',
          status: 'processing',
          needsCapture: true,
          providerReference: created.providerReference,
          paymentId: request.paymentId,
        },
      ]);
      expect(await verify(completed!)).toMatchObject([
        { subject: 'payment', status: 'succeeded', providerReference: created.providerReference, paymentId: request.paymentId, amount: 1999n },
      ]);
      expect(await verify(refunded!)).toMatchObject([{ subject: 'refund', status: 'refunded', paymentId: request.paymentId, amount: 1999n }]);
      expect(fake.requests.filter((r) => r.path === '/v1/notifications/verify-webhook-signature')).toHaveLength(3);
    });

    it('refuses a forged signature, another webhook id, a tampered body and missing headers', async () => {
      const created = await paypal.authorize(order());
      const event = fake.approve(created.providerReference);
      const forger = (await import('node:crypto'))
        .generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      const forged = fake.sign(event, { privateKey: forger });
      await expect(paypal.verifyWebhook(forged.body, forged.headers)).rejects.toBeInstanceOf(WebhookVerificationError);
      const elsewhere = fake.sign(event, { webhookId: 'WH-SOMEONE-ELSE' });
      await expect(paypal.verifyWebhook(elsewhere.body, elsewhere.headers)).rejects.toBeInstanceOf(WebhookVerificationError);
      const good = fake.sign(event);
      const tampered = Buffer.from(good.body.toString('utf8').replace('"APPROVED"', '"COMPLETED"'));
      await expect(paypal.verifyWebhook(tampered, good.headers)).rejects.toBeInstanceOf(WebhookVerificationError);
      await expect(paypal.verifyWebhook(good.body, { 'paypal-transmission-id': 'x' })).rejects.toBeInstanceOf(WebhookVerificationError);
      expect(await paypal.verifyWebhook(good.body, good.headers)).toHaveLength(1);
    });
  });
});
