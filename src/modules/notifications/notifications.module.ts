import { Module } from '@nestjs/common';
import { CreateMessageCommandHandler } from './application/create-message/create-message.command-handler';
import { GetMessageQueryHandler } from './application/get-message/get-message.query-handler';
import { MessagesHttpController } from './api/messages.http-controller';
import { MessageRepository } from './infrastructure/message.repository';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [WebhooksModule],
  controllers: [MessagesHttpController],
  providers: [MessageRepository, CreateMessageCommandHandler, GetMessageQueryHandler],
})
export class NotificationsModule {}
