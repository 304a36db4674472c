import { randomUUID } from 'node:crypto';
import { AdyenConnector } from '@modules/payments/connectors/adyen/adyen.connector';
import { ConnectorError } from '@modules/payments/connectors/connector';
import { PaypalConnector } from '@modules/payments/connectors/paypal/paypal.connector';
import { StripeConnector } from '@modules/payments/connectors/stripe/stripe.connector';
import { AdyenFake } from '../support/providers/adyen-fake';
import { PaypalFake } from '../support/providers/paypal-fake';
import { StripeFake } from '../support/providers/stripe-fake';

/*
 * The connectors' settlementReport against the provider fakes: every page is read (Stripe's
 * auto-pagination, PayPal's pages and 31-day spans, Adyen's batches up to the first one not
 * generated), only the window's lines come back, and a report that cannot be read whole is a
 * ConnectorError, never half a report.
 */
const caught = async (work: Promise<unknown>) => {
  try {
    await work;
  } catch (error) {
    return error instanceof ConnectorError ? { code: error.code, retryable: error.retryable } : { code: 'other', retryable: false };
  }
  return undefined;
};

describe('Stripe balance transactions', () => {
  let fake: StripeFake;
  beforeEach(async () => (fake = await new StripeFake().start()));
  afterEach(() => fake.close());

  it('reads every page of the window through the SDK, sources expanded', async () => {
    const stripe = new StripeConnector({ secretKey: fake.secretKey, baseUrl: fake.url, webhookToleranceSeconds: 300, timeoutMs: 2000, currencies: [] });
    const paymentId = randomUUID();
    await stripe.authorize({ paymentId, idempotencyKey: 'k1', method: 'card', currency: 'EUR', amount: 1250n, paymentMethodToken: 'pm_card_visa' });
    for (let i = 0; i < 230; i++) fake.balance.inject(fake.balanceTransaction('stripe_fee', -1, 0, 'eur', null));
    fake.clock += 7200; // later than the window
    fake.balance.inject(fake.balanceTransaction('charge', 999, 0, 'eur', 'ch_late'));
    const from = new Date((fake.clock - 7200) * 1000);
    const lines = await stripe.settlementReport(from, new Date(from.getTime() + 3600_000));
    expect(lines).toHaveLength(231);
    expect(lines.filter((l) => l.kind === 'charge')).toEqual([expect.objectContaining({ paymentId, gross: 1250n, fee: 66n, net: 1184n, currency: 'EUR' })]);
    expect(fake.requests.filter((r) => r.path.startsWith('/v1/balance_transactions')).length).toBe(3);
    expect(
      await caught(
        new StripeConnector({ secretKey: 'sk_test_wrong', baseUrl: fake.url, webhookToleranceSeconds: 300, timeoutMs: 2000, currencies: [] }).settlementReport(
          from,
          new Date(),
        ),
      ),
    ).toEqual({
      code: 'HTTP_401',
      retryable: false,
    });
  });
});

describe('Adyen settlement details reports', () => {
  let fake: AdyenFake;
  beforeEach(async () => (fake = await new AdyenFake().start()));
  afterEach(() => fake.close());

  const connector = (apiKey = fake.apiKey) =>
    new AdyenConnector({
      apiKey,
      merchantAccount: fake.merchantAccount,
      baseUrl: fake.url,
      timeoutMs: 2000,
      currencies: [],
      defaultReturnUrl: 'https://app.example/return',
      reportBaseUrl: `${fake.reportsUrl}/reports/download`,
      firstReportBatch: 1,
    });

  it('downloads each batch up to the first not generated, and a batch outside a later window is not fetched again', async () => {
    const adyen = connector();
    const paymentId = randomUUID();
    await adyen.authorize({ paymentId, idempotencyKey: 'k1', method: 'card', currency: 'EUR', amount: 4200n, paymentMethodToken: 'stored-visa' });
    fake.closeBatch();
    const from = new Date(Date.now() - 60_000);
    const to = new Date(Date.now() + 2 * 3600_000);
    const first = await adyen.settlementReport(from, to);
    expect(first.map((l) => [l.kind, l.providerType, l.gross, l.fee, l.paymentId])).toEqual([
      ['charge', 'Settled', 4200n, 50n, paymentId],
      ['payout', 'MerchantPayout', -4150n, 0n, undefined],
    ]);
    const downloads = () => fake.requests.filter((r) => r.path.includes('settlement_detail_report_batch_')).map((r) => r.path.replace(/.*batch_/, ''));
    expect(downloads()).toEqual(['1.csv', '2.csv']);
    // a later window: batch 1 is known to lie before it, only the newer batches are asked for
    expect(await adyen.settlementReport(new Date(Date.now() + 3 * 3600_000), new Date(Date.now() + 4 * 3600_000))).toEqual([]);
    expect(downloads()).toEqual(['1.csv', '2.csv', '2.csv']);
    expect(await caught(connector('AQE_wrong').settlementReport(from, to))).toEqual({ code: 'HTTP_401', retryable: false });
    fake.settlement.inject({ ...fake.row('BAD', 'PSPBAD', 'x', 'Settled', 'CAPBAD', 'EUR', 100, 0), 'Gross Credit (GC)': '1.001' });
    fake.closeBatch();
    expect(await caught(connector().settlementReport(from, to))).toEqual({ code: 'REPORT_UNREADABLE', retryable: false });
  });
});

describe('PayPal transaction search', () => {
  let fake: PaypalFake;
  beforeEach(async () => (fake = await new PaypalFake().start()));
  afterEach(() => fake.close());

  it('reads every page, in spans of at most 31 days, with the OAuth2 token', async () => {
    const paypal = new PaypalConnector({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      baseUrl: fake.url,
      timeoutMs: 2000,
      currencies: [],
      defaultReturnUrl: 'https://app.example/return',
    });
    for (let i = 0; i < 620; i++) fake.transactions.inject(fake.transaction(`TX${i}`, 'T0006', 'EUR', '1.00', '-0.52', { custom_field: `p${i}` }));
    fake.transactions.inject({ ...fake.transaction('DENIED1', 'T0006', 'EUR', '9.00', undefined), transaction_status: 'D' });
    const to = new Date(Date.now() + 60_000);
    const lines = await paypal.settlementReport(new Date(to.getTime() - 40 * 86400_000), to);
    expect(lines).toHaveLength(620);
    expect(lines[0]).toMatchObject({ kind: 'charge', gross: 100n, fee: 52n, net: 48n, paymentId: 'p0' });
    const searches = fake.requests.filter((r) => r.path.startsWith('/v1/reporting/transactions'));
    // 40 days: two spans; the second (today) has two pages of 500
    expect(searches).toHaveLength(3);
    expect(fake.tokensIssued).toBe(1);
  });
});
