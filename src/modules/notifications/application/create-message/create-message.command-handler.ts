import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConflictError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { CreateMessageCommand, MessageCreatedV1, type MessageView } from '@modules/notifications/contract';
import { MessageRepository } from '@modules/notifications/infrastructure/message.repository';

/**
 * Creates a message and appends MessageCreatedV1 to the notifications outbox in the same
 * transaction: the event exists if and only if the message does. The id is the caller's, so
 * a retry (the same id and fields, over HTTP or the bus) answers the stored message and
 * publishes nothing again; the same id with other fields is a conflict.
 */
@CommandHandler(CreateMessageCommand)
export class CreateMessageCommandHandler implements ICommandHandler<CreateMessageCommand, MessageView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: MessageRepository,
    private readonly outbox: Outbox,
  ) {}

  execute({ message: wanted }: CreateMessageCommand): Promise<MessageView> {
    return this.uow.run(async (tx) => {
      const { created, record } = await this.repository.insert(tx, { id: wanted.id, name: wanted.name });
      if (!created) {
        if (record.name !== wanted.name)
          throw new ConflictError('NOTIFICATION_MESSAGE_EXISTS_WITH_DIFFERENT_FIELDS', `message ${record.id} exists with other fields`);
        return record;
      }
      await this.outbox.append(tx, 'notifications', [MessageCreatedV1(record.id, { message: record })]);
      return record;
    });
  }
}
