import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '@shared-kernel';
import { InboxRepository, type InboxFilter, type InboxItemRow } from '@modules/notifications/infrastructure/inbox.repository';
import { notificationsConfig, type NotificationsConfig } from '@modules/notifications/notifications.config';
import type { InboxPage } from '@modules/notifications/api/dto/notifications.requests';

export const notificationNotFound = () => new NotFoundError('NOTIFICATION_NOT_FOUND', 'No such notification');

/** A user's in-app inbox: pages newest first, the unread count, read and archive (own items only: others' are 404). */
@Injectable()
export class ManageInbox {
  constructor(
    private readonly inbox: InboxRepository,
    @Inject(notificationsConfig.token) private readonly config: NotificationsConfig,
  ) {}

  async page(userId: string, query: { cursor?: string; limit?: number; filter?: InboxFilter }): Promise<InboxPage> {
    const limit = query.limit ?? Math.min(20, this.config.pageSize);
    const rows = await this.inbox.page(userId, {
      limit: limit + 1,
      filter: query.filter ?? 'active',
      ...(query.cursor ? { before: BigInt(query.cursor) } : {}),
    });
    const items = rows.slice(0, limit);
    return {
      items: items.map(itemOf),
      nextCursor: rows.length > limit ? items[items.length - 1]!.seq : null,
      unreadCount: await this.inbox.unreadCount(userId),
    };
  }

  unreadCount(userId: string): Promise<number> {
    return this.inbox.unreadCount(userId);
  }

  async mark(userId: string, id: string, what: 'read' | 'archived'): Promise<InboxPage['items'][number]> {
    const row = await this.inbox.mark(userId, id, what);
    if (!row) throw notificationNotFound();
    return itemOf(row);
  }
}

function itemOf(row: InboxItemRow): InboxPage['items'][number] {
  return {
    id: row.id,
    category: row.category as InboxPage['items'][number]['category'],
    title: row.title,
    body: row.body,
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at?.toISOString() ?? null,
    archivedAt: row.archived_at?.toISOString() ?? null,
  };
}
