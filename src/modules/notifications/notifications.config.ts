import { defineConfig, int, type ConfigOf } from '@platform/config/config-slice';
import { readWebhooksConfig, WEBHOOKS_CONFIG_VARIABLES } from './webhooks/webhooks.config';

/**
 * The notifications context's settings (NOTIFICATIONS_* variables), validated at boot by every
 * process that runs the context; a provider reads them with `@Inject(notificationsConfig.token)`.
 */
export const notificationsConfig = defineConfig(
  'notifications',
  {
    NOTIFICATIONS_PAGE_SIZE: int(1, 1000).default(50),
    // ---- outbound webhooks (NOTIFICATIONS_WEBHOOKS_*, webhooks/webhooks.config.ts) ----
    ...WEBHOOKS_CONFIG_VARIABLES,
  },
  (e, context) => ({
    /** Items per page when the context lists its messages. */
    pageSize: e.NOTIFICATIONS_PAGE_SIZE,
    // ---- outbound webhooks ----
    webhooks: readWebhooksConfig(e, context),
  }),
);
export type NotificationsConfig = ConfigOf<typeof notificationsConfig>;
