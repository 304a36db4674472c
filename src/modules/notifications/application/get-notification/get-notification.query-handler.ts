import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { GetNotificationQuery, type NotificationView } from '@modules/notifications/contract';
import { MessageRepository } from '@modules/notifications/infrastructure/message.repository';

@QueryHandler(GetNotificationQuery)
export class GetNotificationQueryHandler implements IQueryHandler<GetNotificationQuery, NotificationView | null> {
  constructor(private readonly messages: MessageRepository) {}

  execute({ id }: GetNotificationQuery): Promise<NotificationView | null> {
    return this.messages.view(id);
  }
}
