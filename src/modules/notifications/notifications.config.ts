import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, defineConfig, int, url, type ConfigOf } from '@platform/config/config-slice';

/**
 * The notifications context's settings (NOTIFICATIONS_* variables), validated at boot by every
 * process that runs the context; a provider reads them with `@Inject(notificationsConfig.token)`.
 * The SMS and push providers read their own variables (channels/sms, channels/push).
 */
export const notificationsConfig = defineConfig(
  'notifications',
  {
    NOTIFICATIONS_PAGE_SIZE: int(1, 1000).default(50),
    NOTIFICATIONS_SMTP_URL: url(['smtp:', 'smtps:']).optional(),
    NOTIFICATIONS_SMTP_SECONDARY_URL: url(['smtp:', 'smtps:']).optional(),
    NOTIFICATIONS_EMAIL_FROM: z.string().min(3).max(200).default('Skyro <no-reply@skyro.local>'),
    NOTIFICATIONS_SMTP_TIMEOUT_MS: int(100, 120_000).default(10_000),
    NOTIFICATIONS_LINK_BASE_URL: url(['http:', 'https:']).optional(),
    NOTIFICATIONS_MAILBOX_DIR: z.string().min(1).optional(),
    NOTIFICATIONS_DISPATCH_INTERVAL_MS: int(10, 600_000).default(1_000),
    NOTIFICATIONS_DISPATCH_BATCH: int(1, 1000).default(50),
    NOTIFICATIONS_MAX_ATTEMPTS: int(1, 50).default(8),
    NOTIFICATIONS_RETRY_BASE_MS: int(1, 3_600_000).default(5_000),
    NOTIFICATIONS_RETRY_MAX_MS: int(1, 86_400_000).default(3_600_000),
    NOTIFICATIONS_PUSH_FALLBACK_MS: int(1_000, 86_400_000).default(300_000),
    NOTIFICATIONS_CIRCUIT_FAILURES: int(1, 1000).default(5),
    NOTIFICATIONS_CIRCUIT_OPEN_MS: int(100, 3_600_000).default(30_000),
    NOTIFICATIONS_SMS_MAX_LENGTH: int(70, 1600).default(480),
  },
  (e, { env, dataDir }) => {
    if (e.NOTIFICATIONS_SMTP_SECONDARY_URL && !e.NOTIFICATIONS_SMTP_URL)
      throw new ConfigError('Invalid configuration: NOTIFICATIONS_SMTP_SECONDARY_URL needs NOTIFICATIONS_SMTP_URL (the primary)');
    if (env === 'production' && !e.NOTIFICATIONS_SMTP_URL)
      throw new ConfigError('Invalid configuration: NOTIFICATIONS_SMTP_URL is required in production (the development mailbox is not for production)');
    if (e.NOTIFICATIONS_RETRY_MAX_MS < e.NOTIFICATIONS_RETRY_BASE_MS)
      throw new ConfigError('Invalid configuration: NOTIFICATIONS_RETRY_MAX_MS must be at least NOTIFICATIONS_RETRY_BASE_MS');
    return {
      env,
      /** Items per page when the context lists its messages. */
      pageSize: e.NOTIFICATIONS_PAGE_SIZE,
      smtp: {
        /** Absent (and not production): email goes to the development mailbox. */
        primaryUrl: e.NOTIFICATIONS_SMTP_URL,
        secondaryUrl: e.NOTIFICATIONS_SMTP_SECONDARY_URL,
        from: e.NOTIFICATIONS_EMAIL_FROM,
        timeoutMs: e.NOTIFICATIONS_SMTP_TIMEOUT_MS,
      },
      /** Where links in messages point; absent: http://127.0.0.1:<the port this process listens on>. */
      linkBaseUrl: e.NOTIFICATIONS_LINK_BASE_URL?.replace(/\/+$/, ''),
      /** The development mailbox (no SMTP configured, not production). */
      // Tests keep theirs per process, out of the checkout's .data/.
      mailboxDir: e.NOTIFICATIONS_MAILBOX_DIR ?? (env === 'test' ? join(tmpdir(), `skyro-mailbox-${process.pid}`) : join(dataDir, 'mailbox')),
      dispatch: {
        intervalMs: e.NOTIFICATIONS_DISPATCH_INTERVAL_MS,
        batch: e.NOTIFICATIONS_DISPATCH_BATCH,
        maxAttempts: e.NOTIFICATIONS_MAX_ATTEMPTS,
        retryBaseMs: e.NOTIFICATIONS_RETRY_BASE_MS,
        retryMaxMs: e.NOTIFICATIONS_RETRY_MAX_MS,
        pushFallbackMs: e.NOTIFICATIONS_PUSH_FALLBACK_MS,
      },
      circuit: { failures: e.NOTIFICATIONS_CIRCUIT_FAILURES, openMs: e.NOTIFICATIONS_CIRCUIT_OPEN_MS },
      smsMaxLength: e.NOTIFICATIONS_SMS_MAX_LENGTH,
    };
  },
);
export type NotificationsConfig = ConfigOf<typeof notificationsConfig>;
