import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiAuth, RequirePermissions } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { ApiResult, ValidParams, ValidQuery } from '@platform/http/zod-request';
import { NotificationView } from '../contract';
import { notificationNotFound } from '../application/manage-inbox/manage-inbox';
import { MessageRepository, summaryOf } from '../infrastructure/message.repository';
import { AdminNotificationsQuery, NotificationIdParams, NotificationPage } from './dto/notifications.requests';

/** Support's view of a user's messages (every channel) and of one message's timeline (notifications:read). */
@ApiTags('notifications')
@ApiAuth()
@Controller('admin/notifications')
export class AdminNotificationsHttpController {
  constructor(private readonly messages: MessageRepository) {}

  @Get()
  @RequirePermissions('notifications:read')
  @ApiOperation({ operationId: 'listNotificationsOfUser', summary: "A user's messages, every channel, newest first (support, compliance, admin)" })
  @ApiResult(200, NotificationPage)
  @ApiProblems(400)
  async ofUser(@ValidQuery(AdminNotificationsQuery) query: z.output<typeof AdminNotificationsQuery>): Promise<NotificationPage> {
    const limit = query.limit ?? 50;
    const rows = await this.messages.ofUser(query.userId, { limit: limit + 1, ...(query.cursor ? { before: BigInt(query.cursor) } : {}) });
    const items = rows.slice(0, limit);
    return { items: items.map(summaryOf), nextCursor: rows.length > limit ? items[items.length - 1]!.seq : null };
  }

  @Get(':id')
  @RequirePermissions('notifications:read')
  @ApiOperation({ operationId: 'getNotificationForStaff', summary: 'A message with its status timeline and delivery attempts (support, compliance, admin)' })
  @ApiResult(200, NotificationView)
  @ApiProblems(400, 404)
  async get(@ValidParams(NotificationIdParams) { id }: z.output<typeof NotificationIdParams>): Promise<NotificationView> {
    const found = await this.messages.view(id);
    if (!found) throw notificationNotFound();
    return found;
  }
}
