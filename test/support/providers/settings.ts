import { notificationsConfig, type NotificationsConfig } from '@modules/notifications/notifications.config';

/** The notifications settings from these variables, as the app reads them at boot (ConfigError for a bad combination). */
export function settingsOf(env: Record<string, string>, mode: 'test' | 'production' = 'test'): NotificationsConfig {
  return notificationsConfig.read(notificationsConfig.variables.parse(env), { env: mode, dataDir: '/tmp' });
}
