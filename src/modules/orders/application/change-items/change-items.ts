import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import type { NewOrder, OrderView } from '@modules/orders/contract';
import { orderNotDraft, orderNotFound } from '@modules/orders/domain/order-errors';
import { OrderRepository } from '@modules/orders/infrastructure/order.repository';
import { pricedItems } from '../create-order/create-order.command-handler';
import type { Authorize } from '../change-status/change-order-status';

/** Replaces a draft's items (the total is computed again); a placed order's items are fixed (409 ORDER_NOT_DRAFT). */
@Injectable()
export class ChangeItems {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: OrderRepository,
  ) {}

  async replace(orderId: string, authorize: Authorize, items: NewOrder['items']): Promise<OrderView> {
    const priced = pricedItems(items);
    return this.uow.run(async (tx) => {
      const order = await this.repository.lock(tx, orderId);
      if (!order) throw orderNotFound();
      authorize(order);
      if (order.status !== 'draft') throw orderNotDraft(order.status);
      await this.repository.replaceItems(tx, orderId, priced.items, priced.total);
      return (await this.repository.view(orderId, tx))!;
    });
  }
}
