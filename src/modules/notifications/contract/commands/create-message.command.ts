import { z } from 'zod';
import { defineCommand, Id } from '@shared-kernel';
import { MessageView } from '../views';

export const NewMessage = z
  .strictObject({
    id: Id.describe('Chosen by the caller: the same id and fields again answer the same message'),
    name: z.string().trim().min(1).max(200),
  })
  .meta({ id: 'NewNotificationMessage' });
export type NewMessage = z.infer<typeof NewMessage>;

/** Creates a message. The id is the caller's (idempotent: same id and fields → same message). */
export const CreateMessageCommand = defineCommand('notifications.create-message.v1', {
  payload: z.object({ message: NewMessage }),
  result: MessageView,
});
export type CreateMessageCommand = InstanceType<typeof CreateMessageCommand>;
