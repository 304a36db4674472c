import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { GetOrderQuery, type OrderView } from '@modules/orders/contract';
import { OrderRepository } from '@modules/orders/infrastructure/order.repository';

@QueryHandler(GetOrderQuery)
export class GetOrderQueryHandler implements IQueryHandler<GetOrderQuery, OrderView | null> {
  constructor(private readonly repository: OrderRepository) {}

  execute({ id }: GetOrderQuery): Promise<OrderView | null> {
    return this.repository.view(id);
  }
}
