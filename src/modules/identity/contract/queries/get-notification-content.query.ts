import { z } from 'zod';
import { defineQuery, Id } from '@shared-kernel';
import { NotificationTemplate } from '../events/notification-requested.v1.event';

export const NotificationContentView = z
  .object({
    notificationId: Id,
    template: NotificationTemplate,
    channel: z.literal('email'),
    recipient: z.object({ email: z.string(), name: z.string() }),
    locale: z.string(),
    /** Template variables; `token` for verify-email and password-reset. */
    variables: z.record(z.string(), z.string()),
  })
  .meta({ id: 'NotificationContent' });
export type NotificationContentView = z.infer<typeof NotificationContentView>;

/**
 * What the notifications context renders for a NotificationRequested event: recipient and
 * one-time token, decrypted on request. Null once the token was used or expired, or the
 * user was erased: there is nothing left to send.
 */
export const GetNotificationContentQuery = defineQuery('identity.get-notification-content.v1', {
  payload: z.object({ notificationId: Id }),
  result: NotificationContentView.nullable(),
});
export type GetNotificationContentQuery = InstanceType<typeof GetNotificationContentQuery>;
