import { NotificationsSchema1796181300537 } from './1796181300537-notifications-schema';
import { NotificationWebhooks1796181400000 } from './1796181400000-notification-webhooks';

/** The notifications context's migrations (schema `notifications`), named in its manifest. */
export const NOTIFICATIONS_MIGRATIONS = [NotificationsSchema1796181300537, NotificationWebhooks1796181400000];
