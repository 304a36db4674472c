import { defineContract } from '@shared-kernel';
import { CreateMessageCommand } from './commands/create-message.command';
import { InboxItemAddedV1 } from './events/inbox-item-added.v1.event';
import { MessageCreatedV1 } from './events/message-created.v1.event';
import { WebhookEndpointDisabledV1 } from './events/webhook-endpoint-disabled.v1.event';
import { GetMessageQuery } from './queries/get-message.query';

export * from './views';
export * from './commands/create-message.command';
export * from './queries/get-message.query';
export * from './events/message-created.v1.event';
export * from './events/inbox-item-added.v1.event';
export * from './events/webhook-endpoint-disabled.v1.event';

/** What notifications offers other contexts: these commands and queries (over the bus) and events (topics). */
export const notificationsContract = defineContract({
  commands: [CreateMessageCommand],
  queries: [GetMessageQuery],
  events: [MessageCreatedV1, InboxItemAddedV1, WebhookEndpointDisabledV1],
});
