import { z } from 'zod';
import { defineIntegrationEvent, Id, Timestamp } from '@shared-kernel';

/**
 * An in-app message landed in a user's inbox (the realtime gateway tells the user's open
 * connections). Ids only: the client reads the item's content from GET /v1/notifications.
 */
export const InboxItemAddedV1 = defineIntegrationEvent(
  'notifications.inbox-item-added.v1',
  'notifications.events',
  z.object({ itemId: Id, userId: Id, category: z.string().max(40), createdAt: Timestamp }).meta({ id: 'NotificationInboxItemAddedV1' }),
);
export type InboxItemAddedV1 = z.infer<typeof InboxItemAddedV1.data>;
