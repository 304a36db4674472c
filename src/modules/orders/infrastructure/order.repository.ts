import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Sql, type Tx } from '@platform/database/unit-of-work';
import type { OrderView } from '../contract';

interface OrderRow {
  id: string;
  name: string;
  created_at: Date;
}

/** The orders context's SQL: its table `orders.orders`, read straight into views. */
@Injectable()
export class OrderRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** Inserts the order unless its id exists; answers the stored one and whether this call created it. */
  async insert(tx: Tx, wanted: { id: string; name: string }): Promise<{ created: boolean; record: OrderView }> {
    const inserted = await tx.query<OrderRow>(
      'insert into orders.orders (id, name) values ($1, $2) on conflict (id) do nothing returning id, name, created_at',
      [wanted.id, wanted.name],
    );
    if (inserted.rows[0]) return { created: true, record: viewOf(inserted.rows[0]) };
    // A concurrent insert of the same id has committed by now (the insert waited for it).
    return { created: false, record: (await this.find(wanted.id, tx))! };
  }

  /** The order with this id, or null; in a transaction when one is given. */
  async find(id: string, sql: Sql = this.uow): Promise<OrderView | null> {
    const { rows } = await sql.query<OrderRow>('select id, name, created_at from orders.orders where id = $1', [id]);
    return rows[0] ? viewOf(rows[0]) : null;
  }
}

function viewOf(row: OrderRow): OrderView {
  return { id: row.id, name: row.name, createdAt: row.created_at.toISOString() };
}
