import { Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiAuth, CurrentPrincipal } from '@platform/auth/decorators';
import { assertCanAccess, userOf } from '@platform/auth/ownership';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { ApiResult, ValidBody, ValidParams, ValidQuery } from '@platform/http/zod-request';
import { NotificationView } from '../contract';
import { ManageInbox, notificationNotFound } from '../application/manage-inbox/manage-inbox';
import { ManagePreferences } from '../application/manage-preferences/manage-preferences';
import { MessageRepository } from '../infrastructure/message.repository';
import { InboxItem, InboxPage, InboxQuery, NotificationIdParams, PreferencesBody, PreferencesView, UnreadCount } from './dto/notifications.requests';

/**
 * A signed-in user's own notifications: the in-app inbox, each message's status timeline,
 * and preferences. Another user's ids answer 404 NOTIFICATION_NOT_FOUND; staff read any
 * user's under /v1/admin/notifications.
 */
@ApiTags('notifications')
@ApiAuth()
@Controller('notifications')
export class NotificationsHttpController {
  constructor(
    private readonly inbox: ManageInbox,
    private readonly preferences: ManagePreferences,
    private readonly messages: MessageRepository,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listInbox', summary: 'My in-app inbox, newest first (cursor pagination), with the unread count' })
  @ApiResult(200, InboxPage)
  @ApiProblems(400, 403)
  list(@CurrentPrincipal() principal: Principal, @ValidQuery(InboxQuery) query: z.output<typeof InboxQuery>): Promise<InboxPage> {
    return this.inbox.page(userOf(principal), query);
  }

  @Get('unread-count')
  @ApiOperation({ operationId: 'getInboxUnreadCount', summary: 'How many of my in-app notifications are unread (and not archived)' })
  @ApiResult(200, UnreadCount)
  @ApiProblems(403)
  async unread(@CurrentPrincipal() principal: Principal): Promise<z.output<typeof UnreadCount>> {
    return { unreadCount: await this.inbox.unreadCount(userOf(principal)) };
  }

  @Get('preferences')
  @ApiOperation({ operationId: 'getNotificationPreferences', summary: 'My notification preferences: muted channels per category, quiet hours, time zone' })
  @ApiResult(200, PreferencesView)
  @ApiProblems(403)
  getPreferences(@CurrentPrincipal() principal: Principal): Promise<PreferencesView> {
    return this.preferences.get(userOf(principal));
  }

  @Put('preferences')
  @ApiOperation({
    operationId: 'replaceNotificationPreferences',
    summary: 'Replace my notification preferences',
    description:
      'Security and legal messages cannot be turned off (422 NOTIFICATION_CATEGORY_CANNOT_BE_MUTED). Quiet hours hold push and SMS back until they end, in timeZone.',
  })
  @ApiResult(200, PreferencesView)
  @ApiProblems(400, 403, 422)
  putPreferences(@CurrentPrincipal() principal: Principal, @ValidBody(PreferencesBody) body: PreferencesBody): Promise<PreferencesView> {
    return this.preferences.replace(userOf(principal), body);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getNotification', summary: 'One of my messages, any channel, with its status timeline and delivery attempts' })
  @ApiResult(200, NotificationView)
  @ApiProblems(400, 404)
  async get(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(NotificationIdParams) { id }: z.output<typeof NotificationIdParams>,
  ): Promise<NotificationView> {
    const found = await this.messages.view(id);
    if (!found) throw notificationNotFound();
    assertCanAccess(principal, found.userId, 'notifications:read', notificationNotFound);
    return found;
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ operationId: 'markNotificationRead', summary: 'Mark one of my in-app notifications read (repeatable)' })
  @ApiResult(200, InboxItem)
  @ApiProblems(400, 403, 404)
  read(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(NotificationIdParams) { id }: z.output<typeof NotificationIdParams>,
  ): Promise<z.output<typeof InboxItem>> {
    return this.inbox.mark(userOf(principal), id, 'read');
  }

  @Post(':id/archive')
  @HttpCode(200)
  @ApiOperation({ operationId: 'archiveNotification', summary: 'Archive one of my in-app notifications (it counts as read; repeatable)' })
  @ApiResult(200, InboxItem)
  @ApiProblems(400, 403, 404)
  archive(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(NotificationIdParams) { id }: z.output<typeof NotificationIdParams>,
  ): Promise<z.output<typeof InboxItem>> {
    return this.inbox.mark(userOf(principal), id, 'archived');
  }
}
