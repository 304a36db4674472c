import { accountsContext } from '@modules/accounts/accounts.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { paymentsContext } from '@modules/payments/payments.context';
import { ConnectorRegistry } from '@modules/payments/connectors/connector-registry';
import { Scheduler } from '@platform/jobs/scheduler';
import { customer, openCustomerAccount, type Customer } from '../accounts/accounts-support';
import { newUuid } from '../ledger/ledger-support';
import { eventually, kafkaPrefix, startTestApp, type TestApp } from '../support/app';
import { bearer, loginAs } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';
import { AdyenFake } from '../support/providers/adyen-fake';
import { PaypalFake } from '../support/providers/paypal-fake';
import { StripeFake } from '../support/providers/stripe-fake';
import { installPaymentsProbe, paymentsProbe, type PaymentBody } from './payments-support';

/*
 * Reconciliation end to end, against real PostgreSQL, Redis and Kafka: pay-ins and refunds
 * through the three provider simulators (Stripe EUR cards, Adyen USD cards, PayPal wallets),
 * whose settlement reports come from what they actually charged; a clean report matches
 * everything, then each injected discrepancy is found with its kind, alerted (outbox, Kafka,
 * metric), listed for staff and resolved; a rerun adds nothing.
 */
describe('reconciliation of the settlement reports', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let stripe: StripeFake;
  let adyen: AdyenFake;
  let paypal: PaypalFake;
  let staff: Record<string, string>;
  let alice: Customer;
  let eur: string;
  let usd: string;
  const started = new Date(Date.now() - 60_000);
  const windowEnd = () => new Date(Date.now() + 60_000).toISOString();

  beforeAll(async () => {
    db = await createTestDatabase();
    [stripe, adyen, paypal] = await Promise.all([new StripeFake().start(), new AdyenFake().start(), new PaypalFake().start()]);
    stripe.clock = Math.floor(Date.now() / 1000);
    await installPaymentsProbe(db.url);
    t = await startTestApp({
      contexts: [ledgerContext, accountsContext, paymentsContext, paymentsProbe],
      databaseUrl: db.url,
      redis: true,
      kafkaTopicPrefix: kafkaPrefix('payments-reconciliation'),
      env: {
        ACCOUNTS_CURRENCIES: 'EUR,USD',
        PAYMENTS_STRIPE_SECRET_KEY: stripe.secretKey,
        PAYMENTS_STRIPE_BASE_URL: stripe.url,
        PAYMENTS_ADYEN_API_KEY: adyen.apiKey,
        PAYMENTS_ADYEN_MERCHANT_ACCOUNT: adyen.merchantAccount,
        PAYMENTS_ADYEN_BASE_URL: adyen.url,
        PAYMENTS_ADYEN_REPORT_BASE_URL: `${adyen.reportsUrl}/reports/download`,
        PAYMENTS_PAYPAL_CLIENT_ID: paypal.clientId,
        PAYMENTS_PAYPAL_CLIENT_SECRET: paypal.clientSecret,
        PAYMENTS_PAYPAL_BASE_URL: paypal.url,
        PAYMENTS_PAYPAL_WEBHOOK_ID: paypal.webhookId,
        PAYMENTS_GATEWAY_TIMEOUT_MS: '5000',
        PAYMENTS_ROUTING_RULES: JSON.stringify([
          { connectors: ['stripe'], methods: ['card'], currencies: ['EUR'] },
          { connectors: ['adyen'], methods: ['card'], currencies: ['USD'] },
          { connectors: ['paypal'], methods: ['wallet'] },
        ]),
        PAYMENTS_DISPATCH_INTERVAL_MS: '3600000',
        PAYMENTS_SYNC_INTERVAL_MS: '3600000',
        PAYMENTS_EVENTS_INTERVAL_MS: '3600000',
        PAYMENTS_RECONCILIATION_INTERVAL_MS: '3600000',
        PAYMENTS_RECONCILIATION_GRACE_SECONDS: '0',
        PAYMENTS_RECONCILIATION_LAG_SECONDS: '0',
        PAYMENTS_RECONCILIATION_WINDOW_SECONDS: '3600',
        PAYMENTS_RECONCILIATION_LOOKBACK_SECONDS: '3600',
      },
    });
    staff = bearer((await loginAs(t.app, newUuid(), ['support'])).token);
    alice = await customer(t);
    eur = (await openCustomerAccount(t, alice, { product: 'checking', currency: 'EUR' })).id;
    usd = (await openCustomerAccount(t, alice, { product: 'checking', currency: 'USD' })).id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([stripe?.close(), adyen?.close(), paypal?.close()]);
    await db?.drop();
  });

  const payment = (id: string) =>
    t
      .http()
      .get(`/v1/payments/${id}`)
      .set(alice.auth)
      .then((r) => r.body as PaymentBody & { refundedAmount: string });
  const settled = (id: string, state = 'succeeded') =>
    eventually(
      () => payment(id),
      (p) => p.state === state,
    );
  const payIn = async (accountId: string, amount: string, currency: string, method: string, paymentMethodToken?: string) => {
    const res = await t
      .http()
      .post('/v1/payments')
      .set(alice.auth)
      .set('idempotency-key', newUuid())
      .send({ accountId, amount, currency, method, ...(paymentMethodToken ? { paymentMethodToken } : {}) });
    if (res.status !== 201) throw new Error(`pay-in: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body as PaymentBody).id;
  };
  /** A refund through the core; waits until the payment's refunded amount says the provider refunded it. */
  const refund = async (id: string, amount: string) => {
    const before = BigInt((await payment(id)).refundedAmount);
    const res = await t.http().post(`/v1/payments/${id}/refunds`).set(alice.auth).set('idempotency-key', newUuid()).send({ amount });
    if (res.status >= 300) throw new Error(`refund: ${res.status} ${JSON.stringify(res.body)}`);
    const after = (before + BigInt(amount)).toString();
    const done = await eventually(
      () => payment(id),
      (p) => p.refundedAmount === after,
    );
    expect(done).toMatchObject({ state: 'partially_refunded', refundedAmount: after });
  };
  /**
   * PayPal: the buyer approves and the order is captured on the connector (the core does not
   * act on CHECKOUT.ORDER.APPROVED's needsCapture yet), then PayPal's PAYMENT.CAPTURE.COMPLETED
   * webhook settles the payment.
   */
  const approvePaypal = async (id: string) => {
    const p = await eventually(
      () => payment(id),
      (x) => x.state === 'requires_action' && x.providerReference !== null,
    );
    paypal.approve(p.providerReference!);
    await t.app.get(ConnectorRegistry).get('paypal')!.capture!(p.providerReference!, 0n, 'EUR', `${id}:capture:paypal`);
    const completed = paypal.events.find((e) => e.event_type === 'PAYMENT.CAPTURE.COMPLETED' && e.resource['custom_id'] === id)!;
    const signed = paypal.sign(completed);
    const hook = await t.http().post('/v1/payment-webhooks/paypal').set(signed.headers).send(signed.body.toString('utf8'));
    expect(hook.status).toBe(200);
    expect((await settled(id)).state).toBe('succeeded');
  };
  const reconcile = async (connector: string, from = started.toISOString(), to = windowEnd()) => {
    const res = await t.http().post('/v1/admin/reconciliation/runs').set(staff).set('idempotency-key', newUuid()).send({ connector, from, to });
    expect(res.status).toBe(201);
    return res.body as { id: string; state: string; lines: number; matched: number; mismatches: number; newMismatches: number; errorCode: string | null };
  };
  const mismatches = async (query = '') => {
    const res = await t.http().get(`/v1/admin/reconciliation/mismatches${query}`).set(staff);
    expect(res.status).toBe(200);
    return res.body as { items: Array<Record<string, unknown> & { id: string; kind: string; state: string }>; nextCursor: string | null };
  };

  let stripePaid: string;
  let adyenPaid: string;
  let paypalPaid: string;

  it('pay-ins and refunds through each provider reconcile with no mismatch', async () => {
    stripePaid = await payIn(eur, '2000', 'EUR', 'card', 'pm_card_visa');
    adyenPaid = await payIn(usd, '3100', 'USD', 'card', 'stored-visa');
    paypalPaid = await payIn(eur, '1250', 'EUR', 'wallet');
    const states = await Promise.all([settled(stripePaid), settled(adyenPaid)]);
    expect(states.map((p) => p.state)).toEqual(['succeeded', 'succeeded']);
    await approvePaypal(paypalPaid);
    await refund(stripePaid, '500');
    await refund(paypalPaid, '250');
    expect((await payment(stripePaid)).refundedAmount).toBe('500');
    adyen.closeBatch();

    const runs = { stripe: await reconcile('stripe'), adyen: await reconcile('adyen'), paypal: await reconcile('paypal') };
    // Stripe: the charge and the refund; Adyen: the Settled line and the batch's payout to our bank; PayPal: the capture and the refund
    expect(runs.stripe).toMatchObject({ state: 'completed', lines: 2, matched: 2, mismatches: 0, newMismatches: 0, errorCode: null });
    expect(runs.adyen).toMatchObject({ state: 'completed', lines: 2, matched: 2, mismatches: 0, newMismatches: 0 });
    expect(runs.paypal).toMatchObject({ state: 'completed', lines: 2, matched: 2, mismatches: 0, newMismatches: 0 });
    expect((await mismatches()).items).toEqual([]);
    const lines = await sql<{ connector: string; kind: string; payment_id: string | null; gross: string; fee: string }>(
      db.url,
      'select connector, kind, payment_id, gross::text, fee::text from payments.reconciliation_lines order by connector, kind',
    );
    expect(lines).toEqual([
      { connector: 'adyen', kind: 'charge', payment_id: adyenPaid, gross: '3100', fee: '37' },
      { connector: 'adyen', kind: 'payout', payment_id: null, gross: '-3063', fee: '0' },
      { connector: 'paypal', kind: 'charge', payment_id: paypalPaid, gross: '1250', fee: '92' },
      { connector: 'paypal', kind: 'refund', payment_id: paypalPaid, gross: '-250', fee: '0' },
      { connector: 'stripe', kind: 'charge', payment_id: stripePaid, gross: '2000', fee: '88' },
      { connector: 'stripe', kind: 'refund', payment_id: stripePaid, gross: '-500', fee: '0' },
    ]);
  });

  it('each injected discrepancy is found with its kind, alerted once, and listed for staff', async () => {
    // Stripe reports another amount for our charge, and a charge for a PaymentIntent we never created
    const charge = stripe.balance.find((l) => l.type === 'charge')!;
    stripe.balance.alter(charge.id, { amount: 1900, net: 1900 - charge.fee });
    stripe.balance.inject(
      stripe.balanceTransaction('charge', 777, 0, 'eur', { id: 'ch_stranger', object: 'charge', payment_intent: 'pi_stranger', metadata: {} }),
    );
    // a card Stripe declined (failed with us) that the report says it charged
    const declined = await payIn(eur, '640', 'EUR', 'card', 'pm_card_chargeDeclined');
    expect((await settled(declined, 'failed')).state).toBe('failed');
    stripe.balance.inject(
      stripe.balanceTransaction('charge', 640, 0, 'eur', { id: 'ch_ghost', object: 'charge', payment_intent: 'pi_ghost', metadata: { payment_id: declined } }),
    );
    // a refund Stripe made whose line never shows up in the balance
    await refund(stripePaid, '300');
    const lastRefund = stripe.balance.find((l) => l.type === 'refund' && l.amount === -300)!;
    stripe.balance.omit(lastRefund.id);
    const stripeRefunds = await sql<{ id: string }>(db.url, 'select id from payments.refunds where payment_id = $1 and amount = 300', [stripePaid]);
    // Adyen settles a payment of ours in no batch: its line never shows up
    const unsettled = await payIn(usd, '900', 'USD', 'card', 'stored-visa');
    expect((await settled(unsettled)).state).toBe('succeeded');
    adyen.settlement.omit(adyen.charges.find((c) => c.reference === unsettled)!.pspReference);
    adyen.closeBatch();
    // PayPal reports a refund we never asked for
    paypal.transactions.inject(
      paypal.transaction('REFSTRANGER01', 'T1107', 'EUR', '-3.00', undefined, {
        custom_field: paypalPaid,
        paypal_reference_id: 'CAP',
        paypal_reference_id_type: 'TXN',
      }),
    );

    const runs = { stripe: await reconcile('stripe'), adyen: await reconcile('adyen'), paypal: await reconcile('paypal') };
    expect(runs.stripe).toMatchObject({ state: 'completed', lines: 4, matched: 1, newMismatches: 5 });
    expect(runs.adyen).toMatchObject({ state: 'completed', newMismatches: 1 });
    expect(runs.paypal).toMatchObject({ state: 'completed', lines: 3, newMismatches: 2 });

    const open = (await mismatches('?state=open&limit=200')).items;
    const found = open.map((m) => [m.connector, m.kind, m.paymentId ?? null, m.expectedAmount ?? null, m.actualAmount ?? null]).sort();
    expect(found).toEqual(
      [
        ['adyen', 'missing_at_provider', unsettled, '900', null],
        ['paypal', 'refund_total_mismatch', paypalPaid, '250', '550'],
        ['paypal', 'unknown_refund', paypalPaid, null, '300'],
        ['stripe', 'amount_mismatch', stripePaid, '2000', '1900'],
        ['stripe', 'ledger_amount_mismatch', stripePaid, '1900', '2000'],
        ['stripe', 'state_mismatch', declined, null, null],
        ['stripe', 'missing_at_provider', stripePaid, '300', null],
        ['stripe', 'unknown_charge', null, null, '777'],
      ].sort(),
    );
    // alerted: one event per new mismatch, written to the outbox with it and relayed over Kafka
    const delivered = await eventually(
      () => sql<{ data: { mismatch: { kind: string } } }>(db.url, "select data from payments_probe.events where type = 'payments.reconciliation-mismatch.v1'"),
      (rows) => rows.length === 8,
    );
    expect(delivered.map((r) => r.data.mismatch.kind).sort()).toEqual(open.map((m) => m.kind).sort());
    expect(open.find((m) => m.kind === 'missing_at_provider' && m.connector === 'stripe')).toMatchObject({ refundId: stripeRefunds[0]!.id });
    const metrics = (await t.http().get('/metrics')).text;
    expect(metrics).toContain('skyro_payments_reconciliation_mismatches_total{connector="stripe",kind="unknown_charge"} 1');
    expect(metrics).toContain('skyro_payments_reconciliation_mismatches_total{connector="adyen",kind="missing_at_provider"} 1');
    expect(metrics).toContain('skyro_payments_reconciliation_open_mismatches{connector="stripe"} 5');
    // no personal data in what is stored or sent: ids, references, amounts
    expect(JSON.stringify(delivered)).not.toContain(alice.id);
  });

  it('a rerun of the same windows adds nothing; resolving works once and stays resolved', async () => {
    for (const connector of ['stripe', 'adyen', 'paypal']) expect(await reconcile(connector)).toMatchObject({ state: 'completed', newMismatches: 0 });
    const page1 = await mismatches('?connector=stripe&limit=4');
    expect(page1.items).toHaveLength(4);
    const page2 = await mismatches(`?connector=stripe&limit=4&cursor=${page1.nextCursor}`);
    expect(page2).toEqual({ items: [expect.objectContaining({ connector: 'stripe' })], nextCursor: null });
    const target = page2.items[0]!;
    const resolve = (id: string, note: string) =>
      t.http().post(`/v1/admin/reconciliation/mismatches/${id}/resolve`).set(staff).set('idempotency-key', newUuid()).send({ note });
    const resolved = await resolve(target.id, 'checked with the provider: test line');
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      id: target.id,
      state: 'resolved',
      resolutionNote: 'checked with the provider: test line',
      resolvedAt: expect.any(String),
    });
    const again = await resolve(target.id, 'twice');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'RECONCILIATION_MISMATCH_RESOLVED' });
    expect((await resolve(newUuid(), 'none')).status).toBe(404);
    expect((await resolve(target.id, '')).status).toBe(400);
    expect(await reconcile('stripe')).toMatchObject({ newMismatches: 0 });
    expect((await mismatches('?state=resolved')).items.map((m) => m.id)).toEqual([target.id]);
    expect((await t.http().get('/metrics')).text).toContain('skyro_payments_reconciliation_open_mismatches{connector="stripe"} 4');
    // nothing new was written with the reruns: the outbox drains to the same eight events
    await eventually(
      () => sql<{ n: number }>(db.url, "select count(*)::int as n from payments.outbox where event_type = 'payments.reconciliation-mismatch.v1'"),
      (rows) => rows[0]!.n === 0,
    );
    expect(await sql(db.url, "select count(*)::int as n from payments_probe.events where type = 'payments.reconciliation-mismatch.v1'")).toEqual([{ n: 8 }]);
    expect(await sql(db.url, 'select count(*)::int as n from payments.reconciliation_mismatches')).toEqual([{ n: 8 }]);
  });

  it('the scheduled job reconciles each connector from where it stopped, once per window', async () => {
    const scheduler = t.app.get(Scheduler);
    await scheduler.runNow('payments.reconciliation');
    const scheduled = await sql<{ connector: string; state: string }>(
      db.url,
      "select connector, state from payments.reconciliation_runs where trigger = 'schedule' order by connector",
    );
    expect(scheduled).toEqual([
      { connector: 'adyen', state: 'completed' },
      { connector: 'paypal', state: 'completed' },
      { connector: 'stripe', state: 'completed' },
    ]);
    await scheduler.runNow('payments.reconciliation');
    expect(await sql(db.url, "select count(*)::int as n from payments.reconciliation_runs where trigger = 'schedule'")).toEqual([{ n: 3 }]);
    const cursors = await sql<{ connector: string; lease_until: Date | null }>(
      db.url,
      'select connector, lease_until from payments.reconciliation_cursors order by connector',
    );
    expect(cursors.map((c) => [c.connector, c.lease_until])).toEqual([
      ['adyen', null],
      ['paypal', null],
      ['stripe', null],
    ]);
    const runs = await t.http().get('/v1/admin/reconciliation/runs?connector=stripe&limit=1').set(staff);
    expect(runs.status).toBe(200);
    expect(runs.body).toMatchObject({ items: [{ connector: 'stripe', trigger: 'schedule', state: 'completed' }], nextCursor: expect.any(String) });
  });

  it('a report that cannot be read ends the run failed; bad windows and connectors are refused; customers get 403', async () => {
    stripe.script.push({ status: 500, body: '{"error":{"type":"api_error"}}', headers: { 'content-type': 'application/json' } });
    expect(await reconcile('stripe')).toMatchObject({ state: 'failed', errorCode: 'HTTP_500', lines: 0 });
    const post = (body: Record<string, unknown>, auth = staff) =>
      t.http().post('/v1/admin/reconciliation/runs').set(auth).set('idempotency-key', newUuid()).send(body);
    const backwards = await post({ connector: 'stripe', from: windowEnd(), to: started.toISOString() });
    expect(backwards.status).toBe(422);
    expect(backwards.body).toMatchObject({ code: 'RECONCILIATION_WINDOW_INVALID', errors: [{ field: 'to' }] });
    const sepa = await post({ connector: 'sepa', from: started.toISOString(), to: windowEnd() });
    expect(sepa.status).toBe(422);
    expect(sepa.body).toMatchObject({ code: 'SETTLEMENTS_UNAVAILABLE', errors: [{ field: 'connector' }] });
    expect((await post({ connector: 'stripe', from: 'yesterday', to: windowEnd() })).status).toBe(400);
    expect(
      (await t.http().post('/v1/admin/reconciliation/runs').set(staff).send({ connector: 'stripe', from: started.toISOString(), to: windowEnd() })).status,
    ).toBe(400);
    expect((await post({ connector: 'stripe', from: started.toISOString(), to: windowEnd() }, alice.auth)).status).toBe(403);
    expect((await t.http().get('/v1/admin/reconciliation/mismatches').set(alice.auth)).status).toBe(403);
    expect((await t.http().get('/v1/admin/reconciliation/runs').set(alice.auth)).status).toBe(403);
    const some = (await mismatches()).items[0]!;
    expect(
      (await t.http().post(`/v1/admin/reconciliation/mismatches/${some.id}/resolve`).set(alice.auth).set('idempotency-key', newUuid()).send({ note: 'x' }))
        .status,
    ).toBe(403);
  });
});
