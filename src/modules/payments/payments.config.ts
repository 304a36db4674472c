import { join } from 'node:path';
import { ConfigError, defineConfig, int, key32, list, minorUnits, url, type ConfigOf, type ConfigReadContext } from '@platform/config/config-slice';
import { z } from 'zod';
import type { AdyenSettings } from './connectors/adyen/adyen.connector';
import type { BreakerSettings } from './connectors/circuit-breaker';
import type { PaypalSettings } from './connectors/paypal/paypal.connector';
import { RoutingRules, type RoutingRule } from './connectors/routing-rules';
import type { StripeSettings } from './connectors/stripe/stripe.connector';
import { RAIL_VARIABLES, railSettings } from './rails/rails.config';

/**
 * The payments context's settings (PAYMENTS_* variables), validated at boot by every
 * process that runs the context; a provider reads them with `@Inject(paymentsConfig.token)`.
 */
export const paymentsConfig = defineConfig(
  'payments',
  {
    PAYMENTS_PAGE_SIZE: int(1, 1000).default(50),
    // --- core: limits, fees, holds, jobs ---
    PAYMENTS_LIMIT_PER_PAYMENT: minorUnits.default(1_000_000n),
    PAYMENTS_LIMIT_PER_DAY: minorUnits.default(2_500_000n),
    PAYMENTS_LIMIT_PER_MONTH: minorUnits.default(10_000_000n),
    PAYMENTS_PAYOUT_FEE: minorUnits.default(0n),
    PAYMENTS_HOLD_TIMEOUT_SECONDS: int(60, 31_622_400).default(1_209_600),
    PAYMENTS_DISPATCH_INTERVAL_MS: int(10, 3_600_000).default(1_000),
    PAYMENTS_DISPATCH_LEASE_MS: int(1_000, 3_600_000).default(60_000),
    PAYMENTS_DISPATCH_MAX_ATTEMPTS: int(1, 100).default(8),
    PAYMENTS_RETRY_BASE_MS: int(1, 3_600_000).default(1_000),
    PAYMENTS_DISPATCH_CONCURRENCY: int(1, 1_000).default(64),
    PAYMENTS_DISPATCH_SWEEP_AFTER_MS: int(0, 3_600_000).default(10_000),
    PAYMENTS_SYNC_INTERVAL_MS: int(10, 3_600_000).default(30_000),
    PAYMENTS_SYNC_AFTER_SECONDS: int(0, 31_622_400).default(900),
    PAYMENTS_SYNC_MAX_FAILURES: int(1, 1000).default(5),
    PAYMENTS_EVENTS_INTERVAL_MS: int(10, 3_600_000).default(1_000),
    PAYMENTS_EVENTS_MAX_ATTEMPTS: int(1, 1000).default(10),
    // --- reconciliation of the providers' settlement reports (docs/reconciliation.md) ---
    PAYMENTS_RECONCILIATION_INTERVAL_MS: int(1_000, 86_400_000).default(3_600_000),
    PAYMENTS_RECONCILIATION_WINDOW_SECONDS: int(60, 2_678_400).default(86_400),
    PAYMENTS_RECONCILIATION_LAG_SECONDS: int(0, 2_678_400).default(86_400),
    PAYMENTS_RECONCILIATION_GRACE_SECONDS: int(0, 2_678_400).default(259_200),
    PAYMENTS_RECONCILIATION_LOOKBACK_SECONDS: int(60, 31_622_400).default(604_800),
    // --- connectors: gateways, routing, breaker (block below) ---
    ...CONNECTOR_VARIABLES(),
    // --- beneficiaries: the key that seals saved account numbers ---
    PAYMENTS_BENEFICIARY_KEY: key32.optional(),
    // --- rails: originator settings per bank rail, file and settlement jobs (rails/rails.config.ts) ---
    ...RAIL_VARIABLES(),
  },
  (e, context) => {
    if (context.env === 'production' && !e.PAYMENTS_BENEFICIARY_KEY)
      throw new ConfigError('Invalid configuration: PAYMENTS_BENEFICIARY_KEY is required in production');
    return {
      /** Items per page when the context lists its payments. */
      pageSize: e.PAYMENTS_PAGE_SIZE,
      /** Minor units of the payment's currency: one payment, and a user's payments (pay-ins and payouts apart) per calendar day and month (UTC). */
      limits: { perPayment: e.PAYMENTS_LIMIT_PER_PAYMENT, perDay: e.PAYMENTS_LIMIT_PER_DAY, perMonth: e.PAYMENTS_LIMIT_PER_MONTH },
      /** Charged to the customer on each payout's settlement, minor units of its currency (held with the amount). */
      payoutFee: e.PAYMENTS_PAYOUT_FEE,
      /** How long a payout's (and a refund's) ledger hold lives if nothing posts or voids it: the backstop for a hold a crash left behind. */
      holdTimeoutSeconds: e.PAYMENTS_HOLD_TIMEOUT_SECONDS,
      dispatch: {
        intervalMs: e.PAYMENTS_DISPATCH_INTERVAL_MS,
        leaseMs: e.PAYMENTS_DISPATCH_LEASE_MS,
        maxAttempts: e.PAYMENTS_DISPATCH_MAX_ATTEMPTS,
        retryBaseMs: e.PAYMENTS_RETRY_BASE_MS,
        /** Dispatch jobs (payments.dispatch on WorkQueues) one process runs at once. */
        concurrency: e.PAYMENTS_DISPATCH_CONCURRENCY,
        /** The sweeper re-enqueues a due payment only once it has waited this long (the enqueue after its commit normally got there first). */
        sweepAfterMs: e.PAYMENTS_DISPATCH_SWEEP_AFTER_MS,
      },
      sync: { intervalMs: e.PAYMENTS_SYNC_INTERVAL_MS, afterSeconds: e.PAYMENTS_SYNC_AFTER_SECONDS, maxFailures: e.PAYMENTS_SYNC_MAX_FAILURES },
      providerEvents: { intervalMs: e.PAYMENTS_EVENTS_INTERVAL_MS, maxAttempts: e.PAYMENTS_EVENTS_MAX_ATTEMPTS },
      /**
       * Scheduled reconciliation: every intervalMs, per connector with a settlement report, the
       * next window of windowSeconds from where the last run stopped, ending at most lagSeconds
       * ago (reports lag); a connector never reconciled starts lookbackSeconds ago. A payment we
       * settled is missing at the provider once graceSeconds have passed without a report line.
       */
      reconciliation: {
        intervalMs: e.PAYMENTS_RECONCILIATION_INTERVAL_MS,
        windowSeconds: e.PAYMENTS_RECONCILIATION_WINDOW_SECONDS,
        lagSeconds: e.PAYMENTS_RECONCILIATION_LAG_SECONDS,
        graceSeconds: e.PAYMENTS_RECONCILIATION_GRACE_SECONDS,
        lookbackSeconds: e.PAYMENTS_RECONCILIATION_LOOKBACK_SECONDS,
      },
      /** The gateway connectors, routing and breaker (block "connectors" below). */
      connectors: connectorSettings(e, context),
      beneficiaries: {
        env: context.env,
        /** Encrypts saved account numbers and IBANs (AES-256-GCM) and keys their lookup HMAC. Absent: see keyFile. */
        key: e.PAYMENTS_BENEFICIARY_KEY,
        /** Without a configured key: development keeps a generated one here; tests use a fixed, public one. */
        keyFile: join(context.dataDir, 'payments-beneficiary-key'),
      },
      /** The bank rails configured here (block "rails", rails/rails.config.ts): only those are registered as connectors. */
      rails: railSettings(e),
    };
  },
);
export type PaymentsConfig = ConfigOf<typeof paymentsConfig>;

