import { defineContract } from '@shared-kernel';
import { SendNotificationCommand } from './commands/send-notification.command';
import { InboxItemAddedV1 } from './events/inbox-item-added.v1.event';
import { NotificationFailedV1 } from './events/notification-failed.v1.event';
import { WebhookEndpointDisabledV1 } from './events/webhook-endpoint-disabled.v1.event';
import { GetNotificationQuery } from './queries/get-notification.query';

export * from './views';
export * from './commands/send-notification.command';
export * from './queries/get-notification.query';
export * from './events/inbox-item-added.v1.event';
export * from './events/notification-failed.v1.event';
export * from './events/webhook-endpoint-disabled.v1.event';

/** What notifications offers other contexts: send a message from a template, read one back (bus), and its events (`notifications.events`). */
export const notificationsContract = defineContract({
  commands: [SendNotificationCommand],
  queries: [GetNotificationQuery],
  events: [InboxItemAddedV1, NotificationFailedV1, WebhookEndpointDisabledV1],
});
