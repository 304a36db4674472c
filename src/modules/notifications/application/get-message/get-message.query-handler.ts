import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { GetMessageQuery, type MessageView } from '@modules/notifications/contract';
import { MessageRepository } from '@modules/notifications/infrastructure/message.repository';

@QueryHandler(GetMessageQuery)
export class GetMessageQueryHandler implements IQueryHandler<GetMessageQuery, MessageView | null> {
  constructor(private readonly repository: MessageRepository) {}

  execute({ id }: GetMessageQuery): Promise<MessageView | null> {
    return this.repository.find(id);
  }
}
