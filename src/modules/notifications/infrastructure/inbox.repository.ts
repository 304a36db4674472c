import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Tx } from '@platform/database/unit-of-work';

export interface InboxItemRow {
  id: string;
  seq: string;
  user_id: string;
  category: string;
  title: string;
  body: string;
  created_at: Date;
  read_at: Date | null;
  archived_at: Date | null;
}

export type InboxFilter = 'active' | 'unread' | 'archived' | 'all';

/** notifications.inbox_items: a user's in-app messages (the item id is its message's id). */
@Injectable()
export class InboxRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** Adds the item unless it exists (a re-run of the same message); the new row, or null. */
  async add(tx: Tx, item: { id: string; seq: string; userId: string; category: string; title: string; body: string }): Promise<InboxItemRow | null> {
    const { rows } = await tx.query<InboxItemRow>(
      `insert into notifications.inbox_items (id, seq, user_id, category, title, body) values ($1, $2, $3, $4, $5, $6)
       on conflict (id) do nothing returning id, seq::text, user_id, category, title, body, created_at, read_at, archived_at`,
      [item.id, item.seq, item.userId, item.category, item.title, item.body],
    );
    return rows[0] ?? null;
  }

  /** Newest first; `before` is the seq of the last item of the previous page. */
  async page(userId: string, options: { limit: number; before?: bigint; filter: InboxFilter }): Promise<InboxItemRow[]> {
    const condition = {
      active: 'archived_at is null',
      unread: 'archived_at is null and read_at is null',
      archived: 'archived_at is not null',
      all: 'true',
    }[options.filter];
    const { rows } = await this.uow.query<InboxItemRow>(
      `select id, seq::text, user_id, category, title, body, created_at, read_at, archived_at from notifications.inbox_items
       where user_id = $1 and ${condition} and ($3::bigint is null or seq < $3) order by inbox_items.seq desc limit $2`,
      [userId, options.limit, options.before?.toString() ?? null],
    );
    return rows;
  }

  async unreadCount(userId: string): Promise<number> {
    const { rows } = await this.uow.query<{ n: string }>(
      'select count(*)::text as n from notifications.inbox_items where user_id = $1 and read_at is null and archived_at is null',
      [userId],
    );
    return Number(rows[0]!.n);
  }

  /** Marks the user's item read or archived (repeatable: the first time stays); null when the user has no such item. */
  async mark(userId: string, id: string, what: 'read' | 'archived'): Promise<InboxItemRow | null> {
    const set = what === 'read' ? 'read_at = coalesce(read_at, now())' : 'archived_at = coalesce(archived_at, now()), read_at = coalesce(read_at, now())';
    const { rows } = await this.uow.query<InboxItemRow>(
      `update notifications.inbox_items set ${set} where id = $1 and user_id = $2
       returning id, seq::text, user_id, category, title, body, created_at, read_at, archived_at`,
      [id, userId],
    );
    return rows[0] ?? null;
  }
}
