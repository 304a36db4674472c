import { defineIntegrationEvent } from '../../../../shared-kernel';

export type NotificationTemplate = 'verify-email' | 'password-reset' | 'account-exists' | 'password-changed';

/**
 * Identity asks the notifications context to send a message. The event carries ids only:
 * the recipient address and any one-time token are fetched with GetNotificationContentQuery
 * when the message is rendered (ADR 0007), so neither ever sits in Kafka.
 */
export const NotificationRequested = defineIntegrationEvent<{
  notificationId: string;
  userId: string;
  template: NotificationTemplate;
  channel: 'email';
  expiresAt: string | null;
}>('identity.notification-requested.v1', 'notifications.dispatch');
