import { z } from 'zod';
import { Id, Timestamp } from '@shared-kernel';

/* What the notifications context answers with, on the bus and over HTTP. */

export const MessageView = z
  .object({
    id: Id,
    name: z.string(),
    createdAt: Timestamp,
  })
  .meta({ id: 'NotificationMessage' });
export type MessageView = z.infer<typeof MessageView>;
