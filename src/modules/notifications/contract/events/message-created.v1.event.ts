import { z } from 'zod';
import { defineIntegrationEvent } from '@shared-kernel';
import { MessageView } from '../views';

/** A message was created: once per message (a repeated create publishes nothing). */
export const MessageCreatedV1 = defineIntegrationEvent(
  'notifications.message-created.v1',
  'notifications.events',
  z.object({ message: MessageView }).meta({ id: 'NotificationMessageCreatedV1' }),
);
export type MessageCreatedV1 = z.infer<typeof MessageCreatedV1.data>;
