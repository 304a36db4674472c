import { Module } from '@nestjs/common';
import { CreateMessageCommandHandler } from './application/create-message/create-message.command-handler';
import { GetMessageQueryHandler } from './application/get-message/get-message.query-handler';
import { DevicesHttpController } from './api/devices.http-controller';
import { MessagesHttpController } from './api/messages.http-controller';
import { ProviderCallbacksHttpController } from './api/provider-callbacks.http-controller';
import { DeviceTokenRepository } from './channels/push';
import { MessageRepository } from './infrastructure/message.repository';

@Module({
  controllers: [MessagesHttpController, ProviderCallbacksHttpController, DevicesHttpController],
  providers: [MessageRepository, CreateMessageCommandHandler, GetMessageQueryHandler, DeviceTokenRepository],
})
export class NotificationsModule {}
