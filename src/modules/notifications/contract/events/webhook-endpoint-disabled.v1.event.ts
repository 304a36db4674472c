import { z } from 'zod';
import { defineIntegrationEvent, Id, Timestamp } from '@shared-kernel';

/**
 * An outbound webhook endpoint was switched off after failing for five days: its owner (the
 * OAuth client) is told through this event; the endpoint keeps the reason, and its pending
 * messages wait until the owner enables it again. Ids only.
 */
export const WebhookEndpointDisabledV1 = defineIntegrationEvent(
  'notifications.webhook-endpoint-disabled.v1',
  'notifications.events',
  z
    .object({
      endpointId: Id,
      clientId: z.string(),
      reason: z.string().max(200),
      failingSince: Timestamp,
      disabledAt: Timestamp,
    })
    .meta({ id: 'NotificationWebhookEndpointDisabledV1' }),
);
export type WebhookEndpointDisabledV1 = z.infer<typeof WebhookEndpointDisabledV1.data>;
