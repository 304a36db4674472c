import { defineConfig, int, type ConfigOf } from '@platform/config/config-slice';

/**
 * The payments context's settings (PAYMENTS_* variables), validated at boot by every
 * process that runs the context; a provider reads them with `@Inject(paymentsConfig.token)`.
 */
export const paymentsConfig = defineConfig('payments', { PAYMENTS_PAGE_SIZE: int(1, 1000).default(50) }, (e) => ({
  /** Items per page when the context lists its payments. */
  pageSize: e.PAYMENTS_PAGE_SIZE,
}));
export type PaymentsConfig = ConfigOf<typeof paymentsConfig>;
