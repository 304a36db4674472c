import { notificationsConfig, type NotificationsConfig } from '@modules/notifications/notifications.config';

/** The notifications settings from these variables, as the app reads them at boot (ConfigError for a bad combination). */
export function settingsOf(env: Record<string, string>, mode: 'test' | 'production' = 'test'): NotificationsConfig {
  // production also needs a real SMTP server and the webhooks' secret key: given here unless the test sets them
  const required =
    mode === 'production' ? { NOTIFICATIONS_SMTP_URL: 'smtp://127.0.0.1:2525', NOTIFICATIONS_WEBHOOKS_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') } : {};
  return notificationsConfig.read(notificationsConfig.variables.parse({ ...required, ...env }), { env: mode, dataDir: '/tmp' });
}
