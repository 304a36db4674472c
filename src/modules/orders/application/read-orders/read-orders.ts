import { Inject, Injectable } from '@nestjs/common';
import type { OrderView } from '@modules/orders/contract';
import type { OrderStatus } from '@modules/orders/domain/order';
import { orderNotFound } from '@modules/orders/domain/order-errors';
import { OrderRepository } from '@modules/orders/infrastructure/order.repository';
import { ordersConfig, type OrdersConfig } from '@modules/orders/orders.config';
import type { Authorize } from '../change-status/change-order-status';

export interface OrderPage {
  items: OrderView[];
  nextCursor: string | null;
}

/** Reads for the HTTP API: one order after its access check, pages newest first. */
@Injectable()
export class ReadOrders {
  constructor(
    private readonly repository: OrderRepository,
    @Inject(ordersConfig.token) private readonly config: OrdersConfig,
  ) {}

  async get(id: string, authorize: Authorize): Promise<OrderView> {
    const record = await this.repository.record(id);
    if (!record) throw orderNotFound();
    authorize(record);
    return (await this.repository.view(id))!;
  }

  /** ownerId null: anyone's (staff). */
  async page(ownerId: string | null, query: { cursor?: string; limit?: number; status?: OrderStatus }): Promise<OrderPage> {
    const limit = Math.min(query.limit ?? this.config.pageSize, this.config.pageSize);
    const rows = await this.repository.page({
      ownerId,
      limit: limit + 1,
      ...(query.status ? { status: query.status } : {}),
      ...(query.cursor ? { before: BigInt(query.cursor) } : {}),
    });
    const items = rows.slice(0, limit);
    return { items: items.map(({ seq: _seq, ...view }) => view), nextCursor: rows.length > limit ? items[items.length - 1]!.seq : null };
  }
}
