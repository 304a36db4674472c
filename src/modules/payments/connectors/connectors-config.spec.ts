import { paymentsConfig } from '../payments.config';

/** Production also needs the beneficiary sealing key; these tests are about the connectors block. */
const productionBase = { PAYMENTS_BENEFICIARY_KEY: Buffer.alloc(32, 7).toString('base64') };

const read = (env: Record<string, string>, mode: 'test' | 'production' = 'test') =>
  paymentsConfig.read(paymentsConfig.variables.parse(mode === 'production' ? { ...productionBase, ...env } : env), { env: mode, dataDir: '/tmp' }).connectors;

describe('payments config, block "connectors"', () => {
  it('registers nothing when no gateway is configured; defaults for routing and breaker', () => {
    const settings = read({});
    expect(settings.stripe ?? settings.adyen ?? settings.paypal).toBeUndefined();
    expect(settings.routing).toEqual({ rules: [], windowSize: 100, successMargin: 0.1 });
    expect(settings.breaker).toEqual({ failureThreshold: 5, failureRatio: 0.5, minCalls: 20, cooldownMs: 30_000, windowSize: 100 });
  });

  it('reads each gateway whose credentials are set', () => {
    const settings = read({
      PAYMENTS_STRIPE_SECRET_KEY: 'sk_test_x',
      PAYMENTS_STRIPE_CURRENCIES: 'EUR,USD',
      PAYMENTS_ADYEN_API_KEY: 'AQE',
      PAYMENTS_ADYEN_MERCHANT_ACCOUNT: 'Shop',
      PAYMENTS_PAYPAL_CLIENT_ID: 'id',
      PAYMENTS_PAYPAL_CLIENT_SECRET: 'secret',
    });
    expect(settings.stripe).toMatchObject({ baseUrl: 'https://api.stripe.com', currencies: ['EUR', 'USD'], webhookToleranceSeconds: 300 });
    expect(settings.stripe?.webhookSecret).toBeUndefined();
    expect(settings.adyen).toMatchObject({ merchantAccount: 'Shop', baseUrl: 'https://checkout-test.adyen.com' });
    expect(settings.paypal).toMatchObject({ baseUrl: 'https://api-m.sandbox.paypal.com' });
  });

  it('refuses half a gateway, naming the variable and never its value', () => {
    expect(() => read({ PAYMENTS_ADYEN_API_KEY: 'AQE-secret' })).toThrow(/PAYMENTS_ADYEN_MERCHANT_ACCOUNT/);
    expect(() => read({ PAYMENTS_PAYPAL_CLIENT_ID: 'id' })).toThrow(/PAYMENTS_PAYPAL_CLIENT_SECRET/);
    expect(() => read({ PAYMENTS_STRIPE_WEBHOOK_SECRET: 'whsec_1' })).toThrow(/PAYMENTS_STRIPE_SECRET_KEY/);
    expect(() => read({ PAYMENTS_ADYEN_API_KEY: 'AQE-secret' })).not.toThrow(/AQE-secret/);
    expect(() => paymentsConfig.variables.parse({ PAYMENTS_ADYEN_HMAC_KEY: 'not-hex' })).toThrow();
  });

  it('in production: https base URLs only, and no Stripe test-mode key', () => {
    expect(() => read({ PAYMENTS_STRIPE_SECRET_KEY: 'sk_test_123' }, 'production')).toThrow(/PAYMENTS_STRIPE_SECRET_KEY is a test-mode key/);
    expect(() => read({ PAYMENTS_STRIPE_SECRET_KEY: 'sk_live_123', PAYMENTS_STRIPE_BASE_URL: 'http://stripe.internal' }, 'production')).toThrow(
      /PAYMENTS_STRIPE_BASE_URL must be an https URL/,
    );
    expect(read({ PAYMENTS_STRIPE_SECRET_KEY: 'sk_live_123' }, 'production').stripe?.baseUrl).toBe('https://api.stripe.com');
  });
});
