import { Controller, Get, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { NotFoundError } from '@shared-kernel';
import { ApiAuth, RequirePermissions } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { Idempotent } from '@platform/http/idempotency';
import { ApiResult, ValidBody, ValidParams } from '@platform/http/zod-request';
import { CreateMessageCommand, GetMessageQuery, NewMessage, MessageView } from '../contract';
import { MessageIdParams } from './dto/messages.requests';

/** The notifications context's messages over HTTP, for services and back-office (by permission). */
@ApiTags('notifications')
@ApiAuth()
@Controller('notifications/messages')
export class MessagesHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequirePermissions('notifications:write')
  @Idempotent()
  @ApiOperation({ summary: 'Create a message (idempotent by id)' })
  @ApiResult(201, MessageView)
  @ApiProblems(400, 409)
  create(@ValidBody(NewMessage) wanted: NewMessage): Promise<MessageView> {
    return this.commands.execute(new CreateMessageCommand({ message: wanted }));
  }

  @Get(':id')
  @RequirePermissions('notifications:read')
  @ApiOperation({ summary: 'A message by id' })
  @ApiResult(200, MessageView)
  @ApiProblems(400, 404)
  async get(@ValidParams(MessageIdParams) { id }: z.output<typeof MessageIdParams>): Promise<MessageView> {
    const found = await this.queries.execute(new GetMessageQuery({ id }));
    if (!found) throw new NotFoundError('NOTIFICATION_MESSAGE_NOT_FOUND', `no message ${id}`);
    return found;
  }
}
