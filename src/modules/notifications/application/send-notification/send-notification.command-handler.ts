import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { SendNotificationCommand, type NotificationRequestView } from '@modules/notifications/contract';
import { MessageRepository, summaryOf } from '@modules/notifications/infrastructure/message.repository';
import { PlanNotification } from '../plan-notification/plan-notification';

/**
 * Another context (or staff tooling) asks for a message from a template. The request id is
 * the caller's: the same id and fields answer the stored request and send nothing again,
 * other fields are a conflict, an unknown template is refused before anything is stored.
 */
@CommandHandler(SendNotificationCommand)
export class SendNotificationCommandHandler implements ICommandHandler<SendNotificationCommand, NotificationRequestView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly planning: PlanNotification,
    private readonly messages: MessageRepository,
  ) {}

  async execute({ request }: SendNotificationCommand): Promise<NotificationRequestView> {
    return this.uow.run(async (tx) => {
      await this.planning.plan(
        tx,
        {
          id: request.id,
          userId: request.userId,
          template: request.template,
          variables: request.variables ?? {},
          ...(request.channels ? { channels: request.channels } : {}),
        },
        'refuse',
      );
      return { requestId: request.id, messages: (await this.messages.ofRequest(request.id, tx)).map(summaryOf) };
    });
  }
}
