import { defineConfig, int, type ConfigOf } from '@platform/config/config-slice';

/**
 * The orders context's settings (ORDERS_* variables), validated at boot by every
 * process that runs the context; a provider reads them with `@Inject(ordersConfig.token)`.
 */
export const ordersConfig = defineConfig('orders', { ORDERS_PAGE_SIZE: int(1, 1000).default(50) }, (e) => ({
  /** Items per page when the context lists its orders. */
  pageSize: e.ORDERS_PAGE_SIZE,
}));
export type OrdersConfig = ConfigOf<typeof ordersConfig>;
