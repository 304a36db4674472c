import { defineContract } from '@shared-kernel';
import { NotificationRequested } from './events/notification-requested.v1.event';
import { UserClosed } from './events/user-closed.v1.event';
import { UserLocked } from './events/user-locked.v1.event';
import { UserProfileChanged } from './events/user-profile-changed.v1.event';
import { UserRegistered } from './events/user-registered.v1.event';
import { UserRolesChanged } from './events/user-roles-changed.v1.event';
import { UserUnlocked } from './events/user-unlocked.v1.event';
import { UserVerified } from './events/user-verified.v1.event';
import { GetClientAccessQuery } from './queries/get-client-access.query';
import { GetNotificationContentQuery, GetNotificationRecipientQuery } from './queries/get-notification-content.query';
import { GetUserStatusQuery } from './queries/get-user-status.query';

export * from './events/user-registered.v1.event';
export * from './events/user-verified.v1.event';
export * from './events/user-profile-changed.v1.event';
export * from './events/user-locked.v1.event';
export * from './events/user-unlocked.v1.event';
export * from './events/user-closed.v1.event';
export * from './events/user-roles-changed.v1.event';
export * from './events/notification-requested.v1.event';
export * from './queries/get-user-status.query';
export * from './queries/get-notification-content.query';
export * from './queries/get-client-access.query';

/** What identity offers other contexts: user status, notification content and OAuth clients' access (queries), `user.events` and `notifications.dispatch`. */
export const identityContract = defineContract({
  queries: [GetUserStatusQuery, GetNotificationContentQuery, GetNotificationRecipientQuery, GetClientAccessQuery],
  events: [UserRegistered, UserVerified, UserProfileChanged, UserLocked, UserUnlocked, UserClosed, UserRolesChanged, NotificationRequested],
});
