import { randomUUID } from 'node:crypto';
import { accountsContext } from '@modules/accounts/accounts.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { ConnectorRegistry } from '@modules/payments/connectors/connector-registry';
import { ConnectorRouter } from '@modules/payments/connectors/connector-router';
import { paymentsContext } from '@modules/payments/payments.context';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, sql } from '../support/database';
import { AdyenFake } from '../support/providers/adyen-fake';
import { adyenEnv, paypalEnv } from '../support/providers/gateway-env';
import { closedPort } from '../support/providers/payment-fake-base';
import { PaypalFake } from '../support/providers/paypal-fake';

/*
 * The app with ledger, accounts and payments and the connectors' variables set: the three
 * gateways registered at boot, and a routed charge that fails over from an unreachable Stripe
 * to Adyen, recorded call by call in payments.gateway_calls and in the metrics.
 */
describe('configured connectors in the app', () => {
  let db: { url: string; drop(): Promise<void> };
  let t: TestApp;
  let adyen: AdyenFake;
  let paypal: PaypalFake;

  beforeAll(async () => {
    db = await createTestDatabase();
    adyen = await new AdyenFake().start();
    paypal = await new PaypalFake().start();
    t = await startTestApp({
      contexts: [ledgerContext, accountsContext, paymentsContext],
      databaseUrl: db.url,
      env: {
        PAYMENTS_STRIPE_SECRET_KEY: 'sk_test_app_0000000000',
        // nothing listens there: Stripe is unreachable, nothing is ever sent to it
        PAYMENTS_STRIPE_BASE_URL: `http://127.0.0.1:${await closedPort()}`,
        PAYMENTS_STRIPE_WEBHOOK_SECRET: 'whsec_app_0000000000',
        ...adyenEnv(adyen),
        ...paypalEnv(paypal),
        PAYMENTS_GATEWAY_TIMEOUT_MS: '2000',
        PAYMENTS_ROUTING_RULES: JSON.stringify([
          { connectors: ['stripe', 'adyen'], methods: ['card'], currencies: ['EUR'] },
          { connectors: ['paypal'], methods: ['wallet'] },
        ]),
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await adyen?.close();
    await paypal?.close();
    await db?.drop();
  });

  it('registers the three gateways, each with its capabilities', () => {
    const registry = t.app.get(ConnectorRegistry);
    expect(registry.all().map((c) => c.name)).toEqual(['stripe', 'adyen', 'paypal']);
    expect([...registry.get('stripe')!.capabilities].sort()).toEqual(['authorize', 'cancel', 'capture', 'refund', 'settlements', 'status', 'webhooks']);
    expect([...registry.get('adyen')!.capabilities].sort()).toEqual(['authorize', 'cancel', 'capture', 'refund', 'settlements', 'webhooks']);
    expect([...registry.get('paypal')!.capabilities].sort()).toEqual(['authorize', 'capture', 'refund', 'settlements', 'status', 'webhooks']);
  });

  it('fails over from an unreachable Stripe to Adyen, charges once, and records both calls outside any transaction', async () => {
    const paymentId = await insertPayment(db.url, 2500n);
    const router = t.app.get(ConnectorRouter);
    const route = { method: 'card' as const, currency: 'EUR', amount: 2500n };
    expect(router.candidates(route, 'authorize').map((c) => c.name)).toEqual(['stripe', 'adyen']);
    const routed = await router.run({ paymentId, operation: 'authorize', route }, (connector, idempotencyKey) =>
      connector.authorize!({ ...route, paymentId, idempotencyKey, paymentMethodToken: 'stored-visa' }),
    );
    expect(routed.connector).toBe('adyen');
    expect(routed.result.status).toBe('succeeded');
    expect(adyen.charges).toEqual([expect.objectContaining({ reference: paymentId, value: 2500 })]);
    const calls = await sql(
      db.url,
      'select connector, operation, idempotency_key, outcome, error_code from payments.gateway_calls where payment_id = $1 order by id',
      [paymentId],
    );
    expect(calls).toEqual([
      { connector: 'stripe', operation: 'authorize', idempotency_key: `${paymentId}:authorize:stripe`, outcome: 'retryable', error_code: 'UNREACHABLE' },
      { connector: 'adyen', operation: 'authorize', idempotency_key: `${paymentId}:authorize:adyen`, outcome: 'succeeded', error_code: null },
    ]);
    const metrics = await t.http().get('/metrics');
    expect(metrics.text).toContain('skyro_payments_gateway_calls_total{connector="stripe",operation="authorize",outcome="retryable"} 1');
    expect(metrics.text).toContain('skyro_payments_connector_circuit_state{connector="adyen"} 0');
  });

  it('a wallet goes to PayPal by rule and waits for the buyer', async () => {
    const paymentId = await insertPayment(db.url, 990n);
    const route = { method: 'wallet' as const, currency: 'EUR', amount: 990n };
    const routed = await t.app
      .get(ConnectorRouter)
      .run({ paymentId, operation: 'authorize', route }, (connector, idempotencyKey) => connector.authorize!({ ...route, paymentId, idempotencyKey }));
    expect(routed).toMatchObject({ connector: 'paypal', result: { status: 'requires_action' } });
    expect(paypal.orders.get(routed.result.providerReference)?.purchase_units[0]?.custom_id).toBe(paymentId);
  });
});

/** A payments row for the gateway-call log's foreign key (the core's own rows are helper A's; this is the minimum the schema asks). */
async function insertPayment(url: string, amount: bigint): Promise<string> {
  const id = randomUUID();
  await sql(
    url,
    `insert into payments.payments (id, owner_id, kind, method, state, amount, currency, account_id, ledger_account_id, request_fingerprint, request)
     values ($1, $2, 'pay_in', 'card', 'created', $3, 'EUR', $4, $5, 'test', '{}'::jsonb)`,
    [id, randomUUID(), amount.toString(), randomUUID(), randomUUID()],
  );
  return id;
}
