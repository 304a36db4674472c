import { defineConfig, int, type ConfigOf } from '@platform/config/config-slice';

/**
 * The orders context's settings (ORDERS_* variables), validated at boot by every
 * process that runs the context; a provider reads them with `@Inject(ordersConfig.token)`.
 */
export const ordersConfig = defineConfig(
  'orders',
  {
    ORDERS_PAGE_SIZE: int(1, 1000).default(50),
    ORDERS_PAYMENT_TIMEOUT_SECONDS: int(60, 604_800).default(1800),
    ORDERS_SWEEP_INTERVAL_MS: int(1000, 3_600_000).default(15_000),
  },
  (e) => ({
    /** Items per page when the context lists its orders (a request may ask for fewer). */
    pageSize: e.ORDERS_PAGE_SIZE,
    /** A placed order not paid this long after placing is cancelled, and its open payments with it. */
    paymentTimeoutSeconds: e.ORDERS_PAYMENT_TIMEOUT_SECONDS,
    /** How often the sweep cancels overdue orders and retries requests payments has not answered. */
    sweepIntervalMs: e.ORDERS_SWEEP_INTERVAL_MS,
  }),
);
export type OrdersConfig = ConfigOf<typeof ordersConfig>;
