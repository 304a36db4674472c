import { z } from 'zod';
import { defineCommand, Id } from '@shared-kernel';
import { NotificationChannel, NotificationRequestView } from '../views';

export const SendNotificationRequest = z
  .strictObject({
    id: Id.describe('Chosen by the caller: the same id and fields again answer the same request and send nothing twice'),
    userId: Id,
    template: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,63}$/)
      .describe('A template key, e.g. product-news'),
    /** Template variables: ids, amounts (minor units), codes. Never personal data: names and addresses come from identity at send time. */
    variables: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/), z.string().max(2000)).default({}),
    channels: z.array(NotificationChannel).min(1).max(4).optional().describe("Default: the template's channels"),
  })
  .meta({ id: 'SendNotificationRequest' });
export type SendNotificationRequest = z.infer<typeof SendNotificationRequest>;

/**
 * Asks for a message to a user from a template (other contexts, and the platform's own
 * event handlers). Idempotent by id: the same id and fields answer the stored request;
 * other fields are 409 NOTIFICATION_REQUEST_EXISTS_WITH_DIFFERENT_FIELDS; an unknown
 * template is 422 NOTIFICATION_TEMPLATE_UNKNOWN.
 */
export const SendNotificationCommand = defineCommand('notifications.send-notification.v1', {
  payload: z.object({ request: SendNotificationRequest }),
  result: NotificationRequestView,
});
export type SendNotificationCommand = InstanceType<typeof SendNotificationCommand>;
