import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ConflictError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { CreateOrderCommand, OrderCreatedV1, type OrderView } from '@modules/orders/contract';
import { OrderRepository } from '@modules/orders/infrastructure/order.repository';

/**
 * Creates a order and appends OrderCreatedV1 to the orders outbox in the same
 * transaction: the event exists if and only if the order does. The id is the caller's, so
 * a retry (the same id and fields, over HTTP or the bus) answers the stored order and
 * publishes nothing again; the same id with other fields is a conflict.
 */
@CommandHandler(CreateOrderCommand)
export class CreateOrderCommandHandler implements ICommandHandler<CreateOrderCommand, OrderView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: OrderRepository,
    private readonly outbox: Outbox,
  ) {}

  execute({ order: wanted }: CreateOrderCommand): Promise<OrderView> {
    return this.uow.run(async (tx) => {
      const { created, record } = await this.repository.insert(tx, { id: wanted.id, name: wanted.name });
      if (!created) {
        if (record.name !== wanted.name) throw new ConflictError('ORDER_EXISTS_WITH_DIFFERENT_FIELDS', `order ${record.id} exists with other fields`);
        return record;
      }
      await this.outbox.append(tx, 'orders', [OrderCreatedV1(record.id, { order: record })]);
      return record;
    });
  }
}
