import { defineConfig, int, minorUnits, type ConfigOf } from '@platform/config/config-slice';

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
    PAYMENTS_SYNC_INTERVAL_MS: int(10, 3_600_000).default(30_000),
    PAYMENTS_SYNC_AFTER_SECONDS: int(0, 31_622_400).default(900),
    PAYMENTS_SYNC_MAX_FAILURES: int(1, 1000).default(5),
    PAYMENTS_EVENTS_INTERVAL_MS: int(10, 3_600_000).default(1_000),
    PAYMENTS_EVENTS_MAX_ATTEMPTS: int(1, 1000).default(10),
  },
  (e) => ({
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
    },
    sync: { intervalMs: e.PAYMENTS_SYNC_INTERVAL_MS, afterSeconds: e.PAYMENTS_SYNC_AFTER_SECONDS, maxFailures: e.PAYMENTS_SYNC_MAX_FAILURES },
    providerEvents: { intervalMs: e.PAYMENTS_EVENTS_INTERVAL_MS, maxAttempts: e.PAYMENTS_EVENTS_MAX_ATTEMPTS },
  }),
);
export type PaymentsConfig = ConfigOf<typeof paymentsConfig>;
