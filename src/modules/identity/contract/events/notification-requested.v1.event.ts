import { z } from 'zod';
import { defineIntegrationEvent, Id, Timestamp } from '@shared-kernel';

export const NotificationTemplate = z.enum(['verify-email', 'password-reset', 'account-exists', 'password-changed']);
export type NotificationTemplate = z.infer<typeof NotificationTemplate>;

/**
 * Identity asks the notifications context to send a message. The event carries ids only:
 * the recipient address and any one-time token are fetched with GetNotificationContentQuery
 * when the message is rendered (ADR 0007), so neither ever sits in Kafka.
 */
export const NotificationRequested = defineIntegrationEvent(
  'identity.notification-requested.v1',
  'notifications.dispatch',
  z
    .object({
      notificationId: Id,
      userId: Id,
      template: NotificationTemplate,
      channel: z.literal('email'),
      expiresAt: Timestamp.nullable(),
    })
    .meta({ id: 'NotificationRequestedV1' }),
);
