import type { AdyenFake } from './adyen-fake';
import type { PaypalFake } from './paypal-fake';
import type { StripeFake } from './stripe-fake';

/** The app's variables that point a gateway connector at its fake (credentials, base URL, webhook secret). */
export const stripeEnv = (stripe: StripeFake): Record<string, string> => ({
  PAYMENTS_STRIPE_SECRET_KEY: stripe.secretKey,
  PAYMENTS_STRIPE_BASE_URL: stripe.url,
  PAYMENTS_STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
});

export const adyenEnv = (adyen: AdyenFake): Record<string, string> => ({
  PAYMENTS_ADYEN_API_KEY: adyen.apiKey,
  PAYMENTS_ADYEN_MERCHANT_ACCOUNT: adyen.merchantAccount,
  PAYMENTS_ADYEN_BASE_URL: adyen.url,
  PAYMENTS_ADYEN_HMAC_KEY: adyen.hmacKey,
});

export const paypalEnv = (paypal: PaypalFake): Record<string, string> => ({
  PAYMENTS_PAYPAL_CLIENT_ID: paypal.clientId,
  PAYMENTS_PAYPAL_CLIENT_SECRET: paypal.clientSecret,
  PAYMENTS_PAYPAL_BASE_URL: paypal.url,
  PAYMENTS_PAYPAL_WEBHOOK_ID: paypal.webhookId,
});