// ───────────────────────────── block "connectors" (gateway connectors, routing, breaker) ─────────────────────────────

export interface ConnectorsSettings {
  readonly stripe?: StripeSettings;
  readonly adyen?: AdyenSettings;
  readonly paypal?: PaypalSettings;
  readonly routing: { readonly rules: readonly RoutingRule[]; readonly windowSize: number; readonly successMargin: number };
  readonly breaker: BreakerSettings;
}

/** The connectors block's variables (a function so the slice above can spread it before this block is read). */
function CONNECTOR_VARIABLES() {
  const optional = z.string().min(1).optional();
  const httpUrl = url(['http:', 'https:']);
  const percent = int(0, 100);

  const routingRules = z.string().transform((value, ctx) => {
    try {
      const parsed = RoutingRules.safeParse(JSON.parse(value));
      if (parsed.success) return parsed.data;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'must be a JSON array of rules {connectors, currencies?, methods?, countries?, minAmount?, maxAmount?}' });
    return z.NEVER;
  });
  return {
    PAYMENTS_GATEWAY_TIMEOUT_MS: int(100, 120_000).default(10_000),
    PAYMENTS_GATEWAY_RETURN_URL: httpUrl.default('http://localhost:3000/payments/return'),
    PAYMENTS_STRIPE_SECRET_KEY: optional,
    PAYMENTS_STRIPE_BASE_URL: httpUrl.default('https://api.stripe.com'),
    PAYMENTS_STRIPE_WEBHOOK_SECRET: optional,
    PAYMENTS_STRIPE_WEBHOOK_TOLERANCE_SECONDS: int(1, 3600).default(300),
    PAYMENTS_STRIPE_CURRENCIES: list.default([]),
    PAYMENTS_ADYEN_API_KEY: optional,
    PAYMENTS_ADYEN_MERCHANT_ACCOUNT: optional,
    PAYMENTS_ADYEN_BASE_URL: httpUrl.default('https://checkout-test.adyen.com'),
    PAYMENTS_ADYEN_HMAC_KEY: z
      .string()
      .regex(/^([0-9A-Fa-f]{2})+$/, 'must be the hex HMAC key of the webhook')
      .optional(),
    PAYMENTS_ADYEN_CURRENCIES: list.default([]),
    PAYMENTS_ADYEN_REPORT_BASE_URL: httpUrl.default('https://ca-test.adyen.com/reports/download'),
    PAYMENTS_ADYEN_REPORT_FIRST_BATCH: int(1, 1_000_000_000).default(1),
    PAYMENTS_PAYPAL_CLIENT_ID: optional,
    PAYMENTS_PAYPAL_CLIENT_SECRET: optional,
    PAYMENTS_PAYPAL_BASE_URL: httpUrl.default('https://api-m.sandbox.paypal.com'),
    PAYMENTS_PAYPAL_WEBHOOK_ID: optional,
    PAYMENTS_PAYPAL_CURRENCIES: list.default([]),
    PAYMENTS_ROUTING_RULES: routingRules.default([]),
    PAYMENTS_ROUTING_WINDOW: int(1, 10_000).default(100),
    PAYMENTS_ROUTING_SUCCESS_MARGIN_PERCENT: int(1, 100).default(10),
    PAYMENTS_BREAKER_FAILURES: int(1, 1000).default(5),
    PAYMENTS_BREAKER_FAILURE_RATIO_PERCENT: percent.default(50),
    PAYMENTS_BREAKER_MIN_CALLS: int(1, 10_000).default(20),
    PAYMENTS_BREAKER_COOLDOWN_MS: int(0, 3_600_000).default(30_000),
  };
}

