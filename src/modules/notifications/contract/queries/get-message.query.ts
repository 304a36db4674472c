import { z } from 'zod';
import { defineQuery, Id } from '@shared-kernel';
import { MessageView } from '../views';

/** A message by id; null when there is none. */
export const GetMessageQuery = defineQuery('notifications.get-message.v1', {
  payload: z.object({ id: Id }),
  result: MessageView.nullable(),
});
export type GetMessageQuery = InstanceType<typeof GetMessageQuery>;
