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

export const NotificationRecipientView = z
  .object({
    userId: Id,
    email: z.string(),
    name: z.string(),
    /** E.164, when the user gave one. */
    phone: z.string().nullable(),
    locale: z.string(),
  })
  .meta({ id: 'NotificationRecipient' });
export type NotificationRecipientView = z.infer<typeof NotificationRecipientView>;

/**
 * Where and how to address a user for messages that are not identity's own (balance
 * changes, statements): decrypted on request, at send time, like the content above, so no
 * event carries an address. Null for an unknown, closed or erased user.
 */
export const GetNotificationRecipientQuery = defineQuery('identity.get-notification-recipient.v1', {
  payload: z.object({ userId: Id }),
  result: NotificationRecipientView.nullable(),
});
export type GetNotificationRecipientQuery = InstanceType<typeof GetNotificationRecipientQuery>;
