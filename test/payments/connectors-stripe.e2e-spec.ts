import { randomUUID } from 'node:crypto';
import { ConnectorError, WebhookVerificationError } from '@modules/payments/connectors/connector';
import { StripeConnector, type StripeSettings } from '@modules/payments/connectors/stripe/stripe.connector';
import type { ProviderEvent } from '@modules/payments/connectors/connector';
import { close, listen } from '../support/providers/local-server';
import { closedPort } from '../support/providers/payment-fake-base';
import { StripeFake } from '../support/providers/stripe-fake';

/*
 * The Stripe connector (official SDK, host/port/protocol pointed at the fake) against a local
 * Stripe: charges, declines, 3-D Secure, capture, cancel, refunds, status, the transport
 * failures and what they mean for a retry, and webhooks signed as Stripe signs them.
 */
describe('Stripe connector against the Stripe fake', () => {
  let fake: StripeFake;
  let settings: StripeSettings;
  let stripe: StripeConnector;

  beforeEach(async () => {
    fake = await new StripeFake().start();
    settings = {
      secretKey: fake.secretKey,
      baseUrl: fake.url,
      webhookSecret: fake.webhookSecret,
      webhookToleranceSeconds: 300,
      timeoutMs: 1500,
      currencies: [],
    };
    stripe = new StripeConnector(settings);
  });
  afterEach(() => fake.close());

  const charge = (over: Partial<Parameters<StripeConnector['authorize']>[0]> = {}) => ({
    paymentId: randomUUID(),
    idempotencyKey: `key-${randomUUID()}`,
    method: 'card' as const,
    currency: 'EUR',
    amount: 1250n,
    paymentMethodToken: 'pm_card_visa',
    returnUrl: 'https://app.example/return',
    ...over,
  });

  it('creates and confirms a PaymentIntent with our id in metadata and the idempotency key as Idempotency-Key', async () => {
    const request = charge();
    const result = await stripe.authorize(request);
    expect(result.status).toBe('succeeded');
    const intent = fake.intents.get(result.providerReference)!;
    expect(intent).toMatchObject({ amount: 1250, currency: 'eur', metadata: { payment_id: request.paymentId }, capture_method: 'automatic' });
    expect(fake.requests.find((r) => r.path === '/v1/payment_intents')?.idempotencyKey).toBe(request.idempotencyKey);
    expect(fake.charges).toHaveLength(1);
  });

  it('maps a card decline to a failed result with the decline code, not an error', async () => {
    const result = await stripe.authorize(charge({ paymentMethodToken: 'pm_card_chargeDeclinedInsufficientFunds' }));
    expect(result).toMatchObject({ status: 'failed', failureCode: 'insufficient_funds' });
    expect(result.providerReference).toMatch(/^pi_/);
    expect(fake.charges).toHaveLength(0);
  });

  it('answers requires_action with the redirect of 3-D Secure, and the status poll follows the customer', async () => {
    const result = await stripe.authorize(charge({ paymentMethodToken: 'pm_card_authenticationRequired' }));
    expect(result.status).toBe('requires_action');
    expect(result.nextAction).toEqual({ type: 'redirect', url: `${fake.url}/3ds/${result.providerReference}` });
    expect((await stripe.status(result.providerReference)).status).toBe('requires_action');
    fake.completeAction(result.providerReference);
    expect((await stripe.status(result.providerReference)).status).toBe('succeeded');
  });

  it('refunds (partially, then the rest), cancels an intent awaiting action, refuses capture of a settled one', async () => {
    const paid = await stripe.authorize(charge({ amount: 1000n }));
    const paymentId = randomUUID();
    const first = await stripe.refund({
      paymentId,
      refundId: randomUUID(),
      providerReference: paid.providerReference,
      amount: 400n,
      currency: 'EUR',
      idempotencyKey: `r1-${randomUUID()}`,
    });
    expect(first.status).toBe('succeeded');
    expect(fake.refunds.get(first.providerReference)).toMatchObject({ amount: 400, metadata: { payment_id: paymentId } });
    const tooMuch = stripe.refund({
      paymentId,
      refundId: randomUUID(),
      providerReference: paid.providerReference,
      amount: 700n,
      currency: 'EUR',
      idempotencyKey: `r2-${randomUUID()}`,
    });
    await expect(tooMuch).rejects.toMatchObject({ code: 'parameter_invalid', retryable: false, outcomeUnknown: false });

    const pending = await stripe.authorize(charge({ paymentMethodToken: 'pm_card_authenticationRequired' }));
    expect((await stripe.cancel(pending.providerReference, `c-${randomUUID()}`)).status).toBe('canceled');
    await expect(stripe.capture(paid.providerReference, 1000n, 'EUR', `cap-${randomUUID()}`)).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
      retryable: false,
    });
  });

  it('a timeout after Stripe did the work is outcome-unknown; the retry with the same key charges once', async () => {
    const request = charge();
    fake.afterTheWork('hang');
    const error = await stripe.authorize(request).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true, outcomeUnknown: true });
    expect(fake.charges).toHaveLength(1); // the work was done

    const retried = await stripe.authorize(request);
    expect(retried.status).toBe('succeeded');
    expect(fake.charges).toHaveLength(1);
    expect(fake.charges[0]!.intentId).toBe(retried.providerReference);
    expect(fake.requests.filter((r) => r.idempotencyKey === request.idempotencyKey)).toHaveLength(2);
  });

  it('a socket dropped mid-answer is retried once by the SDK with the same key: one charge, the answer of the first', async () => {
    const request = charge();
    fake.afterTheWork('drop');
    const result = await stripe.authorize(request);
    expect(result.status).toBe('succeeded');
    expect(fake.charges).toHaveLength(1);
  });

  it('a 5xx after the work is outcome-unknown; a 5xx before it (scripted) too, for a call that charges', async () => {
    fake.afterTheWork({ status: 500 });
    const request = charge();
    await expect(stripe.authorize(request)).rejects.toMatchObject({ retryable: true, outcomeUnknown: true });
    expect((await stripe.authorize(request)).status).toBe('succeeded');
    expect(fake.charges).toHaveLength(1);

    fake.script.push({ status: 503, headers: { 'content-type': 'application/json' }, body: '{"error":{"type":"api_error","message":"down"}}' });
    await expect(stripe.authorize(charge())).rejects.toMatchObject({ retryable: true, outcomeUnknown: true });
    // a read that fails with a 5xx did nothing: outcome known
    fake.script.push({ status: 503, headers: { 'content-type': 'application/json' }, body: '{"error":{"type":"api_error","message":"down"}}' });
    await expect(stripe.status(fake.charges[0]!.intentId)).rejects.toMatchObject({ retryable: true, outcomeUnknown: false });
  });

  it('connection refused is retryable with the outcome known (nothing was sent)', async () => {
    const closed = await closedPort();
    const offline = new StripeConnector({ ...settings, baseUrl: `http://127.0.0.1:${closed}` });
    await expect(offline.authorize(charge())).rejects.toMatchObject({ code: 'UNREACHABLE', retryable: true, outcomeUnknown: false });
  });

  it('a bad key is a non-retryable error that names no secret', async () => {
    const wrong = new StripeConnector({ ...settings, secretKey: 'sk_test_wrong_key_123456' });
    const error = (await wrong.authorize(charge()).catch((e: unknown) => e)) as ConnectorError;
    expect(error).toMatchObject({ retryable: false, outcomeUnknown: false });
    expect(error.message).not.toContain('sk_test_wrong_key_123456');
    expect(error.message).not.toContain('pm_card_visa');
  });

  it('the same idempotency key with other parameters is refused (never a second charge)', async () => {
    const request = charge();
    await stripe.authorize(request);
    await expect(stripe.authorize({ ...request, amount: 9999n })).rejects.toMatchObject({ code: 'idempotency_error', retryable: false });
    expect(fake.charges).toHaveLength(1);
  });

  describe('webhooks', () => {
    it('verifies a signed event on the raw body and translates it', async () => {
      const request = charge();
      const paid = await stripe.authorize(request);
      const event = fake.events.find((e) => e.type === 'payment_intent.succeeded')!;
      const { body, headers } = fake.sign(event);
      const events = await stripe.verifyWebhook(body, headers);
      expect(events).toEqual([
        {
          eventId: event.id,
          providerReference: paid.providerReference,
          paymentId: request.paymentId,
          subject: 'payment',
          status: 'succeeded',
          amount: 1250n,
          occurredAt: new Date(event.created * 1000),
        },
      ]);
    });

    it('translates refund events, and events about nothing we track to nothing', async () => {
      const paid = await stripe.authorize(charge({ amount: 500n }));
      const paymentId = randomUUID();
      const refund = await stripe.refund({
        paymentId,
        refundId: randomUUID(),
        providerReference: paid.providerReference,
        amount: 500n,
        currency: 'EUR',
        idempotencyKey: randomUUID(),
      });
      const chargeRefunded = fake.events.find((e) => e.type === 'charge.refunded')!;
      const refundUpdated = fake.events.find((e) => e.type === 'refund.updated')!;
      expect(await stripe.verifyWebhook(...signed(chargeRefunded))).toMatchObject([
        { subject: 'payment', status: 'refunded', providerReference: paid.providerReference, amount: 500n },
      ]);
      expect(await stripe.verifyWebhook(...signed(refundUpdated))).toMatchObject([
        { subject: 'refund', status: 'refunded', providerReference: refund.providerReference, paymentId, amount: 500n },
      ]);
      const other = { ...chargeRefunded, id: 'evt_other', type: 'customer.created' };
      expect(await stripe.verifyWebhook(...signed(other))).toEqual([]);
    });

    it('refuses a forged signature, a stale timestamp, a tampered body and a missing header', async () => {
      await stripe.authorize(charge());
      const event = fake.events[0]!;
      const forged = fake.sign(event, { secret: 'whsec_forger' });
      await expect(stripe.verifyWebhook(forged.body, forged.headers)).rejects.toBeInstanceOf(WebhookVerificationError);
      const stale = fake.sign(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
      await expect(stripe.verifyWebhook(stale.body, stale.headers)).rejects.toThrow(/tolerance/i);
      const good = fake.sign(event);
      const tampered = Buffer.from(good.body.toString('utf8').replace('"amount":1250', '"amount":1'));
      await expect(stripe.verifyWebhook(tampered, good.headers)).rejects.toBeInstanceOf(WebhookVerificationError);
      await expect(stripe.verifyWebhook(good.body, {})).rejects.toBeInstanceOf(WebhookVerificationError);
    });

    it('sends webhooks before the API answer, twice and out of order, each verifying on our side', async () => {
      const seen: Array<{ events: ProviderEvent[]; answered: boolean }> = [];
      let answered = false;
      const receiver = await listen(async (req, res, body) => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
        seen.push({ events: await stripe.verifyWebhook(body, headers), answered });
        res.writeHead(200).end();
      });
      try {
        fake.webhookUrl = `${receiver.url}/v1/payment-webhooks/stripe`;
        fake.webhookMode = 'before';
        const paid = await stripe.authorize(charge({ paymentMethodToken: 'pm_card_authenticationRequired' }));
        answered = true;
        expect(seen).toMatchObject([{ answered: false, events: [{ status: 'requires_action', providerReference: paid.providerReference }] }]);
        const succeeded = fake.completeAction(paid.providerReference);
        const requiresAction = fake.events[0]!;
        // the later event first, then the earlier one, then the later one again
        await fake.deliver(succeeded);
        await fake.deliver(requiresAction);
        await fake.deliver(succeeded);
        expect(seen.slice(1).map((s) => [s.events[0]!.eventId, s.events[0]!.status])).toEqual([
          [succeeded.id, 'succeeded'],
          [requiresAction.id, 'requires_action'],
          [succeeded.id, 'succeeded'],
        ]);
        expect(fake.deliveries.every((d) => d.status === 200)).toBe(true);
      } finally {
        await close(receiver.server);
      }
    });
  });

  function signed(event: Parameters<StripeFake['sign']>[0]): [Buffer, Record<string, string>] {
    const { body, headers } = fake.sign(event);
    return [body, headers];
  }
});
