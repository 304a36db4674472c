import { z } from 'zod';
import { defineIntegrationEvent, Id, Timestamp } from '@shared-kernel';

/**
 * A message could not be sent and will not be retried: its template failed to render, no
 * provider took it, or its retries ran out. Ids and a code only (alerting, support tooling).
 */
export const NotificationFailedV1 = defineIntegrationEvent(
  'notifications.notification-failed.v1',
  'notifications.events',
  z
    .object({
      messageId: Id,
      userId: Id,
      template: z.string(),
      channel: z.string(),
      code: z.string().describe('TEMPLATE_RENDER_FAILED, TEMPLATE_NOT_FOUND, SMS_TOO_LONG, NO_PROVIDER, RETRIES_EXHAUSTED, PERMANENT_FAILURE, ...'),
      failedAt: Timestamp,
    })
    .meta({ id: 'NotificationFailedV1' }),
);
export type NotificationFailedV1 = z.infer<typeof NotificationFailedV1.data>;
