import { defineContract } from '@shared-kernel';
import { CreateOrderCommand } from './commands/create-order.command';
import { OrderCreatedV1 } from './events/order-created.v1.event';
import { GetOrderQuery } from './queries/get-order.query';

export * from './views';
export * from './commands/create-order.command';
export * from './queries/get-order.query';
export * from './events/order-created.v1.event';

/** What orders offers other contexts: these commands and queries (over the bus) and events (topics). */
export const ordersContract = defineContract({
  commands: [CreateOrderCommand],
  queries: [GetOrderQuery],
  events: [OrderCreatedV1],
});
