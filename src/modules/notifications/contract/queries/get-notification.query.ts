import { z } from 'zod';
import { defineQuery, Id } from '@shared-kernel';
import { NotificationView } from '../views';

/** A message with its status timeline and delivery attempts; null when there is none. */
export const GetNotificationQuery = defineQuery('notifications.get-notification.v1', {
  payload: z.object({ id: Id }),
  result: NotificationView.nullable(),
});
export type GetNotificationQuery = InstanceType<typeof GetNotificationQuery>;
