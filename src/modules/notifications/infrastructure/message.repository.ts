import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Sql, type Tx } from '@platform/database/unit-of-work';
import type { MessageView } from '../contract';

interface MessageRow {
  id: string;
  name: string;
  created_at: Date;
}

/** The notifications context's SQL: its table `notifications.messages`, read straight into views. */
@Injectable()
export class MessageRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** Inserts the message unless its id exists; answers the stored one and whether this call created it. */
  async insert(tx: Tx, wanted: { id: string; name: string }): Promise<{ created: boolean; record: MessageView }> {
    const inserted = await tx.query<MessageRow>(
      'insert into notifications.messages (id, name) values ($1, $2) on conflict (id) do nothing returning id, name, created_at',
      [wanted.id, wanted.name],
    );
    if (inserted.rows[0]) return { created: true, record: viewOf(inserted.rows[0]) };
    // A concurrent insert of the same id has committed by now (the insert waited for it).
    return { created: false, record: (await this.find(wanted.id, tx))! };
  }

  /** The message with this id, or null; in a transaction when one is given. */
  async find(id: string, sql: Sql = this.uow): Promise<MessageView | null> {
    const { rows } = await sql.query<MessageRow>('select id, name, created_at from notifications.messages where id = $1', [id]);
    return rows[0] ? viewOf(rows[0]) : null;
  }
}

function viewOf(row: MessageRow): MessageView {
  return { id: row.id, name: row.name, createdAt: row.created_at.toISOString() };
}
