import { NotificationsSchema1796181300537 } from './1796181300537-notifications-schema';

/** The notifications context's migrations (schema `notifications`), named in its manifest. */
export const NOTIFICATIONS_MIGRATIONS = [NotificationsSchema1796181300537];
