import { NotificationsSchema1796181300537 } from './1796181300537-notifications-schema';
import { NotificationsDeviceTokens1796181400000 } from './1796181400000-notifications-device-tokens';
import { NotificationWebhooks1796181500000 } from './1796181500000-notification-webhooks';
import { NotificationsAttemptDevices1796181600000 } from './1796181600000-notifications-attempt-devices';

/** The notifications context's migrations (schema `notifications`), named in its manifest. */
export const NOTIFICATIONS_MIGRATIONS = [
  NotificationsSchema1796181300537,
  NotificationsDeviceTokens1796181400000,
  NotificationWebhooks1796181500000,
  NotificationsAttemptDevices1796181600000,
];