type ConnectorVariables = z.output<z.ZodObject<ReturnType<typeof CONNECTOR_VARIABLES>>>;

function connectorSettings(e: ConnectorVariables, context: ConfigReadContext): ConnectorsSettings {
  const production = context.env === 'production';
  const secure = (name: string, value: string) => {
    if (production && !value.startsWith('https://')) throw new ConfigError(`Invalid configuration: ${name} must be an https URL in production`);
    return value;
  };
  const common = { timeoutMs: e.PAYMENTS_GATEWAY_TIMEOUT_MS, defaultReturnUrl: e.PAYMENTS_GATEWAY_RETURN_URL };

  let stripe: StripeSettings | undefined;
  if (e.PAYMENTS_STRIPE_SECRET_KEY) {
    if (production && /^(sk|rk)_test_/.test(e.PAYMENTS_STRIPE_SECRET_KEY))
      throw new ConfigError('Invalid configuration: PAYMENTS_STRIPE_SECRET_KEY is a test-mode key in production');
    stripe = {
      secretKey: e.PAYMENTS_STRIPE_SECRET_KEY,
      baseUrl: secure('PAYMENTS_STRIPE_BASE_URL', e.PAYMENTS_STRIPE_BASE_URL),
      ...(e.PAYMENTS_STRIPE_WEBHOOK_SECRET ? { webhookSecret: e.PAYMENTS_STRIPE_WEBHOOK_SECRET } : {}),
      webhookToleranceSeconds: e.PAYMENTS_STRIPE_WEBHOOK_TOLERANCE_SECONDS,
      timeoutMs: common.timeoutMs,
      currencies: e.PAYMENTS_STRIPE_CURRENCIES,
    };
  } else if (e.PAYMENTS_STRIPE_WEBHOOK_SECRET) {
    throw new ConfigError('Invalid configuration: PAYMENTS_STRIPE_WEBHOOK_SECRET needs PAYMENTS_STRIPE_SECRET_KEY');
  }

  let adyen: AdyenSettings | undefined;
  if (e.PAYMENTS_ADYEN_API_KEY || e.PAYMENTS_ADYEN_MERCHANT_ACCOUNT) {
    if (!e.PAYMENTS_ADYEN_API_KEY) throw new ConfigError('Invalid configuration: PAYMENTS_ADYEN_MERCHANT_ACCOUNT needs PAYMENTS_ADYEN_API_KEY');
    if (!e.PAYMENTS_ADYEN_MERCHANT_ACCOUNT) throw new ConfigError('Invalid configuration: PAYMENTS_ADYEN_API_KEY needs PAYMENTS_ADYEN_MERCHANT_ACCOUNT');
    adyen = {
      apiKey: e.PAYMENTS_ADYEN_API_KEY,
      merchantAccount: e.PAYMENTS_ADYEN_MERCHANT_ACCOUNT,
      baseUrl: secure('PAYMENTS_ADYEN_BASE_URL', e.PAYMENTS_ADYEN_BASE_URL),
      ...(e.PAYMENTS_ADYEN_HMAC_KEY ? { hmacKey: e.PAYMENTS_ADYEN_HMAC_KEY } : {}),
      currencies: e.PAYMENTS_ADYEN_CURRENCIES,
      reportBaseUrl: secure('PAYMENTS_ADYEN_REPORT_BASE_URL', e.PAYMENTS_ADYEN_REPORT_BASE_URL),
      firstReportBatch: e.PAYMENTS_ADYEN_REPORT_FIRST_BATCH,
      ...common,
    };
  }

  let paypal: PaypalSettings | undefined;
  if (e.PAYMENTS_PAYPAL_CLIENT_ID || e.PAYMENTS_PAYPAL_CLIENT_SECRET) {
    if (!e.PAYMENTS_PAYPAL_CLIENT_ID) throw new ConfigError('Invalid configuration: PAYMENTS_PAYPAL_CLIENT_SECRET needs PAYMENTS_PAYPAL_CLIENT_ID');
    if (!e.PAYMENTS_PAYPAL_CLIENT_SECRET) throw new ConfigError('Invalid configuration: PAYMENTS_PAYPAL_CLIENT_ID needs PAYMENTS_PAYPAL_CLIENT_SECRET');
    paypal = {
      clientId: e.PAYMENTS_PAYPAL_CLIENT_ID,
      clientSecret: e.PAYMENTS_PAYPAL_CLIENT_SECRET,
      baseUrl: secure('PAYMENTS_PAYPAL_BASE_URL', e.PAYMENTS_PAYPAL_BASE_URL),
      ...(e.PAYMENTS_PAYPAL_WEBHOOK_ID ? { webhookId: e.PAYMENTS_PAYPAL_WEBHOOK_ID } : {}),
      currencies: e.PAYMENTS_PAYPAL_CURRENCIES,
      ...common,
    };
  }

  for (const rule of e.PAYMENTS_ROUTING_RULES) {
    if (rule.minAmount !== undefined && rule.maxAmount !== undefined && BigInt(rule.minAmount) > BigInt(rule.maxAmount)) {
      throw new ConfigError('Invalid configuration: PAYMENTS_ROUTING_RULES has a rule whose minAmount is above its maxAmount');
    }
  }

  return {
    ...(stripe ? { stripe } : {}),
    ...(adyen ? { adyen } : {}),
    ...(paypal ? { paypal } : {}),
    routing: { rules: e.PAYMENTS_ROUTING_RULES, windowSize: e.PAYMENTS_ROUTING_WINDOW, successMargin: e.PAYMENTS_ROUTING_SUCCESS_MARGIN_PERCENT / 100 },
    breaker: {
      failureThreshold: e.PAYMENTS_BREAKER_FAILURES,
      failureRatio: e.PAYMENTS_BREAKER_FAILURE_RATIO_PERCENT / 100,
      minCalls: e.PAYMENTS_BREAKER_MIN_CALLS,
      cooldownMs: e.PAYMENTS_BREAKER_COOLDOWN_MS,
      windowSize: e.PAYMENTS_ROUTING_WINDOW,
    },
  };
}
